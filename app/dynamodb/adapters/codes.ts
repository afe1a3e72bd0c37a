import type { Code, CodesAdapter } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { isExpired } from "../item.js";
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
    const result = await table.update({
      Key: codeModel.key(tenantId, codeId),
      UpdateExpression: `SET #data.#used = :usedAt, ${BUMP_REVISION.clause}`,
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#data.#used) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)",
      ExpressionAttributeNames: { "#data": "data", "#used": "used_at" },
      ExpressionAttributeValues: { ":usedAt": new Date().toISOString(), ":now": nowSeconds(), ...BUMP_REVISION.values },
    });
    return result.applied;
  };
  return {
    create: async (tenantId, insert) => {
      const code: Code = { ...insert, created_at: (insert as Partial<Code>).created_at ?? new Date().toISOString() } as Code;
      const sessionHint = sessionHintFor(code);
      await table.put({ ...codes.toItem(tenantId, code), ...(sessionHint ? { [SESSION_HINT]: sessionHint } : {}) }, { ifAbsent: true, conflictMessage: `A code with id \`${code.code_id}\` already exists.` });
      return code;
    },
    get: async (tenantId, codeId, type) => {
      const item = await table.get(codeModel.key(tenantId, codeId), { consistent: true });
      if (!item || isExpired(item)) return null;
      const code = codes.fromItem(item);
      if (code.code_type !== type) return null;
      // The token endpoint reads the code's login session, user and session next.
      if (type === "authorization_code" && !code.used_at) await readAheadForCode(table, tenantId, item);
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
      if (await markUsed(tenantId, codeId)) return true;
      const current = await codes.get(tenantId, codeId, { consistent: true });
      if (!current) return false;
      throw new HTTPException(400, {
        message: "Invalid authorization code",
        res: Response.json({ error: "invalid_grant", error_description: "The code was already used." }, { status: 400 }),
      });
    },
    consume: (tenantId, codeId) => markUsed(tenantId, codeId),
    remove: (tenantId, codeId) => codes.remove(tenantId, codeId),
    cleanup: codesCleanup(table),
  };
}
