import type { DataAdapters } from "@authhero/adapter-interfaces";
import { CACHE_POLICY, NEVER_CACHED, type EntityCachePolicy } from "./cache-policy.js";
import { TtlCache } from "./ttl-cache.js";

export interface ReadThroughCacheOptions {
  /** Lifetime of a cached read in seconds. With 0 the adapters are returned unwrapped. */
  ttlSeconds: number;
  /** Maximum cached reads per process. Default 2000. */
  maxEntries?: number;
  /** The clock in milliseconds, which tests replace. Default `Date.now`. */
  now?: () => number;
  /** Called on every cacheable read, with whether it was a cache hit (for benchmarks). */
  onLookup?: (entity: string, method: string, hit: boolean) => void;
}

/** The group of reads that take no tenant id. Tenant ids cannot start with `$`. */
const GLOBAL_SCOPE = "$global";

type AnyMethod = (...args: unknown[]) => Promise<unknown>;
type EntityAdapter = Record<string, unknown>;

/**
 * Wraps the data adapters with a per-process read-through cache for the
 * reads listed in CACHE_POLICY. Entries live `ttlSeconds` at most, and any
 * write through the returned adapters evicts the entries it could affect
 * (the entity's entries in that tenant, its global lookups and the entities
 * that embed it). Writes by other processes or regions are seen only after
 * the entry expires, as docs/performance.md explains.
 *
 * Stored and returned values are copies (structuredClone), so a caller that
 * mutates one cannot change what the next caller reads. Values must
 * therefore be plain data, as the DynamoDB adapter returns.
 */
export function withReadThroughCache(adapters: DataAdapters, options: ReadThroughCacheOptions): DataAdapters {
  if (options.ttlSeconds === 0) return adapters;
  const cache = new TtlCache({ ttlMs: options.ttlSeconds * 1000, maxEntries: options.maxEntries ?? 2000, now: options.now });
  return wrapAdapters(adapters, cache, options, true);
}

function wrapAdapters(adapters: DataAdapters, cache: TtlCache, options: ReadThroughCacheOptions, readThrough: boolean): DataAdapters {
  const wrapped: Record<string, unknown> = { ...adapters };
  const source = adapters as unknown as Record<string, unknown>;
  for (const [entity, policy] of Object.entries(CACHE_POLICY)) {
    const adapter = source[entity] as EntityAdapter | undefined;
    if (adapter && !NEVER_CACHED.includes(entity)) wrapped[entity] = wrapEntity(entity, adapter, policy, cache, options, readThrough);
  }
  // Inside a transaction, reads go to the table so they see the transaction's own
  // writes, and writes still evict.
  wrapped.transaction = (fn: (transactionAdapters: DataAdapters) => Promise<unknown>) =>
    adapters.transaction((transactionAdapters) => fn(wrapAdapters(transactionAdapters, cache, options, false)));
  return wrapped as unknown as DataAdapters;
}

function wrapEntity(entity: string, adapter: EntityAdapter, policy: EntityCachePolicy, cache: TtlCache, options: ReadThroughCacheOptions, readThrough: boolean): EntityAdapter {
  const wrapped: EntityAdapter = {};
  for (const name of methodNames(adapter)) {
    const method = adapter[name];
    if (typeof method !== "function") {
      wrapped[name] = method;
      continue;
    }
    const call = (method as AnyMethod).bind(adapter);
    const isGlobal = policy.globalReads?.includes(name) ?? false;
    if (isGlobal || policy.tenantReads?.includes(name)) {
      wrapped[name] = readThrough ? cachedRead(entity, name, isGlobal, call, cache, options) : call;
    } else {
      wrapped[name] = evictingWrite(entity, policy, call, cache);
    }
  }
  return wrapped;
}

/** Own and inherited method names, so class-based adapters work as well as plain objects. */
function methodNames(adapter: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = adapter; current && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | null) {
    for (const name of Object.getOwnPropertyNames(current)) if (name !== "constructor") names.add(name);
  }
  return [...names];
}

function cachedRead(entity: string, method: string, isGlobal: boolean, call: AnyMethod, cache: TtlCache, options: ReadThroughCacheOptions): AnyMethod {
  const pending = new Map<string, Promise<unknown>>();

  return async (...args) => {
    const scope = isGlobal ? GLOBAL_SCOPE : args[0];
    if (typeof scope !== "string") return call(...args);
    const group = groupKey(entity, scope);
    const key = JSON.stringify([entity, method, ...args]);

    const hit = cache.get(key);
    options.onLookup?.(entity, method, hit !== undefined);
    if (hit) return structuredClone(hit.value);

    // Concurrent misses for one key share one DynamoDB read, but only within
    // one generation: a read that starts after a write never joins one that
    // started before it.
    const generation = cache.generation(group);
    const pendingKey = `${generation}:${key}`;
    let read = pending.get(pendingKey);
    if (!read) {
      read = call(...args).then((value) => {
        cache.set(key, group, structuredClone(value), generation);
        return value;
      });
      pending.set(pendingKey, read);
      void read.then(
        () => pending.delete(pendingKey),
        () => pending.delete(pendingKey),
      );
    }
    return structuredClone(await read);
  };
}

function evictingWrite(entity: string, policy: EntityCachePolicy, call: AnyMethod, cache: TtlCache): AnyMethod {
  const evict = (args: unknown[]) => {
    for (const affected of [entity, ...(policy.dependents ?? [])]) {
      cache.evictGroup(groupKey(affected, GLOBAL_SCOPE));
      if (typeof args[0] === "string") cache.evictGroup(groupKey(affected, args[0]));
    }
  };
  return async (...args) => {
    // Evicting before the write makes reads already in flight discard their
    // results. Evicting after it drops anything read while it ran, and it
    // runs even when the write fails part-way.
    evict(args);
    try {
      return await call(...args);
    } finally {
      evict(args);
    }
  };
}

function groupKey(entity: string, scope: string): string {
  return JSON.stringify([entity, scope]);
}
