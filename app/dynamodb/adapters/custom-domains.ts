import type { CustomDomain, CustomDomainsAdapter, CustomDomainWithTenantId } from "@authhero/adapter-interfaces";
import { stampNew, withoutId } from "../crud.js";
import { SCHEMA_VERSION } from "../item.js";
import { customDomainGuard, customDomainLookup, customDomainModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";

const GUARD_TYPE = "custom-domain-guard";

/**
 * Custom domains are unique across tenants, because getByDomain picks the
 * tenant for a request host. Each domain has a guard item, written in the
 * same transaction as the domain, so two tenants cannot claim one host.
 * NOTE: domains stored before the guard existed have none and stay claimable.
 */
export function createCustomDomainsAdapter(table: DynamoTable): CustomDomainsAdapter {
  const domains = new Repository<CustomDomain>(table, customDomainModel as never);

  const claimGuard = (tenantId: string, domain: string): TransactItem =>
    ({
      Put: {
        Item: { ...customDomainGuard(domain), type: GUARD_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: { domain: domain.toLowerCase() } },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });

  /** Builds the delete of the tenant's guard for a domain, or none when the guard is missing or another tenant's. */
  const releaseGuard = async (tenantId: string, domain: string): Promise<TransactItem[]> => {
    const guard = await table.get(customDomainGuard(domain), { consistent: true });
    if (guard?.tenant_id !== tenantId) return [];
    return [{ Delete: { Key: customDomainGuard(domain), ConditionExpression: "tenant_id = :tenant", ExpressionAttributeValues: { ":tenant": tenantId } } }];
  };

  return {
    create: async (tenantId, insert, options) => {
      const domain = stampNew<CustomDomain>({ status: "pending", primary: false, ...insert }, "custom_domain_id", "cd", options);
      await table.transactWrite(
        [domains.putTransactItem(tenantId, domain, { ifAbsent: true }), claimGuard(tenantId, domain.domain)],
        `Custom domain \`${domain.domain}\` or id \`${domain.custom_domain_id}\` already exists.`,
      );
      return domain;
    },
    get: (tenantId, id) => domains.get(tenantId, id),
    getByDomain: async (host) => {
      const { items } = await table.query({ index: "gsi2", partitionKey: customDomainLookup(host), limit: 2 });
      const [item] = items.filter((candidate) => candidate.type === customDomainModel.type);
      return item ? ({ ...domains.fromItem(item), tenant_id: item.tenant_id } as CustomDomainWithTenantId) : null;
    },
    list: async (tenantId) => domains.listAll(tenantId),
    remove: async (tenantId, id) => {
      const existing = await domains.get(tenantId, id);
      if (!existing) return false;
      await table.transactWrite([{ Delete: { Key: customDomainModel.key(tenantId, id) } }, ...(await releaseGuard(tenantId, existing.domain))]);
      return true;
    },
    update: async (tenantId, id, patch) => {
      const changes = withoutId(patch, "custom_domain_id") as Partial<CustomDomain>;
      if (changes.domain === undefined) return domains.update(tenantId, id, changes);

      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const stamped = { ...defined, updated_at: (defined.updated_at as string | undefined) ?? new Date().toISOString() };
      return domains.rewrite(
        tenantId,
        id,
        (current) => ({ ...current, ...stamped }),
        async (before, after) => (before.domain.toLowerCase() === after.domain.toLowerCase() ? [] : [...(await releaseGuard(tenantId, before.domain)), claimGuard(tenantId, after.domain)]),
      );
    },
  };
}
