import assert from "node:assert/strict";
import type { DataAdapters, UserInsert } from "@authhero/adapter-interfaces";
import { assertHttpError, gateCommands, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const DATABASE = "Username-Password-Authentication";

function userInsert(fields: Partial<UserInsert> = {}): UserInsert {
  return { connection: DATABASE, email_verified: false, ...fields } as UserInsert;
}

async function userIds(data: DataAdapters, tenantId: string, q: string): Promise<string[]> {
  const { users } = await data.users.list(tenantId, { q });
  return users.map((user) => user.user_id).sort();
}

describe("users adapter", () => {
  const fixture = useAdapterFixture();

  describe("create", () => {
    it("assigns an auth2 user id and provider by default", async () => {
      const { data } = fixture();
      const user = await data.users.create(TENANT_A, userInsert({ email: "alice@example.com" }));
      assert.match(user.user_id, /^auth2\|.+/);
      assert.equal(user.provider, "auth2");
      assert.equal(user.email_verified, false);
      assert.ok(user.created_at);
    });

    it("derives the provider from a given user id", async () => {
      const { data } = fixture();
      const user = await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|123", connection: "google-oauth2", is_social: true }));
      assert.equal(user.provider, "google-oauth2");
    });

    it("adds the primary identity on create and get", async () => {
      const { data } = fixture();
      const user = await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      const expected = [{ connection: DATABASE, provider: "auth2", user_id: "alice", isSocial: false }];
      assert.deepEqual(user.identities, expected);
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, expected);
    });

    it("rejects a second user with one email in one connection", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|first", email: "alice@example.com" }));
      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|second", email: "alice@example.com" })), 409, "User already exists");
      assert.equal(await data.users.get(TENANT_A, "auth2|second"), null);
    });

    it("compares emails without regard to case", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|first", email: "alice@example.com" }));
      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|second", email: "Alice@Example.COM" })), 409, "User already exists");
    });

    it("rejects a duplicate user id", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "other@example.com" })), 409, "User already exists");
      assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.email, "alice@example.com");
    });

    it("rejects a duplicate username in one connection", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|first", username: "alice" }));
      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|second", username: "alice" })), 409, "User already exists");
    });

    it("allows one email in two connections", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", email: "alice@example.com", connection: "google-oauth2" }));
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice", "google-oauth2|alice"]);
    });

    it("allows one email in two tenants", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.users.create(TENANT_B, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_B, "email:alice@example.com"), ["auth2|alice"]);
    });
  });

  describe("create with a password", () => {
    it("stores the hash as the current password", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", password: { hash: "hash-1", algorithm: "bcrypt" } }));

      const password = await data.passwords.get(TENANT_A, "auth2|alice");
      assert.equal(password?.password, "hash-1");
      assert.equal(password?.algorithm, "bcrypt");
      assert.equal(password?.is_current, true);
      assert.equal(password?.user_id, "auth2|alice");
    });

    it("never stores the hash on the user", async () => {
      const { data } = fixture();
      const created = await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", password: { hash: "hash-1", algorithm: "bcrypt" } }));
      assert.equal("password" in created, false);
      const stored = await data.users.get(TENANT_A, "auth2|alice");
      assert.equal(stored !== null && "password" in stored, false);
    });

    it("writes no password when the user is rejected", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|first", email: "alice@example.com" }));
      await assertHttpError(
        data.users.create(TENANT_A, userInsert({ user_id: "auth2|second", email: "alice@example.com", password: { hash: "hash-1", algorithm: "bcrypt" } })),
        409,
      );
      assert.equal(await data.passwords.get(TENANT_A, "auth2|second"), null);
    });
  });

  describe("get", () => {
    it("returns null for an unknown user", async () => {
      const { data } = fixture();
      assert.equal(await data.users.get(TENANT_A, "auth2|missing"), null);
    });
  });

  describe("list with q", () => {
    async function seed(data: DataAdapters): Promise<void> {
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", username: "alice" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|bob", email: "bob@example.com", username: "bob" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", email: "alice@example.com", connection: "google-oauth2", is_social: true, linked_to: "auth2|alice" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "sms|carol", phone_number: "+15550100", connection: "sms", provider: "sms" }));
    }

    it("finds users by email", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice", "google-oauth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, "email:ALICE@example.com"), ["auth2|alice", "google-oauth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, 'email:"bob@example.com"'), ["auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "email:nobody@example.com"), []);
    });

    it("finds users by username", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "username:bob"), ["auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "username:bob provider:auth2"), ["auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "username:bob provider:sms"), []);
    });

    it("finds users by phone number", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "phone_number:+15550100 provider:sms"), ["sms|carol"]);
    });

    it("finds a user by user_id", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "user_id:auth2|bob"), ["auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "user_id:auth2|nobody"), []);
    });

    it("finds linked users by linked_to", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "linked_to:auth2|alice"), ["google-oauth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, "linked_to:auth2|bob"), []);
    });

    it("filters by provider and connection", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "provider:google-oauth2"), ["google-oauth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, `connection:${DATABASE}`), ["auth2|alice", "auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com provider:auth2"), ["auth2|alice"]);
    });

    it("excludes linked users with -_exists_:linked_to", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await userIds(data, TENANT_A, "-_exists_:linked_to"), ["auth2|alice", "auth2|bob", "sms|carol"]);
      assert.deepEqual(await userIds(data, TENANT_A, `connection:${DATABASE} -_exists_:linked_to`), ["auth2|alice", "auth2|bob"]);
      assert.deepEqual(await userIds(data, TENANT_A, "-_exists_:linked_to email:alice@example.com"), ["auth2|alice"]);
    });

    it("rejects an invalid q with 400", async () => {
      const { data } = fixture();
      await assertHttpError(data.users.list(TENANT_A, { q: 'email:"open' }), 400, /email:"open/);
    });
  });

  describe("list paging", () => {
    it("pages with page and per_page", async () => {
      const { data } = fixture();
      for (let index = 0; index < 5; index++) {
        await data.users.create(TENANT_A, userInsert({ user_id: `auth2|user${index}`, created_at: `2026-01-01T00:00:0${index}.000Z` } as Partial<UserInsert>));
      }
      const page = await data.users.list(TENANT_A, { page: 1, per_page: 2, include_totals: true });
      assert.deepEqual(page.users.map((user) => user.user_id), ["auth2|user2", "auth2|user3"]);
      assert.equal(page.total, 5);
      assert.equal(page.start, 2);
      assert.equal(page.limit, 2);
    });

    it("pages with from and take across page boundaries", async () => {
      const { data } = fixture();
      for (let index = 0; index < 5; index++) {
        await data.users.create(TENANT_A, userInsert({ user_id: `auth2|user${index}`, created_at: `2026-01-01T00:00:0${index}.000Z` } as Partial<UserInsert>));
      }
      const seen: string[] = [];
      let from: string | undefined;
      for (let round = 0; round < 5; round++) {
        const page = await data.users.list(TENANT_A, { from, take: 2 });
        seen.push(...page.users.map((user) => user.user_id));
        from = page.next;
        if (!from) break;
      }
      assert.deepEqual(seen, ["auth2|user0", "auth2|user1", "auth2|user2", "auth2|user3", "auth2|user4"]);
      assert.equal(from, undefined);
    });

    it("sorts by a field", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|a", email: "b@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|b", email: "a@example.com" }));
      const { users } = await data.users.list(TENANT_A, { sort: { sort_by: "email", sort_order: "asc" } });
      assert.deepEqual(users.map((user) => user.email), ["a@example.com", "b@example.com"]);
      const descending = await data.users.list(TENANT_A, { sort: { sort_by: "email", sort_order: "desc" } });
      assert.deepEqual(descending.users.map((user) => user.email), ["b@example.com", "a@example.com"]);
    });

    it("rejects another tenant's cursor with 400", async () => {
      const { data } = fixture();
      for (let index = 0; index < 3; index++) await data.users.create(TENANT_A, userInsert({ user_id: `auth2|user${index}` }));
      const page = await data.users.list(TENANT_A, { take: 1 });
      assert.ok(page.next);
      await assertHttpError(data.users.list(TENANT_B, { from: page.next, take: 1 }), 400);
    });
  });

  describe("update", () => {
    it("changes fields and stamps updated_at", async () => {
      const { data } = fixture();
      const created = await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", updated_at: "2020-01-01T00:00:00.000Z" } as Partial<UserInsert>));
      assert.equal(await data.users.update(TENANT_A, "auth2|alice", { name: "Alice", app_metadata: { plan: "pro" } }), true);

      const stored = await data.users.get(TENANT_A, "auth2|alice");
      assert.equal(stored?.name, "Alice");
      assert.deepEqual(stored?.app_metadata, { plan: "pro" });
      assert.notEqual(stored?.updated_at, created.updated_at);
    });

    it("stamps the last login in one UpdateItem", async () => {
      const { data, commands } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", username: "alice" }));
      const lastLogin = new Date().toISOString();
      const before = commands.length;
      assert.equal(await data.users.update(TENANT_A, "auth2|alice", { last_login: lastLogin, last_ip: "192.0.2.1", login_count: 1 }), true);
      assert.deepEqual(commands.slice(before), ["UpdateItemCommand"]);

      const stored = await data.users.get(TENANT_A, "auth2|alice");
      assert.equal(stored?.last_login, lastLogin);
      assert.equal(stored?.login_count, 1);
      assert.deepEqual(await userIds(data, TENANT_A, "username:alice"), ["auth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice"]);
    });

    it("ignores fields set to undefined in the patch", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", name: "Alice" }));
      await data.users.update(TENANT_A, "auth2|alice", { name: undefined, email: undefined, last_ip: "192.0.2.1" });

      const stored = await data.users.get(TENANT_A, "auth2|alice");
      assert.equal(stored?.name, "Alice");
      assert.equal(stored?.email, "alice@example.com");
      assert.equal(stored?.last_ip, "192.0.2.1");
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice"]);
    });

    it("returns false for an unknown user", async () => {
      const { data } = fixture();
      assert.equal(await data.users.update(TENANT_A, "auth2|missing", { name: "Ghost" }), false);
      assert.equal(await data.users.get(TENANT_A, "auth2|missing"), null);
    });

    it("keeps the user id", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice" }));
      await data.users.update(TENANT_A, "auth2|alice", { user_id: "auth2|mallory", name: "A" });
      assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.user_id, "auth2|alice");
      assert.equal(await data.users.get(TENANT_A, "auth2|mallory"), null);
    });

    it("frees the old email and claims the new one", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      assert.equal(await data.users.update(TENANT_A, "auth2|alice", { email: "alice@new.example.com" }), true);

      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), []);
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@new.example.com"), ["auth2|alice"]);

      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|newcomer", email: "alice@example.com" }));
      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|copycat", email: "alice@new.example.com" })), 409, "User already exists");
    });

    it("rejects an email another user in the connection has", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|bob", email: "bob@example.com" }));
      await assertHttpError(data.users.update(TENANT_A, "auth2|bob", { email: "alice@example.com" }), 409);

      assert.equal((await data.users.get(TENANT_A, "auth2|bob"))?.email, "bob@example.com");
      assert.deepEqual(await userIds(data, TENANT_A, "email:bob@example.com"), ["auth2|bob"]);
    });

    it("moves the username lookup with the username", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", username: "alice" }));
      await data.users.update(TENANT_A, "auth2|alice", { username: "alice2" });
      assert.deepEqual(await userIds(data, TENANT_A, "username:alice"), []);
      assert.deepEqual(await userIds(data, TENANT_A, "username:alice2"), ["auth2|alice"]);
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|other", username: "alice" }));
    });

    it("links a user with linked_to", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", email: "alice@example.com", connection: "google-oauth2" }));
      await data.users.update(TENANT_A, "google-oauth2|alice", { linked_to: "auth2|alice" });
      assert.deepEqual(await userIds(data, TENANT_A, "linked_to:auth2|alice"), ["google-oauth2|alice"]);
      assert.deepEqual(await userIds(data, TENANT_A, "-_exists_:linked_to"), ["auth2|alice"]);
    });
  });

  describe("unlink", () => {
    it("clears linked_to and its lookup", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", connection: "google-oauth2", linked_to: "auth2|alice" }));
      assert.equal(await data.users.unlink(TENANT_A, "auth2|alice", "google-oauth2", "alice"), true);

      assert.equal((await data.users.get(TENANT_A, "google-oauth2|alice"))?.linked_to, undefined);
      assert.deepEqual(await userIds(data, TENANT_A, "linked_to:auth2|alice"), []);
    });

    it("leaves a user linked to someone else alone", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|bob" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", connection: "google-oauth2", linked_to: "auth2|bob" }));
      await data.users.unlink(TENANT_A, "auth2|alice", "google-oauth2", "alice");
      assert.equal((await data.users.get(TENANT_A, "google-oauth2|alice"))?.linked_to, "auth2|bob");
    });
  });

  describe("linked identities", () => {
    async function link(data: DataAdapters, tenantId = TENANT_A): Promise<void> {
      await data.users.create(tenantId, userInsert({ user_id: "auth2|alice", email: "alice@example.com", created_at: "2026-01-01T00:00:00.000Z" } as Partial<UserInsert>));
      await data.users.create(tenantId, userInsert({ user_id: "google-oauth2|alice", email: "alice@google.example", email_verified: true, connection: "google-oauth2", is_social: true, created_at: "2026-01-02T00:00:00.000Z" } as Partial<UserInsert>));
      await data.users.create(tenantId, userInsert({ user_id: "sms|alice", phone_number: "+15550100", connection: "sms", provider: "sms", created_at: "2026-01-03T00:00:00.000Z" } as Partial<UserInsert>));
      await data.users.update(tenantId, "sms|alice", { linked_to: "auth2|alice" });
      await data.users.update(tenantId, "google-oauth2|alice", { linked_to: "auth2|alice" });
    }

    const PRIMARY = { connection: DATABASE, provider: "auth2", user_id: "alice", isSocial: false };
    const GOOGLE = {
      connection: "google-oauth2",
      provider: "google-oauth2",
      user_id: "alice",
      isSocial: true,
      email: "alice@google.example",
      email_verified: true,
      profileData: { email: "alice@google.example", email_verified: true },
    };
    const SMS = { connection: "sms", provider: "sms", user_id: "alice", isSocial: false, email_verified: false, phone_number: "+15550100", profileData: { email_verified: false } };

    it("lists linked users on get", async () => {
      const { data } = fixture();
      await link(data);
      const primary = await data.users.get(TENANT_A, "auth2|alice");
      assert.deepEqual(primary?.identities, [PRIMARY, GOOGLE, SMS]);
    });

    it("lists linked users in list pages", async () => {
      const { data } = fixture();
      await link(data);
      const whole = await data.users.list(TENANT_A, { q: "-_exists_:linked_to" });
      assert.deepEqual(whole.users.map((user) => user.user_id), ["auth2|alice"]);
      assert.deepEqual(whole.users[0]?.identities, [PRIMARY, GOOGLE, SMS]);

      const byEmail = await data.users.list(TENANT_A, { q: "email:alice@example.com" });
      assert.deepEqual(byEmail.users[0]?.identities, [PRIMARY, GOOGLE, SMS]);
    });

    it("drops an identity on unlink", async () => {
      const { data } = fixture();
      await link(data);
      assert.equal(await data.users.unlink(TENANT_A, "auth2|alice", "google-oauth2", "alice"), true);
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, [PRIMARY, SMS]);
      assert.deepEqual((await data.users.list(TENANT_A, {})).users.find((user) => user.user_id === "auth2|alice")?.identities, [PRIMARY, SMS]);
    });

    it("gives a linked user only its own identity", async () => {
      const { data } = fixture();
      await link(data);
      const linked = await data.users.get(TENANT_A, "google-oauth2|alice");
      assert.deepEqual(linked?.identities?.map((identity) => identity.provider), ["google-oauth2"]);
    });

    it("skips the linked-user read when never linked", async () => {
      const { data, commands } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      const before = commands.length;
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, [PRIMARY]);
      assert.deepEqual(commands.slice(before), ["GetItemCommand"]);
    });

    it("flags a primary when a linked user is created", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", connection: "google-oauth2", provider: "google-oauth2", is_social: true, linked_to: "auth2|alice" }));
      const providers = (await data.users.get(TENANT_A, "auth2|alice"))?.identities?.map((identity) => identity.provider);
      assert.deepEqual(providers, ["auth2", "google-oauth2"]);
    });

    it("keeps the flag through a rewrite", async () => {
      const { data } = fixture();
      await link(data);
      await data.users.update(TENANT_A, "auth2|alice", { email: "alice@example.org" });
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, [PRIMARY, GOOGLE, SMS]);
      assert.deepEqual((await data.users.list(TENANT_A, { q: "email:alice@example.org" })).users[0]?.identities, [PRIMARY, GOOGLE, SMS]);
    });

    it("reads linked users of an item without the flag", async () => {
      const { data, table } = fixture();
      await link(data);
      // Items written before the flag existed lack it.
      await table.update({ Key: { pk: `${TENANT_A}#user#auth2|alice`, sk: "user" }, UpdateExpression: "REMOVE mayHaveLinkedUsers" });
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, [PRIMARY, GOOGLE, SMS]);
    });

    it("ignores links in another tenant", async () => {
      const { data } = fixture();
      await link(data, TENANT_B);
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      assert.deepEqual((await data.users.get(TENANT_A, "auth2|alice"))?.identities, [PRIMARY]);
    });
  });

  describe("remove", () => {
    it("starts again when the email changes during the removal", async () => {
      const current = fixture();
      const { data } = current;
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "old@example.com" }));
      const userKey = '"Key":{"pk":"tenant-a#user#auth2|alice","sk":"user"}';
      // Holds the removal's final write of the user: a transaction in the default mode, a DeleteItem in strong mode.
      const gate = gateCommands(current, (name, input) => (name === "TransactWriteItemsCommand" && input.includes(`"Delete":{${userKey}`)) || (name === "DeleteItemCommand" && input.includes(userKey)));
      const removal = data.users.remove(TENANT_A, "auth2|alice");
      await gate.held();
      assert.equal(await data.users.update(TENANT_A, "auth2|alice", { email: "new@example.com" }), true);
      gate.release();

      assert.equal(await removal, true);
      assert.equal(await data.users.get(TENANT_A, "auth2|alice"), null);
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|next", email: "new@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|other", email: "old@example.com" }));
    });

    it("rejects self-links and chains", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|a", email: "a@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|b", email: "b@example.com" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|c", email: "c@example.com" }));
      await assertHttpError(data.users.update(TENANT_A, "auth2|a", { linked_to: "auth2|a" }), 400, /to itself/);
      assert.equal(await data.users.update(TENANT_A, "auth2|b", { linked_to: "auth2|a" }), true);
      await assertHttpError(data.users.update(TENANT_A, "auth2|c", { linked_to: "auth2|b" }), 400, /itself linked to `auth2\|a`/);
    });

    it("rejects a link to a user that does not exist", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await assertHttpError(data.users.update(TENANT_A, "auth2|alice", { linked_to: "auth2|ghost" }), 400, /no such user/);
      assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.linked_to, undefined);
    });

    it("deletes memberships and authentication methods", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "passkey", credential_id: "cred-1", public_key: "key", confirmed: true } as never);
      assert.equal(await data.users.remove(TENANT_A, "auth2|alice"), true);

      assert.deepEqual(await data.authenticationMethods.list(TENANT_A, "auth2|alice"), []);
      assert.equal((await data.userOrganizations.list(TENANT_A, { q: "user_id:auth2|alice" })).userOrganizations.length, 0);
    });

    it("deletes the user, its passwords and its lookup items", async () => {
      const { data, table } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", username: "alice", password: { hash: "hash-1", algorithm: "bcrypt" } }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", connection: "google-oauth2", linked_to: "auth2|alice" }));
      assert.equal(await data.users.remove(TENANT_A, "auth2|alice"), true);

      assert.equal(await data.users.get(TENANT_A, "auth2|alice"), null);
      assert.equal(await data.passwords.get(TENANT_A, "auth2|alice"), null);
      assert.deepEqual(await data.passwords.list(TENANT_A, "auth2|alice"), []);
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), []);
      assert.deepEqual(await userIds(data, TENANT_A, "username:alice"), []);

      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice2", email: "alice@example.com", username: "alice" }));
      assert.deepEqual(await userIds(data, TENANT_A, "email:alice@example.com"), ["auth2|alice2"]);

      const leftovers = await table.queryAll({ index: "gsi1", partitionKey: `${TENANT_A}#user-by#username#alice` });
      assert.deepEqual(leftovers.map((item) => item.gsi1sk), ["auth2|alice2"]);
    });

    it("deletes a linked user's linked_to lookup", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice" }));
      await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|alice", connection: "google-oauth2", linked_to: "auth2|alice" }));
      await data.users.remove(TENANT_A, "google-oauth2|alice");
      assert.deepEqual(await userIds(data, TENANT_A, "linked_to:auth2|alice"), []);
    });

    it("returns false for an unknown user", async () => {
      const { data } = fixture();
      assert.equal(await data.users.remove(TENANT_A, "auth2|missing"), false);
    });
  });

  describe("tenant isolation", () => {
    it("keeps tenants apart whose ids contain key separators", async () => {
      const { data } = fixture();
      // Unescaped, the key of user `u` in tenant `t#user#v` would read like a key in tenant `t`.
      await data.users.create("t", userInsert({ user_id: "v#user#u", email: "plain@example.com" }));
      await data.users.create("t#user#v", userInsert({ user_id: "u", email: "tricky@example.com" }));

      assert.deepEqual((await data.users.list("t")).users.map((user) => user.email), ["plain@example.com"]);
      assert.deepEqual((await data.users.list("t#user#v")).users.map((user) => user.email), ["tricky@example.com"]);
      assert.equal(await data.users.get("t", "v#user#u").then((user) => user?.email), "plain@example.com");
      assert.equal(await data.users.get("t#user#v", "u").then((user) => user?.email), "tricky@example.com");
      assert.equal(await data.users.get("t", "u"), null);
    });

    it("keeps get, list, update and remove within the tenant", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|same", email: "a@example.com", name: "A", password: { hash: "hash-a", algorithm: "bcrypt" } }));
      await data.users.create(TENANT_B, userInsert({ user_id: "auth2|same", email: "b@example.com", name: "B", password: { hash: "hash-b", algorithm: "bcrypt" } }));

      assert.equal((await data.users.get(TENANT_B, "auth2|same"))?.name, "B");
      assert.deepEqual(await userIds(data, TENANT_B, "email:a@example.com"), []);
      assert.deepEqual((await data.users.list(TENANT_B)).users.map((user) => user.email), ["b@example.com"]);

      await data.users.update(TENANT_B, "auth2|same", { name: "B2" });
      assert.equal((await data.users.get(TENANT_A, "auth2|same"))?.name, "A");

      await data.users.remove(TENANT_B, "auth2|same");
      assert.equal((await data.users.get(TENANT_A, "auth2|same"))?.name, "A");
      assert.equal((await data.passwords.get(TENANT_A, "auth2|same"))?.password, "hash-a");
      assert.deepEqual(await userIds(data, TENANT_A, "email:a@example.com"), ["auth2|same"]);
    });
  });
});
