import type { Role, UserRolesAdapter } from "@authhero/adapter-interfaces";
import { composeKey, SCHEMA_VERSION } from "../item.js";
import { tenantEntityModel, userPartition, userRoleAnyScopePrefix, userRoleKey, userRolePrefix } from "../keys.js";
import { paginate } from "../pagination.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

const TYPE = "user-role";

export function createUserRolesAdapter(table: DynamoTable): UserRolesAdapter {
  const roles = new Repository<Role>(table, tenantEntityModel<Role>("role", "id"));
  return {
    // An undefined organization means every scope; "" means tenant-level roles only.
    list: async (tenantId, userId, _params, organizationId) => {
      const prefix = organizationId === undefined ? userRoleAnyScopePrefix() : userRolePrefix(organizationId);
      const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: prefix });
      return roles.getMany(tenantId, items.filter((item) => item.type === TYPE).map((item) => String(item.data.role_id)));
    },
    // Offset paging reports the number of distinct users as `length`; cursor paging reports the page size.
    listUsers: async (tenantId, roleId, params = {}) => {
      const items = await table.queryAll({ index: "gsi1", partitionKey: composeKey(tenantId, "role-user", roleId) });
      const userIds = [...new Set(items.filter((item) => item.type === TYPE).map((item) => String(item.data.user_id)))].sort();
      const { items: pageIds, totals } = paginate(userIds, params, tenantId);
      const checkpoint = params.from !== undefined || params.take !== undefined;
      return {
        userIds: pageIds,
        start: totals.start,
        limit: totals.limit,
        length: checkpoint ? pageIds.length : userIds.length,
        ...(totals.next === undefined ? {} : { next: totals.next }),
      };
    },
    create: async (tenantId, userId, roleId, organizationId, options) => {
      const data = { user_id: userId, role_id: roleId, organization_id: organizationId ?? "", created_at: options?.importMetadata?.created_at ?? new Date().toISOString() };
      await table.put({ ...userRoleKey(tenantId, userId, roleId, organizationId), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data });
      return true;
    },
    remove: (tenantId, userId, roleId, organizationId) => table.delete(userRoleKey(tenantId, userId, roleId, organizationId)),
  };
}
