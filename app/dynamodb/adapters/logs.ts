import type { ListParams, Log, LogsDataAdapter } from "@authhero/adapter-interfaces";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { newId } from "../ids.js";
import { isExpired, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { logKey, logPartition, logSortKey, logSortKeyRange } from "../keys.js";
import { matchesFilter, parseQuery } from "../query-filter.js";
import { liveFilter, nowSeconds } from "../repository.js";
import type { DynamoTable } from "../table.js";

const LOG_TYPE = "log";
const DEFAULT_PER_PAGE = 50;
const MAX_PER_PAGE = 1000;

/**
 * Logs are append-only and listed newest first through gsi1, reading only as
 * many pages as the requested page needs. They expire after the retention.
 */
export function createLogsAdapter(table: DynamoTable, retentionDays: number): LogsDataAdapter {
  return {
    create: async (tenantId, insert) => {
      // Log fields echo request input, which anyone can make huge; each string is capped so one request cannot write a 400 KB item.
      const log = truncateStrings({ ...insert, log_id: (insert as Partial<Log>).log_id ?? newId(), date: insert.date ?? new Date().toISOString() }) as Log;
      const item: StoredItem = {
        ...logKey(tenantId, log.log_id),
        gsi1pk: logPartition(tenantId),
        gsi1sk: logSortKey(log.date, log.log_id),
        type: LOG_TYPE,
        v: SCHEMA_VERSION,
        tenant_id: tenantId,
        data: log as unknown as Record<string, unknown>,
        expiresAt: nowSeconds() + retentionDays * 86_400,
      };
      await table.put(item, { ifAbsent: true, conflictMessage: `A log with id \`${log.log_id}\` already exists.` });
      return log;
    },
    get: async (tenantId, logId) => {
      const item = await table.get(logKey(tenantId, logId));
      return item && item.type === LOG_TYPE && !isExpired(item) ? (item.data as unknown as Log) : null;
    },
    list: async (tenantId, params = {}) => {
      const filter = parseQuery(params.q);
      const checkpoint = params.from !== undefined || params.take !== undefined;
      const perPage = clampPerPage(checkpoint ? params.take : params.per_page);
      let start = Math.max(0, Math.floor(params.page ?? 0)) * perPage;
      if (checkpoint) start = params.from === undefined ? 0 : decodeCursor(params.from, tenantId).offset;
      if (params.from_date !== undefined && params.to_date !== undefined && params.from_date > params.to_date) {
        return { logs: [], start, limit: perPage, length: 0, ...(checkpoint ? {} : { total: 0 }) };
      }

      const ascending = params.sort?.sort_by === "date" && params.sort.sort_order === "asc";
      const matched: Log[] = [];
      let startKey: Record<string, unknown> | undefined;
      let exhausted = false;
      // Reading one match past the page shows whether another page follows.
      while (matched.length <= start + perPage) {
        const page = await table.query({
          index: "gsi1",
          partitionKey: logPartition(tenantId),
          sortKeyRange: logSortKeyRange(params.from_date, params.to_date),
          ascending,
          startKey,
          limit: 200,
          filter: liveFilter(),
        });
        for (const item of page.items) {
          if (item.type === LOG_TYPE && matchesFilter(item.data, filter)) matched.push(item.data as unknown as Log);
        }
        startKey = page.lastKey;
        if (!startKey) {
          exhausted = true;
          break;
        }
      }

      const logs = matched.slice(start, start + perPage);
      if (checkpoint) {
        const more = matched.length > start + perPage;
        return { logs, start, limit: perPage, length: logs.length, ...(more ? { next: encodeCursor({ offset: start + perPage }, tenantId) } : {}) };
      }
      return { logs, start, limit: perPage, length: logs.length, ...(exhausted ? { total: matched.length } : {}) };
    },
  };
}

function clampPerPage(perPage: ListParams["per_page"]): number {
  if (perPage === undefined || !Number.isFinite(perPage) || perPage < 1) return DEFAULT_PER_PAGE;
  return Math.min(Math.floor(perPage), MAX_PER_PAGE);
}

const MAX_LOGGED_STRING = 2048;

/** Copies `value` with every string longer than 2,048 characters cut short and marked. */
function truncateStrings(value: unknown): unknown {
  if (typeof value === "string") return value.length > MAX_LOGGED_STRING ? `${value.slice(0, MAX_LOGGED_STRING)}... (${value.length} characters)` : value;
  if (Array.isArray(value)) return value.map(truncateStrings);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, truncateStrings(inner)]));
  return value;
}
