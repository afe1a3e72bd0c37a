import type { LogStream, LogStreamInsert, LogStreamsAdapter, MigrationSource, MigrationSourceInsert, MigrationSourcesAdapter } from "@authhero/adapter-interfaces";
import { createCrudAdapter } from "../crud.js";
import type { DynamoTable } from "../table.js";

/**
 * Log streams: where AuthHero sends a tenant's audit events. A tenant has a
 * handful, so `list` returns every one, in creation order.
 */
export function createLogStreamsAdapter(table: DynamoTable): LogStreamsAdapter {
  const streams = createCrudAdapter<LogStream, LogStreamInsert, "log_streams">(table, { type: "log-stream", idField: "id", idPrefix: "lst", listKey: "log_streams" });
  return {
    create: streams.create,
    get: streams.get,
    list: async (tenantId) => (await streams.list(tenantId, { per_page: 1000 })).log_streams,
    update: streams.update,
    remove: streams.remove,
  };
}

/**
 * Migration sources: upstream identity providers whose refresh tokens
 * AuthHero re-mints lazily. A tenant has a handful, so `list` returns every one.
 */
export function createMigrationSourcesAdapter(table: DynamoTable): MigrationSourcesAdapter {
  const sources = createCrudAdapter<MigrationSource, MigrationSourceInsert, "migration_sources">(table, { type: "migration-source", idField: "id", idPrefix: "msrc", listKey: "migration_sources" });
  return {
    create: sources.create,
    get: sources.get,
    list: async (tenantId) => (await sources.list(tenantId, { per_page: 1000 })).migration_sources,
    update: sources.update,
    remove: sources.remove,
  };
}
