import type { LoginSession, LoginSessionsAdapter } from "@authhero/adapter-interfaces";
import { memoKey, primeAfterWrite, requestLocal } from "../../cache/request-memo.js";
import { stampNew } from "../crud.js";
import { AdapterError, badRequest, failedWrites } from "../errors.js";
import { holdWrite } from "../held-writes.js";
import { isExpired, ttlFromIso, type ItemKey } from "../item.js";
import { loginSessionModel } from "../keys.js";
import { BUMP_REVISION, nowSeconds, Repository } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";
import { foundLookup, rememberStoredHint, USER_LOOKUP_HINT } from "./user-lookup-hints.js";

export function createLoginSessionsAdapter(table: DynamoTable): LoginSessionsAdapter {
  const loginSessions = new Repository<LoginSession>(table, loginSessionModel);
  return {
    create: async (tenantId, insert) => {
      const loginSession = stampNew<LoginSession>(insert, "id", undefined);
      if (!isLoginSessionId(loginSession.id)) {
        throw badRequest(`Login session id \`${loginSession.id}\` is invalid: it must be 22 base64url characters, as the adapter generates; omit \`id\` to have one generated.`);
      }
      const created = await loginSessions.create(tenantId, loginSession);
      rememberLoginSession(tenantId, created);
      return created;
    },
    update: async (tenantId, id, patch) => {
      const { id: _ignored, ...rest } = patch;
      return updateInPlace(table, loginSessions, tenantId, id, rest);
    },
    get: async (tenantId, id) => {
      // AuthHero's /authorize looks up the client's `state` as a login session id; most states cannot be one.
      if (!isLoginSessionId(id)) return null;
      const item = await table.get(loginSessionModel.key(tenantId, id), { consistent: true });
      if (!item || isExpired(item)) return null;
      const loginSession = loginSessions.fromItem(item);
      rememberLoginSession(tenantId, loginSession);
      rememberStoredHint(item);
      return loginSession;
    },
    remove: (tenantId, id) => {
      forgetLoginSession(tenantId, id);
      return loginSessions.remove(tenantId, id);
    },
  };
}

/** Every login session id: newId() without a prefix, 16 random bytes in base64url. create() rejects any other form. */
const LOGIN_SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

/** Returns whether `id` has the form of a login session id, so that a login session with it could exist. */
export function isLoginSessionId(id: string): boolean {
  return LOGIN_SESSION_ID.test(id);
}

/**
 * Applies a patch to a live login session with one UpdateItem, its TTL
 * included: a login session has no index keys, so a new `expires_at`
 * needs no read and rewrite. The request's next read of it returns the
 * item as the update left it. A user lookup the request found is stored
 * with it as USER_LOOKUP_HINT, for the login's next step.
 *
 * When the request already read or wrote the login session, the update is
 * held (held-writes.ts) and merged with the request's later updates of it,
 * and goes out with the request's other writes. It then returns true at
 * once, because the login session was live when the request last saw it.
 * If it is gone or expired by the send, the held update is dropped, as an
 * immediate update would have returned false.
 */
async function updateInPlace(table: DynamoTable, loginSessions: Repository<LoginSession>, tenantId: string, id: string, patch: Partial<LoginSession>): Promise<boolean> {
  // Inside a transaction the update is staged, and staged updates cannot return the item after them.
  if (table.stagesWrites) {
    forgetLoginSession(tenantId, id);
    return loginSessions.update(tenantId, id, patch);
  }
  const changes = Object.entries(patch).filter(([, value]) => value !== undefined);
  if (changes.length === 0) return (await loginSessions.get(tenantId, id, { consistent: true })) !== null;
  if (!changes.some(([field]) => field === "updated_at")) changes.push(["updated_at", new Date().toISOString()]);
  const key = loginSessionModel.key(tenantId, id);
  const memo = memoKey("get", [tenantId, id]);

  const known = lastSeen()?.get(memo);
  if (known && !isPast(known.expires_at)) {
    const held = holdWrite(table, key, (earlier) => {
      const fields = { ...earlier?.fields, ...Object.fromEntries(changes) };
      return { write: { Update: loginSessionUpdate(key, fields) }, optional: true, fields, indexPartitions: { gsi1: loginSessionModel.listPartition!(tenantId) } };
    });
    if (held) {
      const updated = { ...known, ...Object.fromEntries(changes) } as LoginSession;
      rememberLoginSession(tenantId, updated);
      primeAfterWrite("loginSessions", memo, updated);
      return true;
    }
  }

  forgetLoginSession(tenantId, id);
  const result = await table.update({ ...loginSessionUpdate(key, Object.fromEntries(changes)), ReturnValues: "ALL_NEW" });
  if (result.applied && result.attributes) {
    const updated = loginSessions.fromItem(result.attributes);
    rememberLoginSession(tenantId, updated);
    primeAfterWrite("loginSessions", memo, updated);
  }
  return result.applied;
}

