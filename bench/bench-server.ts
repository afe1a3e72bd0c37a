import type { AddressInfo } from "node:net";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { ServerType } from "@hono/node-server";
import { createAssetRoutes } from "../app/assets.js";
import { createDocumentClient } from "../app/dynamodb/client.js";
import type { SeedResult } from "../app/local/seed.js";
import type { Logger } from "../app/logger.js";
import { listen } from "../app/node-server.js";
import { createRuntime } from "../app/runtime.js";
import { readSettings } from "../app/settings.js";
import { freshTable, TEST_REGION } from "../test/support/local-engine.js";
import { seedTestTenant } from "../test/support/test-server.js";
import { AdapterCallRecorder } from "./adapter-calls.js";
import { startCountingProxy, type ProxiedCall } from "./dynamodb-proxy.js";

export interface BenchServer {
  baseUrl: string;
  /** The engine's own endpoint (not the proxy) and the table name. */
  table: { endpoint: string; tableName: string };
  /** Uncached adapters on the same table, for seeding. */
  data: DataAdapters;
  seeded: SeedResult;
  recorder: AdapterCallRecorder;
  /** Every DynamoDB response the app received, with its item counts. */
  dynamodbCalls: ProxiedCall[];
  /** Replaces the serving runtime with a new one, whose cache is empty. */
  restart(): void;
  /** Waits for the audit log writes the serving runtime still has queued or running. */
  settlePendingWrites(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the app like `npm start` on a fresh table of the shared local
 * engine, with the table adapter instrumented and, unless `countItems` is
 * false, the DynamoDB traffic passing through a counting proxy. `cacheTtlSeconds` is the app setting
 * AUTHHERO_CACHE_TTL_SECONDS (0 turns the cache off).
 */
export async function startBenchServer(options: { cacheTtlSeconds: number; countItems?: boolean }): Promise<BenchServer> {
  const { endpoint, tableName } = await freshTable("bench");
  // Under load the proxy's buffering would distort timings, so throughput runs go without it.
  const proxy = options.countItems === false ? { endpoint, calls: [] as ProxiedCall[], close: async () => {} } : await startCountingProxy(endpoint);
  const recorder = new AdapterCallRecorder();
  const logger: Logger = { log: () => {} };

  // The issuer must name the port, which is known only after listening.
  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  const server: ServerType = await listen({ fetch: (request: Request) => handler!(request) } as never, 0, "127.0.0.1");
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const settings = readSettings({
    AWS_REGION: TEST_REGION,
    AUTHHERO_DYNAMODB_ENDPOINT: proxy.endpoint,
    AUTHHERO_TABLE_NAME: tableName,
    AUTHHERO_ISSUER: `${baseUrl}/`,
    AUTHHERO_TENANT_ID: "main",
    AUTHHERO_CACHE_TTL_SECONDS: String(options.cacheTtlSeconds),
  });
  // The local engine slows as the table grows, and a retry after a timeout would
  // count twice (and fail on its own first attempt's write), so the bench's
  // client waits longer and never retries.
  const documentClient = createDocumentClient({ region: TEST_REGION, endpoint: proxy.endpoint, onCommand: recorder.onCommand, requestTimeoutMs: 30_000, maxAttempts: 1 });

  // Seeding goes through a runtime of its own, so the serving runtime starts with an empty cache.
  const seeding = createRuntime({ ...settings, cacheTtlSeconds: 0 }, { logger });
  const seeded = await seedTestTenant(seeding.dataAdapter, baseUrl);
  let runtime: ReturnType<typeof createRuntime>;
  const restart = () => {
    runtime = createRuntime(settings, { logger, assets: createAssetRoutes(), documentClient, instrumentAdapter: recorder.instrument });
    const serving = runtime;
    handler = (request) => recorder.inStep(`${request.method} ${new URL(request.url).pathname}`, () => serving.app.fetch(request));
  };
  restart();

  return {
    baseUrl,
    table: { endpoint, tableName },
    data: seeding.dataAdapter,
    seeded,
    recorder,
    dynamodbCalls: proxy.calls,
    restart,
    settlePendingWrites: () => runtime.settlePendingWrites(),
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
}
