import assert from "node:assert/strict";
import type { DataAdapters, LoginSessionInsert, RefreshTokenInsert, UserInsert } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { createAdapterFixture, type AdapterFixture } from "../../support/adapter-fixture.js";

/**
 * Gives each test a fresh moto table and checks after it that the adapter
 * sent no Scan. The client boundary also rejects Scan before sending it, so
 * a Scan would surface as a thrown error as well.
 */
export function useAdapterFixture(options: { consistency?: "eventual" | "strong" } = {}): () => AdapterFixture {
  let fixture: AdapterFixture | undefined;
  const consistency = options.consistency ?? suiteConsistency();

  beforeEach(async () => {
    fixture = await createAdapterFixture({ consistency });
  });

  afterEach(function () {
    if (!fixture || this.currentTest?.state === "failed") return;
    const scans = fixture.commands.filter((name) => name.startsWith("Scan"));
    assert.deepEqual(scans, [], "the adapter must never send Scan");
    if (consistency === "strong") {
      const transactions = fixture.commands.filter((name) => name.startsWith("TransactWriteItems"));
      assert.deepEqual(transactions, [], "in strong mode the adapter must never send TransactWriteItems");
    }
  });

  return () => {
    if (!fixture) throw new Error("The adapter fixture is only available inside a test.");
    return fixture;
  };
}

/**
 * Returns the mode the conformance suite runs in. `ADAPTER_CONSISTENCY=strong`
 * runs every adapter test as on an MRSC table, which `npm test` does once more.
 */
function suiteConsistency(): "eventual" | "strong" {
  const value = process.env.ADAPTER_CONSISTENCY ?? "eventual";
  if (value !== "eventual" && value !== "strong") throw new Error(`ADAPTER_CONSISTENCY is \`${value}\`; set it to eventual or strong.`);
  return value;
}

/** Returns the ISO timestamp `seconds` from now, in the past when negative. */
export function isoIn(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** Asserts that `promise` rejects with a Hono HTTPException of `status`. */
export async function assertHttpError(promise: Promise<unknown>, status: number, message?: string | RegExp): Promise<HTTPException> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof HTTPException, `expected an HTTPException ${status}, got ${String(caught)}`);
  assert.equal(caught.status, status);
  if (typeof message === "string") assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}

/** Numbers test middleware so that one client can carry several; the SDK rejects duplicate names. */
let middlewareCount = 0;

export const TENANT_A = "tenant-a";
export const TENANT_B = "tenant-b";

/** Builds a login session for client `app-1` that expires in ten minutes, with `fields` applied on top. */
export function loginSessionInsert(fields: Partial<LoginSessionInsert> = {}): LoginSessionInsert {
  return { csrf_token: "csrf", authParams: { client_id: "app-1" }, expires_at: isoIn(600), ...fields } as LoginSessionInsert;
}

/**
 * Builds a refresh token for user `auth2|alice` and client `app-1`, in a
 * family named after its id and with no expiry, with `fields` on top.
 */
export function refreshTokenInsert(id: string, loginId: string, fields: Partial<RefreshTokenInsert> = {}): RefreshTokenInsert {
  return {
    id,
    login_id: loginId,
    user_id: "auth2|alice",
    client_id: "app-1",
    device: DEVICE,
    resource_servers: [{ audience: "https://api.example.com", scopes: "openid offline_access" }],
    rotating: true,
    token_lookup: `lookup-${id}`,
    token_hash: `hash-${id}`,
    family_id: id,
    ...fields,
  } as RefreshTokenInsert;
}

/**
 * Checks that transaction() runs its callback again when another writer
 * changes an item between the callback's read and the commit, and that
 * both writes survive. Both consistency modes share it.
 */
export async function assertRerunAfterLostRace(data: DataAdapters): Promise<void> {
  await data.users.create(TENANT_A, { user_id: "auth2|alice", email: "alice@example.com", connection: "Username-Password-Authentication", email_verified: false } as UserInsert);
  let runs = 0;
  await data.transaction(async (trx) => {
    runs++;
    await trx.users.update(TENANT_A, "auth2|alice", { nickname: "ally" });
    // Another request's write lands between this transaction's read and its commit, on the first run only.
    if (runs === 1) await data.users.update(TENANT_A, "auth2|alice", { given_name: "Alice" });
  });
  assert.equal(runs, 2);
  const user = await data.users.get(TENANT_A, "auth2|alice");
  assert.equal(user?.nickname, "ally");
  assert.equal(user?.given_name, "Alice");
}

/** The device record sessions and refresh tokens carry. */
export const DEVICE = {
  initial_user_agent: "test-agent",
  initial_ip: "192.0.2.1",
  initial_asn: "AS64496",
  last_user_agent: "test-agent",
  last_ip: "192.0.2.1",
  last_asn: "AS64496",
};

/**
 * Makes the fixture's client fail, once, the first command whose input
 * mentions `marker`, as a throttled or crashed request would. It simulates
 * a failure between two writes that must happen together.
 */
export function failFirstCommandMentioning(fixture: AdapterFixture, marker: string): void {
  let failed = false;
  fixture.table.client.middlewareStack.add(
    (next) => async (args) => {
      if (!failed && JSON.stringify(args.input).includes(marker)) {
        failed = true;
        throw Object.assign(new Error("Injected failure"), { name: "ServiceUnavailable" });
      }
      return next(args);
    },
    { step: "initialize", name: `testFailFirstCommandMentioning${++middlewareCount}` },
  );
}

export interface CommandGate {
  /** Resolves once the next matching command is being held. */
  held(): Promise<void>;
  /** Lets the held command go on. */
  release(): void;
}

/**
 * Holds the first `times` commands that match before they are sent, one at a
 * time, so a test can run other calls in between and force one interleaving.
 * moto applies concurrent requests without per-item locking and rolls back a
 * failed transaction by restoring a whole-table snapshot, so tests of races
 * order the requests this way instead of relying on timing.
 */
export function gateCommands(fixture: AdapterFixture, matches: (commandName: string, input: string) => boolean, times = 1): CommandGate {
  let remaining = times;
  let signalHeld: () => void = () => undefined;
  let heldPromise = new Promise<void>((resolve) => (signalHeld = resolve));
  let releaseHeld: () => void = () => undefined;

  fixture.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (remaining > 0 && matches(String(context.commandName), JSON.stringify(args.input))) {
        remaining--;
        const released = new Promise<void>((resolve) => (releaseHeld = resolve));
        signalHeld();
        await released;
      }
      return next(args);
    },
    { step: "initialize", name: `testGateCommands${++middlewareCount}` },
  );

  return {
    held: () => heldPromise,
    release: () => {
      const release = releaseHeld;
      heldPromise = new Promise<void>((resolve) => (signalHeld = resolve));
      release();
    },
  };
}
