import assert from "node:assert/strict";
import type { LoginSessionInsert } from "@authhero/adapter-interfaces";
import { loginSessionModel } from "../../../app/dynamodb/keys.js";
import { withReplicaLagTolerance } from "../../../app/regions/lag-tolerance.js";
import { assertHttpError, isoIn, loginSessionInsert, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

describe("loginSessions adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("assigns an id and returns the session", async () => {
      const { data } = fixture();
      const created = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      assert.ok(created.id);
      assert.ok(created.created_at);

      const stored = await data.loginSessions.get(TENANT_A, created.id);
      assert.equal(stored?.csrf_token, "csrf");
      assert.equal(stored?.authParams.client_id, "app-1");
    });

    it("returns null for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.loginSessions.get(TENANT_A, "missing"), null);
    });
  });

  describe("update", () => {
    it("changes fields and keeps the id", async () => {
      const { data } = fixture();
      const { id } = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      assert.equal(await data.loginSessions.update(TENANT_A, id, { id: "other", user_id: "auth2|alice", session_id: "sess-1" }), true);

      const stored = await data.loginSessions.get(TENANT_A, id);
      assert.equal(stored?.user_id, "auth2|alice");
      assert.equal(stored?.session_id, "sess-1");
      assert.equal(await data.loginSessions.get(TENANT_A, "other"), null);
    });

    it("moves the expiry", async () => {
      const { data } = fixture();
      const { id } = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.loginSessions.update(TENANT_A, id, { expires_at: isoIn(-1) });
      assert.equal(await data.loginSessions.get(TENANT_A, id), null);
    });

    it("moves the TTL with the expiry in one UpdateItem", async () => {
      const { data, table, commands } = fixture();
      const { id } = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      const later = isoIn(7200);
      const before = commands.length;
      assert.equal(await data.loginSessions.update(TENANT_A, id, { expires_at: later, state: "pending" } as never), true);
      assert.deepEqual(commands.slice(before), ["UpdateItemCommand"]);

      const item = await table.get(loginSessionModel.key(TENANT_A, id));
      assert.equal(item?.expiresAt, Math.ceil(Date.parse(later) / 1000));
      assert.equal(item?.data.expires_at, later);
      assert.equal(item?.data.state, "pending");
    });

    it("returns false for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.loginSessions.update(TENANT_A, "missing", { user_id: "auth2|alice" }), false);
      assert.equal(await data.loginSessions.get(TENANT_A, "missing"), null);
    });
  });

  describe("expired login sessions", () => {
    it("are not returned or updated", async () => {
      const { data } = fixture();
      const { id } = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(-60) }));
      assert.equal(await data.loginSessions.get(TENANT_A, id), null);
      assert.equal(await data.loginSessions.update(TENANT_A, id, { user_id: "auth2|alice" }), false);
    });
  });

  describe("remove", () => {
    it("deletes the session", async () => {
      const { data } = fixture();
      const { id } = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      assert.equal(await data.loginSessions.remove(TENANT_A, id), true);
      assert.equal(await data.loginSessions.get(TENANT_A, id), null);
      assert.equal(await data.loginSessions.remove(TENANT_A, id), false);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one id apart in two tenants", async () => {
      const { data } = fixture();
      // Login session ids are 22 base64url characters.
      const sharedId = "sameIdInTwoTenants0000";
      await data.loginSessions.create(TENANT_A, { ...loginSessionInsert({ csrf_token: "a" }), id: sharedId } as LoginSessionInsert);
      await data.loginSessions.create(TENANT_B, { ...loginSessionInsert({ csrf_token: "b" }), id: sharedId } as LoginSessionInsert);

      assert.equal((await data.loginSessions.get(TENANT_B, sharedId))?.csrf_token, "b");
      await data.loginSessions.update(TENANT_B, sharedId, { user_id: "auth2|b" });
      await data.loginSessions.remove(TENANT_B, sharedId);

      const untouched = await data.loginSessions.get(TENANT_A, sharedId);
      assert.equal(untouched?.csrf_token, "a");
      assert.equal(untouched?.user_id, undefined);
    });
  });

  describe("ids", () => {
    it("reads nothing for an id no login session has", async () => {
      const { data, commands } = fixture();
      const before = commands.length;
      // A client's `state`, as /authorize looks it up: 32 random bytes in base64url.
      assert.equal(await data.loginSessions.get(TENANT_A, "dGhpcyBpcyBhIGNsaWVudCBzdGF0ZSB2YWx1ZSAxMjM"), null);
      assert.deepEqual(commands.slice(before), []);
    });

    it("rejects a created id of another form", async () => {
      const { data } = fixture();
      await assertHttpError(
        data.loginSessions.create(TENANT_A, { ...loginSessionInsert(), id: "login-1" } as never),
        400,
        "Login session id `login-1` is invalid: it must be 22 base64url characters, as the adapter generates; omit `id` to have one generated.",
      );
    });

    it("reports such an id missing without waiting for replicas", async () => {
      const { data } = fixture();
      const tolerant = withReplicaLagTolerance(data, 1000);
      const started = Date.now();
      assert.equal(await tolerant.loginSessions.get(TENANT_A, "client-state-1"), null);
      assert.ok(Date.now() - started < 200, `took ${Date.now() - started} ms`);
    });
  });
});