/** Builds the UpdateItem of a live login session that sets `fields` of its data, and its TTL when `expires_at` is among them. */
function loginSessionUpdate(key: ItemKey, fields: Record<string, unknown>): { Key: ItemKey; UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
  const names: Record<string, string> = { "#data": "data" };
  const values: Record<string, unknown> = { ":now": nowSeconds(), ...BUMP_REVISION.values };
  const sets = Object.entries(fields).map(([field, value], index) => {
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    return `#data.#f${index} = :v${index}`;
  });
  sets.push(BUMP_REVISION.clause);
  const lookup = foundLookup();
  if (lookup) {
    names["#hint"] = USER_LOOKUP_HINT;
    values[":hint"] = lookup;
    sets.push("#hint = :hint");
  }
  let remove = "";
  if (fields.expires_at !== undefined) {
    const ttl = loginSessionModel.expiresAt?.(fields as unknown as LoginSession);
    if (ttl === undefined) remove = " REMOVE expiresAt";
    else {
      sets.push("expiresAt = :ttl");
      values[":ttl"] = ttl;
    }
  }
  return {
    Key: key,
    UpdateExpression: `SET ${sets.join(", ")}${remove}`,
    ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function isPast(iso: string | undefined): boolean {
  return iso !== undefined && Date.parse(iso) <= Date.now();
}

const LAST_SEEN_LOGIN_SESSIONS = Symbol("login sessions as this request last saw them");

/** Returns the login sessions this request read or wrote, by memo key, as it last saw them; undefined outside a request. */
function lastSeen(): Map<string, LoginSession> | undefined {
  return requestLocal(LAST_SEEN_LOGIN_SESSIONS, () => new Map<string, LoginSession>());
}

/** Notes a login session as this request read or wrote it. */
function rememberLoginSession(tenantId: string, loginSession: LoginSession): void {
  rememberSessionOf(loginSession);
  lastSeen()?.set(memoKey("get", [tenantId, loginSession.id]), structuredClone(loginSession));
}

/** Drops what this request saw of a login session that a write changes in ways the request does not track. */
function forgetLoginSession(tenantId: string, id: string): void {
  lastSeen()?.delete(memoKey("get", [tenantId, id]));
}

const SESSIONS_OF_LOGIN_SESSIONS = Symbol("sessions of login sessions");

/** Notes, for the rest of the request, which session a login session read or written in it pointed to. */
export function rememberSessionOf(loginSession: Pick<LoginSession, "id" | "session_id">): void {
  if (loginSession.session_id) requestLocal(SESSIONS_OF_LOGIN_SESSIONS, () => new Map<string, string>())?.set(loginSession.id, loginSession.session_id);
}

/** Returns the session a login session pointed to when this request last read or wrote it; a hint that may be stale. */
export function rememberedSessionOf(loginId: string): string | undefined {
  return requestLocal(SESSIONS_OF_LOGIN_SESSIONS, () => new Map<string, string>())?.get(loginId);
}

/**
 * Extends a login session's expiry to `expiresAt` unless it already lives
 * longer. A login session must outlive the sessions and refresh tokens that
 * reference it, or cleanup would orphan them.
 */
export async function extendLoginSession(table: DynamoTable, tenantId: string, loginId: string, expiresAt: string): Promise<void> {
  const ttl = Math.ceil(Date.parse(expiresAt) / 1000);
  if (Number.isNaN(ttl)) return;
  forgetLoginSession(tenantId, loginId);
  await table.update({
    Key: loginSessionModel.key(tenantId, loginId),
    UpdateExpression: `SET #data.#expires = :expires, expiresAt = :ttl, ${BUMP_REVISION.clause}`,
    ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt < :ttl)",
    ExpressionAttributeNames: { "#data": "data", "#expires": "expires_at" },
    ExpressionAttributeValues: { ":expires": expiresAt, ":ttl": ttl, ...BUMP_REVISION.values },
  });
}

/** Attempts before writeExtendingLoginSession gives up; each lost race means another writer extended the login session at least as far. */
const MAX_EXTENSION_ATTEMPTS = 10;

/**
 * Runs `writes` and the extension of a login session to `expiresAt` as one
 * transaction, so the items written do not outlive the login session they
 * point to. The extension only applies while the stored expiry is earlier.
 * When a concurrent writer extended the login session at least as far first,
 * the transaction is cancelled and retried without the extension.
 */
export async function writeExtendingLoginSession(
  table: DynamoTable,
  tenantId: string,
  loginId: string | undefined,
  expiresAt: string | undefined,
  writes: TransactItem[],
  conflictMessage: string,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_EXTENSION_ATTEMPTS; attempt++) {
    const extension = loginId && expiresAt ? await loginSessionExtension(table, tenantId, loginId, expiresAt) : undefined;
    try {
      await table.transactWrite(extension ? [...writes, extension] : writes, conflictMessage);
      return;
    } catch (error) {
      if (!extension || !extensionLostRace(error, writes.length)) throw error;
    }
  }
  throw new AdapterError("adapter.throttled", `Extending login session \`${loginId}\` lost ${MAX_EXTENSION_ATTEMPTS} races with concurrent writers; retry the request.`);
}

