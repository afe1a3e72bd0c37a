import assert from "node:assert/strict";
import type { DataAdapters, UserInsert } from "@authhero/adapter-interfaces";
import { primeAfterWrite, runWithRequestMemo, withRequestMemo } from "../../../app/cache/request-memo.js";
import { createAdapterFixture, type AdapterFixture } from "../../support/adapter-fixture.js";
import { isoIn, loginSessionInsert } from "../dynamodb/helpers.js";

const TENANT = "tenant-a";
const DATABASE = "Username-Password-Authentication";

/** Runs `fn` and returns how many DynamoDB commands it sent. */
async function commandsDuring(fixture: AdapterFixture, fn: () => Promise<unknown>): Promise<number> {
  const before = fixture.commands.length;
  await fn();
  return fixture.commands.length - before;
}

/** Holds the response of the first command that `matches` until `release` is called. */
function holdResponses(fixture: AdapterFixture, matches: (commandName: string, input: string) => boolean): { arrived: Promise<void>; release: () => void } {
  let signalArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (signalArrived = resolve));
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let remaining = 1;
  fixture.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (remaining > 0 && matches(String(context.commandName), JSON.stringify(args.input))) {
        remaining--;
        signalArrived();
        await released;
      }
      return result;
    },
    { step: "initialize", name: "testHoldResponses" },
  );
  return { arrived, release };
}

