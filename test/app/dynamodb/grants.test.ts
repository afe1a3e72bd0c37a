import assert from "node:assert/strict";
import type { DataAdapters, GrantsAdapter } from "@authhero/adapter-interfaces";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function grantsOf(data: DataAdapters): GrantsAdapter {
  assert.ok(data.grants, "the adapter must provide grants");
  return data.grants;
}

describe("grants adapter", () => {
  const fixture = useAdapterFixture();

  describe("create", () => {
    it("stores a new grant with an id", async () => {
      const grants = grantsOf(fixture().data);
      const created = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["read:orders"] });
      assert.match(created.id, /^gr_/);
      assert.equal(created.audience, undefined);
      assert.deepEqual(await grants.get(TENANT_A, "auth2|alice", "app-1"), created);
    });

    it("unions scopes into the existing grant", async () => {
      const grants = grantsOf(fixture().data);
      const first = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["read:orders", "write:orders"] });
      const second = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["write:orders", "read:invoices"] });
      assert.equal(second.id, first.id);
      assert.deepEqual(second.scope, ["read:orders", "write:orders", "read:invoices"]);
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "app-1"))?.scope, ["read:orders", "write:orders", "read:invoices"]);
      assert.equal((await grants.list(TENANT_A, { include_totals: true })).total, 1);
    });

    it("returns the stored grant when no scope is new", async () => {
      const grants = grantsOf(fixture().data);
      const first = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["a", "b"] });
      assert.deepEqual(await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["b"] }), first);
    });

    it("keeps every scope of concurrent creates", async () => {
      const grants = grantsOf(fixture().data);
      const scopes = ["s1", "s2", "s3", "s4", "s5"];
      const results = await Promise.all(scopes.map((scope) => grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: [scope] })));
      assert.equal(new Set(results.map((grant) => grant.id)).size, 1, "all creates must land on one grant");
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "app-1"))?.scope?.sort(), scopes);
    });

    it("keeps one grant per audience", async () => {
      const grants = grantsOf(fixture().data);
      const plain = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["openid"] });
      const api = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", audience: "https://api.example.com", scope: ["read:orders"] });
      assert.notEqual(api.id, plain.id);
      assert.equal(api.audience, "https://api.example.com");
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "app-1"))?.scope, ["openid"]);
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "app-1", "https://api.example.com"))?.scope, ["read:orders"]);
      assert.equal(await grants.get(TENANT_A, "auth2|alice", "app-1", "https://other.example.com"), null);
    });

    it("treats an empty audience as none", async () => {
      const grants = grantsOf(fixture().data);
      const created = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", audience: "", scope: ["openid"] });
      assert.equal(created.audience, undefined);
      assert.equal((await grants.get(TENANT_A, "auth2|alice", "app-1"))?.id, created.id);
      assert.equal((await grants.get(TENANT_A, "auth2|alice", "app-1", ""))?.id, created.id);
    });

    it("keeps ids with # apart", async () => {
      const grants = grantsOf(fixture().data);
      await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "a#b", scope: ["one"] });
      await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "a", audience: "b", scope: ["two"] });
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "a#b"))?.scope, ["one"]);
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "a", "b"))?.scope, ["two"]);
    });
  });

  describe("list", () => {
    async function seedGrants(grants: GrantsAdapter): Promise<void> {
      for (const user of ["auth2|alice", "auth2|bob"]) {
        for (const client of ["app-1", "app-2", "app-3"]) await grants.create(TENANT_A, { user_id: user, clientID: client, scope: ["openid"] });
      }
      await grants.create(TENANT_A, { user_id: "auth2|bob", clientID: "app-1", audience: "https://api.example.com", scope: ["read:orders"] });
    }

    it("filters by user_id", async () => {
      const grants = grantsOf(fixture().data);
      await seedGrants(grants);
      const result = await grants.list(TENANT_A, { q: 'user_id:"auth2|alice"', include_totals: true });
      assert.equal(result.total, 3);
      assert.deepEqual(result.grants.map((grant) => grant.clientID), ["app-1", "app-2", "app-3"]);
      assert.ok(result.grants.every((grant) => grant.user_id === "auth2|alice"));
    });

    it("filters by client_id and audience as AuthHero sends them", async () => {
      const grants = grantsOf(fixture().data);
      await seedGrants(grants);
      const byClient = await grants.list(TENANT_A, { q: 'client_id:"app-1"' });
      assert.equal(byClient.grants.length, 3);
      assert.ok(byClient.grants.every((grant) => grant.clientID === "app-1"));

      const combined = await grants.list(TENANT_A, { q: 'user_id:"auth2|bob" AND client_id:"app-1" AND audience:"https://api.example.com"' });
      assert.deepEqual(combined.grants.map((grant) => grant.scope), [["read:orders"]]);
    });

    it("pages across page boundaries without overlap", async () => {
      const grants = grantsOf(fixture().data);
      await seedGrants(grants);
      const seen: string[] = [];
      for (let page = 0; page < 4; page++) {
        const result = await grants.list(TENANT_A, { page, per_page: 2, include_totals: true });
        assert.equal(result.total, 7);
        assert.equal(result.start, page * 2);
        assert.equal(result.grants.length, page < 3 ? 2 : 1);
        seen.push(...result.grants.map((grant) => grant.id));
      }
      assert.equal(new Set(seen).size, 7);
    });

    it("pages one user's grants", async () => {
      const grants = grantsOf(fixture().data);
      await seedGrants(grants);
      const first = await grants.list(TENANT_A, { q: 'user_id:"auth2|bob"', page: 0, per_page: 3, include_totals: true });
      const second = await grants.list(TENANT_A, { q: 'user_id:"auth2|bob"', page: 1, per_page: 3, include_totals: true });
      assert.equal(first.total, 4);
      assert.equal(first.grants.length, 3);
      assert.equal(second.grants.length, 1);
      assert.equal(new Set([...first.grants, ...second.grants].map((grant) => grant.id)).size, 4);
    });
  });

  describe("remove", () => {
    it("removes one grant by id", async () => {
      const grants = grantsOf(fixture().data);
      const other = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["a"] });
      const removed = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-2", scope: ["a"] });
      assert.equal(await grants.remove(TENANT_A, removed.id), true);
      assert.equal(await grants.get(TENANT_A, "auth2|alice", "app-2"), null);
      assert.deepEqual((await grants.list(TENANT_A)).grants.map((grant) => grant.id), [other.id]);
      assert.equal(await grants.remove(TENANT_A, removed.id), false);
    });

    it("returns false for an unknown id", async () => {
      const grants = grantsOf(fixture().data);
      assert.equal(await grants.remove(TENANT_A, "gr_missing"), false);
    });

    it("creates a fresh grant after a removal", async () => {
      const grants = grantsOf(fixture().data);
      const old = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["a", "b"] });
      await grants.remove(TENANT_A, old.id);
      const fresh = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["c"] });
      assert.notEqual(fresh.id, old.id);
      assert.deepEqual(fresh.scope, ["c"]);
      assert.equal(await grants.remove(TENANT_A, old.id), false, "the old id must not remove the new grant");
      assert.deepEqual((await grants.get(TENANT_A, "auth2|alice", "app-1"))?.scope, ["c"]);
    });

    it("removes every grant of one user", async () => {
      const grants = grantsOf(fixture().data);
      await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["a"] });
      await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-2", audience: "https://api.example.com", scope: ["a"] });
      const bobs = await grants.create(TENANT_A, { user_id: "auth2|bob", clientID: "app-1", scope: ["a"] });
      assert.equal(await grants.removeByUser(TENANT_A, "auth2|alice"), true);
      assert.deepEqual((await grants.list(TENANT_A)).grants.map((grant) => grant.id), [bobs.id]);
      assert.equal(await grants.removeByUser(TENANT_A, "auth2|alice"), false);
    });

    it("goes with its user", async () => {
      const { data, table } = fixture();
      const grants = grantsOf(data);
      await data.users.create(TENANT_A, { user_id: "auth2|alice", connection: "Username-Password-Authentication", email: "alice@example.com", email_verified: true });
      const grant = await grants.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["a"] });
      assert.equal(await data.users.remove(TENANT_A, "auth2|alice"), true);
      assert.equal(await grants.get(TENANT_A, "auth2|alice", "app-1"), null);
      assert.deepEqual((await grants.list(TENANT_A)).grants, []);
      const idItem = await table.get({ pk: `${TENANT_A}#grant#${grant.id}`, sk: "grant" });
      assert.equal(idItem, undefined, "the grant's id item must go too");
    });
  });

  describe("tenant isolation", () => {
    it("keeps one user and client apart in two tenants", async () => {
      const grants = grantsOf(fixture().data);
      const inA = await grants.create(TENANT_A, { user_id: "auth2|same", clientID: "app-1", scope: ["a"] });
      await grants.create(TENANT_B, { user_id: "auth2|same", clientID: "app-1", scope: ["b"] });

      assert.deepEqual((await grants.get(TENANT_A, "auth2|same", "app-1"))?.scope, ["a"]);
      assert.deepEqual((await grants.get(TENANT_B, "auth2|same", "app-1"))?.scope, ["b"]);
      assert.deepEqual((await grants.list(TENANT_B)).grants.map((grant) => grant.scope), [["b"]]);
      assert.equal(await grants.remove(TENANT_B, inA.id), false);
      await grants.removeByUser(TENANT_B, "auth2|same");
      assert.deepEqual((await grants.get(TENANT_A, "auth2|same", "app-1"))?.scope, ["a"]);
    });
  });

  it("lists around a damaged grant", async () => {
    const { data, table } = fixture();
    await data.grants!.create(TENANT_A, { user_id: "auth2|alice", clientID: "app-1", scope: ["read"] } as never);
    await table.put({ pk: "tenant-a#user#auth2|alice", sk: "grant#broken#", type: "grant", v: 1, tenant_id: TENANT_A, gsi1pk: "tenant-a#grant", gsi1sk: "0" } as never);
    assert.equal((await data.grants!.list(TENANT_A)).grants.length, 1);
    assert.equal((await data.grants!.list(TENANT_A, { q: "user_id:auth2|alice" })).grants.length, 1);
  });
});
