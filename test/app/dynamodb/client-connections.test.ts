import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

async function createConnections(data: DataAdapters, tenantId: string, ...ids: string[]): Promise<void> {
  for (const id of ids) await data.connections.create(tenantId, { id, name: id, strategy: "Username-Password-Authentication", options: {} } as never);
}

async function connectionIds(data: DataAdapters, tenantId: string, clientId: string): Promise<string[]> {
  return (await data.clientConnections.listByClient(tenantId, clientId)).map((connection) => String(connection.id));
}

describe("clientConnections adapter", () => {
  const fixture = useAdapterFixture();

  describe("updateByClient and listByClient", () => {
    it("returns the connections in the given order", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a", "con_b", "con_c");
      assert.equal(await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_c", "con_a", "con_b"]), true);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_c", "con_a", "con_b"]);
    });

    it("replaces the previous list and order", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a", "con_b", "con_c");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a", "con_b", "con_c"]);
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_c", "con_a"]);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_c", "con_a"]);
      assert.deepEqual(await data.clientConnections.listByConnection(TENANT_A, "con_b"), []);
    });

    it("skips connections that no longer exist", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a", "con_gone"]);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_a"]);
    });

    it("skips the client's own item in its partition", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a");
      await data.clients.create(TENANT_A, { client_id: "app-1", name: "App" } as never);
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a"]);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_a"]);
    });
  });

  describe("listByConnection", () => {
    it("returns the clients using a connection", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a", "con_b");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a", "con_b"]);
      await data.clientConnections.updateByClient(TENANT_A, "app-2", ["con_a"]);
      assert.deepEqual((await data.clientConnections.listByConnection(TENANT_A, "con_a")).sort(), ["app-1", "app-2"]);
      assert.deepEqual(await data.clientConnections.listByConnection(TENANT_A, "con_b"), ["app-1"]);
    });
  });

  describe("addClientToConnection and removeClientFromConnection", () => {
    it("appends the connection once and removes it", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a", "con_b");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a"]);
      assert.equal(await data.clientConnections.addClientToConnection(TENANT_A, "con_b", "app-1"), true);
      assert.equal(await data.clientConnections.addClientToConnection(TENANT_A, "con_b", "app-1"), true);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_a", "con_b"]);

      assert.equal(await data.clientConnections.removeClientFromConnection(TENANT_A, "con_a", "app-1"), true);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_b"]);
      assert.deepEqual(await data.clientConnections.listByConnection(TENANT_A, "con_a"), []);
    });
  });

  describe("addClientToConnection after a removal", () => {
    it("appends after the remaining connections", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_z", "con_m", "con_a");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_z", "con_m"]);
      await data.clientConnections.removeClientFromConnection(TENANT_A, "con_z", "app-1");
      await data.clientConnections.addClientToConnection(TENANT_A, "con_a", "app-1");
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_m", "con_a"]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one client and connection id apart in two tenants", async () => {
      const { data } = fixture();
      await createConnections(data, TENANT_A, "con_a");
      await createConnections(data, TENANT_B, "con_a");
      await data.clientConnections.updateByClient(TENANT_A, "app-1", ["con_a"]);
      await data.clientConnections.updateByClient(TENANT_B, "app-2", ["con_a"]);

      assert.deepEqual(await connectionIds(data, TENANT_B, "app-1"), []);
      assert.deepEqual(await data.clientConnections.listByConnection(TENANT_B, "con_a"), ["app-2"]);
      await data.clientConnections.updateByClient(TENANT_B, "app-1", []);
      assert.equal(await data.clientConnections.removeClientFromConnection(TENANT_B, "con_a", "app-1"), false);
      assert.deepEqual(await connectionIds(data, TENANT_A, "app-1"), ["con_a"]);
      assert.deepEqual(await data.clientConnections.listByConnection(TENANT_A, "con_a"), ["app-1"]);
    });
  });
});
