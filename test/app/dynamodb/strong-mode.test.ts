import assert from "node:assert/strict";
import type { UserInsert } from "@authhero/adapter-interfaces";
import { CLAIM_LEASE_MS } from "../../../app/dynamodb/ordered-writes.js";
import { assertHttpError, assertRerunAfterLostRace, failFirstCommandMentioning, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const DATABASE = "Username-Password-Authentication";

function userInsert(fields: Partial<UserInsert> = {}): UserInsert {
  return { connection: DATABASE, email_verified: false, ...fields } as UserInsert;
}

/** Moves the clock forward for the claim lease check, and back afterwards. */
function afterLease<T>(run: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => realNow() + CLAIM_LEASE_MS + 1_000;
  return run().finally(() => {
    Date.now = realNow;
  });
}

describe("strong (MRSC) mode", () => {
  const fixture = useAdapterFixture({ consistency: "strong" });

  it("creates a user with its password and email guard without a transaction", async () => {
    const { data, commands } = fixture();
    await data.users.create(TENANT_A, { ...userInsert({ user_id: "auth2|alice", email: "alice@example.com" }), password: { hash: "hash", algorithm: "bcrypt" } } as UserInsert);
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.email, "alice@example.com");
    assert.equal((await data.passwords.get(TENANT_A, "auth2|alice"))?.password, "hash");
    assert.equal(commands.some((name) => name.startsWith("TransactWriteItems")), false);
    await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|other", email: "ALICE@example.com" })), 409, "User already exists");
    assert.equal(await data.users.get(TENANT_A, "auth2|other"), null);
  });

  it("undoes the writes already applied when a later condition fails", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|bob", username: "bob", email: "bob@example.com" }));
    // The username claim succeeds, then the email claim fails: the username claim must be released.
    await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|carol", username: "carol", email: "bob@example.com" })), 409);
    assert.deepEqual((await data.users.list(TENANT_A, { q: "username:carol" })).users, []);
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|carol2", username: "carol", email: "carol@example.com" }));
    assert.equal((await data.users.list(TENANT_A, { q: "username:carol" })).users[0]?.user_id, "auth2|carol2");
  });

  it("moves the email guard when a user's email changes", async () => {
    const { data } = fixture();
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|bob", email: "bob@example.com" }));
    await assertHttpError(data.users.update(TENANT_A, "auth2|alice", { email: "bob@example.com" }), 409);
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.email, "alice@example.com");
    assert.equal(await data.users.update(TENANT_A, "auth2|alice", { email: "alice@example.org" }), true);
    await data.users.create(TENANT_A, userInsert({ user_id: "auth2|newcomer", email: "alice@example.com" }));
  });

  describe("after a change interrupted between two writes", () => {
    it("hands over an unfinished user's claims after the lease", async () => {
      const { data } = fixture();
      // The user item is written last; failing it leaves the email guard behind, as a crash would.
      failFirstCommandMentioning(fixture(), '"type":"user"');
      await assert.rejects(data.users.create(TENANT_A, userInsert({ user_id: "auth2|ghost", email: "ghost@example.com" })));
      assert.equal(await data.users.get(TENANT_A, "auth2|ghost"), null);

      await assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|next", email: "ghost@example.com" })), 409);
      const user = await afterLease(() => data.users.create(TENANT_A, userInsert({ user_id: "auth2|next", email: "ghost@example.com" })));
      assert.equal(user.user_id, "auth2|next");
    });

    it("never takes over a claim its owner still holds, however old", async () => {
      const { data } = fixture();
      await data.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
      await afterLease(() => assertHttpError(data.users.create(TENANT_A, userInsert({ user_id: "auth2|thief", email: "alice@example.com" })), 409));
    });

    it("frees a client id whose client was removed before its guard", async () => {
      const { data } = fixture();
      await data.clients.create(TENANT_A, { client_id: "shared-app", name: "App" } as never);
      failFirstCommandMentioning(fixture(), "client-id");
      await assert.rejects(data.clients.remove(TENANT_A, "shared-app"));
      assert.equal(await data.clients.get(TENANT_A, "shared-app"), null);
      await afterLease(() => data.clients.create(TENANT_B, { client_id: "shared-app", name: "Other" } as never));
      assert.equal((await data.clients.getByClientId("shared-app"))?.tenant_id, TENANT_B);
    });
  });

  it("keeps client ids unique across tenants", async () => {
    const { data } = fixture();
    await data.clients.create(TENANT_A, { client_id: "app-1", name: "A" } as never);
    await assertHttpError(data.clients.create(TENANT_B, { client_id: "app-1", name: "B" } as never), 409);
    assert.equal(await data.clients.get(TENANT_B, "app-1"), null);
  });

  it("commits transaction() as ordered writes, and writes nothing when the callback throws", async () => {
    const { data } = fixture();
    await assert.rejects(
      data.transaction(async (trx) => {
        await trx.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" }));
        throw new Error("refused");
      }),
      /refused/,
    );
    assert.equal(await data.users.get(TENANT_A, "auth2|alice"), null);
    await data.transaction((trx) => trx.users.create(TENANT_A, userInsert({ user_id: "auth2|alice", email: "alice@example.com" })));
    assert.equal((await data.users.get(TENANT_A, "auth2|alice"))?.email, "alice@example.com");
  });

  it("reruns transaction() after a lost race", async () => {
    await assertRerunAfterLostRace(fixture().data);
  });

  it("applies a transaction's calls in the order the callback made them", async () => {
    const { data } = fixture();
    await data.roles.create(TENANT_A, { id: "rol_token", name: "single-use token" });
    // The first call, like marking a registration token used, fails as a crash would: nothing after it may be written.
    failFirstCommandMentioning(fixture(), "single use spent");
    await assert.rejects(
      data.transaction(async (trx) => {
        await trx.roles.update(TENANT_A, "rol_token", { description: "single use spent" });
        await trx.clients.create(TENANT_A, { client_id: "paid-for", name: "Registered" } as never);
      }),
    );
    assert.equal(await data.clients.get(TENANT_A, "paid-for"), null);
    assert.equal(await data.clients.getByClientId("paid-for"), null);
  });

  it("reads the table's own items with ConsistentRead", async () => {
    const { data, table } = fixture();
    const sent: Array<{ name: string; consistent?: boolean }> = [];
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push({ name: String(context.commandName), consistent: (args.input as { ConsistentRead?: boolean }).ConsistentRead });
        return next(args);
      },
      { step: "initialize", name: "recordConsistentRead" },
    );
    await data.users.get(TENANT_A, "auth2|nobody");
    // A missing user has no linked users to query for.
    assert.deepEqual(sent, [{ name: "GetItemCommand", consistent: true }]);
  });
});
