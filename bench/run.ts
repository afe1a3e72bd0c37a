import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { arch, cpus, platform, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { measureBundlesAndColdStart, type ColdStart } from "./cold-start.js";
import type { BundleSize } from "./lambda-bundle.js";
import { measureDynamoDbRequests, measureLoginScaling, shutdown, type FlowCount } from "./dynamodb-requests.js";
import type { ProgramEvaluation } from "./program-evaluation.js";
import { measureThroughput } from "./throughput.js";

/** AUTHHERO_CACHE_TTL_SECONDS for the cached runs: the app's default. */
const CACHE_TTL_SECONDS = 30;
const ADDED_USERS = 999;
const COLD_START_RUNS = 10;

interface Row {
  section: string;
  measure: string;
  result: string;
  detail: string;
}

/**
 * `npm run bench`: runs every benchmark, prints one table, and writes
 * bench/results.json. Request and item counts are exact; timings are only
 * meaningful as ratios to the baseline measured in the same run.
 * `npm run bench -- --cold-start-only` runs only the bundle and cold-start
 * measurements and replaces those two sections of bench/results.json.
 */
async function main(): Promise<void> {
  if (process.argv.includes("--cold-start-only")) return updateBundlesAndColdStart();

  const uncached = await measureDynamoDbRequests(0);
  const cached = await measureDynamoDbRequests(CACHE_TTL_SECONDS);
  const scaling = await measureLoginScaling(CACHE_TTL_SECONDS, ADDED_USERS);
  const { bundles, coldStart } = await measureBundlesAndColdStart(COLD_START_RUNS);
  const throughput = await measureThroughput(CACHE_TTL_SECONDS);
  await shutdown();
  const programEvaluation = await measureProgramEvaluation();

  const rows: Row[] = [
    ...cached.map((count, index) => requestRow(count, uncached[index]!)),
    ...scaling.map((entry) => ({ section: "items per login", measure: `${entry.users} user(s) in the tenant`, result: `${entry.itemsRead} items read`, detail: `${entry.requests} requests, ${entry.itemsReturned} items returned` })),
    ...bundleAndColdStartRows(bundles, coldStart),
    ...throughput.map((entry) => ({
      section: "throughput (loopback)",
      measure: entry.target,
      result: `${entry.requestsPerSecond} req/s`,
      detail: `p50 ${entry.p50Ms} ms, p99 ${entry.p99Ms} ms, non-2xx ${entry.non2xx}, errors ${entry.errors}${entry.failedDeferredWrites ? `, failed deferred writes ${entry.failedDeferredWrites}` : ""}`,
    })),
    ...programEvaluation.map((entry) => ({
      section: "Pulumi program under mocks",
      measure: `${entry.regions} region(s)`,
      result: `${entry.resources} resources`,
      detail: `median ${entry.medianMs} ms to evaluate, ${entry.globalResources} without a region`,
    })),
  ];
  console.table(rows);

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: platform(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem() },
    engine: "moto_server (local DynamoDB engine), one table per measurement, one tenant, tenant given by AUTHHERO_TENANT_ID",
    cacheTtlSeconds: CACHE_TTL_SECONDS,
    dynamodbRequestsPerFlow: { uncached, cached },
    loginScaling: scaling,
    lambdaBundles: bundles,
    coldStart,
    throughput,
    programEvaluation,
  };
  await writeFile(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log("wrote bench/results.json");
}

async function updateBundlesAndColdStart(): Promise<void> {
  const { bundles, coldStart } = await measureBundlesAndColdStart(COLD_START_RUNS);
  await shutdown();
  console.table(bundleAndColdStartRows(bundles, coldStart));

  const file = new URL("./results.json", import.meta.url);
  const results = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const updated = { ...results, lambdaBundlesAndColdStartGeneratedAt: new Date().toISOString(), lambdaBundles: bundles, coldStart };
  await writeFile(file, `${JSON.stringify(updated, null, 2)}\n`);
  console.log("updated the Lambda bundle and cold-start sections of bench/results.json");
}

/** Runs bench/program-evaluation.ts in a process of its own, because Pulumi's mocks are global. */
async function measureProgramEvaluation(): Promise<ProgramEvaluation[]> {
  const script = fileURLToPath(new URL("./program-evaluation.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const line = stdout.split("\n").find((candidate) => candidate.startsWith("program-evaluation "));
  if (code !== 0 || !line) throw new Error(`bench/program-evaluation.ts failed with exit code ${code}: ${stdout.slice(-2000)}`);
  return JSON.parse(line.slice("program-evaluation ".length)) as ProgramEvaluation[];
}

function bundleAndColdStartRows(bundles: Record<string, BundleSize>, coldStart: ColdStart): Row[] {
  return [
    ...Object.entries(bundles).map(([name, size]) => ({ section: "Lambda bundle", measure: name, result: `${kilobytes(size.rawBytes)} raw, ${kilobytes(size.gzipBytes)} gzip`, detail: topPackages(size.byPackage) })),
    ...(Object.keys(coldStart.processToFirstResponseMs) as Array<keyof typeof coldStart.processToFirstResponseMs>).map((name) => ({
      section: "cold start (median)",
      measure: name,
      result: `${coldStart.processToFirstResponseMs[name]} ms to first response`,
      detail: `${coldStart.processToLoadedMs[name]} ms to handler loaded, ${coldStart.processCpuMs[name]} ms CPU`,
    })),
    ...([
      ["app / baseline", coldStart.ratios],
      ["app / baselineSameOptions", coldStart.ratiosSameOptions],
      ["appReference / baseline", coldStart.ratiosReferenceBuild],
    ] as const).map(([measure, ratios]) => ({
      section: "cold start (median)",
      measure,
      result: `${ratios.firstResponse}x first response`,
      detail: `${ratios.loaded}x handler loaded, ${ratios.cpu}x CPU`,
    })),
  ];
}

function requestRow(count: FlowCount, uncached: FlowCount): Row {
  const methods = Object.entries(count.byMethod).map(([method, n]) => `${method} ${n}`).join(", ");
  return {
    section: `DynamoDB requests, ${count.run}`,
    measure: count.flow,
    result: `${count.total} cached, ${uncached.total} uncached`,
    detail: methods || "-",
  };
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

function topPackages(byPackage: Record<string, number>): string {
  return Object.entries(byPackage).slice(0, 3).map(([name, bytes]) => `${name} ${kilobytes(bytes)}`).join(", ");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
