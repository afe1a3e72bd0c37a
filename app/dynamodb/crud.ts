import type { CreateOptions, ListParams, Totals } from "@authhero/adapter-interfaces";
import { newId, nowIso } from "./ids.js";
import { tenantEntityModel } from "./keys.js";
import { Repository } from "./repository.js";
import type { DynamoTable } from "./table.js";

export interface CrudAdapter<T, Insert, ListKey extends string> {
  create(tenantId: string, params: Insert, options?: CreateOptions): Promise<T>;
  get(tenantId: string, id: string): Promise<T | null>;
  list(tenantId: string, params?: ListParams): Promise<Record<ListKey, T[]> & Totals>;
  update(tenantId: string, id: string, patch: Partial<Insert> | Partial<T>): Promise<boolean>;
  remove(tenantId: string, id: string): Promise<boolean>;
}

export interface CrudOptions<ListKey extends string> {
  type: string;
  idField: string;
  /** Prefix of generated ids, as Auth0 uses (`rol`, `org`, `cgr`). */
  idPrefix?: string;
  listKey: ListKey;
}

/**
 * Assigns id and timestamps on create. An import's metadata wins over the
 * caller's values, and given timestamps are kept, not overwritten.
 */
export function stampNew<T>(params: object, idField: string, idPrefix: string | undefined, options?: CreateOptions): T {
  const given = params as Record<string, unknown>;
  const now = nowIso();
  return {
    ...given,
    [idField]: options?.importMetadata?.id ?? (given[idField] as string | undefined) ?? newId(idPrefix),
    created_at: options?.importMetadata?.created_at ?? (given.created_at as string | undefined) ?? now,
    updated_at: options?.importMetadata?.updated_at ?? (given.updated_at as string | undefined) ?? now,
  } as T;
}

/** Create/get/list/update/remove for a plain tenant entity. */
export function createCrudAdapter<T extends object, Insert extends object, ListKey extends string>(
  table: DynamoTable,
  options: CrudOptions<ListKey>,
): CrudAdapter<T, Insert, ListKey> {
  const repository = new Repository<T>(table, tenantEntityModel<T>(options.type, options.idField as keyof T & string));
  return {
    create: async (tenantId, params, createOptions) => {
      const entity = stampNew<T>(params, options.idField, options.idPrefix, createOptions);
      return repository.create(tenantId, entity, `A ${options.type} with ${options.idField} \`${String((entity as Record<string, unknown>)[options.idField])}\` already exists.`);
    },
    get: (tenantId, id) => repository.get(tenantId, id),
    list: async (tenantId, params = {}) => {
      const page = await repository.list(tenantId, params);
      return { [options.listKey]: page.items, ...page.totals } as Record<ListKey, T[]> & Totals;
    },
    update: (tenantId, id, patch) => repository.update(tenantId, id, withoutId(patch, options.idField) as Partial<T>),
    remove: (tenantId, id) => repository.remove(tenantId, id),
  };
}

/** Drops the id from a patch: the id is the key and cannot change. */
export function withoutId(patch: object, idField: string): object {
  const { [idField]: _ignored, ...rest } = patch as Record<string, unknown>;
  return rest;
}
