import assert from "node:assert/strict";
import { assertHttpError, useAdapterFixture } from "./helpers.js";

describe("tenants adapter", () => {
  const fixture = useAdapterFixture();

  describe("create", () => {
    it("stores a tenant with the given id", async () => {
      const { data } = fixture();
      const created = await data.tenants.create({ id: "acme", friendly_name: "Acme" });
      assert.equal(created.id, "acme");
      assert.ok(created.created_at);

      const stored = await data.tenants.get("acme");
      assert.equal(stored?.friendly_name, "Acme");
    });

    it("prefers the import id over params.id", async () => {
      const { data } = fixture();
      const created = await data.tenants.create({ id: "given", friendly_name: "Imported" }, { importMetadata: { id: "imported" } } as never);
      assert.equal(created.id, "imported");
      assert.equal(await data.tenants.get("given"), null);
    });

    it("generates an id when none is given", async () => {
      const { data } = fixture();
      const created = await data.tenants.create({ friendly_name: "No id" });
      assert.ok(created.id.length > 0);
      assert.equal((await data.tenants.get(created.id))?.friendly_name, "No id");
    });

    it("rejects a duplicate id with 409", async () => {
      const { data } = fixture();
      await data.tenants.create({ id: "acme", friendly_name: "Acme" });
      await assertHttpError(data.tenants.create({ id: "acme", friendly_name: "Again" }), 409);
      assert.equal((await data.tenants.get("acme"))?.friendly_name, "Acme");
    });

    it("rejects ids that would collide with key syntax", async () => {
      const { data } = fixture();
      await assertHttpError(data.tenants.create({ id: "$global", friendly_name: "x" }), 400);
      await assertHttpError(data.tenants.create({ id: "a#b", friendly_name: "x" }), 400);
    });
  });

  describe("get", () => {
    it("returns null for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.tenants.get("missing"), null);
    });
  });

  describe("update", () => {
    it("changes fields and keeps the id", async () => {
      const { data } = fixture();
      await data.tenants.create({ id: "acme", friendly_name: "Acme" });
      await data.tenants.update("acme", { id: "other", friendly_name: "Acme Inc" } as never);

      const stored = await data.tenants.get("acme");
      assert.equal(stored?.friendly_name, "Acme Inc");
      assert.equal(stored?.id, "acme");
      assert.equal(await data.tenants.get("other"), null);
    });

    it("does not create a missing tenant", async () => {
      const { data } = fixture();
      await data.tenants.update("missing", { friendly_name: "Ghost" });
      assert.equal(await data.tenants.get("missing"), null);
    });
  });

  describe("remove", () => {
    it("returns false for an unknown tenant", async () => {
      const { data } = fixture();
      assert.equal(await data.tenants.remove("missing"), false);
    });

    it("removes the tenant and its data", async () => {
      const { data } = fixture();
      await data.tenants.create({ id: "acme", friendly_name: "Acme" });
      await data.clients.create("acme", { client_id: "app-1", name: "App" } as never);
      assert.equal(await data.tenants.remove("acme"), true);
      assert.equal(await data.tenants.get("acme"), null);
      assert.equal(await data.clients.getByClientId("app-1"), null);
    });
  });

  describe("list", () => {
    it("pages through tenants in creation order", async () => {
      const { data } = fixture();
      for (const id of ["t1", "t2", "t3"]) await data.tenants.create({ id, friendly_name: id, created_at: `2026-01-0${id.slice(1)}T00:00:00.000Z` } as never);

      const first = await data.tenants.list({ page: 0, per_page: 2, include_totals: true });
      assert.deepEqual(first.tenants.map((tenant) => tenant.id), ["t1", "t2"]);
      assert.equal(first.totals?.total, 3);

      const second = await data.tenants.list({ page: 1, per_page: 2 });
      assert.deepEqual(second.tenants.map((tenant) => tenant.id), ["t3"]);
    });

    it("filters with q", async () => {
      const { data } = fixture();
      await data.tenants.create({ id: "t1", friendly_name: "Alpha" });
      await data.tenants.create({ id: "t2", friendly_name: "Beta" });

      const { tenants } = await data.tenants.list({ q: "friendly_name:Beta" });
      assert.deepEqual(tenants.map((tenant) => tenant.id), ["t2"]);
    });
  });
});
