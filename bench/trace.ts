import { measureDynamoDbRequests, shutdown } from "./dynamodb-requests.js";

/**
 * `npx tsx bench/trace.ts [ttlSeconds]`: prints, per flow and run, every
 * DynamoDB command in the order sent, with the HTTP request it served, the
 * adapter method that sent it and the entity kind of each partition it
 * names. The cache lifetime defaults to 30 s, the app's default.
 */
async function main(): Promise<void> {
  const ttlSeconds = Number(process.argv[2] ?? 30);
  const counts = await measureDynamoDbRequests(ttlSeconds);
  await shutdown();
  for (const count of counts) {
    console.log(`\n${count.flow}, ${count.run}, cache ${ttlSeconds} s: ${count.total} requests, ${JSON.stringify(count.byOperation)}`);
    for (const [index, line] of count.sequence.entries()) console.log(`${String(index + 1).padStart(3)}  ${line}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
