import type { UserPermissionsAdapter, UserPermissionWithDetails } from "@authhero/adapter-interfaces";
import { readEntity, SCHEMA_VERSION } from "../item.js";
import { userPartition, userPermissionKey, userPermissionPrefix } from "../keys.js";
import type { DynamoTable } from "../table.js";

const TYPE = "user-permission";

export function createUserPermissionsAdapter(table: DynamoTable): UserPermissionsAdapter {
  return {
    create: async (tenantId, userId, permission, organizationId, options) => {
      const data = { ...permission, user_id: userId, organization_id: organizationId ?? "", created_at: options?.importMetadata?.created_at ?? new Date().toISOString() };
      await table.put({ ...userPermissionKey(tenantId, userId, permission.resource_server_identifier, permission.permission_name, organizationId), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data });
      return true;
    },
    remove: (tenantId, userId, permission, organizationId) =>
      table.delete(userPermissionKey(tenantId, userId, permission.resource_server_identifier, permission.permission_name, organizationId)),
    list: async (tenantId, userId, _params, organizationId) => {
      const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: userPermissionPrefix(organizationId) });
      return items.filter((item) => item.type === TYPE).map((item) => readEntity<UserPermissionWithDetails>(item, TYPE));
    },
  };
}
