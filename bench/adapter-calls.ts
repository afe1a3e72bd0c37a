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
  private readonly step = new AsyncLocalStorage<string>();
  /** `entity.method` per DynamoDB command, in the order sent. */
  commandsByMethod: string[] = [];
  /** `entity.method` per adapter call that reached the table adapter. */
  calls: string[] = [];
  /** Every DynamoDB command in the order sent, with the HTTP request and adapter method it served. */
  trace: TracedCommand[] = [];

  reset(): void {
    this.commandsByMethod = [];
    this.calls = [];
    this.trace = [];
  }

  /** The client's onCommand hook. */
  onCommand = (commandName: string, input: unknown): void => {
    const method = this.current.getStore() ?? "(outside the adapter)";
    this.commandsByMethod.push(method);
    this.trace.push({ step: this.step.getStore() ?? "(outside a request)", method, operation: commandName.replace(/Command$/, ""), partitions: partitionKinds(input) });
  };

  /** Runs `serve` with `label` (for example `POST /u/login/password`) as the step of every command it sends. */
  inStep = <T>(label: string, serve: () => T): T => this.step.run(label, serve);

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

/** One DynamoDB command as the trace records it. */
export interface TracedCommand {
  /** The HTTP request being served, as `METHOD /path`. */
  step: string;
  /** The adapter method AuthHero called, as `entity.method`. */
  method: string;
  operation: string;
  /** The entity kind of each partition the command names (the type segment of its pk), for example `login-session`. */
  partitions: string[];
}

/**
 * Returns the entity kind of every partition key in a command's input: the
 * segment after the tenant in `tenant#type#id`. Index queries name their
 * index, as in `gsi2:user-email`.
 */
export function partitionKinds(input: unknown): string[] {
  const request = (input ?? {}) as {
    Key?: Record<string, unknown>;
    Item?: Record<string, unknown>;
    IndexName?: string;
    ExpressionAttributeValues?: Record<string, unknown>;
    RequestItems?: Record<string, { Keys?: Array<Record<string, unknown>> }>;
    TransactItems?: Array<Record<string, { Key?: Record<string, unknown>; Item?: Record<string, unknown> }>>;
  };
  const kinds: string[] = [];
  const add = (pk: unknown, index?: string) => {
    const value = typeof pk === "string" ? pk : (pk as { S?: string } | undefined)?.S;
    if (typeof value !== "string") return;
    const kind = value.split("#")[1] ?? value;
    kinds.push(index ? `${index}:${kind}` : kind);
  };
  if (request.Key) add(request.Key.pk);
  if (request.Item) add(request.Item.pk);
  if (request.ExpressionAttributeValues && !request.Key) add(request.ExpressionAttributeValues[":pk"], request.IndexName);
  for (const table of Object.values(request.RequestItems ?? {})) for (const key of table.Keys ?? []) add(key.pk);
  for (const item of request.TransactItems ?? []) {
    const body = Object.values(item)[0];
    add(body?.Key?.pk ?? body?.Item?.pk);
  }
  return kinds;
}

/** Counts occurrences, most frequent first. */
export function tally(labels: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])));
}
