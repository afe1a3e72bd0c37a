import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { Hono } from "hono";
import { redirectAssetRoutes } from "./assets.js";
import { withReadThroughCache } from "./cache/cached-adapter.js";
import { createApp } from "./create-app.js";
import { createDynamoDbAdapter } from "./dynamodb/adapter.js";
import { createDocumentClient, type DynamoDbClientOptions } from "./dynamodb/client.js";
import { DynamoTable } from "./dynamodb/table.js";
import { createTableProbe } from "./health.js";
import { createJsonLogger, type Logger } from "./logger.js";
import type { AppSettings } from "./settings.js";

export interface Runtime {
  app: Hono;
  dataAdapter: DataAdapters;
  logger: Logger;
}

/**
 * Wires settings into a DynamoDB client, the adapter and the app. Each
 * entrypoint calls this once per process, so the client and its connection
 * pool are reused across requests.
 */
export function createRuntime(
  settings: AppSettings,
  options: {
    assets?: Hono;
    onCommand?: DynamoDbClientOptions["onCommand"];
    logger?: Logger;
    /** Wraps the table adapter beneath the cache, so benchmarks can count the calls that reach DynamoDB. */
    instrumentAdapter?: (adapter: DataAdapters) => DataAdapters;
  } = {},
): Runtime {
  const logger = options.logger ?? createJsonLogger({ service: "authhero", region: settings.region });
  const client = createDocumentClient({ region: settings.region, endpoint: settings.dynamodbEndpoint, onCommand: options.onCommand });
  const rawAdapter = createDynamoDbAdapter({ client, tableName: settings.tableName });
  const dataAdapter = withReadThroughCache(options.instrumentAdapter?.(rawAdapter) ?? rawAdapter, { ttlSeconds: settings.cacheTtlSeconds });
  const app = createApp({
    dataAdapter,
    issuer: settings.issuer,
    allowedOrigins: settings.allowedOrigins,
    region: settings.region,
    tenantId: settings.tenantId,
    health: createTableProbe(new DynamoTable(client, settings.tableName)),
    logger,
    assets: options.assets ?? (settings.assetsUrl ? redirectAssetRoutes(settings.assetsUrl) : undefined),
  });
  return { app: app as unknown as Hono, dataAdapter, logger };
}
