import assert from "node:assert/strict";
import type { DataAdapters, SessionInsert } from "@authhero/adapter-interfaces";
import { assertHttpError, DEVICE, failFirstCommandMentioning, gateCommands, isoIn, loginSessionInsert, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function sessionInsert(id: string, loginSessionId: string, fields: Partial<SessionInsert> = {}): SessionInsert {
  return { id, user_id: "auth2|alice", login_session_id: loginSessionId, device: DEVICE, clients: ["app-1"], expires_at: isoIn(3600), ...fields };
}

async function loginSessionExpiry(data: DataAdapters, tenantId: string, id: string): Promise<number> {
  const loginSession = await data.loginSessions.get(tenantId, id);
  assert.ok(loginSession, `login session ${id} must exist`);
  return Date.parse(loginSession.expires_at);
}

describe("sessions adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores and returns the session", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      const created = await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      assert.ok(created.created_at);

      const stored = await data.sessions.get(TENANT_A, "sess-1");
      assert.equal(stored?.user_id, "auth2|alice");
      assert.deepEqual(stored?.clients, ["app-1"]);
    });

    it("returns null for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.sessions.get(TENANT_A, "missing"), null);
    });

    it("extends the parent login session to the session's expiry", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(300) }));
      const expiresAt = isoIn(86_400);
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: expiresAt }));
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(expiresAt));
    });

    it("extends the parent to the later of expires_at and idle_expires_at", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(300) }));
      const idle = isoIn(7200);
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(3600), idle_expires_at: idle }));
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(idle));
    });

    it("never shortens the parent login session", async () => {
      const { data } = fixture();
      const longer = isoIn(86_400);
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: longer }));
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(600) }));
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(longer));
    });

    it("writes nothing when extending the parent fails", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, { ...loginSessionInsert({ expires_at: isoIn(300) }), id: "loginToFail00000000000" } as never);
      const before = await loginSessionExpiry(data, TENANT_A, login.id);
      // Only the write that extends a login session sets its expires_at.
      failFirstCommandMentioning(fixture(), "SET #data.#expires");

      await assert.rejects(data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(86_400) })));
      assert.equal(await data.sessions.get(TENANT_A, "sess-1"), null);
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), before);
    });

    it("rejects a duplicate id with 409 and leaves the parent alone", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(300) }));
      const first = isoIn(3600);
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: first }));
      await assertHttpError(data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(86_400) })), 409);
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(first));
    });

    it("keeps its extension when another session extended the parent less far", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(60) }));
      const gate = gateCommands(fixture(), (name, input) => (name === "TransactWriteItemsCommand" || name === "PutItemCommand") && input.includes('"sess-slow"'));
      const slowExpiry = isoIn(5000);
      const slow = data.sessions.create(TENANT_A, sessionInsert("sess-slow", login.id, { expires_at: slowExpiry }));

      await gate.held();
      await data.sessions.create(TENANT_A, sessionInsert("sess-quick", login.id, { expires_at: isoIn(1000) }));
      gate.release();
      await slow;

      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(slowExpiry));
      assert.equal((await data.sessions.list(TENANT_A)).sessions.length, 2);
    });

    it("retries without shortening when another session extended the parent further", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(60) }));
      const gate = gateCommands(fixture(), (name, input) => (name === "TransactWriteItemsCommand" || name === "PutItemCommand") && input.includes('"sess-slow"'));
      const slow = data.sessions.create(TENANT_A, sessionInsert("sess-slow", login.id, { expires_at: isoIn(1000) }));

      await gate.held();
      const quickExpiry = isoIn(5000);
      await data.sessions.create(TENANT_A, sessionInsert("sess-quick", login.id, { expires_at: quickExpiry }));
      gate.release();
      await slow;

      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(quickExpiry));
      assert.ok(await data.sessions.get(TENANT_A, "sess-slow"));
    });

    it("creates the session when the parent login session is missing", async () => {
      const { data } = fixture();
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", "missing-login"));
      assert.ok(await data.sessions.get(TENANT_A, "sess-1"));
      assert.equal(await data.loginSessions.get(TENANT_A, "missing-login"), null);
    });
  });

  describe("update", () => {
    it("changes fields", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      const usedAt = isoIn(0);
      assert.equal(await data.sessions.update(TENANT_A, "sess-1", { used_at: usedAt, clients: ["app-1", "app-2"] }), true);

      const stored = await data.sessions.get(TENANT_A, "sess-1");
      assert.equal(stored?.used_at, usedAt);
      assert.deepEqual(stored?.clients, ["app-1", "app-2"]);
    });

    it("extends the parent when the expiry moves forward", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(300) }));
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(600) }));
      const renewed = isoIn(172_800);
      await data.sessions.update(TENANT_A, "sess-1", { expires_at: renewed });
      assert.equal(await loginSessionExpiry(data, TENANT_A, login.id), Date.parse(renewed));
    });

    it("returns false for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.sessions.update(TENANT_A, "missing", { used_at: isoIn(0) }), false);
      assert.equal(await data.sessions.get(TENANT_A, "missing"), null);
    });
  });

  describe("update during a rewrite", () => {
    it("keeps an in-place update made while a rewrite is in flight", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id, { expires_at: isoIn(600) }));
      // A patch of expires_at reads and writes back the whole item; a patch of used_at updates it in place.
      const gate = gateCommands(fixture(), (name) => name === "PutItemCommand");
      const expiresAt = isoIn(7200);
      const rewriting = data.sessions.update(TENANT_A, "sess-1", { expires_at: expiresAt });

      await gate.held();
      const usedAt = isoIn(1);
      assert.equal(await data.sessions.update(TENANT_A, "sess-1", { used_at: usedAt }), true);
      gate.release();
      assert.equal(await rewriting, true);

      const stored = await data.sessions.get(TENANT_A, "sess-1");
      assert.equal(stored?.used_at, usedAt);
      assert.equal(stored?.expires_at, expiresAt);
    });
  });

  describe("expired sessions", () => {
    it("are not returned by get or list", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.sessions.create(TENANT_A, sessionInsert("expired", login.id, { expires_at: isoIn(-120), idle_expires_at: isoIn(-60) }));
      await data.sessions.create(TENANT_A, sessionInsert("live", login.id));

      assert.equal(await data.sessions.get(TENANT_A, "expired"), null);
      assert.equal(await data.sessions.update(TENANT_A, "expired", { used_at: isoIn(0) }), false);
      const { sessions } = await data.sessions.list(TENANT_A);
      assert.deepEqual(sessions.map((session) => session.id), ["live"]);
    });
  });

  describe("list", () => {
    it("filters with q", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      await data.sessions.create(TENANT_A, sessionInsert("sess-2", login.id, { user_id: "auth2|bob" }));
      const { sessions } = await data.sessions.list(TENANT_A, { q: "user_id:auth2|bob" });
      assert.deepEqual(sessions.map((session) => session.id), ["sess-2"]);
    });
  });

  describe("remove", () => {
    it("deletes the session", async () => {
      const { data } = fixture();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      assert.equal(await data.sessions.remove(TENANT_A, "sess-1"), true);
      assert.equal(await data.sessions.get(TENANT_A, "sess-1"), null);
      assert.equal(await data.sessions.remove(TENANT_A, "sess-1"), false);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one id apart in two tenants", async () => {
      const { data } = fixture();
      // Login session ids are 22 base64url characters.
      const sharedLoginId = "sharedLoginSessionId00";
      const loginA = await data.loginSessions.create(TENANT_A, { ...loginSessionInsert({ expires_at: isoIn(300) }), id: sharedLoginId } as never);
      await data.loginSessions.create(TENANT_B, { ...loginSessionInsert({ expires_at: isoIn(300) }), id: sharedLoginId } as never);
      const expiresA = isoIn(3600);
      await data.sessions.create(TENANT_A, sessionInsert("same", sharedLoginId, { user_id: "auth2|a", expires_at: expiresA }));
      await data.sessions.create(TENANT_B, sessionInsert("same", sharedLoginId, { user_id: "auth2|b", expires_at: isoIn(86_400) }));

      assert.equal(await loginSessionExpiry(data, TENANT_A, loginA.id), Date.parse(expiresA));
      assert.equal((await data.sessions.get(TENANT_B, "same"))?.user_id, "auth2|b");
      assert.deepEqual((await data.sessions.list(TENANT_B)).sessions.map((session) => session.user_id), ["auth2|b"]);

      await data.sessions.update(TENANT_B, "same", { used_at: isoIn(0) });
      await data.sessions.remove(TENANT_B, "same");
      const untouched = await data.sessions.get(TENANT_A, "same");
      assert.equal(untouched?.user_id, "auth2|a");
      assert.equal(untouched?.used_at, undefined);
    });
  });
});
