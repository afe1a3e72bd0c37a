import type { Role, UserRolesAdapter } from "@authhero/adapter-interfaces";
import { memoizedRead, memoKey } from "../../cache/request-memo.js";
import { composeKey, SCHEMA_VERSION } from "../item.js";
import { tenantEntityModel, userPartition, userRoleAnyScopePrefix, userRoleKey, userRolePrefix } from "../keys.js";
import { paginate } from "../pagination.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

const TYPE = "user-role";

/** UserRolesAdapter plus the ids alone, so a caller can read the roles through its cache. */
export interface UserRolesWithIds extends UserRolesAdapter {
  listRoleIds(tenantId: string, userId: string, organizationId?: string): Promise<string[]>;
}

/** Builds the request memo key of a user's role assignments, which users.list also primes. */
export function userRoleLinksKey(tenantId: string, userId: string): string {
  return memoKey("links", [tenantId, userId]);
}

export function createUserRolesAdapter(table: DynamoTable): UserRolesWithIds {
  const roles = new Repository<Role>(table, tenantEntityModel<Role>("role", "id"));

  // An undefined organization means every scope; "" means tenant-level roles only.
  const listRoleIds = async (tenantId: string, userId: string, organizationId?: string): Promise<string[]> => {
    const prefix = organizationId === undefined ? userRoleAnyScopePrefix() : userRolePrefix(organizationId);
    const links = await memoizedRead("userRoles", userRoleLinksKey(tenantId, userId), () =>
      table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: userRoleAnyScopePrefix() }),
      { bypass: table.stagesWrites },
    );
    return links.filter((item) => item.type === TYPE && item.sk.startsWith(prefix)).map((item) => String(item.data.role_id));
  };

  return {
    list: async (tenantId, userId, _params, organizationId) => roles.getMany(tenantId, await listRoleIds(tenantId, userId, organizationId)),
    listRoleIds,
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
