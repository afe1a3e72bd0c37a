import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { setTimeout as sleep } from "node:timers/promises";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const USER = "auth2|alice";

async function createUser(data: DataAdapters, tenantId = TENANT_A, hash?: string): Promise<void> {
  await data.users.create(tenantId, {
    user_id: USER,
    email: "alice@example.com",
    connection: "Username-Password-Authentication",
    email_verified: true,
    ...(hash ? { password: { hash, algorithm: "bcrypt" } } : {}),
  });
}

/** Password sort keys have millisecond resolution, so steps that must order apart wait a little. */
async function nextMillisecond(): Promise<void> {
  await sleep(5);
}

describe("passwords adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("returns the current password", async () => {
      const { data } = fixture();
      await createUser(data);
      const created = await data.passwords.create(TENANT_A, { user_id: USER, password: "hash-1", algorithm: "bcrypt", is_current: true });
      assert.ok(created.id);

      const current = await data.passwords.get(TENANT_A, USER);
      assert.equal(current?.id, created.id);
      assert.equal(current?.password, "hash-1");
      assert.equal(current?.is_current, true);
    });

    it("retires the previous current password", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      await nextMillisecond();
      await data.passwords.create(TENANT_A, { user_id: USER, password: "hash-2", algorithm: "bcrypt", is_current: true });

      assert.equal((await data.passwords.get(TENANT_A, USER))?.password, "hash-2");
      const history = await data.passwords.list(TENANT_A, USER);
      assert.deepEqual(history.map((password) => [password.password, password.is_current]), [["hash-2", true], ["hash-1", false]]);
    });

    it("returns null for a user without a password", async () => {
      const { data } = fixture();
      await createUser(data);
      assert.equal(await data.passwords.get(TENANT_A, USER), null);
    });

    it("rejects a password for a missing user", async () => {
      const { data } = fixture();
      await assert.rejects(data.passwords.create(TENANT_A, { user_id: "auth2|missing", password: "hash-1", algorithm: "bcrypt", is_current: true }));
      assert.deepEqual(await data.passwords.list(TENANT_A, "auth2|missing"), []);
    });
  });

  describe("update", () => {
    it("marks a password as no longer current", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      const current = await data.passwords.get(TENANT_A, USER);
      assert.ok(current);

      assert.equal(await data.passwords.update(TENANT_A, { id: current.id, user_id: USER, password: current.password, algorithm: current.algorithm, is_current: false }), true);
      assert.equal(await data.passwords.get(TENANT_A, USER), null);
      const history = await data.passwords.list(TENANT_A, USER);
      assert.deepEqual(history.map((password) => [password.id, password.is_current]), [[current.id, false]]);
    });

    it("rotates the current password the way AuthHero changes it", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      await nextMillisecond();

      const previous = await data.passwords.get(TENANT_A, USER);
      assert.ok(previous);
      await data.passwords.update(TENANT_A, { id: previous.id, user_id: USER, password: previous.password, algorithm: previous.algorithm, is_current: false });
      await data.passwords.create(TENANT_A, { user_id: USER, password: "hash-2", algorithm: "bcrypt", is_current: true });

      assert.equal((await data.passwords.get(TENANT_A, USER))?.password, "hash-2");
      const history = await data.passwords.list(TENANT_A, USER);
      assert.deepEqual(history.map((password) => [password.password, password.is_current]), [["hash-2", true], ["hash-1", false]]);
      assert.equal(new Set(history.map((password) => password.id)).size, history.length);
    });

    it("changes the current password when no id is given", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      assert.equal(await data.passwords.update(TENANT_A, { user_id: USER, password: "hash-2", algorithm: "argon2id", is_current: true }), true);

      const current = await data.passwords.get(TENANT_A, USER);
      assert.equal(current?.password, "hash-2");
      assert.equal(current?.algorithm, "argon2id");
      assert.equal((await data.passwords.list(TENANT_A, USER)).filter((password) => password.is_current).length, 1);
    });

    it("returns false when the user has no password", async () => {
      const { data } = fixture();
      await createUser(data);
      assert.equal(await data.passwords.update(TENANT_A, { user_id: USER, password: "hash-1", algorithm: "bcrypt", is_current: true }), false);
      assert.equal(await data.passwords.get(TENANT_A, USER), null);
    });

    it("returns false for an unknown password id", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      assert.equal(await data.passwords.update(TENANT_A, { id: "missing", user_id: USER, password: "hash-2", algorithm: "bcrypt", is_current: true }), false);
      assert.equal((await data.passwords.get(TENANT_A, USER))?.password, "hash-1");
    });
  });

  describe("list", () => {
    it("returns the history newest first, up to limit", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      for (const hash of ["hash-2", "hash-3"]) {
        await nextMillisecond();
        await data.passwords.create(TENANT_A, { user_id: USER, password: hash, algorithm: "bcrypt", is_current: true });
      }

      const all = await data.passwords.list(TENANT_A, USER);
      assert.deepEqual(all.map((password) => password.password), ["hash-3", "hash-2", "hash-1"]);
      const limited = await data.passwords.list(TENANT_A, USER, 2);
      assert.deepEqual(limited.map((password) => password.password), ["hash-3", "hash-2"]);
    });

    it("skips other items in the user's partition", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-1");
      await data.userRoles.create(TENANT_A, USER, "rol_1");
      assert.deepEqual((await data.passwords.list(TENANT_A, USER)).map((password) => password.password), ["hash-1"]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps passwords within the tenant", async () => {
      const { data } = fixture();
      await createUser(data, TENANT_A, "hash-a");
      await createUser(data, TENANT_B, "hash-b");
      await nextMillisecond();
      await data.passwords.create(TENANT_B, { user_id: USER, password: "hash-b2", algorithm: "bcrypt", is_current: true });

      assert.equal((await data.passwords.get(TENANT_A, USER))?.password, "hash-a");
      assert.deepEqual((await data.passwords.list(TENANT_A, USER)).map((password) => password.password), ["hash-a"]);
      assert.equal((await data.passwords.get(TENANT_B, USER))?.password, "hash-b2");
    });
  });
});
