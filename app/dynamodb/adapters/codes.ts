import type { Code, CodesAdapter } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { memoKey, requestLocal } from "../../cache/request-memo.js";
import { holdWrite } from "../held-writes.js";
import { isExpired, type ItemKey } from "../item.js";
import { codeModel } from "../keys.js";
import { BUMP_REVISION, nowSeconds, Repository } from "../repository.js";
import { codesCleanup } from "../retention.js";
import type { DynamoTable } from "../table.js";
import { readAheadForCode, SESSION_HINT, sessionHintFor } from "./sign-in-reads.js";

/**
 * Authorization codes, OTPs and other one-time codes. `consume` is a single
 * conditional write, so two redemptions against one replica cannot both win.
 */
export function createCodesAdapter(table: DynamoTable): CodesAdapter {
  const codes = new Repository<Code>(table, codeModel);

  /** Sets `used_at` on a live, unused code with one conditional write; false when it was used, expired or missing. */
  const markUsed = async (tenantId: string, codeId: string): Promise<boolean> => {
    const result = await table.update(redemption(tenantId, codeId));
    return result.applied;
  };

  /**
   * Holds the redemption of an authorization code that this request read
   * unused, to be sent with the request's next transaction (the refresh
   * token's) or before its response. Its condition still decides single use
   * at the send: the loser of two redemptions fails with invalid_grant and
   * writes nothing.
   */
  const holdRedemption = (tenantId: string, codeId: string): boolean => {
    if (!readUnusedCodes()?.has(memoKey("code", [tenantId, codeId]))) return false;
    return holdWrite(table, codeModel.key(tenantId, codeId), (earlier) => {
      // A second redemption of the code in the same request fails, as it would against the table.
      if (earlier) throw codeAlreadyUsed();
      return { write: { Update: redemption(tenantId, codeId) }, conditionError: codeAlreadyUsed, indexPartitions: { gsi1: codeModel.listPartition!(tenantId) } };
    });
  };

  return {
    create: async (tenantId, insert) => {
      const code: Code = { ...insert, created_at: (insert as Partial<Code>).created_at ?? new Date().toISOString() } as Code;
      const sessionHint = sessionHintFor(code);
      const item = { ...codes.toItem(tenantId, code), ...(sessionHint ? { [SESSION_HINT]: sessionHint } : {}) };
      const conflictMessage = `A code with id \`${code.code_id}\` already exists.`;
      // An authorization code reaches the client only in this request's response, so it can go out with the request's other writes.
      const held = code.code_type === "authorization_code" && holdWrite(table, item, () => ({ write: { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } }, conflictMessage }));
      if (!held) await table.put(item, { ifAbsent: true, conflictMessage });
      return code;
    },
    get: async (tenantId, codeId, type) => {
      const item = await table.get(codeModel.key(tenantId, codeId), { consistent: true });
      if (!item || isExpired(item)) return null;
      const code = codes.fromItem(item);
      if (code.code_type !== type) return null;
      // The token endpoint reads the code's login session, user and session next.
      if (type === "authorization_code" && !code.used_at) {
        readUnusedCodes()?.add(memoKey("code", [tenantId, codeId]));
        await readAheadForCode(table, tenantId, item);
      }
      return code;
    },
    list: async (tenantId, params = {}) => {
      const page = await codes.list(tenantId, params);
      return { codes: page.items, ...page.totals };
    },
    // AuthHero checks `used_at`, then calls `used` without looking at its
    // result, so two concurrent redemptions would both pass its check. Failing
    // the second `used` is what keeps a code single-use (RFC 6749 4.1.2).
    used: async (tenantId, codeId) => {
      if (holdRedemption(tenantId, codeId)) return true;
      if (await markUsed(tenantId, codeId)) return true;
      const current = await codes.get(tenantId, codeId, { consistent: true });
      if (!current) return false;
      throw codeAlreadyUsed();
    },
    consume: (tenantId, codeId) => markUsed(tenantId, codeId),
    remove: (tenantId, codeId) => codes.remove(tenantId, codeId),
    cleanup: codesCleanup(table),
  };
}

/** Builds the invalid_grant error of a second redemption of one code. */
function codeAlreadyUsed(): HTTPException {
  return new HTTPException(400, {
    message: "Invalid authorization code",
    res: Response.json({ error: "invalid_grant", error_description: "The code was already used." }, { status: 400 }),
  });
}

const READ_UNUSED_CODES = Symbol("authorization codes read unused");

/** Returns the authorization codes this request read unused, by memo key; undefined outside a request. */
function readUnusedCodes(): Set<string> | undefined {
  return requestLocal(READ_UNUSED_CODES, () => new Set<string>());
}

/** Builds the conditional update that sets `used_at` on a live, unused code. */
function redemption(tenantId: string, codeId: string): { Key: ItemKey; UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
  return {
    Key: codeModel.key(tenantId, codeId),
    UpdateExpression: `SET #data.#used = :usedAt, ${BUMP_REVISION.clause}`,
    ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#data.#used) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)",
    ExpressionAttributeNames: { "#data": "data", "#used": "used_at" },
    ExpressionAttributeValues: { ":usedAt": new Date().toISOString(), ":now": nowSeconds(), ...BUMP_REVISION.values },
  };
}
