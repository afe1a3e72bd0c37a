import { AsyncLocalStorage } from "node:async_hooks";
import type { DataAdapters } from "@authhero/adapter-interfaces";

/**
 * Attributes DynamoDB commands to the adapter method that sent them. The
 * runtime wraps its table adapter (beneath the cache) with `instrument`, so
 * each call that reaches DynamoDB runs inside an async context naming the
 * method, and the client's onCommand hook reads that context.
 */
export class AdapterCallRecorder {
  private readonly current = new AsyncLocalStorage<string>();
  /** `entity.method` per DynamoDB command, in the order sent. */
  commandsByMethod: string[] = [];
  /** `entity.method` per adapter call that reached the table adapter. */
  calls: string[] = [];

  reset(): void {
    this.commandsByMethod = [];
    this.calls = [];
  }

  /** The client's onCommand hook. */
  onCommand = (): void => {
    this.commandsByMethod.push(this.current.getStore() ?? "(outside the adapter)");
  };

  instrument = (adapters: DataAdapters): DataAdapters => {
    const wrapped: Record<string, unknown> = {};
    for (const [entity, adapter] of Object.entries(adapters)) {
      if (entity === "transaction") {
        wrapped.transaction = (fn: (transactionAdapters: DataAdapters) => Promise<unknown>) => adapters.transaction((inner) => fn(this.instrument(inner)));
        continue;
      }
      if (adapter === null || typeof adapter !== "object") {
        wrapped[entity] = adapter;
        continue;
      }
      const methods: Record<string, unknown> = {};
      for (const [name, method] of Object.entries(adapter as Record<string, unknown>)) {
        if (typeof method !== "function") {
          methods[name] = method;
          continue;
        }
        const label = `${entity}.${name}`;
        methods[name] = (...args: unknown[]) => {
          this.calls.push(label);
          // A nested call keeps the outer label, so a command is charged to the method AuthHero called.
          const outer = this.current.getStore();
          return outer ? method.apply(adapter, args) : this.current.run(label, () => method.apply(adapter, args));
        };
      }
      wrapped[entity] = methods;
    }
    return wrapped as unknown as DataAdapters;
  };
}

/** Counts occurrences, most frequent first. */
export function tally(labels: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])));
}
