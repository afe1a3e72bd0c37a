import type { TenantsDataAdapter, Tenant } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { badRequest } from "../errors.js";
import { GLOBAL_SCOPE } from "../item.js";
import { tenantModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createTenantsAdapter(table: DynamoTable, removeTenantData: (tenantId: string) => Promise<void>): TenantsDataAdapter {
  const tenants = new Repository<Tenant>(table, tenantModel);
  return {
    create: async (params, options) => {
      const tenant = stampNew<Tenant>(params, "id", undefined, options);
      if (tenant.id.startsWith("$") || tenant.id.includes("#")) {
        throw badRequest(`Tenant id \`${tenant.id}\` is invalid: it must not start with \`$\` or contain \`#\`.`);
      }
      return tenants.create(GLOBAL_SCOPE, tenant, `A tenant with id \`${tenant.id}\` already exists.`);
    },
    get: (id) => tenants.get(GLOBAL_SCOPE, id),
    list: async (params = {}) => {
      const page = await tenants.list(GLOBAL_SCOPE, params);
      return { tenants: page.items, totals: page.totals };
    },
    update: async (id, patch) => {
      const { id: _ignored, ...rest } = patch;
      await tenants.update(GLOBAL_SCOPE, id, rest);
    },
    remove: async (id) => {
      const existed = (await tenants.get(GLOBAL_SCOPE, id)) !== null;
      if (!existed) return false;
      await removeTenantData(id);
      return tenants.remove(GLOBAL_SCOPE, id);
    },
  };
}
