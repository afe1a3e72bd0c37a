import { AsyncLocalStorage } from "node:async_hooks";

const requestSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` with a deadline that every DynamoDB call inside it shares, so a
 * request that makes several calls during an outage still fails within the
 * budget instead of spending the SDK's timeout on each call in turn.
 */
export function runWithDeadline<T>(budgetMs: number, fn: () => Promise<T>): Promise<T> {
  return requestSignal.run(AbortSignal.timeout(budgetMs), fn);
}

/** The current request's deadline signal, if the call runs inside one. */
export function currentDeadline(): AbortSignal | undefined {
  return requestSignal.getStore();
}
