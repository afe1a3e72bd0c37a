import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../app/dynamodb/client.js";
import { TEST_REGION } from "../test/support/local-engine.js";
import { startBenchServer } from "./bench-server.js";

/** Seconds each endpoint is loaded; autocannon stops by itself after it. */
const DURATION_SECONDS = 5;
const CONNECTIONS = 10;

export interface Throughput {
  target: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Audit log writes deferred past the response that still failed after their retries (each went to the process log). */
  failedDeferredWrites?: number;
}

interface Target {
  name: string;
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Loads discovery, JWKS and the client_credentials token endpoint of a
 * warm, cached server on loopback with autocannon. Autocannon runs as a
 * child process, so it does not share the server's event loop. Then the
 * local engine's own GetItem is measured with the same concurrency as the
 * floor. The table
 * holds only the seeded tenant, so its size is the same on every run.
 */
export async function measureThroughput(cacheTtlSeconds: number): Promise<Throughput[]> {
  const server = await startBenchServer({ cacheTtlSeconds, countItems: false });
  try {
    const token = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: server.seeded.managementClientId!,
      client_secret: server.seeded.managementClientSecret!,
      audience: server.seeded.managementAudience,
    }).toString();
    await createDocumentClient({ region: TEST_REGION, endpoint: server.table.endpoint }).send(
      new PutCommand({ TableName: server.table.tableName, Item: { pk: "floor", sk: "floor", type: "bench" } }),
    );
    const targets: Target[] = [
      { name: "discovery", url: `${server.baseUrl}/.well-known/openid-configuration` },
      { name: "jwks", url: `${server.baseUrl}/.well-known/jwks.json` },
      { name: "client_credentials token", url: `${server.baseUrl}/oauth/token`, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: token },
    ];
    const results: Throughput[] = [];
    const failedDeferredWrites = countDeferredWriteFailures();
    try {
      for (const target of targets) {
        // One short run first, so caches, connections and the JIT are warm.
        await runAutocannon(target, 1);
        await server.settlePendingWrites();
        failedDeferredWrites.reset();
        const measured = await runAutocannon(target, DURATION_SECONDS);
        // Audit log writes queue behind the responses; they count once they have finished or failed.
        await server.settlePendingWrites();
        results.push({ ...measured, failedDeferredWrites: failedDeferredWrites.count() });
      }
    } finally {
      failedDeferredWrites.restore();
    }
    results.push(await measureEngineFloor(server.table.endpoint, server.table.tableName));
    return results;
  } finally {
    await server.close();
  }
}

async function runAutocannon(target: Target, seconds: number): Promise<Throughput> {
  const cli = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  const args = [cli, "--json", "-c", String(CONNECTIONS), "-d", String(seconds), "-m", target.method ?? "GET"];
  for (const [name, value] of Object.entries(target.headers ?? {})) args.push("-H", `${name}=${value}`);
  if (target.body) args.push("-b", target.body);
  args.push(target.url);

  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`autocannon on ${target.name} failed with exit code ${code}: ${stderr.slice(-2000)}`);

  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  return { target: target.name, requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/**
 * Measures the floor: GetItem on the engine directly through the SDK, from
 * CONNECTIONS concurrent loops for DURATION_SECONDS. Autocannon aimed at the
 * engine itself measured about 2 requests/s, far below what the SDK gets,
 * so the floor does not use it.
 */
async function measureEngineFloor(endpoint: string, tableName: string): Promise<Throughput> {
  const client = createDocumentClient({ region: TEST_REGION, endpoint, requestTimeoutMs: 30_000 });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + DURATION_SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      try {
        await client.send(new GetCommand({ TableName: tableName, Key: { pk: "floor", sk: "floor" } }));
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  latencies.sort((left, right) => left - right);
  const percentile = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
  return { target: "floor: engine GetItem (SDK)", requestsPerSecond: Math.round(latencies.length / DURATION_SECONDS), p50Ms: percentile(50), p99Ms: percentile(99), non2xx: 0, errors };
}

/**
 * Counts AuthHero's "waitUntil promise error" messages, which it prints
 * with console.error when a write deferred past the response fails; the
 * write is then lost. The messages are counted instead of printed.
 */
function countDeferredWriteFailures() {
  const original = console.error;
  let failures = 0;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("waitUntil promise error")) failures++;
    else original(...args);
  };
  return {
    count: () => failures,
    reset: () => {
      failures = 0;
    },
    restore: () => {
      console.error = original;
    },
  };
}
