import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { RETENTION_ACTIONS } from "./dynamodb/access.js";
import { createDocumentClient } from "./dynamodb/client.js";
import { sweepExpired } from "./dynamodb/retention.js";
import { DynamoTable } from "./dynamodb/table.js";
import { createJsonLogger, describeError, type Logger } from "./logger.js";
import type { AppSettings } from "./settings.js";

export interface RetentionEvent {
  /** Only this tenant's expired items. Default every tenant. */
  tenantId?: string;
}

/**
 * Builds the scheduled retention job: it removes expired items, which TTL
 * does not do on a strongly consistent (MRSC) table. Its client may Scan,
 * unlike the request-path client, and gets a longer timeout per page.
 */
export function createRetentionJob(settings: AppSettings, options: { documentClient?: DynamoDBDocumentClient; logger?: Logger } = {}) {
  const logger = options.logger ?? createJsonLogger({ service: "authhero-retention", region: settings.region });
  const client =
    options.documentClient ??
    createDocumentClient({ region: settings.region, endpoint: settings.dynamodbEndpoint, allowedActions: RETENTION_ACTIONS, requestTimeoutMs: 10_000, maxAttempts: 3 });
  const table = new DynamoTable(client, settings.tableName, settings.consistency);

  return async function runRetention(event: RetentionEvent = {}): Promise<{ removed: number }> {
    const tenantId = readTenantId(event);
    const started = Date.now();
    try {
      const removed = await sweepExpired(table, { tenantId });
      logger.log("info", "expired items removed", { removed, tenantId, durationMs: Date.now() - started });
      return { removed };
    } catch (error) {
      logger.log("error", "retention sweep failed", { tenantId, ...describeError(error) });
      throw error;
    }
  };
}

/**
 * Reads the optional tenant scope. A schedule's event names none; a tenantId
 * that is present but not a non-empty string is rejected rather than widened
 * to every tenant.
 */
function readTenantId(event: unknown): string | undefined {
  if (event === null || typeof event !== "object" || !("tenantId" in event) || event.tenantId === undefined) return undefined;
  if (typeof event.tenantId !== "string" || event.tenantId === "") {
    throw new Error(`The retention event's tenantId is ${JSON.stringify(event.tenantId)}; pass a tenant id string, or leave it out to sweep every tenant.`);
  }
  return event.tenantId;
}