/**
 * Returns whether a cancelled transaction failed only on the extension at
 * `index`, because a concurrent writer changed the login session, and not on
 * the caller's own writes.
 */
function extensionLostRace(error: unknown, index: number): boolean {
  const failed = failedWrites(error);
  return failed.length > 0 && failed.every((write) => write.index === index && (write.reason === "ConditionalCheckFailed" || write.reason === "TransactionConflict"));
}

/** Builds the extension write, or none when the login session is missing or already lives that long. */
async function loginSessionExtension(table: DynamoTable, tenantId: string, loginId: string, expiresAt: string): Promise<TransactItem | undefined> {
  const ttl = ttlFromIso(expiresAt);
  if (ttl === undefined) return undefined;
  const key = loginSessionModel.key(tenantId, loginId);
  forgetLoginSession(tenantId, loginId);
  const current = await table.get(key, { consistent: true });
  if (!current || current.type !== loginSessionModel.type) return undefined;
  if (typeof current.expiresAt === "number" && current.expiresAt >= ttl) return undefined;

  // The condition is the invariant itself, so an extension by another writer to an earlier time does not cancel this one.
  return {
    Update: {
      Key: key,
      UpdateExpression: `SET #data.#expires = :expires, expiresAt = :ttl, ${BUMP_REVISION.clause}`,
      ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt < :ttl)",
      ExpressionAttributeNames: { "#data": "data", "#expires": "expires_at" },
      ExpressionAttributeValues: { ":expires": expiresAt, ":ttl": ttl, ...BUMP_REVISION.values },
    },
  };
}

/** Returns the later of an item's absolute and idle expiry, as an ISO timestamp. */
export function latestExpiry(item: { expires_at?: string; idle_expires_at?: string }): string | undefined {
  return [item.expires_at, item.idle_expires_at].filter((value): value is string => Boolean(value)).sort().at(-1);
}
