import type { ListParams } from "@authhero/adapter-interfaces";
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { concurrentChange } from "./errors.js";
import { isExpired, readEntity, SCHEMA_VERSION, type IndexKeys, type ItemKey, type StoredItem } from "./item.js";
import { paginate, type Page } from "./pagination.js";
import { matchesFilter, parseQuery, type QueryFilter } from "./query-filter.js";
import type { DynamoTable, TransactItem } from "./table.js";

/**
 * How one entity maps onto the table. Each entity's key templates are
 * declared once, in keys.ts, and reach the repository through this model.
 */
export interface EntityModel<T> {
  type: string;
  key(tenantId: string, id: string): ItemKey;
  id(entity: T): string;
  indexKeys?(tenantId: string, entity: T): IndexKeys;
  /** The TTL in epoch seconds, for entities that expire. */
  expiresAt?(entity: T): number | undefined;
  /** Fields that feed index keys or the TTL; a patch touching one rewrites the item. */
  derivedFrom?: readonly string[];
  /** The gsi1 partition listing every entity of this type in a tenant. */
  listPartition?(tenantId: string): string;
  /** Stamp `updated_at` on every update. */
  stampsUpdatedAt?: boolean;
  /** Item attributes outside `data` that rewrite() copies from the item it read, because the entity does not carry them. */
  carriedAttributes?: readonly string[];
}

export interface ListResult<T> extends Page<T> {}

/** Generic create/read/update/delete/list for one entity type. */
export class Repository<T extends object> {
  constructor(
    readonly table: DynamoTable,
    readonly model: EntityModel<T>,
  ) {}

  toItem(tenantId: string, entity: T): StoredItem {
    return {
      ...this.model.key(tenantId, this.model.id(entity)),
      ...this.model.indexKeys?.(tenantId, entity),
      type: this.model.type,
      v: SCHEMA_VERSION,
      tenant_id: tenantId,
      data: entity as Record<string, unknown>,
      expiresAt: this.model.expiresAt?.(entity),
    };
  }

  fromItem(item: StoredItem): T {
    return readEntity<T>(item, this.model.type);
  }

  /** Returns the live entity, or null when missing or past its expiry. */
  async get(tenantId: string, id: string, options: { consistent?: boolean } = {}): Promise<T | null> {
    const item = await this.table.get(this.model.key(tenantId, id), options);
    if (!item || isExpired(item)) return null;
    return this.fromItem(item);
  }

  async getMany(tenantId: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const items = await this.table.batchGet(ids.map((id) => this.model.key(tenantId, id)));
    const byId = new Map(items.filter((item) => !isExpired(item)).map((item) => [this.model.id(this.fromItem(item)), this.fromItem(item)]));
    return ids.map((id) => byId.get(id)).filter((entity): entity is T => entity !== undefined);
  }

  /** Inserts the entity; a 409 when the id is taken. */
  async create(tenantId: string, entity: T, conflictMessage?: string): Promise<T> {
    await this.table.put(this.toItem(tenantId, entity), { ifAbsent: true, conflictMessage });
    return entity;
  }

  /** Writes the entity whether or not it exists. */
  async put(tenantId: string, entity: T): Promise<T> {
    await this.table.put(this.toItem(tenantId, entity));
    return entity;
  }

  putTransactItem(tenantId: string, entity: T, options: { ifAbsent?: boolean } = {}): TransactItem {
    return {
      Put: {
        Item: this.toItem(tenantId, entity),
        ConditionExpression: options.ifAbsent ? "attribute_not_exists(pk)" : undefined,
      },
    };
  }

