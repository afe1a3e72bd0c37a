import type { Organization, UserOrganization, UserOrganizationsAdapter } from "@authhero/adapter-interfaces";
import { stampNew, withoutId } from "../crud.js";
import { composeKey } from "../item.js";
import { tenantEntityModel, userOrganizationModel, userOrganizationsPartition } from "../keys.js";
import { paginate } from "../pagination.js";
import { matchesFilter, parseQuery, requiredEquality } from "../query-filter.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createUserOrganizationsAdapter(table: DynamoTable): UserOrganizationsAdapter {
  const memberships = new Repository<UserOrganization>(table, userOrganizationModel as never);
  const organizations = new Repository<Organization>(table, tenantEntityModel<Organization>("organization", "id"));

  const byUser = async (tenantId: string, userId: string) =>
    memberships.entities(await table.queryAll({ index: "gsi1", partitionKey: userOrganizationsPartition(tenantId, userId) }));

  const byOrganization = async (tenantId: string, organizationId: string) =>
    memberships.entities(await table.queryAll({ index: "gsi2", partitionKey: composeKey(tenantId, "organization-members", organizationId) }));

  return {
    create: async (tenantId, params, options) => {
      const existing = (await byUser(tenantId, params.user_id)).find((membership) => membership.organization_id === params.organization_id);
      if (existing) return existing;
      return memberships.create(tenantId, stampNew<UserOrganization>(params, "id", "uor", options));
    },
    get: (tenantId, id) => memberships.get(tenantId, id),
    remove: (tenantId, id) => memberships.remove(tenantId, id),
    list: async (tenantId, params = {}) => {
      const filter = parseQuery(params.q);
      const userId = requiredEquality(filter, "user_id");
      const organizationId = requiredEquality(filter, "organization_id");
      let candidates: UserOrganization[];
      if (userId !== undefined) {
        candidates = await byUser(tenantId, userId);
      } else if (organizationId !== undefined) {
        candidates = await byOrganization(tenantId, organizationId);
      } else {
        // Every membership of the tenant, as AuthHero's tenant export reads them: one query per organization, no Scan.
        candidates = [];
        for (const organization of await organizations.listAll(tenantId)) candidates.push(...(await byOrganization(tenantId, organization.id)));
      }
      const page = paginate(candidates.filter((membership) => matchesFilter(membership as unknown as Record<string, unknown>, filter)), params, tenantId);
      // Offset paging reports the number of matching memberships as `length`, as userRoles.listUsers does, because
      // AuthHero 9.6.1's GET /organizations/{id}/members returns this `length` as its `total`.
      const cursorPaging = params.from !== undefined || params.take !== undefined;
      return { userOrganizations: page.items, ...page.totals, length: cursorPaging ? page.items.length : (page.totals.total ?? page.items.length) };
    },
    listUserOrganizations: async (tenantId, userId, params = {}) => {
      const ids = (await byUser(tenantId, userId)).map((membership) => membership.organization_id);
      const page = paginate(await organizations.getMany(tenantId, ids), params, tenantId);
      return { organizations: page.items, ...page.totals };
    },
    update: (tenantId, id, patch) => memberships.update(tenantId, id, withoutId(patch, "id") as Partial<UserOrganization>),
  };
}