describe("request memo on the DynamoDB adapter", () => {
  let fixture: AdapterFixture;
  let memoized: DataAdapters;

  beforeEach(async () => {
    fixture = await createAdapterFixture();
    memoized = withRequestMemo(fixture.data);
  });

  it("answers a repeated read within one request", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    const sent = await runWithRequestMemo(() =>
      commandsDuring(fixture, async () => {
        await memoized.loginSessions.get(TENANT, login.id);
        await memoized.loginSessions.get(TENANT, login.id);
        await memoized.loginSessions.get(TENANT, login.id);
      }),
    );
    assert.equal(sent, 1);
  });

  it("shares nothing between requests", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    await runWithRequestMemo(() => memoized.loginSessions.get(TENANT, login.id));
    // Another process changes the item between the two requests.
    await fixture.data.loginSessions.update(TENANT, login.id, { state: "changed" } as never);

    const read = await runWithRequestMemo(async () => ({
      sent: await commandsDuring(fixture, () => memoized.loginSessions.get(TENANT, login.id)),
      state: (await memoized.loginSessions.get(TENANT, login.id))?.state,
    }));
    assert.equal(read.sent, 1);
    assert.equal(read.state, "changed");
  });

  it("keeps concurrent requests apart", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    let releaseFirst: () => void = () => undefined;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstHasRead: () => void = () => undefined;
    const firstRead = new Promise<void>((resolve) => (firstHasRead = resolve));

    const first = runWithRequestMemo(async () => {
      await memoized.loginSessions.get(TENANT, login.id);
      firstHasRead();
      await firstMayFinish;
      return (await memoized.loginSessions.get(TENANT, login.id))?.state;
    });
    await firstRead;
    const second = runWithRequestMemo(async () => {
      await memoized.loginSessions.update(TENANT, login.id, { state: "second" } as never);
      return (await memoized.loginSessions.get(TENANT, login.id))?.state;
    });
    assert.equal(await second, "second");
    releaseFirst();
    // The first request read before the second wrote, and its memo is its own.
    assert.equal(await first, undefined);
  });

  it("reads the request's own write", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    const state = await runWithRequestMemo(async () => {
      await memoized.loginSessions.get(TENANT, login.id);
      await memoized.loginSessions.update(TENANT, login.id, { state: "updated" } as never);
      return (await memoized.loginSessions.get(TENANT, login.id))?.state;
    });
    assert.equal(state, "updated");
  });

  it("answers the read after an in-place update from the write itself", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    const sent = await runWithRequestMemo(() =>
      commandsDuring(fixture, async () => {
        await memoized.loginSessions.update(TENANT, login.id, { state: "updated", expires_at: isoIn(900) } as never);
        const read = await memoized.loginSessions.get(TENANT, login.id);
        assert.equal(read?.state, "updated");
      }),
    );
    assert.equal(sent, 1);
  });

  it("drops a write's result when another write ran beside it", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    const state = await runWithRequestMemo(async () => {
      // The first update is applied, but its result arrives only after the second update.
      const held = holdResponses(fixture, (name) => name === "UpdateItemCommand");
      const first = memoized.loginSessions.update(TENANT, login.id, { state: "first" } as never);
      await held.arrived;
      await memoized.loginSessions.update(TENANT, login.id, { state: "second" } as never);
      held.release();
      await first;
      return (await memoized.loginSessions.get(TENANT, login.id))?.state;
    });
    assert.equal(state, "second");
    assert.equal((await fixture.data.loginSessions.get(TENANT, login.id))?.state, "second");
  });

  it("drops reads of other entities that the write changes", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert({ expires_at: isoIn(60) }));
    const expiresAt = await runWithRequestMemo(async () => {
      await memoized.loginSessions.get(TENANT, login.id);
      // Creating a session extends its login session in the same transaction.
      await memoized.sessions.create(TENANT, { id: "session-1", user_id: "auth2|alice", login_session_id: login.id, expires_at: isoIn(86_400), clients: ["app-1"], device: {} } as never);
      return (await memoized.loginSessions.get(TENANT, login.id))?.expires_at;
    });
    assert.ok(Date.parse(expiresAt!) > Date.now() + 3_600_000, `the login session must show the extension, got ${expiresAt}`);
  });

  it("returns copies that callers cannot change", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    await runWithRequestMemo(async () => {
      const first = await memoized.loginSessions.get(TENANT, login.id);
      first!.authParams.client_id = "mutated";
      assert.equal((await memoized.loginSessions.get(TENANT, login.id))?.authParams.client_id, "app-1");
    });
  });

  it("memoizes nothing outside a request", async () => {
    const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
    const sent = await commandsDuring(fixture, async () => {
      await memoized.loginSessions.get(TENANT, login.id);
      await memoized.loginSessions.get(TENANT, login.id);
    });
    assert.equal(sent, 2);
  });

  it("does not memoize a failed read", async () => {
    let calls = 0;
    const failing = withRequestMemo({
      ...fixture.data,
      loginSessions: {
        ...fixture.data.loginSessions,
        get: async () => {
          calls++;
          if (calls === 1) throw new Error("throttled");
          return null;
        },
      },
    } as DataAdapters);
    await runWithRequestMemo(async () => {
      await assert.rejects(failing.loginSessions.get(TENANT, "login-1"));
      assert.equal(await failing.loginSessions.get(TENANT, "login-1"), null);
    });
    assert.equal(calls, 2);
  });

  it("ignores a primed value outside a write", async () => {
    await runWithRequestMemo(async () => {
      primeAfterWrite("loginSessions", JSON.stringify(["get", TENANT, "login-1"]), { id: "login-1" });
      assert.equal(await memoized.loginSessions.get(TENANT, "login-1"), null);
    });
  });

  describe("user search", () => {
    const insert = { user_id: "auth2|alice", username: "alice", connection: DATABASE, email_verified: false, provider: "auth2", password: { hash: "hash", algorithm: "bcrypt" } } as unknown as UserInsert;

    it("searches one username once for every provider", async () => {
      await memoized.users.create(TENANT, insert);
      const sent = await runWithRequestMemo(() =>
        commandsDuring(fixture, async () => {
          assert.equal((await memoized.users.list(TENANT, { q: "username:alice provider:auth0" })).users.length, 0);
          assert.equal((await memoized.users.list(TENANT, { q: "username:alice provider:auth2" })).users.length, 1);
        }),
      );
      assert.equal(sent, 2, "one lookup query and one query of the user's partition");
    });

    it("answers the user, password and role reads that follow", async () => {
      await memoized.users.create(TENANT, insert);
      await memoized.userRoles.create(TENANT, "auth2|alice", "role-1", "");
      const sent = await runWithRequestMemo(async () => {
        await memoized.users.list(TENANT, { q: "username:alice provider:auth2" });
        return commandsDuring(fixture, async () => {
          assert.equal((await memoized.users.get(TENANT, "auth2|alice"))?.username, "alice");
          assert.equal((await memoized.passwords.get(TENANT, "auth2|alice"))?.password, "hash");
          assert.deepEqual(await (memoized.userRoles as unknown as { listRoleIds(tenantId: string, userId: string, organizationId?: string): Promise<string[]> }).listRoleIds(TENANT, "auth2|alice", ""), ["role-1"]);
        });
      });
      assert.equal(sent, 0);
    });

    it("primes nothing from a read that raced a write", async () => {
      await memoized.users.create(TENANT, insert);
      const name = await runWithRequestMemo(async () => {
        // The query of the user's partition reads the user before the update, and its response arrives after it.
        const held = holdResponses(fixture, (commandName, input) => commandName === "QueryCommand" && !input.includes("gsi1"));
        const searching = memoized.users.list(TENANT, { q: "username:alice provider:auth2" });
        await held.arrived;
        await memoized.users.update(TENANT, "auth2|alice", { name: "Alice" });
        held.release();
        assert.equal((await searching).users[0]?.name, undefined, "the search must have read the user before the update");
        return (await memoized.users.get(TENANT, "auth2|alice"))?.name;
      });
      assert.equal(name, "Alice");
    });

    /** Runs the identifier step of a login: read the login session, search the username, update the login session. */
    async function identifierStep(loginId: string, username: string): Promise<void> {
      await runWithRequestMemo(async () => {
        await memoized.loginSessions.get(TENANT, loginId);
        await memoized.users.list(TENANT, { q: `username:${username} provider:auth2` });
        await memoized.loginSessions.update(TENANT, loginId, { authParams: { client_id: "app-1", username } });
      });
    }

    it("skips the index on the login's next step", async () => {
      await memoized.users.create(TENANT, insert);
      const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
      await identifierStep(login.id, "alice");
      const before = fixture.commands.length;
      const found = await runWithRequestMemo(async () => {
        await memoized.loginSessions.get(TENANT, login.id);
        return (await memoized.users.list(TENANT, { q: "username:alice provider:auth2" })).users;
      });
      assert.deepEqual(fixture.commands.slice(before), ["GetItemCommand", "QueryCommand"], "the login session, then the user's partition");
      assert.deepEqual(found.map((user) => user.user_id), ["auth2|alice"]);
    });

    it("queries the index when the hinted user lost the value", async () => {
      await memoized.users.create(TENANT, insert);
      const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
      await identifierStep(login.id, "alice");
      await memoized.users.update(TENANT, "auth2|alice", { username: "alice-old" });
      await memoized.users.create(TENANT, { ...insert, user_id: "auth2|newalice" } as UserInsert);
      const before = fixture.commands.length;
      const found = await runWithRequestMemo(async () => {
        await memoized.loginSessions.get(TENANT, login.id);
        return (await memoized.users.list(TENANT, { q: "username:alice provider:auth2" })).users;
      });
      assert.deepEqual(found.map((user) => user.user_id), ["auth2|newalice"]);
      assert.equal(fixture.commands.length - before, 4, "the login session, the hinted partition, the index and the new user's partition");
    });

    it("queries the index when the hinted user is removed", async () => {
      await memoized.users.create(TENANT, insert);
      const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
      await identifierStep(login.id, "alice");
      await memoized.users.remove(TENANT, "auth2|alice");
      const found = await runWithRequestMemo(async () => {
        await memoized.loginSessions.get(TENANT, login.id);
        return (await memoized.users.list(TENANT, { q: "username:alice provider:auth2" })).users;
      });
      assert.deepEqual(found, []);
    });

    it("uses no hint for another username", async () => {
      await memoized.users.create(TENANT, insert);
      await memoized.users.create(TENANT, { ...insert, user_id: "auth2|bob", username: "bob" } as UserInsert);
      const login = await memoized.loginSessions.create(TENANT, loginSessionInsert());
      await identifierStep(login.id, "alice");
      const found = await runWithRequestMemo(async () => {
        await memoized.loginSessions.get(TENANT, login.id);
        return (await memoized.users.list(TENANT, { q: "username:bob provider:auth2" })).users;
      });
      assert.deepEqual(found.map((user) => user.user_id), ["auth2|bob"]);
    });

    it("reads the user again after the request changes it", async () => {
      await memoized.users.create(TENANT, insert);
      const name = await runWithRequestMemo(async () => {
        await memoized.users.list(TENANT, { q: "username:alice provider:auth2" });
        await memoized.users.update(TENANT, "auth2|alice", { name: "Alice" });
        return (await memoized.users.get(TENANT, "auth2|alice"))?.name;
      });
      assert.equal(name, "Alice");
    });
  });
});
