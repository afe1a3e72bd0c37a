import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { trackPendingWrites } from "../../../app/deferred/pending-writes.js";
import { unavailable } from "../../../app/dynamodb/errors.js";
import { earlierOutage, recordOutage, runAsRequest } from "../../../app/dynamodb/outage.js";
import type { LogLevel } from "../../../app/logger.js";

/** Adapters whose logs.create fails with `failures` errors in turn before it stores. */
function flakyLogs(failures: unknown[]) {
  const written: string[] = [];
  let calls = 0;
  const adapters = {
    logs: {
      create: async (_tenantId: string, log: { description: string }) => {
        // As the table boundary does, a call in a request that already met an outage fails at once.
        const outage = earlierOutage();
        if (outage !== undefined) throw outage;
        const failure = failures[calls++];
        if (failure !== undefined) throw failure;
        written.push(log.description);
        return log;
      },
    },
  } as unknown as DataAdapters;
  return { adapters, written, calls: () => calls };
}

function recordingLogger() {
  const lines: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }> = [];
  return { lines, logger: { log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields }) } };
}

const throttled = () => unavailable("PutItem was throttled", new Error("ThrottlingException"));

/** Adapters whose logs.create finishes only when the test releases it. */
function gatedLogs(outcome: "resolve" | "reject" = "resolve") {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const written: string[] = [];
  const adapters = {
    logs: {
      create: async (_tenantId: string, log: { description: string }) => {
        await gate;
        if (outcome === "reject") throw new Error("write failed");
        written.push(log.description);
        return log;
      },
      get: async () => null,
    },
    clients: { get: async () => null },
  } as unknown as DataAdapters;
  return { adapters, release, written };
}

