import type { LoginSession, RefreshToken, User } from "@authhero/adapter-interfaces";
import { memoKey, primeRead } from "../../cache/request-memo.js";
import { isExpired, readEntity, type ItemKey, type StoredItem } from "../item.js";
import { loginSessionModel, sessionModel, userModel } from "../keys.js";
import type { DynamoTable } from "../table.js";
import { rememberedSessionOf, rememberSessionOf } from "./login-sessions.js";
import { withIdentities } from "./users.js";

/**
 * An item attribute, outside the token's data, naming the session of the
 * token's login session when the token was issued. It only chooses which
 * session to read ahead; a stale value costs one read, never a wrong answer.
 */
export const SESSION_HINT = "sessionHint";

/**
 * Reads a refresh token found through its lookup index, strongly
 * consistent so that its rotation and revocation state is current. In a
 * request with a memo, the same BatchGetItem also reads the token's user,
 * login session and (from SESSION_HINT) session, which the refresh grant
 * reads next; they answer those reads from the memo. The ids come from the
 * index's copy of the token, and a token's user and login session never
 * change.
 */
export async function readTokenWithRelated(table: DynamoTable, tenantId: string, indexed: StoredItem, prefetch: boolean): Promise<StoredItem | undefined> {
  const tokenKey = { pk: indexed.pk, sk: indexed.sk };
  if (!prefetch) return table.get(tokenKey, { consistent: true });

  const data = indexed.data as Partial<RefreshToken>;
  const related: Array<{ key: ItemKey; prime: (item: StoredItem) => void }> = [];
  if (data.user_id) {
    const userId = data.user_id;
    related.push({ key: userModel.key(tenantId, userId), prime: (item) => primeRead("users", memoKey("get", [tenantId, userId]), withIdentities(readEntity<User>(item, userModel.type))) });
  }
  if (data.login_id) {
    const loginId = data.login_id;
    related.push({
      key: loginSessionModel.key(tenantId, loginId),
      prime: (item) => {
        const loginSession = readEntity<LoginSession>(item, loginSessionModel.type);
        rememberSessionOf(loginSession);
        primeRead("loginSessions", memoKey("get", [tenantId, loginId]), loginSession);
      },
    });
  }
  const sessionId = indexed[SESSION_HINT];
  if (typeof sessionId === "string" && sessionId !== "") {
    related.push({ key: sessionModel.key(tenantId, sessionId), prime: (item) => primeRead("sessions", memoKey("get", [tenantId, sessionId]), readEntity(item, sessionModel.type)) });
  }

  const items = await table.batchGet([tokenKey, ...related.map(({ key }) => key)], { consistent: true });
  const byKey = new Map(items.map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  // Only live items are primed; a miss goes through the adapter's own read, with its replica-lag retries.
  for (const { key, prime } of related) {
    const item = byKey.get(`${key.pk}\u0000${key.sk}`);
    if (item && !isExpired(item)) prime(item);
  }
  return byKey.get(`${tokenKey.pk}\u0000${tokenKey.sk}`);
}

/** Returns the session of the token's login session as this request last saw it, for SESSION_HINT. */
export function sessionHintFor(token: Pick<RefreshToken, "login_id">): string | undefined {
  return token.login_id ? rememberedSessionOf(token.login_id) : undefined;
}
