import type { RefreshToken, RefreshTokensAdapter } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { requestLocal, runBeforeResponse } from "../../cache/request-memo.js";
import { stampNew } from "../crud.js";
import { transactWriteWithHeld } from "../held-writes.js";
import { concurrentChange, conflict } from "../errors.js";
import { composeKey, isExpired, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { legacyRefreshTokenFamilyPartition, loginSessionRefreshTokenPointer, refreshTokenFamilyPrefix, refreshTokenModel } from "../keys.js";
import { BUMP_REVISION, liveFilter, nowSeconds, Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";
import { extendLoginSession, latestExpiry } from "./login-sessions.js";
import { readTokenWithRelated, SESSION_HINT, sessionHintFor } from "./sign-in-reads.js";

/** A rotation's successor, created by AuthHero just before it records the rotation, and written together with it. */
interface PendingSuccessor {
  tenantId: string;
  token: RefreshToken;
  writes: TransactItem[];
}

interface RotationState {
  /** Family ids of the tokens this request found by lookup, which AuthHero may rotate. */
  families: Set<string>;
  /** Successors not yet written, by token id. */
  successors: Map<string, PendingSuccessor>;
  /** Whether writePendingSuccessors runs before this request's response. */
  flushRegistered: boolean;
}

const ROTATION_STATE = Symbol("refresh token rotation");

/** Fields a rotation may set in place; any other field in a rotation patch takes the read-and-rewrite path. */
const IN_PLACE_ROTATION_FIELDS = new Set(["rotated_to", "rotated_at", "family_id"]);

const alreadyRotated = () =>
  new HTTPException(400, {
    message: "Refresh token already rotated",
    res: Response.json({ error: "invalid_grant", error_description: "The refresh token was already used." }, { status: 400 }),
  });

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

  const rotationState = () => requestLocal<RotationState>(ROTATION_STATE, () => ({ families: new Set(), successors: new Map(), flushRegistered: false }));

  /** Writes every successor still pending in this request, so no read or write can miss one. */
  const writePendingSuccessors = async () => {
    const successors = rotationState()?.successors;
    if (!successors) return;
    for (const [id, successor] of successors) {
      successors.delete(id);
      await table.transactWrite(successor.writes, `A refresh token with id \`${id}\` already exists.`);
    }
  };

  /**
   * Records a rotation. AuthHero reads the token, issues a successor, then
   * writes `rotated_to`; two concurrent refreshes would both get a
   * successor and fork the family. The rotation is one conditional write
   * that only the first rotation passes, and the successor, when this
   * request created it, is written in the same transaction, so a rejected
   * rotation leaves no successor behind. A retry inside the client's
   * leeway carries the stored `rotated_at` and is allowed, as AuthHero
   * intends.
   */
  const rotate = async (tenantId: string, id: string, patch: Partial<RefreshToken>): Promise<boolean> => {
    const defined = Object.entries(patch).filter(([, value]) => value !== undefined);
    const successors = rotationState()?.successors;
    const successor = successors?.get(String(patch.rotated_to));
    successors?.delete(String(patch.rotated_to));
    if (!defined.every(([field]) => IN_PLACE_ROTATION_FIELDS.has(field))) return rotateByRewrite(tenantId, id, patch, successor);

    const update = rotationUpdate(tenantId, id, defined, patch);
    try {
      if (!successor) {
        if ((await table.update(update)).applied) return true;
      } else {
        await table.transactWrite([{ Update: update } as unknown as TransactItem, ...successor.writes], "The refresh token was rotated concurrently, or its successor's id is taken.");
        return true;
      }
    } catch (error) {
      if (!(error instanceof HTTPException && error.status === 409)) throw error;
    }

    // The condition failed: find out whether the token was rotated, is gone, or changed family.
    const current = await tokens.get(tenantId, id, { consistent: true });
    if (current?.rotated_to && current.rotated_at !== patch.rotated_at) throw alreadyRotated();
    if (current && patch.family_id !== undefined && current.family_id !== patch.family_id) return rotateByRewrite(tenantId, id, patch, successor);
    if (current && successor) throw conflict(`A refresh token with id \`${successor.token.id}\` already exists.`);
    if (current) throw concurrentChange(`Rotating refresh token \`${id}\` raced with another write; retry the request.`);
    // A token that expired or was removed since AuthHero read it still gets its successor, so the client's new token works.
    if (successor) await table.transactWrite(successor.writes, `A refresh token with id \`${successor.token.id}\` already exists.`);
    return false;
  };

  const rotateByRewrite = async (tenantId: string, id: string, patch: Partial<RefreshToken>, successor: PendingSuccessor | undefined): Promise<boolean> => {
    if (successor) await table.transactWrite(successor.writes, `A refresh token with id \`${successor.token.id}\` already exists.`);
    return tokens.rewrite(tenantId, id, (current) => {
      if (current.rotated_to && current.rotated_at !== patch.rotated_at) throw alreadyRotated();
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      return { ...current, ...defined };
    });
  };

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
      const put = tokens.putTransactItem(tenantId, token, { ifAbsent: true }) as unknown as { Put: { Item: Record<string, unknown> } };
      const sessionHint = sessionHintFor(token);
      if (sessionHint) put.Put.Item[SESSION_HINT] = sessionHint;
      const writes: TransactItem[] = [put as unknown as TransactItem];
      if (token.login_id) {
        const pointer = { ...loginSessionRefreshTokenPointer(tenantId, token.login_id, token.id), type: "refresh-token-pointer", v: SCHEMA_VERSION, tenant_id: tenantId, data: { id: token.id }, expiresAt: refreshTokenModel.expiresAt?.(token) };
        writes.push({ Put: { Item: pointer } });
      }

      // A successor of a token this request found is held back until AuthHero records the rotation, then written with it.
      const state = rotationState();
      const holdBack = !table.stagesWrites && state !== undefined && token.family_id !== undefined && state.families.has(token.family_id) && (state.flushRegistered || runBeforeResponse(writePendingSuccessors));
      if (holdBack) {
        state.flushRegistered = true;
        state.successors.set(token.id, { tenantId, token, writes });
      } else {
        // The writes this request holds, such as the redemption of the code this token is issued for, go in the same transaction.
        await transactWriteWithHeld(table, writes, `A refresh token with id \`${token.id}\` already exists.`);
      }
      // A second request, as UpdateRefreshTokenOptions allows for the bump. In the token's transaction the
      // extension would make concurrent refreshes of one login session contend on its item; on moto they failed with 500s.
      const latest = latestExpiry(token);
      if (token.login_id && latest) await extendLoginSession(table, tenantId, token.login_id, latest);
      return token;
    },
    get: async (tenantId, id) => {
      await writePendingSuccessors();
      return tokens.get(tenantId, id, { consistent: true });
    },
    getByLookup: async (tenantId, lookup) => {
      await writePendingSuccessors();
      const items = await table.queryAll({ index: "gsi2", partitionKey: composeKey(tenantId, "refresh-token-lookup", lookup), filter: liveFilter() });
      const indexed = items.find((item) => item.type === refreshTokenModel.type);
      if (!indexed) return null;
      // Index reads are eventually consistent; re-read the item so rotation state is current.
      const item = await readTokenWithRelated(table, tenantId, indexed);
      if (!item || item.type !== refreshTokenModel.type || isExpired(item)) return null;
      const token = tokens.fromItem(item);
      rotationState()?.families.add(token.family_id ?? token.id);
      return token;
    },
    list: async (tenantId, params = {}) => {
      await writePendingSuccessors();
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
      if (rest.rotated_to === undefined) await writePendingSuccessors();
      const applied = rest.rotated_to === undefined ? await tokens.update(tenantId, id, rest) : await rotate(tenantId, id, rest);
      if (applied && options?.loginSessionBump) {
        await extendLoginSession(table, tenantId, options.loginSessionBump.login_id, options.loginSessionBump.expires_at);
      }
      return applied;
    },
    remove: async (tenantId, id) => {
      await writePendingSuccessors();
      return tokens.remove(tenantId, id);
    },
    revokeByLoginSession: async (tenantId, loginId, revokedAt) => {
      await writePendingSuccessors();
      const pointers = await table.queryAll({ partitionKey: loginSessionRefreshTokenPointer(tenantId, loginId, "").pk, sortKeyPrefix: "refresh-token#" });
      return revoke(tenantId, pointers.map((pointer) => String(pointer.data.id)), revokedAt);
    },
    revokeFamily: async (tenantId, familyId, revokedAt) => {
      await writePendingSuccessors();
      const family = await familyTokens(tenantId, familyId, false);
      return revoke(tenantId, family.filter((token) => !token.revoked_at).map((token) => token.id), revokedAt);
    },
  };
}

