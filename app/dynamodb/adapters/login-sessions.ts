import type { LoginSession, LoginSessionsAdapter } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { loginSessionModel } from "../keys.js";
import { BUMP_REVISION, Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createLoginSessionsAdapter(table: DynamoTable): LoginSessionsAdapter {
  const loginSessions = new Repository<LoginSession>(table, loginSessionModel);
  return {
    create: async (tenantId, insert) => loginSessions.create(tenantId, stampNew<LoginSession>(insert, "id", undefined)),
    update: (tenantId, id, patch) => {
      const { id: _ignored, ...rest } = patch;
      return loginSessions.update(tenantId, id, rest);
    },
    get: (tenantId, id) => loginSessions.get(tenantId, id, { consistent: true }),
    remove: (tenantId, id) => loginSessions.remove(tenantId, id),
  };
}

/**
 * Extends a login session's expiry to `expiresAt` unless it already lives
 * longer. A login session must outlive the sessions and refresh tokens that
 * reference it, or cleanup would orphan them.
 */
export async function extendLoginSession(table: DynamoTable, tenantId: string, loginId: string, expiresAt: string): Promise<void> {
  const ttl = Math.ceil(Date.parse(expiresAt) / 1000);
  if (Number.isNaN(ttl)) return;
  await table.update({
    Key: loginSessionModel.key(tenantId, loginId),
    UpdateExpression: `SET #data.#expires = :expires, expiresAt = :ttl, ${BUMP_REVISION.clause}`,
    ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt < :ttl)",
    ExpressionAttributeNames: { "#data": "data", "#expires": "expires_at" },
    ExpressionAttributeValues: { ":expires": expiresAt, ":ttl": ttl, ...BUMP_REVISION.values },
  });
}
