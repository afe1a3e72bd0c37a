import type { DataAdapters, Role } from "@authhero/adapter-interfaces";

type ListRoleIds = (tenantId: string, userId: string, organizationId?: string) => Promise<string[]>;

/**
 * Reads a user's roles as the assignments from the table and each role's
 * definition through `roles.get` of the given (cached) adapters, in place
 * of a BatchGetItem of the roles on every call. Assignments are never
 * cached, so revoking a role from a user takes effect on the next request.
 * A role's own name or description can be up to the cache lifetime old, as
 * every cached roles.get is, and a role deleted in another process can
 * still be listed for that long if its assignments remain. Adapters without `listRoleIds` are
 * returned unchanged.
 */
export function withCachedRoleDefinitions(adapters: DataAdapters): DataAdapters {
  const userRoles = adapters.userRoles as DataAdapters["userRoles"] & { listRoleIds?: ListRoleIds };
  const listRoleIds = userRoles.listRoleIds;
  if (!listRoleIds) return adapters;
  return {
    ...adapters,
    userRoles: {
      ...userRoles,
      list: async (tenantId, userId, _params, organizationId) => {
        const ids = await listRoleIds(tenantId, userId, organizationId);
        const roles = await Promise.all(ids.map((id) => adapters.roles.get(tenantId, id)));
        return roles.filter((role): role is Role => role !== null);
      },
    },
  };
}
