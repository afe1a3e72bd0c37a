import type { LogStream, LogStreamInsert, LogStreamsAdapter, MigrationSource, MigrationSourceInsert, MigrationSourcesAdapter } from "@authhero/adapter-interfaces";
import { createCrudAdapter, type CrudAdapter, type CrudOptions } from "../crud.js";
import type { DynamoTable } from "../table.js";

/** A CRUD adapter whose `list` returns every entity of the tenant, unpaged, in creation order. */
type UnpagedAdapter<T, Insert> = Omit<CrudAdapter<T, Insert, string>, "list"> & { list(tenantId: string): Promise<T[]> };

/** The largest number of entities `list` returns; AuthHero does not page these lists. */
const MAX_LISTED = 1000;

function createUnpagedAdapter<T extends object, Insert extends object, ListKey extends string>(table: DynamoTable, options: CrudOptions<ListKey>): UnpagedAdapter<T, Insert> {
  const crud = createCrudAdapter<T, Insert, ListKey>(table, options);
  return {
    create: crud.create,
    get: crud.get,
    list: async (tenantId) => (await crud.list(tenantId, { per_page: MAX_LISTED }))[options.listKey],
    update: crud.update,
    remove: crud.remove,
  };
}

/** Log streams: where AuthHero sends a tenant's audit events. A tenant has a handful. */
export function createLogStreamsAdapter(table: DynamoTable): LogStreamsAdapter {
  return createUnpagedAdapter<LogStream, LogStreamInsert, "log_streams">(table, { type: "log-stream", idField: "id", idPrefix: "lst", listKey: "log_streams" });
}

/** Migration sources: upstream identity providers whose refresh tokens AuthHero re-mints lazily. A tenant has a handful. */
export function createMigrationSourcesAdapter(table: DynamoTable): MigrationSourcesAdapter {
  const sources = createUnpagedAdapter<MigrationSource, MigrationSourceInsert, "migration_sources">(table, { type: "migration-source", idField: "id", idPrefix: "msrc", listKey: "migration_sources" });
  return {
    ...sources,
    update: async (tenantId, id, patch) => {
      // AuthHero's API shows the secret as "***", so a client that writes back what it read must not overwrite the real one.
      if (patch.credentials?.client_secret === MASKED_SECRET) {
        const current = await sources.get(tenantId, id);
        if (!current) return false;
        patch = { ...patch, credentials: { ...patch.credentials, client_secret: current.credentials.client_secret } };
      }
      return sources.update(tenantId, id, patch);
    },
  };
}

/** The placeholder AuthHero 9.6.1 returns in place of a migration source's client secret. */
const MASKED_SECRET = "***";
