import { writeFile } from "node:fs/promises";
import { arch, cpus, platform } from "node:os";
import { measureDynamoDbRequests, shutdown } from "./dynamodb-requests.js";

/**
 * `npm run bench`: runs the benchmarks, prints one table, and writes
 * bench/results.json. Counts are exact; nothing here is a timing.
 */
async function main(): Promise<void> {
  const counts = await measureDynamoDbRequests();
  await shutdown();

  const rows = counts.map((count) => ({
    flow: count.flow,
    run: count.run,
    requests: count.total,
    operations: Object.entries(count.byOperation).map(([operation, n]) => `${operation} ${n}`).join(", "),
  }));
  console.table(rows);

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length },
    engine: "moto_server (local DynamoDB engine), one table, one tenant, tenant given by AUTHHERO_TENANT_ID",
    dynamodbRequestsPerFlow: counts,
  };
  await writeFile(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
