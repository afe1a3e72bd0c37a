import type { DynamoTable } from "./dynamodb/table.js";

export type HealthProbe = () => Promise<void>;

/** Key of the item the probe reads; it need not exist, the read is what counts. */
const PROBE_KEY = { pk: "$health", sk: "probe" };

/**
 * Checks the region's table with one GetItem, bounded to 1.5 s so the
 * endpoint answers within the 2 s a Route 53 health checker waits.
 */
export function createTableProbe(table: DynamoTable, timeoutMs = 1500): HealthProbe {
  return async () => {
    await table.get(PROBE_KEY, { signal: AbortSignal.timeout(timeoutMs) });
  };
}
