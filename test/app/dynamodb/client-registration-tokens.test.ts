import assert from "node:assert/strict";
import type { ClientRegistrationTokenInsert, ClientRegistrationTokensAdapter, DataAdapters } from "@authhero/adapter-interfaces";
import { assertHttpError, isoIn, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function tokensOf(data: DataAdapters): ClientRegistrationTokensAdapter {
  assert.ok(data.clientRegistrationTokens, "the adapter must provide clientRegistrationTokens");
  return data.clientRegistrationTokens;
}

/** Builds a single-use initial access token that expires in five minutes, with `fields` applied on top. */
function initialToken(id: string, fields: Partial<ClientRegistrationTokenInsert> = {}): ClientRegistrationTokenInsert {
  return { id, token_hash: `hash-${id}`, type: "iat", single_use: true, expires_at: isoIn(300), ...fields };
}

/** Builds a registration access token bound to `clientId`, without expiry. */
function registrationToken(id: string, clientId: string): ClientRegistrationTokenInsert {
  return { id, token_hash: `hash-${id}`, type: "rat", client_id: clientId, single_use: false };
}

describe("clientRegistrationTokens adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores the token with created_at", async () => {
      const tokens = tokensOf(fixture().data);
      const created = await tokens.create(TENANT_A, initialToken("iat1", { sub: "auth2|alice", constraints: { grant_types: ["client_credentials"] } }));
      assert.ok(created.created_at);
      assert.equal(created.used_at, undefined);
      assert.deepEqual(await tokens.get(TENANT_A, "iat1"), created);
    });

    it("finds a token by its hash", async () => {
      const tokens = tokensOf(fixture().data);
      const created = await tokens.create(TENANT_A, initialToken("iat1"));
      await tokens.create(TENANT_A, initialToken("iat2"));
      assert.deepEqual(await tokens.getByHash(TENANT_A, "hash-iat1"), created);
      assert.equal(await tokens.getByHash(TENANT_A, "hash-unknown"), null);
    });

    it("rejects a taken id with 409", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1"));
      await assertHttpError(tokens.create(TENANT_A, initialToken("iat1", { token_hash: "other-hash" })), 409);
    });

    it("rejects a taken hash with 409", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1"));
      await assertHttpError(tokens.create(TENANT_A, initialToken("iat2", { token_hash: "hash-iat1" })), 409);
      assert.equal(await tokens.get(TENANT_A, "iat2"), null, "the rejected token must not be stored");
    });

    it("ignores expired tokens", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("old", { expires_at: isoIn(-5) }));
      assert.equal(await tokens.get(TENANT_A, "old"), null);
      assert.equal(await tokens.getByHash(TENANT_A, "hash-old"), null);
      assert.equal(await tokens.markUsed(TENANT_A, "old", isoIn(0)), false);
      assert.equal(await tokens.revoke(TENANT_A, "old", isoIn(0)), false);
    });
  });

  describe("markUsed", () => {
    it("marks a single-use token once", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1"));
      const usedAt = isoIn(0);
      assert.equal(await tokens.markUsed(TENANT_A, "iat1", usedAt), true);
      assert.equal(await tokens.markUsed(TENANT_A, "iat1", isoIn(1)), false);
      assert.equal((await tokens.get(TENANT_A, "iat1"))?.used_at, usedAt);
    });

    it("lets one of concurrent uses win", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1"));
      const results = await Promise.all(Array.from({ length: 6 }, () => tokens.markUsed(TENANT_A, "iat1", isoIn(0))));
      assert.equal(results.filter(Boolean).length, 1, `results: ${JSON.stringify(results)}`);
    });

    it("records every use of a multi-use token", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1", { single_use: false }));
      assert.equal(await tokens.markUsed(TENANT_A, "iat1", "2026-01-01T00:00:00.000Z"), true);
      assert.equal(await tokens.markUsed(TENANT_A, "iat1", "2026-01-02T00:00:00.000Z"), true);
      assert.equal((await tokens.get(TENANT_A, "iat1"))?.used_at, "2026-01-02T00:00:00.000Z");
    });

    it("rejects revoked and missing tokens", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1", { single_use: false }));
      await tokens.revoke(TENANT_A, "iat1", isoIn(0));
      assert.equal(await tokens.markUsed(TENANT_A, "iat1", isoIn(0)), false);
      assert.equal(await tokens.markUsed(TENANT_A, "missing", isoIn(0)), false);
    });
  });

  describe("revoke", () => {
    it("keeps the first revocation time", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, registrationToken("rat1", "client-1"));
      assert.equal(await tokens.revoke(TENANT_A, "rat1", "2026-01-01T00:00:00.000Z"), true);
      assert.equal(await tokens.revoke(TENANT_A, "rat1", "2026-01-02T00:00:00.000Z"), true);
      assert.equal((await tokens.getByHash(TENANT_A, "hash-rat1"))?.revoked_at, "2026-01-01T00:00:00.000Z");
      assert.equal(await tokens.revoke(TENANT_A, "missing", isoIn(0)), false);
    });

    it("revokes a client's tokens and counts them", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, registrationToken("rat1", "client-1"));
      await tokens.create(TENANT_A, registrationToken("rat2", "client-1"));
      await tokens.create(TENANT_A, registrationToken("rat3", "client-1"));
      await tokens.create(TENANT_A, registrationToken("other", "client-2"));
      await tokens.revoke(TENANT_A, "rat3", "2026-01-01T00:00:00.000Z");

      assert.equal(await tokens.revokeByClient(TENANT_A, "client-1", "2026-02-01T00:00:00.000Z"), 2);
      assert.equal((await tokens.get(TENANT_A, "rat1"))?.revoked_at, "2026-02-01T00:00:00.000Z");
      assert.equal((await tokens.get(TENANT_A, "rat3"))?.revoked_at, "2026-01-01T00:00:00.000Z");
      assert.equal((await tokens.get(TENANT_A, "other"))?.revoked_at, undefined);
      assert.equal(await tokens.revokeByClient(TENANT_A, "client-1", isoIn(0)), 0);
    });
  });

  describe("listByClient", () => {
    it("lists a client's live tokens newest first", async () => {
      const tokens = tokensOf(fixture().data);
      for (const id of ["rat1", "rat2", "rat3"]) {
        await tokens.create(TENANT_A, registrationToken(id, "client-1"));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await tokens.create(TENANT_A, { ...registrationToken("expired", "client-1"), expires_at: isoIn(-5) });
      await tokens.create(TENANT_A, registrationToken("other", "client-2"));
      assert.deepEqual((await tokens.listByClient(TENANT_A, "client-1")).map((token) => token.id), ["rat3", "rat2", "rat1"]);
      assert.deepEqual(await tokens.listByClient(TENANT_A, "client-none"), []);
    });
  });

  describe("remove", () => {
    it("removes the token and its hash lookup", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, initialToken("iat1"));
      assert.equal(await tokens.remove(TENANT_A, "iat1"), true);
      assert.equal(await tokens.get(TENANT_A, "iat1"), null);
      assert.equal(await tokens.getByHash(TENANT_A, "hash-iat1"), null);
      assert.equal(await tokens.remove(TENANT_A, "iat1"), false);
      await tokens.create(TENANT_A, initialToken("iat2", { token_hash: "hash-iat1" }));
      assert.equal((await tokens.getByHash(TENANT_A, "hash-iat1"))?.id, "iat2", "a removed token's hash can be issued again");
    });
  });

  describe("tenant isolation", () => {
    it("keeps one id and hash apart in two tenants", async () => {
      const tokens = tokensOf(fixture().data);
      await tokens.create(TENANT_A, registrationToken("rat1", "client-1"));
      await tokens.create(TENANT_B, { ...registrationToken("rat1", "client-1"), sub: "tenant-b-user" });

      assert.equal((await tokens.getByHash(TENANT_B, "hash-rat1"))?.sub, "tenant-b-user");
      assert.equal((await tokens.getByHash(TENANT_A, "hash-rat1"))?.sub, undefined);
      assert.equal(await tokens.revokeByClient(TENANT_B, "client-1", isoIn(0)), 1);
      assert.equal((await tokens.get(TENANT_A, "rat1"))?.revoked_at, undefined);
      assert.equal(await tokens.remove(TENANT_B, "rat1"), true);
      assert.equal((await tokens.getByHash(TENANT_A, "hash-rat1"))?.id, "rat1");
      assert.equal(await tokens.getByHash(TENANT_B, "hash-missing"), null);
    });
  });
});
