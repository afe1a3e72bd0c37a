import type { ClientConnectionsAdapter, Connection } from "@authhero/adapter-interfaces";
import { composeKey, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { clientConnectionKey, clientPartition, connectionModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

const TYPE = "client-connection";

/** Which connections a client offers, in the order the login page shows them. */
export function createClientConnectionsAdapter(table: DynamoTable): ClientConnectionsAdapter {
  const connections = new Repository<Connection>(table, connectionModel);

  const linkItem = (tenantId: string, clientId: string, connectionId: string, position: number): StoredItem => ({
    ...clientConnectionKey(tenantId, clientId, connectionId),
    type: TYPE,
    v: SCHEMA_VERSION,
    tenant_id: tenantId,
    data: { client_id: clientId, connection_id: connectionId, position },
  });

  const links = async (tenantId: string, clientId: string) => {
    const items = await table.queryAll({ partitionKey: clientPartition(tenantId, clientId), sortKeyPrefix: "connection#" });
    return items.filter((item) => item.type === TYPE).sort((left, right) => Number(left.data.position) - Number(right.data.position));
  };

  return {
    listByClient: async (tenantId, clientId) => connections.getMany(tenantId, (await links(tenantId, clientId)).map((item) => String(item.data.connection_id))),
    updateByClient: async (tenantId, clientId, connectionIds) => {
      const existing = await links(tenantId, clientId);
      const keep = new Set(connectionIds);
      await table.batchDelete(existing.filter((item) => !keep.has(String(item.data.connection_id))).map(({ pk, sk }) => ({ pk, sk })));
      for (const [position, connectionId] of connectionIds.entries()) await table.put(linkItem(tenantId, clientId, connectionId, position));
      return true;
    },
    listByConnection: async (tenantId, connectionId) => {
      const items = await table.queryAll({ index: "gsi1", partitionKey: composeKey(tenantId, "connection-client", connectionId) });
      return items.filter((item) => item.type === TYPE).map((item) => String(item.data.client_id));
    },
    addClientToConnection: async (tenantId, connectionId, clientId) => {
      const existing = await links(tenantId, clientId);
      if (existing.some((item) => item.data.connection_id === connectionId)) return true;
      // After a removal the positions have gaps, so the count could tie with the last position.
      const next = existing.reduce((max, item) => Math.max(max, Number(item.data.position) + 1), 0);
      await table.put(linkItem(tenantId, clientId, connectionId, next));
      return true;
    },
    removeClientFromConnection: (tenantId, connectionId, clientId) => table.delete(clientConnectionKey(tenantId, clientId, connectionId)),
  };
}