/**
 * The conditional UpdateItem of a rotation: the token must be live, in the
 * family the patch names, and not rotated, unless the patch repeats its
 * stored `rotated_at` (a retry inside the leeway).
 */
function rotationUpdate(tenantId: string, id: string, defined: Array<[string, unknown]>, patch: Partial<RefreshToken>) {
  const names: Record<string, string> = { "#data": "data", "#rotatedTo": "rotated_to", "#rotatedAt": "rotated_at" };
  const values: Record<string, unknown> = { ":now": nowSeconds(), ":rotatedAt": patch.rotated_at ?? null, ...BUMP_REVISION.values };
  const sets = defined.map(([field, value], index) => {
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    return `#data.#f${index} = :v${index}`;
  });
  const conditions = ["attribute_exists(pk)", "(attribute_not_exists(expiresAt) OR expiresAt > :now)", "(attribute_not_exists(#data.#rotatedTo) OR #data.#rotatedAt = :rotatedAt)"];
  if (patch.family_id !== undefined) {
    names["#family"] = "family_id";
    values[":family"] = patch.family_id;
    conditions.push("#data.#family = :family");
  }
  return {
    Key: refreshTokenModel.key(tenantId, id),
    UpdateExpression: `SET ${[...sets, BUMP_REVISION.clause].join(", ")}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
