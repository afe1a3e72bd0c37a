import { AsyncLocalStorage } from "node:async_hooks";
import type { DataAdapters } from "@authhero/adapter-interfaces";

/**
 * A memo of reads that lives for one HTTP request. AuthHero reads the same
 * login session, user or session several times while it serves one request,
 * so within the request every read after the first returns the memoized result.
 * A write through the memoized adapters drops the entries it could affect,
 * before and after it runs, so the request always reads its own writes.
 * Outside runWithRequestMemo (seeding, scripts, tests of the bare adapter)
 * nothing is memoized.
 *
 * The memo never outlives its request: it is held only by the request's
 * async context. Writes by other requests or processes while the request
 * runs are not seen by its later reads, as if the request had read every
 * item once at its first read.
 */
interface Memo {
  /**
   * Read results by group and key; a pending read is stored as its promise.
   * Invalidation replaces a group's map, so a read still running when a
   * write starts settles into the dropped map, never into the new one.
   */
  groups: Map<string, Map<string, Promise<unknown>>>;
  /** Writes through the memoized adapters still running in this request. */
  writesInFlight: number;
  /** Writes started in this request, so a write can tell whether another began after it. */
  writesStarted: number;
  /** Values that the running write returned (the item after the write), stored when it finishes. */
  written: Array<{ group: string; key: string; value: unknown }>;
  /** State that adapters keep for the rest of the request, by key. */
  locals: Map<symbol, unknown>;
  /** Work that must finish before the response is returned, run in order. */
  beforeResponse: Array<() => Promise<void>>;
  /** Set once the request has started running beforeResponse. */
  responding: boolean;
}

const requestMemo = new AsyncLocalStorage<Memo>();

/**
 * Runs `serve` with a memo of its own; every adapter read inside it may be
 * memoized. Work registered with runBeforeResponse finishes before the
 * returned promise resolves, even when `serve` fails.
 */
export async function runWithRequestMemo<T>(serve: () => Promise<T>): Promise<T> {
  const memo: Memo = { groups: new Map(), writesInFlight: 0, writesStarted: 0, written: [], locals: new Map(), beforeResponse: [], responding: false };
  return requestMemo.run(memo, async () => {
    try {
      return await serve();
    } finally {
      memo.responding = true;
      for (let task = memo.beforeResponse.shift(); task; task = memo.beforeResponse.shift()) await task();
    }
  });
}

/** Returns the request's state under `key`, created on first use, or undefined outside a request. */
export function requestLocal<T>(key: symbol, create: () => T): T | undefined {
  const memo = requestMemo.getStore();
  if (!memo) return undefined;
  if (!memo.locals.has(key)) memo.locals.set(key, create());
  return memo.locals.get(key) as T;
}

/**
 * Registers `task` to finish before the current request's response is
 * returned. Returns false, and registers nothing, outside a request or once
 * the request has started running these tasks, such as in work AuthHero
 * defers until after the response.
 */
export function runBeforeResponse(task: () => Promise<void>): boolean {
  const memo = requestMemo.getStore();
  if (!memo || memo.responding) return false;
  memo.beforeResponse.push(task);
  return true;
}

/** Returns whether the caller runs inside a request with a memo. */
export function hasRequestMemo(): boolean {
  return requestMemo.getStore() !== undefined;
}

/** Builds the memo key of an adapter read, the same for the wrapper below and for values primed by the adapter. */
export function memoKey(method: string, args: readonly unknown[]): string {
  return JSON.stringify([method, ...args]);
}

/**
 * Returns the memoized result of `key` in `group`, or runs `load` and
 * memoizes it. With `bypass` (an adapter inside a transaction, whose
 * reads see its staged writes) it only runs `load`. Concurrent reads of one key share one load. A failed load is
 * not memoized. Each caller gets its own copy, so mutating it cannot change
 * what the next read returns.
 */
export async function memoizedRead<T>(group: string, key: string, load: () => Promise<T>, options: { bypass?: boolean } = {}): Promise<T> {
  const memo = requestMemo.getStore();
  if (!memo || options.bypass) return load();
  const entries = entriesOf(memo, group);
  let read = entries.get(key) as Promise<T> | undefined;
  if (!read) {
    const pending = load();
    entries.set(key, pending);
    pending.catch(() => {
      if (entries.get(key) === pending) entries.delete(key);
    });
    read = pending;
  }
  return structuredClone(await read);
}

/** Stores a value as the result of a read that the adapter made as a side effect of another read. */
export type Primer = (group: string, key: string, value: unknown) => void;

/**
 * Returns a Primer for the results of a read about to start. It stores
 * values only if no write of this request ran while the read did, because
 * the read could have returned the item's state from before that write.
 * Outside a request, and with `bypass` (a read inside a transaction, which
 * can see writes that are not committed), it stores nothing.
 */
