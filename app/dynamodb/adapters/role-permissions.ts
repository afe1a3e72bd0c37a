import type { RolePermission, RolePermissionsAdapter } from "@authhero/adapter-interfaces";
import { readEntity, SCHEMA_VERSION } from "../item.js";
import { rolePartition, rolePermissionKey } from "../keys.js";
import type { DynamoTable } from "../table.js";

const TYPE = "role-permission";

export function createRolePermissionsAdapter(table: DynamoTable): RolePermissionsAdapter {
  return {
    assign: async (tenantId, roleId, permissions, options) => {
      const createdAt = options?.importMetadata?.created_at ?? new Date().toISOString();
      for (const permission of permissions) {
        const record: RolePermission = { ...permission, role_id: roleId, created_at: createdAt } as RolePermission;
        await table.put({ ...rolePermissionKey(tenantId, roleId, permission.resource_server_identifier, permission.permission_name), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: record as unknown as Record<string, unknown> });
      }
      return true;
    },
    remove: async (tenantId, roleId, permissions) => {
      await table.batchDelete(permissions.map((permission) => rolePermissionKey(tenantId, roleId, permission.resource_server_identifier, permission.permission_name)));
      return true;
    },
    list: async (tenantId, roleId) => {
      const items = await table.queryAll({ partitionKey: rolePartition(tenantId, roleId), sortKeyPrefix: "permission#" });
      return items.filter((item) => item.type === TYPE).map((item) => readEntity<RolePermission>(item, TYPE));
    },
  };
}
