import type { ClientRegistrationToken, ClientRegistrationTokensAdapter } from "@authhero/adapter-interfaces";
import { nowIso } from "../ids.js";
import { isExpired, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { clientRegistrationTokenHashKey, clientRegistrationTokenModel, clientRegistrationTokensPartition } from "../keys.js";
import { BUMP_REVISION, liveFilter, nowSeconds, Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";

const HASH_LOOKUP_TYPE = "client-registration-token-hash";

/** Condition that the token item exists and has not expired. It reads the current time from `:now`. */
const LIVE_TOKEN = "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)";

/**
 * Tokens of Dynamic Client Registration (RFC 7591/7592): initial access
 * tokens (`iat`) and registration access tokens (`rat`). Only the hash of
 * a token is stored. Each token has a lookup item keyed by that hash, written
 * in the same transaction, so `getByHash` is two consistent reads.
 */
export function createClientRegistrationTokensAdapter(table: DynamoTable): ClientRegistrationTokensAdapter {
  const tokens = new Repository<ClientRegistrationToken>(table, clientRegistrationTokenModel);

  /**
   * Sets a timestamp field of a live token when `condition` holds; returns
   * whether the update was applied. The condition refers to fields as
   * `#data.#used`, `#data.#revoked` and `#data.#singleUse`.
   */
  const setTimestamp = async (tenantId: string, id: string, field: "used_at" | "revoked_at", value: string, condition: string, values: Record<string, unknown> = {}): Promise<boolean> => {
    // DynamoDB rejects expression names that the expressions do not use.
    const fieldNames = { "#used": "used_at", "#revoked": "revoked_at", "#singleUse": "single_use" };
    const target = field === "used_at" ? "#used" : "#revoked";
    const usedNames = Object.entries(fieldNames).filter(([name]) => name === target || condition.includes(name));
    const result = await table.update({
      Key: clientRegistrationTokenModel.key(tenantId, id),
      UpdateExpression: `SET #data.${target} = :value, ${BUMP_REVISION.clause}`,
      ConditionExpression: `${LIVE_TOKEN} AND (${condition})`,
      ExpressionAttributeNames: { "#data": "data", ...Object.fromEntries(usedNames) },
      ExpressionAttributeValues: { ":value": value, ":now": nowSeconds(), ...values, ...BUMP_REVISION.values },
    });
    return result.applied;
  };

  return {
    create: async (tenantId, insert) => {
      const token: ClientRegistrationToken = { ...insert, created_at: nowIso() };
      const item = tokens.toItem(tenantId, token);
      const lookup: StoredItem = { ...clientRegistrationTokenHashKey(tenantId, token.token_hash), type: HASH_LOOKUP_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: { id: token.id }, expiresAt: item.expiresAt };
      await table.transactWrite([putIfAbsent(item), putIfAbsent(lookup)], `A client registration token with id \`${token.id}\` or the same token hash already exists.`);
      return token;
    },

    get: (tenantId, id) => tokens.get(tenantId, id),

    getByHash: async (tenantId, tokenHash) => {
      const lookup = await table.get(clientRegistrationTokenHashKey(tenantId, tokenHash), { consistent: true });
      if (lookup?.type !== HASH_LOOKUP_TYPE || isExpired(lookup)) return null;
      const token = await tokens.get(tenantId, String(lookup.data.id), { consistent: true });
      // Only a token with the requested hash counts, in case a lookup and its token ever disagree.
      return token?.token_hash === tokenHash ? token : null;
    },

    // Newest first, as AuthHero's Kysely adapter (packages/kysely in the authhero repository) returns them.
    listByClient: async (tenantId, clientId) => {
      const items = await table.queryAll({ index: "gsi1", partitionKey: clientRegistrationTokensPartition(tenantId, clientId), ascending: false, filter: liveFilter() });
      return tokens.entities(items);
    },

    /**
     * Records a use. A single-use token is marked once: a second call, even a
     * concurrent one, returns false. A multi-use token records its latest use
     * and returns true, because AuthHero 9.6.1 calls markUsed on every
     * registration with an initial access token, whether or not it is single-use.
     * Revoked and expired tokens return false.
     */
    markUsed: (tenantId, id, usedAt) =>
      setTimestamp(tenantId, id, "used_at", usedAt, "attribute_not_exists(#data.#revoked) AND (attribute_not_exists(#data.#used) OR #data.#singleUse = :false)", { ":false": false }),

    // A second revocation keeps the first timestamp and still reports the token as revoked.
    revoke: async (tenantId, id, revokedAt) => {
      if (await setTimestamp(tenantId, id, "revoked_at", revokedAt, "attribute_not_exists(#data.#revoked)")) return true;
      return (await tokens.get(tenantId, id, { consistent: true }))?.revoked_at !== undefined;
    },

    // Counts only the tokens this call revoked, not those revoked before.
    revokeByClient: async (tenantId, clientId, revokedAt) => {
      const items = await table.queryAll({ index: "gsi1", partitionKey: clientRegistrationTokensPartition(tenantId, clientId), filter: liveFilter() });
      let count = 0;
      for (const token of tokens.entities(items)) {
        if (await setTimestamp(tenantId, token.id, "revoked_at", revokedAt, "attribute_not_exists(#data.#revoked)")) count++;
      }
      return count;
    },

    remove: async (tenantId, id) => {
      const item = await table.get(clientRegistrationTokenModel.key(tenantId, id), { consistent: true });
      if (item?.type !== clientRegistrationTokenModel.type) return false;
      const tokenHash = String(item.data.token_hash);
      // The lookup goes first, so an interrupted removal leaves no lookup pointing at a missing token.
      await table.delete(clientRegistrationTokenHashKey(tenantId, tokenHash), "#data.#id = :id", { names: { "#data": "data", "#id": "id" }, values: { ":id": id } });
      return table.delete(clientRegistrationTokenModel.key(tenantId, id));
    },
  };
}

function putIfAbsent(item: StoredItem): TransactItem {
  return { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } } as unknown as TransactItem;
}
