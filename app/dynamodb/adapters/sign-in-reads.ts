import type { LoginSession, RefreshToken, User } from "@authhero/adapter-interfaces";
import { hasRequestMemo, memoKey, startPriming, type Primer } from "../../cache/request-memo.js";
import { isExpired, readEntity, type ItemKey, type StoredItem } from "../item.js";
import { loginSessionModel, sessionModel, userModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";
import { rememberedSessionOf, rememberSessionOf } from "./login-sessions.js";
import { addLinkedIdentities, mayHaveLinkedUsers, readLinkedUsers } from "./user-identities.js";
import { withIdentities } from "./users.js";

/**
 * An item attribute of codes and refresh tokens, outside their data,
 * naming the session of their login session when they were issued. It only chooses which
 * session to read ahead, so a stale value costs one read, never a wrong result.
 */
export const SESSION_HINT = "sessionHint";

/** The ids of the items a sign-in step reads after a code or refresh token. */
interface RelatedIds {
  userId?: string;
  loginId?: string;
  /** The SESSION_HINT of the code or token. */
  sessionId?: unknown;
}

/** Returns the keys of the related items and, for each, how a found item primes the matching adapter read. */
function relatedReads(tenantId: string, ids: RelatedIds, primeRead: Primer, linkedUsers: User[]): Array<{ key: ItemKey; prime: (item: StoredItem) => void }> {
  const related: Array<{ key: ItemKey; prime: (item: StoredItem) => void }> = [];
  const { userId, loginId, sessionId } = ids;
  if (userId) {
    related.push({
      key: userModel.key(tenantId, userId),
      prime: (item) => primeRead("users", memoKey("get", [tenantId, userId]), addLinkedIdentities(withIdentities(readEntity<User>(item, userModel.type)), linkedUsers)),
    });
  }
  if (loginId) {
    related.push({
      key: loginSessionModel.key(tenantId, loginId),
      prime: (item) => {
        const loginSession = readEntity<LoginSession>(item, loginSessionModel.type);
        rememberSessionOf(loginSession);
        primeRead("loginSessions", memoKey("get", [tenantId, loginId]), loginSession);
      },
    });
  }
  if (typeof sessionId === "string" && sessionId !== "") {
    related.push({ key: sessionModel.key(tenantId, sessionId), prime: (item) => primeRead("sessions", memoKey("get", [tenantId, sessionId]), readEntity(item, sessionModel.type)) });
  }
  return related;
}

/**
 * Reads `keys` and the related items in one strongly consistent
 * BatchGetItem, primes the request memo with the live related items, and
 * returns the items of `keys` that exist. Only live items are primed; a
 * miss goes through the adapter's own read, with its replica-lag retries.
 */
async function readWithRelated(table: DynamoTable, tenantId: string, keys: ItemKey[], ids: RelatedIds): Promise<Map<string, StoredItem>> {
  const prime = startPriming({ bypass: table.stagesWrites });
  const items = await table.batchGet([...keys, ...relatedReads(tenantId, ids, prime, []).map(({ key }) => key)], { consistent: true });
  const byKey = new Map(items.map((item) => [keyId(item), item]));
  // users.get also returns the user's linked users, which only a user item flagged as possibly having some needs read.
  const userItem = ids.userId ? byKey.get(keyId(userModel.key(tenantId, ids.userId))) : undefined;
  const linkedUsers = userItem && mayHaveLinkedUsers(userItem) ? await readLinkedUsers(table, new Repository<User>(table, userModel), tenantId, ids.userId!) : [];
  const related = relatedReads(tenantId, ids, prime, linkedUsers);
  for (const { key, prime } of related) {
    const item = byKey.get(keyId(key));
    if (item && !isExpired(item)) prime(item);
  }
  return byKey;
}

function keyId(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

/**
 * Reads a refresh token found through its lookup index, strongly
 * consistent so that its rotation and revocation state is current. In a
 * request with a memo, the same BatchGetItem also reads the token's user,
 * login session and (from SESSION_HINT) session, which the refresh grant
 * reads next, and the memo returns them to those reads. The ids come from the
 * index's copy of the token, and a token's user and login session never
 * change.
 */
export async function readTokenWithRelated(table: DynamoTable, tenantId: string, indexed: StoredItem): Promise<StoredItem | undefined> {
  const tokenKey = { pk: indexed.pk, sk: indexed.sk };
  if (!hasRequestMemo() || table.stagesWrites) return table.get(tokenKey, { consistent: true });
  const data = indexed.data as Partial<RefreshToken>;
  const byKey = await readWithRelated(table, tenantId, [tokenKey], { userId: data.user_id, loginId: data.login_id, sessionId: indexed[SESSION_HINT] });
  return byKey.get(keyId(tokenKey));
}

/**
 * Reads the user, login session and session of an authorization code the
 * token endpoint is about to redeem, in one BatchGetItem, so that
 * AuthHero's next reads of them return the memoized items. Does
 * nothing outside a request.
 */
export async function readAheadForCode(table: DynamoTable, tenantId: string, code: StoredItem): Promise<void> {
  if (!hasRequestMemo() || table.stagesWrites) return;
  const data = code.data as { user_id?: string; login_id?: string };
  if (!data.user_id && !data.login_id) return;
  await readWithRelated(table, tenantId, [], { userId: data.user_id, loginId: data.login_id, sessionId: code[SESSION_HINT] });
}

/** Returns the session of a code's or token's login session as this request last saw it, for SESSION_HINT. */
export function sessionHintFor(entity: { login_id?: string }): string | undefined {
  return entity.login_id ? rememberedSessionOf(entity.login_id) : undefined;
}
