import { AdapterError } from "./errors.js";

/** Primary key of an item in the table. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** Secondary index keys an item may carry. */
export interface IndexKeys {
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
}

/**
 * The stored form of every entity: keys, the entity type and schema version
 * (so a reader can skip foreign items in a shared partition), the owning
 * tenant, the entity itself under `data`, and the TTL attribute.
 */
export interface StoredItem extends ItemKey, IndexKeys {
  type: string;
  v: number;
  tenant_id: string;
  data: Record<string, unknown>;
  /** Epoch seconds after which the item is dead, whether or not TTL removed it yet. */
  expiresAt?: number;
  [attribute: string]: unknown;
}

export const SCHEMA_VERSION = 1;

/** Tenant-less records (tenants, control-plane keys) live under this scope. */
export const GLOBAL_SCOPE = "$global";

/**
 * Escapes one key component so that `#` always separates components: ids
 * chosen by API callers (client ids, emails) may contain `#` themselves.
 */
export function keyPart(value: string): string {
  return value.replace(/%/g, "%25").replace(/#/g, "%23");
}

/** Joins escaped components into a key, e.g. `tenant#user#auth2|abc`. */
export function composeKey(...parts: string[]): string {
  return parts.map(keyPart).join("#");
}

export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== "string" || tenantId.length === 0 || tenantId.length > 200) {
    throw new AdapterError("adapter.invalid_key", `Tenant id \`${String(tenantId)}\` is invalid: it must be a non-empty string of at most 200 characters.`);
  }
}

export function isExpired(item: { expiresAt?: unknown }, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  return typeof item.expiresAt === "number" && item.expiresAt <= nowSeconds;
}

/** Converts an ISO timestamp to TTL epoch seconds, rounding up so an item never dies early. */
export function ttlFromIso(iso: string | undefined | null): number | undefined {
  if (!iso) return undefined;
  const millis = Date.parse(iso);
  return Number.isNaN(millis) ? undefined : Math.ceil(millis / 1000);
}

/** The later of several optional TTLs; undefined when none is set. */
export function latestTtl(...values: Array<number | undefined>): number | undefined {
  const set = values.filter((value): value is number => value !== undefined);
  return set.length === 0 ? undefined : Math.max(...set);
}

/**
 * Reads the entity out of an item, rejecting items of another type or a
 * newer schema so corrupt or foreign data never reaches AuthHero silently.
 */
export function readEntity<T>(item: StoredItem, type: string): T {
  if (item.type !== type) {
    throw new AdapterError("adapter.corrupt_item", `Item \`${item.pk}\`/\`${item.sk}\` has type \`${String(item.type)}\` where a \`${type}\` item belongs; repair or delete it.`);
  }
  if (typeof item.data !== "object" || item.data === null || Array.isArray(item.data)) {
    throw new AdapterError("adapter.corrupt_item", `Item \`${item.pk}\`/\`${item.sk}\` has no \`data\` map; repair or delete it.`);
  }
  if (typeof item.v === "number" && item.v > SCHEMA_VERSION) {
    throw new AdapterError("adapter.corrupt_item", `Item \`${item.pk}\` has schema version ${item.v}, newer than this adapter's ${SCHEMA_VERSION}; deploy the newer app version in every region.`);
  }
  return structuredClone(item.data) as T;
}
