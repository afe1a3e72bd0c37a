import assert from "node:assert/strict";
import type { CodeInsert, DataAdapters, RefreshTokenInsert, SessionInsert } from "@authhero/adapter-interfaces";
import { runWithRequestMemo, withRequestMemo } from "../../../app/cache/request-memo.js";
import { assertHttpError, DEVICE, isoIn, loginSessionInsert, refreshTokenInsert, TENANT_A, useAdapterFixture } from "./helpers.js";

function codeInsert(codeId: string, loginId: string): CodeInsert {
  return { code_id: codeId, login_id: loginId, user_id: "auth2|alice", code_type: "authorization_code", expires_at: isoIn(300) };
}

/** Builds a session with no expiry, so creating it extends no login session. */
function sessionInsert(id: string, loginId: string): SessionInsert {
  return { id, user_id: "auth2|alice", login_session_id: loginId, device: DEVICE, clients: ["app-1"] } as SessionInsert;
}


/** Runs `serve` as one HTTP request would, and returns the commands it sent, its held writes included. */
async function commandsOfRequest(commands: string[], serve: () => Promise<unknown>): Promise<string[]> {
  const before = commands.length;
  await runWithRequestMemo(serve);
  return commands.slice(before);
}

describe("held writes of a request", () => {
  const fixture = useAdapterFixture({ consistency: "eventual" });
  const memoized = (): DataAdapters => withRequestMemo(fixture().data);

  it("sends the password step's writes in one transaction", async () => {
    const { commands } = fixture();
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    const sent = await commandsOfRequest(commands, async () => {
      await data.loginSessions.get(TENANT_A, login.id);
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      assert.equal(await data.loginSessions.update(TENANT_A, login.id, { session_id: "sess-1" }), true);
      assert.equal((await data.loginSessions.get(TENANT_A, login.id))?.session_id, "sess-1", "the request reads its held update");
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));
      assert.equal(await data.loginSessions.update(TENANT_A, login.id, { user_id: "auth2|alice" }), true);
    });

    assert.deepEqual(sent, ["GetItemCommand", "TransactWriteItemsCommand"]);
    const stored = await data.loginSessions.get(TENANT_A, login.id);
    assert.equal(stored?.session_id, "sess-1");
    assert.equal(stored?.user_id, "auth2|alice");
    assert.equal((await data.sessions.get(TENANT_A, "sess-1"))?.login_session_id, login.id);
    assert.equal((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.login_id, login.id);
  });

  it("sends held writes before a read of them", async () => {
    const { commands } = fixture();
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    const sent = await commandsOfRequest(commands, async () => {
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      assert.equal((await data.sessions.get(TENANT_A, "sess-1"))?.id, "sess-1");
    });

    assert.deepEqual(sent, ["PutItemCommand", "GetItemCommand"]);
  });

  it("sends a held update before another write of its item", async () => {
    const { commands } = fixture();
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert({ expires_at: isoIn(60) }));
    const extended = isoIn(3600);

    const sent = await commandsOfRequest(commands, async () => {
      await data.loginSessions.get(TENANT_A, login.id);
      await data.loginSessions.update(TENANT_A, login.id, { user_id: "auth2|alice" });
      // A session that expires later than the login session extends it in the same transaction.
      await data.sessions.create(TENANT_A, { ...sessionInsert("sess-1", login.id), expires_at: extended });
    });

    assert.equal(sent[1], "UpdateItemCommand", "the held update goes out before the session's transaction");
    const stored = await data.loginSessions.get(TENANT_A, login.id);
    assert.equal(stored?.user_id, "auth2|alice");
    assert.equal(stored?.expires_at, extended);
  });

  it("fails the request and writes nothing on a failed condition", async () => {
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
    await data.codes.create(TENANT_A, codeInsert("taken", login.id));

    await assertHttpError(
      runWithRequestMemo(async () => {
        await data.loginSessions.get(TENANT_A, login.id);
        await data.loginSessions.update(TENANT_A, login.id, { user_id: "auth2|alice" });
        await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
        await data.codes.create(TENANT_A, codeInsert("taken", login.id));
      }),
      409,
      "A code with id `taken` already exists.",
    );

    assert.equal((await data.loginSessions.get(TENANT_A, login.id))?.user_id, undefined);
    assert.equal(await data.sessions.get(TENANT_A, "sess-1"), null);
  });

  it("still sends held writes when the request fails", async () => {
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    await assert.rejects(
      runWithRequestMemo(async () => {
        await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
        throw new Error("handler failed after the write");
      }),
      /handler failed after the write/,
    );

    assert.equal((await data.sessions.get(TENANT_A, "sess-1"))?.id, "sess-1");
  });

  it("drops the update of a login session removed meanwhile", async () => {
    const { data: bare } = fixture();
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    await runWithRequestMemo(async () => {
      await data.loginSessions.get(TENANT_A, login.id);
      await data.loginSessions.update(TENANT_A, login.id, { user_id: "auth2|alice" });
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));
      // Another process removes the login session before this request sends its writes.
      await bare.loginSessions.remove(TENANT_A, login.id);
    });

    assert.equal(await data.loginSessions.get(TENANT_A, login.id), null);
    assert.equal((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.code_id, "code-1");
  });

  it("holds nothing for a login session the request has not read", async () => {
    const { commands } = fixture();
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    const sent = await commandsOfRequest(commands, async () => {
      assert.equal(await data.loginSessions.update(TENANT_A, login.id, { user_id: "auth2|alice" }), true);
    });

    assert.deepEqual(sent, ["UpdateItemCommand"]);
  });

  describe("code redemption", () => {
    it("goes into the refresh token's transaction", async () => {
      const { commands } = fixture();
      const data = memoized();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));

      const sent = await commandsOfRequest(commands, async () => {
        assert.ok(await data.codes.get(TENANT_A, "code-1", "authorization_code"));
        assert.equal(await data.codes.used(TENANT_A, "code-1"), true);
        await data.refreshTokens.create(TENANT_A, refreshTokenInsert("rt-1", login.id));
      });

      assert.deepEqual(
        sent.filter((name) => name !== "GetItemCommand" && name !== "BatchGetItemCommand"),
        ["TransactWriteItemsCommand"],
      );
      assert.ok((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.used_at);
    });

    it("lets one of two interleaved redemptions win", async () => {
      const data = memoized();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));

      // Both requests read the code unused before either sends its redemption.
      let bothRead: () => void = () => undefined;
      const readBarrier = new Promise<void>((resolve) => (bothRead = resolve));
      let reads = 0;
      const redeem = (tokenId: string) =>
        runWithRequestMemo(async () => {
          assert.ok(await data.codes.get(TENANT_A, "code-1", "authorization_code"));
          if (++reads === 2) bothRead();
          await readBarrier;
          await data.codes.used(TENANT_A, "code-1");
          await data.refreshTokens.create(TENANT_A, refreshTokenInsert(tokenId, login.id));
        });

      const first = redeem("rt-first");
      const second = redeem("rt-second");
      await readBarrier;
      const results = [await first.then(() => "ok", (error: unknown) => error), await second.then(() => "ok", (error: unknown) => error)];

      assert.equal(results.filter((result) => result === "ok").length, 1, "exactly one redemption succeeds");
      const failure = results.find((result) => result !== "ok") as { status?: number; getResponse?: () => Response };
      assert.equal(failure.status, 400);
      assert.deepEqual(await failure.getResponse!().json(), { error: "invalid_grant", error_description: "The code was already used." });
      const tokens = [await data.refreshTokens.get(TENANT_A, "rt-first"), await data.refreshTokens.get(TENANT_A, "rt-second")];
      assert.equal(tokens.filter((token) => token !== null).length, 1, "the loser writes no refresh token");
    });

    it("is sent before the response without a refresh token", async () => {
      const { commands } = fixture();
      const data = memoized();
      const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));

      const sent = await commandsOfRequest(commands, async () => {
        await data.codes.get(TENANT_A, "code-1", "authorization_code");
        await data.codes.used(TENANT_A, "code-1");
      });

      assert.equal(sent.at(-1), "UpdateItemCommand");
      assert.ok((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.used_at);
      await assertHttpError(
        runWithRequestMemo(async () => {
          await data.codes.used(TENANT_A, "code-1");
        }),
        400,
        "Invalid authorization code",
      );
    });
  });

  it("rejects a second redemption in one request", async () => {
    const data = memoized();
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());
    await data.codes.create(TENANT_A, codeInsert("code-1", login.id));

    await runWithRequestMemo(async () => {
      await data.codes.get(TENANT_A, "code-1", "authorization_code");
      assert.equal(await data.codes.used(TENANT_A, "code-1"), true);
      await assertHttpError(data.codes.used(TENANT_A, "code-1"), 400, "Invalid authorization code");
    });

    assert.ok((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.used_at);
  });

});

describe("held writes in strong mode", () => {
  const fixture = useAdapterFixture({ consistency: "strong" });

  it("sends every write at once", async () => {
    const { commands, data: bare } = fixture();
    const data = withRequestMemo(bare);
    const login = await data.loginSessions.create(TENANT_A, loginSessionInsert());

    const sent = await commandsOfRequest(commands, async () => {
      await data.loginSessions.get(TENANT_A, login.id);
      await data.sessions.create(TENANT_A, sessionInsert("sess-1", login.id));
      await data.loginSessions.update(TENANT_A, login.id, { session_id: "sess-1" });
      await data.codes.create(TENANT_A, codeInsert("code-1", login.id));
    });

    assert.deepEqual(sent, ["GetItemCommand", "PutItemCommand", "UpdateItemCommand", "PutItemCommand"]);
  });
});
