import type { Code, CodesAdapter } from "@authhero/adapter-interfaces";
import { notImplemented } from "../errors.js";
import { codeModel } from "../keys.js";
import { BUMP_REVISION, nowSeconds, Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

/**
 * Authorization codes, OTPs and other one-time codes. `consume` is a single
 * conditional write, so two redemptions against one replica cannot both win.
 */
export function createCodesAdapter(table: DynamoTable): CodesAdapter {
  const codes = new Repository<Code>(table, codeModel);
  return {
    create: async (tenantId, insert) => {
      const code: Code = { ...insert, created_at: (insert as Partial<Code>).created_at ?? new Date().toISOString() } as Code;
      return codes.create(tenantId, code, `A code with id \`${code.code_id}\` already exists.`);
    },
    get: async (tenantId, codeId, type) => {
      const code = await codes.get(tenantId, codeId, { consistent: true });
      return code && code.code_type === type ? code : null;
    },
    list: async (tenantId, params = {}) => {
      const page = await codes.list(tenantId, params);
      return { codes: page.items, ...page.totals };
    },
    used: async (tenantId, codeId) => codes.update(tenantId, codeId, { used_at: new Date().toISOString() }),
    consume: async (tenantId, codeId) => {
      const result = await table.update({
        Key: codeModel.key(tenantId, codeId),
        UpdateExpression: `SET #data.#used = :usedAt, ${BUMP_REVISION.clause}`,
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#data.#used) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)",
        ExpressionAttributeNames: { "#data": "data", "#used": "used_at" },
        ExpressionAttributeValues: { ":usedAt": new Date().toISOString(), ":now": nowSeconds(), ...BUMP_REVISION.values },
      });
      return result.applied;
    },
    remove: (tenantId, codeId) => codes.remove(tenantId, codeId),
    cleanup: async () => {
      throw notImplemented("codes.cleanup");
    },
  };
}