  /**
   * Applies a partial update to a live item. Returns false when it is missing
   * or expired. Patches that change index keys or the TTL read the item and
   * write it back under a revision check, so concurrent writers cannot
   * interleave; other patches are a single UpdateItem.
   *
   * Inside a transaction the patch is staged as a whole-item write, so later
   * gets of the item see the change. With `stageInPlace` it is staged as an
   * in-place update with no read instead. Then a missing item fails the
   * commit with a 409 rather than returning false, and the transaction must
   * not read or write the item again (TransactionTable rejects both).
   */
  async update(tenantId: string, id: string, patch: Partial<T>, options: { stageInPlace?: boolean } = {}): Promise<boolean> {
    const changes = this.withStamp(definedEntries(patch));
    if (changes.length === 0) return (await this.get(tenantId, id)) !== null;
    const derived = this.model.derivedFrom ?? [];
    if ((this.table.stagesWrites && !options.stageInPlace) || changes.some(([field]) => derived.includes(field))) {
      return this.rewrite(tenantId, id, (current) => ({ ...current, ...Object.fromEntries(changes) }));
    }

    const names: Record<string, string> = { "#data": "data" };
    const values: Record<string, NativeAttributeValue> = { ":now": nowSeconds() };
    const sets = changes.map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      return `#data.#f${index} = :v${index}`;
    });
    const result = await this.table.update({
      Key: this.model.key(tenantId, id),
      UpdateExpression: `SET ${sets.join(", ")}, ${BUMP_REVISION.clause}`,
      ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ...BUMP_REVISION.values },
    }, { missingAtCommitMessage: `\`${this.model.type}\` \`${id}\` was missing or expired at the commit, so the transaction wrote nothing.` });
    return result.applied;
  }

  /** Read-modify-write guarded by the item's revision; retried on a lost race. */
  async rewrite(
    tenantId: string,
    id: string,
    change: (current: T) => T,
    extra: (before: T, after: T) => TransactItem[] | Promise<TransactItem[]> = () => [],
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const item = await this.table.get(this.model.key(tenantId, id), { consistent: true });
      if (!item || isExpired(item)) return false;
      const before = this.fromItem(item);
      const after = change(before);
      const carried = Object.fromEntries((this.model.carriedAttributes ?? []).filter((name) => name in item).map((name) => [name, item[name]]));
      const next = { ...this.toItem(tenantId, after), ...carried, rev: (Number(item.rev) || 0) + 1 };
      const { condition, values } = revisionCondition(item);
      const others = await extra(before, after);
      try {
        if (others.length === 0) {
          if (await this.table.putIf(next, condition, values)) return true;
        } else {
          await this.table.transactWrite([{ Put: { Item: next, ConditionExpression: condition, ExpressionAttributeValues: values } }, ...others]);
          return true;
        }
      } catch (error) {
        if (!(error instanceof Error && "status" in error && (error as { status: number }).status === 409 && attempt < 2)) throw error;
      }
    }
    throw concurrentChange(`Updating \`${this.model.type}\` \`${id}\` lost three races with concurrent writers; retry the request.`);
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return this.table.delete(this.model.key(tenantId, id));
  }

  /** Every live entity in the tenant's list partition. */
  async listAll(tenantId: string): Promise<T[]> {
    if (!this.model.listPartition) throw new Error(`Entity \`${this.model.type}\` declares no list partition.`);
    const items = await this.table.queryAll({ index: "gsi1", partitionKey: this.model.listPartition(tenantId), filter: liveFilter() });
    return this.entities(items);
  }

  /** Lists with AuthHero's page/per_page/q/sort semantics over the list partition. */
  async list(tenantId: string, params: ListParams = {}, filter: QueryFilter = parseQuery(params.q)): Promise<ListResult<T>> {
    const all = await this.listAll(tenantId);
    return paginate(all.filter((entity) => matchesFilter(entity as Record<string, unknown>, filter)), params, tenantId);
  }

  /** Live entities of this type among query results, skipping foreign items. */
  entities(items: StoredItem[]): T[] {
    const entities: T[] = [];
    for (const item of items) {
      if (item.type !== this.model.type || isExpired(item)) continue;
      try {
        entities.push(this.fromItem(item));
      } catch (error) {
        // One damaged item must not hide every other row of a list; it is reported for repair instead.
        reportCorruptItem(item, error);
      }
    }
    return entities;
  }

  private withStamp(entries: Array<[string, unknown]>): Array<[string, unknown]> {
    if (!this.model.stampsUpdatedAt || entries.some(([field]) => field === "updated_at") || entries.length === 0) return entries;
    return [...entries, ["updated_at", new Date().toISOString()]];
  }
}

/**
 * An UpdateExpression clause that increments the item's revision. Every
 * in-place update of an entity item needs it: rewrite() writes back a copy
 * it read earlier under a revision check, so without the increment that
 * copy would silently overwrite the in-place update.
 */
export const BUMP_REVISION = { clause: "rev = if_not_exists(rev, :revZero) + :revOne", values: { ":revZero": 0, ":revOne": 1 } } as const;

/** rewrite()'s conditions: the item still has the revision it had when read (none yet, or `:rev`). */
const FIRST_REVISION_CHECK = "attribute_exists(pk) AND attribute_not_exists(rev)";
const REVISION_CHECK = "rev = :rev";

/** Returns rewrite()'s condition for writing back `item`: its revision is still the one read. */
export function revisionCondition(item: StoredItem): { condition: string; values?: Record<string, unknown> } {
  return item.rev === undefined ? { condition: FIRST_REVISION_CHECK } : { condition: REVISION_CHECK, values: { ":rev": item.rev } };
}

/** Returns whether `condition` is one of rewrite()'s revision checks, which fail only when another writer changed the item after the read. */
export function isRevisionCheck(condition: string | undefined): boolean {
  return condition === FIRST_REVISION_CHECK || condition === REVISION_CHECK;
}

export function liveFilter(): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  return {
    expression: "attribute_not_exists(#ttl) OR #ttl > :f_now",
    names: { "#ttl": "expiresAt" },
    values: { ":f_now": nowSeconds() },
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function definedEntries(patch: object): Array<[string, unknown]> {
  return Object.entries(patch).filter(([, value]) => value !== undefined);
}

/** Logs an item a list skipped because it could not be read, so it can be repaired. */
export function reportCorruptItem(item: StoredItem, error: unknown): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: "warn", message: "corrupt item skipped in a list", pk: item.pk, sk: item.sk, error: error instanceof Error ? error.message : String(error) })}\n`);
}
