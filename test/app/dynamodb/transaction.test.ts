import assert from "node:assert/strict";
import type { DataAdapters, UserInsert } from "@authhero/adapter-interfaces";
import { assertHttpError, assertRerunAfterLostRace, TENANT_A, useAdapterFixture } from "./helpers.js";

const DATABASE = "Username-Password-Authentication";

function userInsert(fields: Partial<UserInsert> = {}): UserInsert {
  return { connection: DATABASE, email_verified: false, ...fields } as UserInsert;
}

async function emailsOf(data: DataAdapters, q: string): Promise<string[]> {
  const { users } = await data.users.list(TENANT_A, { q });
  return users.map((user) => String(user.email)).sort();
}

// The transactional mode; strong-mode.test.ts covers transaction() on an MRSC table.
describe("transaction()", () => {
  const fixture = useAdapterFixture({ consistency: "eventual" });

  it("sends nothing when the callback only reads", async () => {
    const { data, commands } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    const before = commands.length;
    const found = await data.transaction((trx) => trx.users.get(TENANT_A, "auth2|alice"));
    assert.equal(found?.email, "alice@example.com");
    // No user has linked to alice since she was created, so no Query looks for linked users.
    assert.deepEqual(commands.slice(before), ["GetItemCommand"]);
  });

  it("commits every write of the callback in one TransactWriteItems call", async () => {
    const { data, commands } = fixture();
    const before = commands.length;
    await data.transaction(async (trx) => {
      await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await trx.roles.create(TENANT_A, { id: "rol_admin", name: "admin" });
    });
    assert.deepEqual(commands.slice(before).filter((name) => name !== "GetItemCommand"), ["TransactWriteItemsCommand"]);
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.email, "alice@example.com");
    assert.equal((await data.roles.get(TENANT_A, "rol_admin"))?.name, "admin");
  });

  it("writes nothing when the callback throws", async () => {
    const { data } = fixture();
    await assert.rejects(
      data.transaction(async (trx) => {
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
        await trx.roles.create(TENANT_A, { id: "rol_admin", name: "admin" });
        throw new Error("hook refused the change");
      }),
      /hook refused the change/,
    );
    assert.equal(await data.users.get(TENANT_A, "auth2|alice"), null);
    assert.equal(await data.roles.get(TENANT_A, "rol_admin"), null);
    assert.deepEqual(await emailsOf(data, "email:alice@example.com"), []);
  });

  it("rolls back on a failed condition with its message", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|taken", email: "taken@example.com" }));
    await assertHttpError(
      data.transaction(async (trx) => {
        await trx.roles.create(TENANT_A, { id: "rol_admin", name: "admin" });
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|second", email: "taken@example.com" }));
      }),
      409,
      "User already exists",
    );
    assert.equal(await data.roles.get(TENANT_A, "rol_admin"), null);
    assert.equal(await data.users.get(TENANT_A, "auth2|second"), null);
  });

  it("reads its own writes by key before the commit", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com", name: "Alice" }));
    const seen = await data.transaction(async (trx) => {
      assert.equal(await trx.users.update(TENANT_A, "auth2|alice", { name: "Alice Liddell" }), true);
      const inside = await trx.users.get(TENANT_A, "auth2|alice");
      const outside = await data.users.get(TENANT_A, "auth2|alice");
      return { inside: inside?.name, outside: outside?.name };
    });
    assert.deepEqual(seen, { inside: "Alice Liddell", outside: "Alice" });
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.name, "Alice Liddell");
  });

  it("merges two updates of one item", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    await data.transaction(async (trx) => {
      await trx.users.update(TENANT_A, "auth2|alice", { name: "First" });
      await trx.users.update(TENANT_A, "auth2|alice", { email: "alice@example.org" });
    });
    const user = await data.users.get(TENANT_A, "auth2|alice");
    assert.equal(user?.name, "First");
    assert.equal(user?.email, "alice@example.org");
    assert.deepEqual(await emailsOf(data, "email:alice@example.org"), ["alice@example.org"]);
    assert.deepEqual(await emailsOf(data, "email:alice@example.com"), []);
  });

  it("rejects an item changed since the read, after three runs", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    let runs = 0;
    await assertHttpError(
      data.transaction(async (trx) => {
        runs++;
        await trx.users.update(TENANT_A, "auth2|alice", { name: "From the transaction" });
        await data.users.update(TENANT_A, "auth2|alice", { nickname: `concurrent ${runs}` });
      }),
      409,
    );
    assert.equal(runs, 3);
    const user = await data.users.get(TENANT_A, "auth2|alice");
    assert.equal(user?.nickname, "concurrent 3");
    assert.equal(user?.name, undefined);
  });

  it("reruns the callback after a lost race", async () => {
    await assertRerunAfterLostRace(fixture().data);
  });

  it("never reruns on a uniqueness conflict", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|taken", email: "taken@example.com" }));
    let runs = 0;
    await assertHttpError(
      data.transaction(async (trx) => {
        runs++;
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|second", email: "taken@example.com" }));
      }),
      409,
      "User already exists",
    );
    assert.equal(runs, 1);
  });

  it("answers false at once for an update or removal of a missing item", async () => {
    const { data } = fixture();
    await data.transaction(async (trx) => {
      assert.equal(await trx.users.update(TENANT_A, "auth2|nobody", { name: "x" }), false);
      assert.equal(await trx.roles.update(TENANT_A, "rol_none", { name: "x" }), false);
      assert.equal(await trx.roles.remove(TENANT_A, "rol_none"), false);
    });
  });

  it("stages a last-login stamp without reading the user", async () => {
    const { data, commands } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    const before = commands.length;
    await data.transaction(async (trx) => {
      assert.equal(await trx.users.update(TENANT_A, "auth2|alice", { last_login: "2026-01-02T03:04:05.000Z", last_ip: "192.0.2.7", login_count: 3 }), true);
    });
    assert.deepEqual(commands.slice(before), ["TransactWriteItemsCommand"]);
    const user = await data.users.get(TENANT_A, "auth2|alice");
    assert.equal(user?.last_login, "2026-01-02T03:04:05.000Z");
    assert.equal(user?.last_ip, "192.0.2.7");
    assert.equal(user?.login_count, 3);
    assert.equal(user?.email, "alice@example.com");
  });

  it("keeps a stamp and a later rewrite of the user", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    await data.transaction((trx) => trx.users.update(TENANT_A, "auth2|alice", { login_count: 1 }));
    // The in-place update bumps the revision, so the rewrite's revision check reads the stamped item.
    await data.users.update(TENANT_A, "auth2|alice", { email: "alice@example.org" });
    const user = await data.users.get(TENANT_A, "auth2|alice");
    assert.equal(user?.login_count, 1);
    assert.equal(user?.email, "alice@example.org");
  });

  it("fails the commit when a stamped user is missing", async () => {
    const { data } = fixture();
    await assertHttpError(
      data.transaction(async (trx) => {
        await trx.roles.create(TENANT_A, { id: "rol_admin", name: "admin" });
        assert.equal(await trx.users.update(TENANT_A, "auth2|nobody", { last_login: "2026-01-02T03:04:05.000Z" }), true);
      }),
      409,
      "`user` `auth2|nobody` was missing or expired at the commit, so the transaction wrote nothing.",
    );
    assert.equal(await data.roles.get(TENANT_A, "rol_admin"), null);
    assert.equal(await data.users.get(TENANT_A, "auth2|nobody"), null);
  });

  it("rejects a read of a user after its stamp", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    await assert.rejects(
      data.transaction(async (trx) => {
        await trx.users.update(TENANT_A, "auth2|alice", { login_count: 1 });
        await trx.users.get(TENANT_A, "auth2|alice");
      }),
      /after updating it in place/,
    );
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.login_count, 0);
  });

  it("still reads an updated user whose patch is no stamp", async () => {
    const { data, commands } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    const before = commands.length;
    const name = await data.transaction(async (trx) => {
      await trx.users.update(TENANT_A, "auth2|alice", { name: "Alice", last_login: "2026-01-02T03:04:05.000Z" });
      return (await trx.users.get(TENANT_A, "auth2|alice"))?.name;
    });
    assert.equal(name, "Alice");
    assert.deepEqual(commands.slice(before), ["GetItemCommand", "TransactWriteItemsCommand"]);
  });

  it("drops an item created and removed", async () => {
    const { data, commands } = fixture();
    const before = commands.length;
    await data.transaction(async (trx) => {
      await trx.roles.create(TENANT_A, { id: "rol_tmp", name: "temporary" });
      assert.equal(await trx.roles.remove(TENANT_A, "rol_tmp"), true);
    });
    assert.equal(commands.slice(before).includes("TransactWriteItemsCommand"), false);
    assert.equal(await data.roles.get(TENANT_A, "rol_tmp"), null);
  });

  it("removes a user and unlinks its accounts", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|primary", email: "p@example.com" }));
    await data.users.create(TENANT_A, userInsert({ user_id: "google-oauth2|123", connection: "google-oauth2", is_social: true, linked_to: "auth2|primary" }));
    const removed = await data.transaction(async (trx) => {
      const { users } = await trx.users.list(TENANT_A, { q: "linked_to:auth2|primary" });
      for (const linked of users) {
        const [provider, ...rest] = linked.user_id.split("|");
        await trx.users.unlink(TENANT_A, "auth2|primary", String(provider), rest.join("|"));
      }
      return trx.users.remove(TENANT_A, "auth2|primary");
    });
    assert.equal(removed, true);
    assert.equal(await data.users.get(TENANT_A, "auth2|primary"), null);
    assert.equal((await data.users.get(TENANT_A, "google-oauth2|123"))?.linked_to, undefined);
  });

  // Past 100 writes the unconditional clean-up goes first, and the user is removed atomically last.
  it("removes a user with 110 sessions", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|busy", email: "busy@example.com" }));
    const device = { initial_user_agent: "a", initial_ip: "192.0.2.1", initial_asn: "AS1", last_user_agent: "a", last_ip: "192.0.2.1", last_asn: "AS1" };
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    for (let index = 0; index < 110; index++) {
      await data.sessions.create(TENANT_A, { id: `s${index}`, user_id: "auth2|busy", clients: ["app"], login_session_id: `l${index}`, device, expires_at: expiresAt } as never);
    }
    assert.equal(await data.transaction((trx) => trx.users.remove(TENANT_A, "auth2|busy")), true);
    assert.equal(await data.users.get(TENANT_A, "auth2|busy"), null);
    assert.equal(await data.sessions.get(TENANT_A, "s0"), null);
    assert.equal(await data.sessions.get(TENANT_A, "s109"), null);
  });

  it("keeps a removal past 100 writes whole when the commit fails", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|big", email: "big@example.com" }));
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|taken", email: "taken@example.com" }));
    const device = { initial_user_agent: "a", initial_ip: "192.0.2.1", initial_asn: "AS1", last_user_agent: "a", last_ip: "192.0.2.1", last_asn: "AS1" };
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    for (let index = 0; index < 105; index++) {
      await data.sessions.create(TENANT_A, { id: `s${index}`, user_id: "auth2|big", clients: ["app"], login_session_id: `l${index}`, device, expires_at: expiresAt } as never);
    }
    await assertHttpError(
      data.transaction(async (trx) => {
        await trx.users.remove(TENANT_A, "auth2|big");
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|dup", email: "taken@example.com" }));
      }),
      409,
    );
    assert.equal((await data.users.get(TENANT_A, "auth2|big"))?.email, "big@example.com");
    assert.ok(await data.sessions.get(TENANT_A, "s0"));
    await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|copy", email: "big@example.com" })), 409);
  });

  it("rejects a second create of one item", async () => {
    const { data } = fixture();
    await assertHttpError(
      data.transaction(async (trx) => {
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|twice", email: "first@example.com" }));
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|twice", email: "second@example.com" }));
      }),
      409,
    );
    assert.equal(await data.users.get(TENANT_A, "auth2|twice"), null);
  });

  it("joins a nested transaction to the outer one", async () => {
    const { data } = fixture();
    await assert.rejects(
      data.transaction(async (trx) => {
        await trx.transaction((inner) => inner.roles.create(TENANT_A, { id: "rol_inner", name: "inner" }));
        throw new Error("outer failed");
      }),
      /outer failed/,
    );
    assert.equal(await data.roles.get(TENANT_A, "rol_inner"), null);
  });
});
