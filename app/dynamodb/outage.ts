import { AsyncLocalStorage } from "node:async_hooks";

interface RequestOutage {
  /** Error of the first call in this request that found DynamoDB unavailable. */
  reason?: unknown;
}

const requestOutage = new AsyncLocalStorage<RequestOutage>();

/**
 * Runs `fn` as one request. Once a DynamoDB call in it finds the service
 * unavailable, every later call in the same request fails at once, so a
 * request that makes many calls during an outage fails after the first
 * call's bounded timeout instead of waiting out each call in turn. CPU
 * work such as password hashing does not count against anything.
 */
export function runAsRequest<T>(fn: () => Promise<T>): Promise<T> {
  return requestOutage.run({}, fn);
}

/** Returns the error that found DynamoDB unavailable earlier in this request, if any. */
export function earlierOutage(): unknown {
  return requestOutage.getStore()?.reason;
}

export function recordOutage(reason: unknown): void {
  const store = requestOutage.getStore();
  if (store && store.reason === undefined) store.reason = reason;
}
