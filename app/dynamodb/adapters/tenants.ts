import type { TenantsDataAdapter, Tenant } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { badRequest } from "../errors.js";
import { GLOBAL_SCOPE, isExpired } from "../item.js";
import { tenantModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

/** Top-level attribute set on a tenant record while its data is being removed. */
const REMOVING_AT = "removing_at";

export function createTenantsAdapter(table: DynamoTable, removeTenantData: (tenantId: string) => Promise<void>): TenantsDataAdapter {
  const tenants = new Repository<Tenant>(table, tenantModel);

  /** Returns the tenant unless it is missing, expired or being removed. */
  const get = async (id: string): Promise<Tenant | null> => {
    const item = await table.get(tenantModel.key(GLOBAL_SCOPE, id));
    if (!item || isExpired(item) || item[REMOVING_AT] !== undefined) return null;
    return tenants.fromItem(item);
  };

  return {
    create: async (params, options) => {
      const tenant = stampNew<Tenant>(params, "id", undefined, options);
      if (tenant.id.startsWith("$") || tenant.id.includes("#")) {
        throw badRequest(`Tenant id \`${tenant.id}\` is invalid: it must not start with \`$\` or contain \`#\`.`);
      }
      return tenants.create(GLOBAL_SCOPE, tenant, `A tenant with id \`${tenant.id}\` already exists.`);
    },
    get,
    list: async (params = {}) => {
      const page = await tenants.list(GLOBAL_SCOPE, params);
      return { tenants: page.items, totals: page.totals };
    },
    update: async (id, patch) => {
      const { id: _ignored, ...rest } = patch;
      if ((await get(id)) === null) return;
      await tenants.update(GLOBAL_SCOPE, id, rest);
    },
    // The record is marked first and deleted last. The mark hides the tenant from get and list, so AuthHero
    // stops serving it while its data is deleted, and a repeat after an interruption still finds the record.
    remove: async (id) => {
      const key = tenantModel.key(GLOBAL_SCOPE, id);
      const item = await table.get(key, { consistent: true });
      if (!item) return false;
      if (item[REMOVING_AT] === undefined) {
        await table.update({
          Key: key,
          UpdateExpression: "SET #removing = if_not_exists(#removing, :now) REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#removing": REMOVING_AT },
          ExpressionAttributeValues: { ":now": new Date().toISOString() },
        });
      }
      await removeTenantData(id);
      await table.batchDelete([key]);
      return true;
    },
  };
}
