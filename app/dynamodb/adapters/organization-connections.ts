import type { OrganizationConnection, OrganizationConnectionsAdapter } from "@authhero/adapter-interfaces";
import { nowIso } from "../ids.js";
import { readEntity, SCHEMA_VERSION } from "../item.js";
import { organizationConnectionKey, organizationPartition } from "../keys.js";
import type { DynamoTable } from "../table.js";

const TYPE = "organization-connection";

/** The connections enabled for an organization, kept in the organization's partition. */
export function createOrganizationConnectionsAdapter(table: DynamoTable): OrganizationConnectionsAdapter {
  const read = async (tenantId: string, organizationId: string, connectionId: string): Promise<OrganizationConnection | null> => {
    const item = await table.get(organizationConnectionKey(tenantId, organizationId, connectionId));
    return item ? readEntity<OrganizationConnection>(item, TYPE) : null;
  };
  const item = (tenantId: string, organizationId: string, connection: OrganizationConnection) => ({
    ...organizationConnectionKey(tenantId, organizationId, connection.connection_id),
    type: TYPE,
    v: SCHEMA_VERSION,
    tenant_id: tenantId,
    data: connection as unknown as Record<string, unknown>,
  });

  return {
    create: async (tenantId, organizationId, params, options) => {
      const now = nowIso();
      const connection = {
        assign_membership_on_login: false,
        show_as_button: true,
        is_signup_enabled: true,
        ...params,
        created_at: options?.importMetadata?.created_at ?? now,
        updated_at: options?.importMetadata?.updated_at ?? now,
      } as OrganizationConnection;
      await table.put(item(tenantId, organizationId, connection), {
        ifAbsent: true,
        conflictMessage: `Connection \`${params.connection_id}\` is already enabled for organization \`${organizationId}\`.`,
      });
      return connection;
    },
    list: async (tenantId, organizationId) => {
      const items = await table.queryAll({ partitionKey: organizationPartition(tenantId, organizationId), sortKeyPrefix: "connection#" });
      return items.filter((entry) => entry.type === TYPE).map((entry) => readEntity<OrganizationConnection>(entry, TYPE));
    },
    get: read,
    update: async (tenantId, organizationId, connectionId, patch) => {
      const current = await read(tenantId, organizationId, connectionId);
      if (!current) return null;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const updated = { ...current, ...defined, connection_id: connectionId, updated_at: nowIso() } as OrganizationConnection;
      await table.put(item(tenantId, organizationId, updated));
      return updated;
    },
    remove: (tenantId, organizationId, connectionId) => table.delete(organizationConnectionKey(tenantId, organizationId, connectionId)),
  };
}
