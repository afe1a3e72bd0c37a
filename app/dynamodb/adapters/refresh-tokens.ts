import type { RefreshToken, RefreshTokensAdapter } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { stampNew } from "../crud.js";
import { composeKey, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { legacyRefreshTokenFamilyPartition, loginSessionRefreshTokenPointer, refreshTokenFamilyPrefix, refreshTokenModel } from "../keys.js";
import { BUMP_REVISION, liveFilter, Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";
import { extendLoginSession, latestExpiry } from "./login-sessions.js";

export function createRefreshTokensAdapter(table: DynamoTable): RefreshTokensAdapter {
  const tokens = new Repository<RefreshToken>(table, refreshTokenModel);

  const revoke = async (tenantId: string, ids: string[], revokedAt: string): Promise<number> => {
    let count = 0;
    for (const id of ids) {
      const result = await table.update({
        Key: refreshTokenModel.key(tenantId, id),
        UpdateExpression: `SET #data.#revoked = :revokedAt, ${BUMP_REVISION.clause}`,
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#data.#revoked)",
        ExpressionAttributeNames: { "#data": "data", "#revoked": "revoked_at" },
        ExpressionAttributeValues: { ":revokedAt": revokedAt, ...BUMP_REVISION.values },
      });
      if (result.applied) count++;
    }
    return count;
  };

  /**
   * Records a rotation. AuthHero reads the token, issues a successor, then
   * writes `rotated_to`; two concurrent refreshes would both get a
   * successor and fork the family. The revision-checked rewrite lets only
   * the first rotation through. A retry inside the client's leeway carries
   * the stored `rotated_at` and is allowed, as AuthHero intends.
   */
  const rotate = (tenantId: string, id: string, patch: Partial<RefreshToken>) =>
    tokens.rewrite(tenantId, id, (current) => {
      if (current.rotated_to && current.rotated_at !== patch.rotated_at) {
        throw new HTTPException(400, {
          message: "Refresh token already rotated",
          res: Response.json({ error: "invalid_grant", error_description: "The refresh token was already used." }, { status: 400 }),
        });
      }
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      return { ...current, ...defined };
    });

  /** Reads one family: a prefix of the tenant's list partition, plus the partition that listed families before it. */
  const familyTokens = async (tenantId: string, familyId: string, onlyLive: boolean): Promise<RefreshToken[]> => {
    const filter = onlyLive ? liveFilter() : undefined;
    const listed = await table.queryAll({ index: "gsi1", partitionKey: refreshTokenModel.listPartition!(tenantId), sortKeyPrefix: refreshTokenFamilyPrefix(familyId), filter });
    const legacy: StoredItem[] = await table.queryAll({ index: "gsi1", partitionKey: legacyRefreshTokenFamilyPartition(tenantId, familyId), filter });
    const byId = new Map(tokens.entities([...legacy, ...listed]).map((token) => [token.id, token]));
    return [...byId.values()];
  };

  return {
    // The pointer under the login session lets logout find every token it issued.
    create: async (tenantId, insert) => {
      const token = stampNew<RefreshToken>(insert, "id", undefined);
      const writes: TransactItem[] = [tokens.putTransactItem(tenantId, token, { ifAbsent: true })];
      if (token.login_id) {
        const pointer = { ...loginSessionRefreshTokenPointer(tenantId, token.login_id, token.id), type: "refresh-token-pointer", v: SCHEMA_VERSION, tenant_id: tenantId, data: { id: token.id }, expiresAt: refreshTokenModel.expiresAt?.(token) };
        writes.push({ Put: { Item: pointer } });
      }
      await table.transactWrite(writes, `A refresh token with id \`${token.id}\` already exists.`);
      // A second request, as UpdateRefreshTokenOptions allows for the bump. In the token's transaction the
      // extension would make concurrent refreshes of one login session contend on its item; on moto they failed with 500s.
      const latest = latestExpiry(token);
      if (token.login_id && latest) await extendLoginSession(table, tenantId, token.login_id, latest);
      return token;
    },
    get: (tenantId, id) => tokens.get(tenantId, id, { consistent: true }),
    getByLookup: async (tenantId, lookup) => {
      const items = await table.queryAll({ index: "gsi2", partitionKey: composeKey(tenantId, "refresh-token-lookup", lookup), filter: liveFilter() });
      const [match] = tokens.entities(items);
      // Index reads are eventually consistent; re-read the item so rotation state is current.
      return match ? tokens.get(tenantId, match.id, { consistent: true }) : null;
    },
    list: async (tenantId, params = {}) => {
      const byFamily = params.q?.match(/^family_id:"?([^"\s]+)"?$/);
      if (!byFamily) {
        // NOTE: this reads every live token of the tenant, and misses tokens written before they had a list partition.
        const page = await tokens.list(tenantId, params);
        return { refresh_tokens: page.items, ...page.totals };
      }
      const family = await familyTokens(tenantId, byFamily[1]!, true);
      return { refresh_tokens: family, start: 0, limit: family.length, length: family.length, total: family.length };
    },
    update: async (tenantId, id, patch, options) => {
      const { id: _ignored, ...rest } = patch;
      const applied = rest.rotated_to === undefined ? await tokens.update(tenantId, id, rest) : await rotate(tenantId, id, rest);
      if (applied && options?.loginSessionBump) {
        await extendLoginSession(table, tenantId, options.loginSessionBump.login_id, options.loginSessionBump.expires_at);
      }
      return applied;
    },
    remove: (tenantId, id) => tokens.remove(tenantId, id),
    revokeByLoginSession: async (tenantId, loginId, revokedAt) => {
      const pointers = await table.queryAll({ partitionKey: loginSessionRefreshTokenPointer(tenantId, loginId, "").pk, sortKeyPrefix: "refresh-token#" });
      return revoke(tenantId, pointers.map((pointer) => String(pointer.data.id)), revokedAt);
    },
    revokeFamily: async (tenantId, familyId, revokedAt) => {
      const family = await familyTokens(tenantId, familyId, false);
      return revoke(tenantId, family.filter((token) => !token.revoked_at).map((token) => token.id), revokedAt);
    },
  };
}
