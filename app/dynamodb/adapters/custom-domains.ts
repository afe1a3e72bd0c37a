import type { CustomDomain, CustomDomainsAdapter, CustomDomainWithTenantId } from "@authhero/adapter-interfaces";
import { stampNew, withoutId } from "../crud.js";
import { customDomainLookup, customDomainModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createCustomDomainsAdapter(table: DynamoTable): CustomDomainsAdapter {
  const domains = new Repository<CustomDomain>(table, customDomainModel as never);
  return {
    create: async (tenantId, insert, options) => {
      const domain = stampNew<CustomDomain>({ status: "pending", primary: false, ...insert }, "custom_domain_id", "cd", options);
      return domains.create(tenantId, domain, `Custom domain \`${domain.custom_domain_id}\` already exists.`);
    },
    get: (tenantId, id) => domains.get(tenantId, id),
    getByDomain: async (host) => {
      const { items } = await table.query({ index: "gsi2", partitionKey: customDomainLookup(host), limit: 2 });
      const [item] = items.filter((candidate) => candidate.type === customDomainModel.type);
      return item ? ({ ...domains.fromItem(item), tenant_id: item.tenant_id } as CustomDomainWithTenantId) : null;
    },
    list: async (tenantId) => domains.listAll(tenantId),
    remove: (tenantId, id) => domains.remove(tenantId, id),
    update: (tenantId, id, patch) => domains.update(tenantId, id, withoutId(patch, "custom_domain_id") as Partial<CustomDomain>),
  };
}
