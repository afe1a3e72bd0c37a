import type { Grant, GrantInsert, GrantsAdapter, ListGrantsResponse, ListParams } from "@authhero/adapter-interfaces";
import { concurrentChange } from "../errors.js";
import { newId, nowIso } from "../ids.js";
import { readEntity, SCHEMA_VERSION, type ItemKey, type StoredItem } from "../item.js";
import { grantIdKey, grantKey, grantListPartition, grantPrefix, userPartition } from "../keys.js";
import { paginate } from "../pagination.js";
import { matchesFilter, parseQuery, requiredEquality } from "../query-filter.js";
import { reportCorruptItem } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";

const GRANT_TYPE = "grant";
const GRANT_ID_TYPE = "grant-id";
/** A lost race means another write to the grant landed first, so up to this many concurrent writers of one grant all succeed. */
const CREATE_ATTEMPTS = 5;

/**
 * Consent grants: the scopes a user allowed a client for one audience.
 * Each grant is stored in its user's partition under (client, audience),
 * with a second item from its id to that key, so `remove(id)` needs no index.
 */
export function createGrantsAdapter(table: DynamoTable): GrantsAdapter {
  return {
    create: (tenantId, insert) => upsertGrant(table, tenantId, insert),

    // Consistent, because the consent screen stores a grant and the redirect after it reads the grant at once.
    get: async (tenantId, userId, clientId, audience) => {
      const item = await table.get(grantKey(tenantId, userId, clientId, audience || undefined), { consistent: true });
      return item?.type === GRANT_TYPE ? readEntity<Grant>(item, GRANT_TYPE) : null;
    },

    list: (tenantId, params) => listGrants(table, tenantId, params),

    remove: async (tenantId, id) => {
      const idKey = grantIdKey(tenantId, id);
      const idItem = await table.get(idKey, { consistent: true });
      if (idItem?.type !== GRANT_ID_TYPE) return false;
      const { user_id: userId, clientID: clientId, audience } = idItem.data as { user_id: string; clientID: string; audience?: string };
      // The id check keeps a stale id item from deleting a newer grant for the same client and audience.
      const removed = await table.delete(grantKey(tenantId, userId, clientId, audience), "#data.#id = :id", { names: { "#data": "data", "#id": "id" }, values: { ":id": id } });
      await table.delete(idKey);
      return removed;
    },

    removeByUser: async (tenantId, userId) => {
      const grants = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: grantPrefix() });
      const keys = grants.map(({ pk, sk }) => ({ pk, sk }));
      await table.batchDelete([...keys, ...grantIdKeys(tenantId, grants)]);
      return grants.length > 0;
    },
  };
}

/**
 * Returns the id items of the grants among `items`. A user's removal deletes
 * every item in the user's partition, grants included, and these with them.
 */
export function grantIdKeys(tenantId: string, items: StoredItem[]): ItemKey[] {
  return items.filter((item) => item.type === GRANT_TYPE && typeof item.data?.id === "string").map((item) => grantIdKey(tenantId, String(item.data.id)));
}

/**
 * Inserts the grant, or adds the requested scopes to the stored grant for
 * the same user, client and audience. Both paths are conditional writes, so
 * two concurrent consents for one client end with the union of their scopes.
 */
async function upsertGrant(table: DynamoTable, tenantId: string, insert: GrantInsert): Promise<Grant> {
  const audience = insert.audience || undefined;
  const key = grantKey(tenantId, insert.user_id, insert.clientID, audience);
  const requested = [...new Set(insert.scope ?? [])];

  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    const current = await table.get(key, { consistent: true });
    if (!current) {
      const grant: Grant = { id: newId("gr"), user_id: insert.user_id, clientID: insert.clientID, ...(audience === undefined ? {} : { audience }), scope: requested };
      if (await insertGrant(table, tenantId, key, grant)) return grant;
      continue;
    }

    const existing = readEntity<Grant>(current, GRANT_TYPE);
    const merged = [...new Set([...(existing.scope ?? []), ...requested])];
    if (merged.length === (existing.scope ?? []).length) return existing;
    const updated: Grant = { ...existing, scope: merged };
    const revision = Number(current.rev) || 0;
    const next: StoredItem = { ...current, data: updated as unknown as Record<string, unknown>, updated_at: nowIso(), rev: revision + 1 };
    const written = current.rev === undefined
      ? await table.putIf(next, "attribute_exists(pk) AND attribute_not_exists(rev)")
      : await table.putIf(next, "rev = :rev", { ":rev": current.rev });
    if (written) return updated;
  }
  throw concurrentChange(`Storing the grant of user \`${insert.user_id}\` to client \`${insert.clientID}\` lost ${CREATE_ATTEMPTS} races with concurrent writers; retry the request.`);
}

/** Writes a new grant and its id item; returns false when another request created the grant first. */
async function insertGrant(table: DynamoTable, tenantId: string, key: ItemKey, grant: Grant): Promise<boolean> {
  const createdAt = nowIso();
  const base = { type: GRANT_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId };
  const grantItem: StoredItem = { ...key, ...base, gsi1pk: grantListPartition(tenantId), gsi1sk: `${createdAt}#${grant.id}`, data: grant as unknown as Record<string, unknown>, created_at: createdAt, updated_at: createdAt };
  const idItem: StoredItem = { ...grantIdKey(tenantId, grant.id), ...base, type: GRANT_ID_TYPE, data: { user_id: grant.user_id, clientID: grant.clientID, ...(grant.audience === undefined ? {} : { audience: grant.audience }) } };
  try {
    await table.transactWrite([putIfAbsent(grantItem), putIfAbsent(idItem)], `A grant for user \`${grant.user_id}\` and client \`${grant.clientID}\` already exists.`);
    return true;
  } catch (error) {
    if (error instanceof Error && (error as { status?: number }).status === 409) return false;
    throw error;
  }
}

/**
 * Lists grants with AuthHero's q/page/per_page semantics. The management
 * API filters with `user_id`, `client_id` and `audience` terms; `client_id`
 * matches the grant's `clientID`. A `user_id` term reads only that user's
 * partition, and any other search reads every grant of the tenant.
 */
async function listGrants(table: DynamoTable, tenantId: string, params: ListParams = {}): Promise<ListGrantsResponse> {
  const filter = parseQuery(params.q);
  const userId = requiredEquality(filter, "user_id");
  const items = userId === undefined
    ? await table.queryAll({ index: "gsi1", partitionKey: grantListPartition(tenantId) })
    : await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: grantPrefix() });

  const grants = items
    .filter((item) => item.type === GRANT_TYPE)
    .sort((left, right) => String(left.gsi1sk).localeCompare(String(right.gsi1sk)))
    .flatMap((item) => {
      // One damaged grant must not hide the others; it is reported for repair instead.
      try {
        return [readEntity<Grant>(item, GRANT_TYPE)];
      } catch (error) {
        reportCorruptItem(item, error);
        return [];
      }
    })
    .filter((grant) => matchesFilter({ ...grant, client_id: grant.clientID }, filter));
  const page = paginate(grants, params, tenantId);
  return { grants: page.items, ...page.totals };
}

function putIfAbsent(item: StoredItem): TransactItem {
  return { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } } as unknown as TransactItem;
}
