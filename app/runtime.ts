import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Hono } from "hono";
import { redirectAssetRoutes } from "./assets.js";
import { withReadThroughCache } from "./cache/cached-adapter.js";
import { withRequestMemo } from "./cache/request-memo.js";
import { withCachedRoleDefinitions } from "./cache/user-roles.js";
import { trackPendingWrites } from "./deferred/pending-writes.js";
import { createApp } from "./create-app.js";
import { createDynamoDbAdapter } from "./dynamodb/adapter.js";
import { createDocumentClient, type DynamoDbClientOptions } from "./dynamodb/client.js";
import { DynamoTable } from "./dynamodb/table.js";
import { createTableProbe } from "./health.js";
import { withPatchFieldGuard } from "./patch-guard.js";
import { withReplicaLagTolerance } from "./regions/lag-tolerance.js";
import { createJsonLogger, type Logger } from "./logger.js";
import type { AppSettings } from "./settings.js";

export interface Runtime {
  app: Hono;
  dataAdapter: DataAdapters;
  logger: Logger;
  /** Waits for writes AuthHero left running after a response, such as audit logs. A Lambda handler awaits it before returning. */
  settlePendingWrites(options?: { maxWaitMs?: number }): Promise<void>;
}

/**
 * Wires settings into a DynamoDB client, the adapter and the app. Each
 * entrypoint calls this once per process, so the client and its connection
 * pool are reused across requests.
 */
export interface RuntimeOptions {
  assets?: Hono;
  onCommand?: DynamoDbClientOptions["onCommand"];
  logger?: Logger;
  /** A prepared client, for local tooling that observes writes; by default one is created from settings. */
  documentClient?: DynamoDBDocumentClient;
  /** Wraps the table adapter beneath the cache, so benchmarks can count the calls that reach DynamoDB. */
  instrumentAdapter?: (adapter: DataAdapters) => DataAdapters;
}

export function createRuntime(settings: AppSettings, options: RuntimeOptions = {}): Runtime {
  const logger = options.logger ?? createJsonLogger({ service: "authhero", region: settings.region });
  const client = options.documentClient ?? createDocumentClient({ region: settings.region, endpoint: settings.dynamodbEndpoint, onCommand: options.onCommand });
  // Several regions on an eventually consistent table need cross-region care; strong (MRSC) tables check conditions globally.
  const multiRegion = settings.consistency === "eventual" && Object.keys(settings.regionEndpoints).length > 1;
  const rawAdapter = createDynamoDbAdapter({ client, tableName: settings.tableName, consistency: settings.consistency });
  const tableAdapter = options.instrumentAdapter?.(rawAdapter) ?? rawAdapter;
  const lagTolerant = multiRegion ? withReplicaLagTolerance(tableAdapter, settings.replicaLagRetryMs) : tableAdapter;
  const cachedAdapter = withReadThroughCache(withRequestMemo(lagTolerant), { ttlSeconds: settings.cacheTtlSeconds });
  // Without a cache, one BatchGetItem of a user's roles beats a GetItem per role.
  const withRoles = settings.cacheTtlSeconds > 0 ? withCachedRoleDefinitions(cachedAdapter) : cachedAdapter;
  const pendingWrites = trackPendingWrites(withPatchFieldGuard(withRoles), { logger });
  const dataAdapter = pendingWrites.adapters;
  const app = createApp({
    dataAdapter,
    issuer: settings.issuer,
    allowedOrigins: settings.allowedOrigins,
    region: settings.region,
    tenantId: settings.tenantId,
    health: createTableProbe(new DynamoTable(client, settings.tableName)),
    logger,
    regionRouting: multiRegion ? { region: settings.region, regionEndpoints: settings.regionEndpoints, failurePolicy: settings.forwardFailure } : undefined,
    assets: options.assets ?? (settings.assetsUrl ? redirectAssetRoutes(settings.assetsUrl) : undefined),
  });
  return { app: app as unknown as Hono, dataAdapter, logger, settlePendingWrites: pendingWrites.settle };
}
