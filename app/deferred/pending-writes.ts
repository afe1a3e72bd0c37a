import type { DataAdapters, LogInsert } from "@authhero/adapter-interfaces";
import { runAsRequest } from "../dynamodb/outage.js";
import type { Logger } from "../logger.js";

export interface PendingWrites {
  adapters: DataAdapters;
  /**
   * Resolves once every adapter call started so far, and any started
   * meanwhile, has finished. With `maxWaitMs` it stops waiting then, and
   * writes the audit log entries still unstored to the process log (they may
   * also be stored later, if their write resumes). Never rejects.
   */
  settle(options?: { maxWaitMs?: number }): Promise<void>;
}

export interface DeferredWriteOptions {
  /** Receives the entries that could not be stored, so they survive in the process log. */
  logger?: Logger;
  /** Log writes sent at once; the rest wait their turn. Default 16. */
  concurrency?: number;
  /** Log writes waiting or running before new ones go straight to the process log. Default 10,000. */
  maxQueued?: number;
  /** Attempts per write, the first included. Default 5. */
  attempts?: number;
  /** Pause before the second attempt in milliseconds, doubled for each later one. Default 100. */
  retryDelayMs?: number;
}

/** The fields of an audit log entry written to the process log when it cannot be stored; `details` may hold request data. */
const LOGGED_FIELDS = ["log_id", "type", "date", "description", "client_id", "user_id", "connection", "ip", "strategy"] as const;

/**
 * Wraps the adapters so that the audit log writes AuthHero starts without
 * awaiting them (through its waitUntil helper, which on Node and Lambda only
 * prints a failure) are neither lost nor left running:
 *
 * - they run at most `concurrency` at a time, so a burst of requests does
 *   not send the table more writes than it takes in time;
 * - each runs outside its request's outage budget and is retried with
 *   growing pauses when DynamoDB is unavailable or throttling;
 * - an entry that still cannot be stored, or that arrives when the queue is
 *   full, is written to the process log (without its `details`), so it is
 *   never dropped silently.
 *
 * A Lambda handler must await `settle()` before it returns: Lambda freezes
 * the execution environment as soon as the handler returns, so an
 * unfinished write would resume only on the next invocation, or never.
 * AuthHero 9.6.1 reads the client, user and connection names before it
 * starts an audit log write, so `settle()` waits for every adapter call in
 * flight, not only for the writes already started.
 */
export function trackPendingWrites(adapters: DataAdapters, options: DeferredWriteOptions = {}): PendingWrites {
  const concurrency = options.concurrency ?? 16;
  const maxQueued = options.maxQueued ?? 10_000;
  const attempts = options.attempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 100;
  /** Each write in flight, with what to log if it is given up on. */
  const pending = new Map<Promise<unknown>, { tenantId: string; log: LogInsert; givenUp: boolean }>();
  const waiting: Array<() => void> = [];
  let running = 0;
  const calls = trackCallsInFlight(adapters);

  const notStored = (tenantId: string, log: LogInsert, reason: string, error?: unknown): void => {
    const entry = Object.fromEntries(LOGGED_FIELDS.filter((field) => (log as Record<string, unknown>)[field] !== undefined).map((field) => [field, (log as Record<string, unknown>)[field]]));
    options.logger?.log("error", "audit log entry not stored", { tenantId, reason, entry, error: error instanceof Error ? error.message.slice(0, 500) : undefined });
  };

  const turn = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  const store = async (create: (tenantId: string, log: LogInsert) => Promise<unknown>, tenantId: string, log: LogInsert): Promise<unknown> => {
    await turn();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          // A fresh outage scope: an outage earlier in the request must not fail the retries at once.
          return await runAsRequest(() => create(tenantId, log));
        } catch (error) {
          if (!isRetryable(error) || attempt >= attempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
        }
      }
    } finally {
      release();
    }
  };

  const logs = calls.adapters.logs;
  const wrappedLogs: DataAdapters["logs"] = {
    ...logs,
    create: (tenantId, log) => {
      if (pending.size >= maxQueued) {
        notStored(tenantId, log, "queue full");
        return Promise.reject(new Error(`The audit log write queue is full (${maxQueued} entries), so the entry was written to the process log instead.`));
      }
      const write = store(logs.create.bind(logs), tenantId, log);
      const tracked = { tenantId, log, givenUp: false };
      const settled: Promise<void> = write.then(
        () => undefined,
        (error: unknown) => {
          // An entry already logged when settle() gave up on it is not logged twice.
          if (!tracked.givenUp) notStored(tenantId, log, "write failed", error);
        },
      );
      pending.set(settled, tracked);
      void settled.finally(() => pending.delete(settled));
      return write as ReturnType<DataAdapters["logs"]["create"]>;
    },
  };

  return {
    adapters: { ...calls.adapters, logs: wrappedLogs },
    settle: async ({ maxWaitMs } = {}) => {
      const deadline = maxWaitMs === undefined ? undefined : Date.now() + maxWaitMs;
      for (;;) {
        // Lets the continuations of finished calls run first, so a log write that follows a lookup has started.
        await new Promise((resolve) => setImmediate(resolve));
        if (pending.size === 0 && calls.inFlight.size === 0) return;
        const all = Promise.all([...pending.keys(), ...calls.inFlight]);
        if (deadline === undefined) {
          await all;
          continue;
        }
        const left = deadline - Date.now();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, left))))]);
        clearTimeout(timer);
        if (!timedOut) continue;
        for (const tracked of pending.values()) {
          if (tracked.givenUp) continue;
          tracked.givenUp = true;
          notStored(tracked.tenantId, tracked.log, "not stored before the invocation ended; a later invocation may still store it");
        }
        return;
      }
    },
  };
}

/**
 * Wraps every adapter method so that the promise of each call in flight is
 * in `inFlight` until it settles. Proxies keep every other member, including
 * methods an adapter inherits from a class.
 */
function trackCallsInFlight(adapters: DataAdapters): { adapters: DataAdapters; inFlight: Set<Promise<void>> } {
  const inFlight = new Set<Promise<void>>();
  const track = (result: unknown): void => {
    if (!(result instanceof Promise)) return;
    const done = (): void => {
      inFlight.delete(settled);
    };
    const settled: Promise<void> = result.then(done, done);
    inFlight.add(settled);
  };
  // One wrapper per method, made at its first call, so a hot path does not allocate a closure on every access.
  const wrappers = new WeakMap<object, WeakMap<(...args: unknown[]) => unknown, (...args: unknown[]) => unknown>>();
  const wrap = (method: (...args: unknown[]) => unknown, owner: object) => {
    let byMethod = wrappers.get(owner);
    if (byMethod === undefined) {
      byMethod = new WeakMap();
      wrappers.set(owner, byMethod);
    }
    let wrapper = byMethod.get(method);
    if (wrapper === undefined) {
      wrapper = (...args: unknown[]) => {
        const result = method.apply(owner, args);
        track(result);
        return result;
      };
      byMethod.set(method, wrapper);
    }
    return wrapper;
  };
  const tracked = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value === "function") return wrap(value as (...args: unknown[]) => unknown, object);
        if (typeof value === "object" && value !== null && object === adapters) return tracked(value);
        return value;
      },
    });
  return { adapters: tracked(adapters), inFlight };
}

/** DynamoDB unavailable or throttling (a 503 from the table boundary), as opposed to a value it cannot store. */
function isRetryable(error: unknown): boolean {
  const status = (error as { status?: unknown } | undefined)?.status;
  const code = (error as { code?: unknown } | undefined)?.code;
  return status === 503 || code === "adapter.throttled" || code === "adapter.unavailable";
}
