import type { DataAdapters } from "@authhero/adapter-interfaces";

/**
 * Entities whose writes AuthHero may start without awaiting them: audit
 * logs, through its waitUntil helper. In AuthHero 9.6.1 that helper, on
 * Node and Lambda, keeps the promise in a per-request list that is awaited
 * only when NODE_ENV is `test`.
 */
const DEFERRED_ENTITIES = ["logs"] as const;

export interface PendingWrites {
  adapters: DataAdapters;
  /** Resolves once every write started so far, and any started meanwhile, has finished. Never rejects. */
  settle(): Promise<void>;
}

/**
 * Wraps the adapters so that writes AuthHero may leave running after the
 * response are tracked. A Lambda handler must await `settle()` before it
 * returns: Lambda freezes the execution environment as soon as the handler
 * returns, so an unfinished write would resume only on the next invocation,
 * or never if the environment is shut down.
 */
export function trackPendingWrites(adapters: DataAdapters): PendingWrites {
  const pending = new Set<Promise<unknown>>();
  const wrapped: Record<string, unknown> = { ...adapters };
  const source = adapters as unknown as Record<string, Record<string, unknown>>;

  for (const entity of DEFERRED_ENTITIES) {
    const methods: Record<string, unknown> = { ...source[entity] };
    for (const [name, method] of Object.entries(source[entity] ?? {})) {
      if (typeof method !== "function") continue;
      methods[name] = (...args: unknown[]) => {
        const write = Promise.resolve(method.apply(source[entity], args));
        const forget = (): void => {
          pending.delete(settled);
        };
        const settled: Promise<void> = write.then(forget, forget);
        pending.add(settled);
        return write;
      };
    }
    wrapped[entity] = methods;
  }

  return {
    adapters: wrapped as unknown as DataAdapters,
    settle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
