import assert from "node:assert/strict";
import type { ClientInsert } from "@authhero/adapter-interfaces";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function clientInsert(clientId: string, name = clientId): ClientInsert {
  return { client_id: clientId, name, callbacks: ["https://app.example.com/callback"] } as ClientInsert;
}

describe("clients adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores a client under its tenant", async () => {
      const { data } = fixture();
      const created = await data.clients.create(TENANT_A, clientInsert("app-1", "App One"));
      assert.equal(created.client_id, "app-1");
      assert.ok(created.created_at);

      const stored = await data.clients.get(TENANT_A, "app-1");
      assert.equal(stored?.name, "App One");
      assert.deepEqual(stored?.callbacks, ["https://app.example.com/callback"]);
    });

    it("returns null for an unknown client", async () => {
      const { data } = fixture();
      assert.equal(await data.clients.get(TENANT_A, "missing"), null);
    });

    it("rejects a duplicate client id in one tenant with 409", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1", "First"));
      await assertHttpError(data.clients.create(TENANT_A, clientInsert("app-1", "Second")), 409, "A client with client_id `app-1` already exists.");
      assert.equal((await data.clients.get(TENANT_A, "app-1"))?.name, "First");
    });

    it("rejects a client id another tenant uses with 409", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1"));
      await assertHttpError(data.clients.create(TENANT_B, clientInsert("app-1")), 409);
      assert.equal(await data.clients.get(TENANT_B, "app-1"), null);
    });

    it("accepts client ids containing # and %", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("a#b%23c"));
      assert.equal((await data.clients.get(TENANT_A, "a#b%23c"))?.client_id, "a#b%23c");
      assert.equal(await data.clients.get(TENANT_A, "a#b#c"), null);
    });
  });

  describe("getByClientId", () => {
    it("finds the client and its tenant through the index", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_B, clientInsert("app-b", "B app"));

      const found = await data.clients.getByClientId("app-b");
      assert.equal(found?.tenant_id, TENANT_B);
      assert.equal(found?.name, "B app");
    });

    it("returns null for an unknown client id", async () => {
      const { data } = fixture();
      assert.equal(await data.clients.getByClientId("missing"), null);
    });

    it("frees the client id after remove", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1"));
      assert.equal(await data.clients.remove(TENANT_A, "app-1"), true);
      assert.equal(await data.clients.getByClientId("app-1"), null);

      await data.clients.create(TENANT_B, clientInsert("app-1"));
      assert.equal((await data.clients.getByClientId("app-1"))?.tenant_id, TENANT_B);
    });

    it("sees updated fields", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1", "Old"));
      await data.clients.update(TENANT_A, "app-1", { name: "New" });
      assert.equal((await data.clients.getByClientId("app-1"))?.name, "New");
    });
  });

  describe("update", () => {
    it("changes fields and stamps updated_at", async () => {
      const { data } = fixture();
      const created = await data.clients.create(TENANT_A, { ...clientInsert("app-1"), updated_at: "2020-01-01T00:00:00.000Z" } as ClientInsert);
      assert.equal(await data.clients.update(TENANT_A, "app-1", { name: "Renamed", callbacks: ["https://new.example.com/cb"] }), true);

      const stored = await data.clients.get(TENANT_A, "app-1");
      assert.equal(stored?.name, "Renamed");
      assert.deepEqual(stored?.callbacks, ["https://new.example.com/cb"]);
      assert.notEqual(stored?.updated_at, created.updated_at);
    });

    it("ignores a client_id in the patch", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1"));
      await data.clients.update(TENANT_A, "app-1", { client_id: "app-2", name: "Renamed" });
      assert.equal((await data.clients.get(TENANT_A, "app-1"))?.client_id, "app-1");
      assert.equal(await data.clients.get(TENANT_A, "app-2"), null);
    });

    it("returns false for an unknown client", async () => {
      const { data } = fixture();
      assert.equal(await data.clients.update(TENANT_A, "missing", { name: "x" }), false);
      assert.equal(await data.clients.get(TENANT_A, "missing"), null);
    });
  });

  describe("remove", () => {
    it("deletes the client", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1"));
      assert.equal(await data.clients.remove(TENANT_A, "app-1"), true);
      assert.equal(await data.clients.get(TENANT_A, "app-1"), null);
      assert.equal(await data.clients.remove(TENANT_A, "app-1"), false);
    });
  });

  describe("list", () => {
    it("pages through a tenant's clients", async () => {
      const { data } = fixture();
      for (let index = 0; index < 5; index++) {
        await data.clients.create(TENANT_A, { ...clientInsert(`app-${index}`), created_at: `2026-01-01T00:00:0${index}.000Z` } as ClientInsert);
      }

      const first = await data.clients.list(TENANT_A, { page: 0, per_page: 2, include_totals: true });
      assert.deepEqual(first.clients.map((client) => client.client_id), ["app-0", "app-1"]);
      assert.equal(first.totals?.total, 5);

      const last = await data.clients.list(TENANT_A, { page: 2, per_page: 2 });
      assert.deepEqual(last.clients.map((client) => client.client_id), ["app-4"]);
    });

    it("filters with q", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-1", "Web"));
      await data.clients.create(TENANT_A, clientInsert("app-2", "Mobile"));

      const { clients } = await data.clients.list(TENANT_A, { q: "name:Mobile" });
      assert.deepEqual(clients.map((client) => client.client_id), ["app-2"]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps get, list, update and remove within the tenant", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, clientInsert("app-a", "A"));
      await data.clients.create(TENANT_B, clientInsert("app-b", "B"));

      assert.equal(await data.clients.get(TENANT_B, "app-a"), null);
      assert.deepEqual((await data.clients.list(TENANT_B)).clients.map((client) => client.client_id), ["app-b"]);
      assert.equal(await data.clients.update(TENANT_B, "app-a", { name: "hijacked" }), false);
      assert.equal(await data.clients.remove(TENANT_B, "app-a"), false);

      const untouched = await data.clients.get(TENANT_A, "app-a");
      assert.equal(untouched?.name, "A");
      assert.equal((await data.clients.getByClientId("app-a"))?.tenant_id, TENANT_A);
    });
  });
});
