import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { trackPendingWrites } from "../../../app/deferred/pending-writes.js";

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

  it("leaves other entities unwrapped", () => {
    const { adapters } = gatedLogs();
    assert.equal(trackPendingWrites(adapters).adapters.clients, adapters.clients);
  });
});