export function startPriming(options: { bypass?: boolean } = {}): Primer {
  const memo = requestMemo.getStore();
  if (!memo || options.bypass) return () => {};
  const clean = memo.writesInFlight === 0;
  const started = memo.writesStarted;
  return (group, key, value) => {
    if (!clean || memo.writesStarted !== started) return;
    entriesOf(memo, group).set(key, Promise.resolve(structuredClone(value)));
  };
}

/**
 * Records `value`, which a write returned as the item's state right after
 * it (UpdateItem's ALL_NEW), as the result of `key` in `group`. It is
 * stored when the write finishes, but only if no other write of this
 * request ran beside it, because that write could change the same item.
 */
export function primeAfterWrite(group: string, key: string, value: unknown): void {
  requestMemo.getStore()?.written.push({ group, key, value: structuredClone(value) });
}

/** Drops every memoized read of `group` in the current request. */
export function invalidateGroup(group: string): void {
  const memo = requestMemo.getStore();
  if (!memo) return;
  memo.groups.delete(group);
}

function entriesOf(memo: Memo, group: string): Map<string, Promise<unknown>> {
  let entries = memo.groups.get(group);
  if (!entries) memo.groups.set(group, (entries = new Map()));
  return entries;
}

/**
 * The adapter reads the memo serves, per entity (the DataAdapters
 * property), and the entities whose writes drop them. Every method of a
 * listed entity that is not one of its reads counts as a write.
 *
 * Codes and refresh tokens are left out: their reads decide single use,
 * so each goes to the table.
 */
export const MEMO_POLICY: Readonly<Record<string, { reads: readonly string[]; invalidatedBy: readonly string[] }>> = {
  // Creating a session or refresh token extends the login session's expiry.
  loginSessions: { reads: ["get"], invalidatedBy: ["loginSessions", "sessions", "refreshTokens"] },
  // Removing a user removes its sessions.
  sessions: { reads: ["get"], invalidatedBy: ["sessions", "users"] },
  users: { reads: ["get", "list"], invalidatedBy: ["users"] },
  passwords: { reads: ["get"], invalidatedBy: ["passwords", "users"] },
  // The user-roles adapter memoizes a user's role assignments itself; users.list primes them.
  userRoles: { reads: [], invalidatedBy: ["userRoles", "users"] },
};

/** Reads of the entities above that go to the table every time. Like every read, they drop nothing. */
const UNMEMOIZED_READS: Readonly<Record<string, readonly string[]>> = {
  loginSessions: [],
  sessions: ["list"],
  users: [],
  passwords: ["list"],
  refreshTokens: ["get", "getByLookup", "list"],
  userRoles: ["list", "listUsers", "listRoleIds"],
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps the adapters so that the reads in MEMO_POLICY are memoized per
 * request and every write drops the memoized reads it could affect. A
 * transaction drops every group before and after it, and reads inside it
 * go to the table.
 */
export function withRequestMemo(adapters: DataAdapters): DataAdapters {
  const source = adapters as unknown as Record<string, Record<string, unknown>>;
  const wrapped: Record<string, unknown> = { ...adapters };
  const entities = new Set([...Object.keys(MEMO_POLICY), ...Object.values(MEMO_POLICY).flatMap((policy) => policy.invalidatedBy)]);

  for (const entity of entities) {
    const adapter = source[entity];
    if (!adapter) continue;
    const reads = MEMO_POLICY[entity]?.reads ?? [];
    const affected = Object.entries(MEMO_POLICY)
      .filter(([, policy]) => policy.invalidatedBy.includes(entity))
      .map(([group]) => group);
    const methods: Record<string, unknown> = { ...adapter };
    for (const [name, method] of Object.entries(adapter)) {
      if (typeof method !== "function") continue;
      const call = (method as AnyMethod).bind(adapter);
      if (reads.includes(name)) methods[name] = (...args: unknown[]) => memoizedRead(entity, memoKey(name, args), () => call(...args));
      else if (UNMEMOIZED_READS[entity]?.includes(name)) methods[name] = call;
      else methods[name] = invalidatingWrite(affected, call);
    }
    wrapped[entity] = methods;
  }

  wrapped.transaction = invalidatingWrite(Object.keys(MEMO_POLICY), adapters.transaction.bind(adapters) as AnyMethod);
  return wrapped as unknown as DataAdapters;
}

function invalidatingWrite(groups: readonly string[], call: AnyMethod): AnyMethod {
  const invalidate = () => {
    for (const group of groups) invalidateGroup(group);
  };
  return async (...args) => {
    const memo = requestMemo.getStore();
    if (!memo) return call(...args);
    const alone = memo.writesInFlight === 0;
    const serial = ++memo.writesStarted;
    memo.writesInFlight++;
    memo.written = [];
    invalidate();
    try {
      return await call(...args);
    } finally {
      memo.writesInFlight--;
      invalidate();
      // Only the result of a write that ran with no other write beside it is the item's current state.
      if (alone && memo.writesStarted === serial) {
        for (const { group, key, value } of memo.written) entriesOf(memo, group).set(key, Promise.resolve(value));
      }
      if (memo.writesInFlight === 0) memo.written = [];
    }
  };
}