describe("trackPendingWrites", () => {
  it("waits for an unawaited log write", async () => {
    const { adapters, release, written } = gatedLogs();
    const tracked = trackPendingWrites(adapters);
    void tracked.adapters.logs.create("main", { description: "login" } as never);

    let settled = false;
    const settling = tracked.settle().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(settled, false);

    release();
    await settling;
    assert.deepEqual(written, ["login"]);
  });

  it("settles without rejecting when a write fails", async () => {
    const { adapters, release } = gatedLogs("reject");
    const tracked = trackPendingWrites(adapters);
    tracked.adapters.logs.create("main", { description: "login" } as never).catch(() => undefined);
    release();
    await tracked.settle();
  });

  it("resolves at once with nothing pending", async () => {
    const { adapters } = gatedLogs();
    await trackPendingWrites(adapters).settle();
  });

  it("retries a write while DynamoDB is unavailable", async () => {
    const { adapters, written, calls } = flakyLogs([throttled(), throttled()]);
    const tracked = trackPendingWrites(adapters, { retryDelayMs: 1 });
    void tracked.adapters.logs.create("main", { description: "login" } as never).catch(() => undefined);
    await tracked.settle();
    assert.deepEqual(written, ["login"]);
    assert.equal(calls(), 3);
  });

  it("retries outside the request's outage budget", async () => {
    const { adapters, written } = flakyLogs([throttled()]);
    const tracked = trackPendingWrites(adapters, { retryDelayMs: 1 });
    await runAsRequest(async () => {
      recordOutage(throttled());
      void tracked.adapters.logs.create("main", { description: "after an outage" } as never).catch(() => undefined);
    });
    await tracked.settle();
    assert.deepEqual(written, ["after an outage"]);
  });

  it("logs an entry it cannot store, without its details", async () => {
    const { adapters, written, calls } = flakyLogs([throttled(), throttled(), throttled()]);
    const { lines, logger } = recordingLogger();
    const tracked = trackPendingWrites(adapters, { logger, attempts: 3, retryDelayMs: 1 });
    void tracked.adapters.logs.create("main", { type: "s", description: "login", user_id: "auth2|alice", details: { request: { body: { password: "secret" } } } } as never).catch(() => undefined);
    await tracked.settle();

    assert.deepEqual(written, []);
    assert.equal(calls(), 3);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.message, "audit log entry not stored");
    assert.deepEqual(lines[0]?.fields?.entry, { type: "s", description: "login", user_id: "auth2|alice" });
    assert.doesNotMatch(JSON.stringify(lines[0]), /secret/);
  });

  it("does not retry a value DynamoDB cannot store", async () => {
    const { adapters, calls } = flakyLogs([Object.assign(new Error("too large"), { status: 400 })]);
    const { lines, logger } = recordingLogger();
    const tracked = trackPendingWrites(adapters, { logger, retryDelayMs: 1 });
    void tracked.adapters.logs.create("main", { type: "s", description: "login" } as never).catch(() => undefined);
    await tracked.settle();
    assert.equal(calls(), 1);
    assert.equal(lines[0]?.fields?.reason, "write failed");
  });

  it("sends at most `concurrency` writes at once", async () => {
    let inFlight = 0;
    let peak = 0;
    const adapters = {
      logs: {
        create: async (_tenantId: string, log: unknown) => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight--;
          return log;
        },
      },
    } as unknown as DataAdapters;
    const tracked = trackPendingWrites(adapters, { concurrency: 3 });
    for (let index = 0; index < 20; index++) void tracked.adapters.logs.create("main", { description: `entry ${index}` } as never);
    await tracked.settle();
    assert.equal(peak, 3);
  });

  it("sends entries past a full queue to the process log", async () => {
    const { adapters, release } = gatedLogs();
    const { lines, logger } = recordingLogger();
    const tracked = trackPendingWrites(adapters, { logger, maxQueued: 2 });
    for (const description of ["one", "two", "three"]) void tracked.adapters.logs.create("main", { description } as never).catch(() => undefined);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.fields?.reason, "queue full");
    assert.deepEqual(lines[0]?.fields?.entry, { description: "three" });
    release();
    await tracked.settle();
  });

  it("stops waiting at maxWaitMs and logs what is still unstored, once", async () => {
    const { adapters, release } = gatedLogs("reject");
    const { lines, logger } = recordingLogger();
    const tracked = trackPendingWrites(adapters, { logger });
    void tracked.adapters.logs.create("main", { type: "s", description: "slow" } as never).catch(() => undefined);

    const started = Date.now();
    await tracked.settle({ maxWaitMs: 30 });
    assert.ok(Date.now() - started < 1_000);
    assert.equal(lines.length, 1);
    assert.match(String(lines[0]?.fields?.reason), /before the invocation ended/);

    release();
    await tracked.settle();
    assert.equal(lines.length, 1, "the failure after giving up is not logged again");
  });

  it("waits for a lookup that precedes a log write", async () => {
    // AuthHero reads the client's name first, and only then starts the log write.
    let releaseLookup: () => void = () => {};
    const lookup = new Promise<void>((resolve) => (releaseLookup = resolve));
    const written: string[] = [];
    const adapters = {
      clients: { get: async () => { await lookup; return { name: "app" }; } },
      logs: { create: async (_tenantId: string, log: { description: string }) => { written.push(log.description); return log; } },
    } as unknown as DataAdapters;
    const tracked = trackPendingWrites(adapters);
    void (async () => {
      const client = await tracked.adapters.clients.get("main", "app");
      await tracked.adapters.logs.create("main", { description: `login to ${client?.name}` } as never);
    })();

    let settled = false;
    const settling = tracked.settle().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(settled, false, "settle() returned while the lookup was still running");

    releaseLookup();
    await settling;
    assert.deepEqual(written, ["login to app"]);
  });

  it("passes other entities' results through", async () => {
    const { adapters } = gatedLogs();
    const tracked = trackPendingWrites(adapters);

    assert.equal(await tracked.adapters.clients.get("main", "app"), null);
    await tracked.settle();
  });
});
