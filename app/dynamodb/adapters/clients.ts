import type { Client, ClientsAdapter, ClientWithTenantId } from "@authhero/adapter-interfaces";
import { stampNew, withoutId } from "../crud.js";
import { isExpired, readEntity } from "../item.js";
import { clientIdGuard, clientIdLookup, clientModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";

export function createClientsAdapter(table: DynamoTable): ClientsAdapter {
  const clients = new Repository<Client>(table, clientModel);
  return {
    create: async (tenantId, params, options) => {
      const client = stampNew<Client>(params, "client_id", undefined, options);
      // The guard makes the client id unique across tenants, because
      // getByClientId must resolve to exactly one tenant.
      const guard: TransactItem = { Put: { Item: { ...clientIdGuard(client.client_id), type: "client-id-guard", v: 1, tenant_id: tenantId, data: {} }, ConditionExpression: "attribute_not_exists(pk)" } };
      await table.transactWrite([clients.putTransactItem(tenantId, client, { ifAbsent: true }), guard], `A client with client_id \`${client.client_id}\` already exists.`);
      return client;
    },
    get: (tenantId, clientId) => clients.get(tenantId, clientId),
    getByClientId: async (clientId) => {
      const { items } = await table.query({ index: "gsi2", partitionKey: clientIdLookup(clientId), limit: 2 });
      const item = items.find((candidate) => candidate.type === clientModel.type && !isExpired(candidate));
      if (!item) return null;
      return { ...readEntity<Client>(item, clientModel.type), tenant_id: item.tenant_id } as ClientWithTenantId;
    },
    list: async (tenantId, params = {}) => {
      const page = await clients.list(tenantId, params);
      return { clients: page.items, totals: page.totals };
    },
    update: (tenantId, clientId, patch) => clients.update(tenantId, clientId, withoutId(patch, "client_id") as Partial<Client>),
    remove: async (tenantId, clientId) => {
      const existing = await clients.get(tenantId, clientId);
      if (!existing) return false;
      await table.transactWrite([
        { Delete: { Key: clientModel.key(tenantId, clientId) } },
        { Delete: { Key: clientIdGuard(clientId), ConditionExpression: "tenant_id = :tenant", ExpressionAttributeValues: { ":tenant": tenantId } } },
      ]);
      return true;
    },
  };
}
