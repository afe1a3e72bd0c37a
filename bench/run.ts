import { writeFile } from "node:fs/promises";
import { arch, cpus, platform } from "node:os";
import { measureDynamoDbRequests, measureLoginScaling, shutdown, type FlowCount } from "./dynamodb-requests.js";

/** AUTHHERO_CACHE_TTL_SECONDS for the cached runs: the app's default. */
const CACHE_TTL_SECONDS = 30;
const ADDED_USERS = 999;

/**
 * `npm run bench`: runs the benchmarks, prints one table, and writes
 * bench/results.json. Request and item counts are exact.
 */
async function main(): Promise<void> {
  const uncached = await measureDynamoDbRequests(0);
  const cached = await measureDynamoDbRequests(CACHE_TTL_SECONDS);
  const scaling = await measureLoginScaling(CACHE_TTL_SECONDS, ADDED_USERS);
  await shutdown();

  const rows = cached.map((count, index) => requestRow(count, uncached[index]!));
  for (const entry of scaling) rows.push({ measure: `login, ${entry.users} user(s), warm`, "no cache": "", cached: String(entry.requests), detail: `items read ${entry.itemsRead}, items returned ${entry.itemsReturned}` });
  console.table(rows);

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model },
    engine: "moto_server (local DynamoDB engine), one table, one tenant, tenant given by AUTHHERO_TENANT_ID",
    cacheTtlSeconds: CACHE_TTL_SECONDS,
    dynamodbRequestsPerFlow: { uncached, cached },
    loginScaling: scaling,
  };
  await writeFile(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

function requestRow(count: FlowCount, uncached: FlowCount) {
  const methods = Object.entries(count.byMethod).map(([method, n]) => `${method} ${n}`).join(", ");
  return {
    measure: `${count.flow}, ${count.run}`,
    "no cache": String(uncached.total),
    cached: String(count.total),
    detail: methods || "-",
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
