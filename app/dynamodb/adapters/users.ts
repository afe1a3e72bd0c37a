import type { CreateOptions, ListParams, Password, User, UserDataAdapter, UserInsert, WriteOptions } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { hasRequestMemo, memoizedRead, memoKey, startPriming } from "../../cache/request-memo.js";
import { stampNew } from "../crud.js";
import { newId } from "../ids.js";
import { isExpired, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { MAY_HAVE_LINKED_USERS, loginSessionRefreshTokenPointer, refreshTokenModel, userRoleAnyScopePrefix, userSessionsPartition, USER_LOOKUP_FIELDS, userEmailLookup, userLookupItem, userLookupPartition, userAuthenticationMethodsPartition, userModel, userOrganizationsPartition, userPartition, type UserLookupField } from "../keys.js";
import { paginate } from "../pagination.js";
import { matchesFilter, parseQuery, requiredEquality, type QueryFilter } from "../query-filter.js";
import { liveFilter, Repository, revisionCondition } from "../repository.js";
import type { DynamoTable, TransactItem } from "../table.js";
import { grantIdKeys } from "./grants.js";
import { currentPassword, passwordWrites } from "./passwords.js";
import { addLinkedIdentities, prepareLinkPrimary, mayHaveLinkedUsers, readLinkedUsers, withLinkedIdentities } from "./user-identities.js";
import { hintedUserId, recordFoundLookup } from "./user-lookup-hints.js";
import { userRoleLinksKey } from "./user-roles.js";

const USER_EXISTS = "User already exists";

/**
 * The fields of AuthHero's last-login stamp. Inside a transaction, a patch
 * of only these is staged as an in-place update with no read of the user.
 * AuthHero 9.6.1 does not read or write the user again in that transaction:
 * its user-update hook reads the user back only after an email change. A
 * transaction that did would be rejected, not silently wrong.
 */
const LOGIN_STAMP_FIELDS: ReadonlySet<string> = new Set(["last_login", "last_ip", "login_count", "updated_at"]);

export function createUsersAdapter(table: DynamoTable): UserDataAdapter {
  const users = new Repository<User>(table, userModel);

  const create = async (tenantId: string, insert: UserInsert, options?: CreateOptions & WriteOptions): Promise<User> => {
    const { password, ...fields } = insert;
    const provider = fields.provider ?? (fields.user_id?.includes("|") ? fields.user_id.split("|")[0] : "auth2");
    const user = stampNew<User>(
      { is_social: false, login_count: 0, ...fields, email_verified: fields.email_verified ?? false, provider, user_id: fields.user_id ?? `${provider}|${newId()}` },
      "user_id",
      undefined,
      options,
    );
    const userPut = users.putTransactItem(tenantId, user, { ifAbsent: true }) as { Put: { Item: StoredItem } };
    userPut.Put.Item[MAY_HAVE_LINKED_USERS] = false;
    const writes: TransactItem[] = [userPut, ...lookupItems(tenantId, user).map((item) => putIfAbsent(item))];
    if (password) {
      const record = stampNew<Password>({ user_id: user.user_id, password: password.hash, algorithm: password.algorithm, is_current: true }, "id", undefined);
      // The user row is created in this same transaction, so it cannot be checked for.
      writes.push(...passwordWrites(tenantId, record, [], { checkUser: false }));
    }
    if (user.linked_to) await prepareLinkPrimary(table, tenantId, user.linked_to, user.user_id);
    await table.transactWrite(writes, USER_EXISTS);
    return withIdentities(user);
  };

  return {
    get: async (tenantId, id) => {
      const item = await table.get(userModel.key(tenantId, id));
      if (!item || isExpired(item)) return null;
      const user = withIdentities(users.fromItem(item));
      return mayHaveLinkedUsers(item) ? addLinkedIdentities(user, await readLinkedUsers(table, users, tenantId, id)) : user;
    },
    create,
    rawCreate: create,
    list: async (tenantId, params: ListParams = {}) => {
      const prime = startPriming({ bypass: table.stagesWrites });
      const filter = parseQuery(params.q);
      const { candidates, unlinked, wholeTenant } = await findCandidates(table, users, tenantId, filter);
      const page = paginate(candidates.filter((user) => matchesFilter(user as unknown as Record<string, unknown>, filter)), params, tenantId);
      const withLinked = await withLinkedIdentities(table, users, tenantId, page.items.map(withIdentities), wholeTenant ? candidates : undefined, new Set(unlinked));
      // Each user found by an index read, with its linked users read for it, is what users.get returns.
      if (!wholeTenant) for (const user of withLinked) prime("users", memoKey("get", [tenantId, user.user_id]), user);
      return { users: withLinked, ...page.totals };
    },
    update: async (tenantId, id, patch) => {
      const { user_id: _ignored, identities: _derived, ...fields } = patch as Partial<User> & { identities?: unknown };
      // An undefined field means "not given", as in Repository.update. Spreading it would erase the stored value.
      const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<User>;
      const stamped = { ...changes, updated_at: changes.updated_at ?? new Date().toISOString() };
      // A patch that changes no key, index or lookup field, such as the last-login stamp, is one conditional UpdateItem.
      const derived = userModel.derivedFrom ?? [];
      if (!Object.keys(stamped).some((field) => derived.includes(field))) {
        return users.update(tenantId, id, stamped, { stageInPlace: Object.keys(stamped).every((field) => LOGIN_STAMP_FIELDS.has(field)) });
      }
      // The primary is flagged first, so no reader skips a link that exists, even if this update then fails.
      if (typeof stamped.linked_to === "string" && stamped.linked_to !== "") await prepareLinkPrimary(table, tenantId, stamped.linked_to, id);
      try {
        return await users.rewrite(tenantId, id, (current) => ({ ...current, ...stamped }), (before, after) => lookupChanges(tenantId, before, after));
      } catch (error) {
        if (error instanceof HTTPException && error.status === 409) {
          throw new HTTPException(409, { message: "Another user in the same connection already has this email, username or phone number, or the user (or the user it links to) changed concurrently; check the values and retry.", cause: error });
        }
        throw error;
      }
    },
    remove: async (tenantId, id) => {
      const userKey = userModel.key(tenantId, id);
      for (let attempt = 0; ; attempt++) {
        const item = await table.get(userKey, { consistent: true });
        if (!item || isExpired(item)) return false;
        const user = users.fromItem(item);
        const owned = await table.queryAll({ partitionKey: userPartition(tenantId, id) });
        const signIns = await signInItems(table, tenantId, id);
        const memberships = await table.queryAll({ index: "gsi1", partitionKey: userOrganizationsPartition(tenantId, id) });
        const methods = await table.queryAll({ index: "gsi1", partitionKey: userAuthenticationMethodsPartition(tenantId, id) });
        const lookups = lookupItems(tenantId, user).map(({ pk, sk }) => ({ pk, sk }));
        const dependents = [...owned, ...grantIdKeys(tenantId, owned), ...signIns, ...memberships, ...methods]
          .map(({ pk, sk }) => ({ pk, sk }))
          .filter((key) => key.pk !== userKey.pk || key.sk !== userKey.sk);
        // Dependents go first, so an interrupted removal can be repeated and finds what is left.
        await table.batchDelete(dependents);
        // The user and its lookup items go together, under the revision read above: a concurrent change
        // of the email or a new link fails this removal and it starts again, instead of leaving a lookup behind.
        const { condition, values } = revisionCondition(item);
        try {
          await table.transactWrite([{ Delete: { Key: userKey, ConditionExpression: condition, ExpressionAttributeValues: values } }, ...lookups.map((Key) => ({ Delete: { Key } }))], "The user changed while it was being removed; retry the request.");
          return true;
        } catch (error) {
          if (!(error instanceof HTTPException && error.status === 409) || attempt >= 2) throw error;
        }
      }
    },
    unlink: async (tenantId, id, provider, linkedUserId) => {
      const secondaryId = `${provider}|${linkedUserId}`;
      return users.rewrite(
        tenantId,
        secondaryId,
        (current) => {
          if (current.linked_to !== id) return current;
          const { linked_to: _removed, ...rest } = current;
          return { ...rest, updated_at: new Date().toISOString() } as User;
        },
        (before, after) => lookupChanges(tenantId, before, after),
      );
    },
  };
}

/**
 * The user's sessions, and the refresh tokens issued under their login
 * sessions with the pointers to them. A token of a removed user must not
 * outlive it: a new user given the same id would inherit its grants.
 */
async function signInItems(table: DynamoTable, tenantId: string, userId: string): Promise<StoredItem[]> {
  const sessions = await table.queryAll({ index: "gsi2", partitionKey: userSessionsPartition(tenantId, userId) });
  const loginIds = [...new Set(sessions.map((session) => session.data?.login_session_id).filter((loginId): loginId is string => typeof loginId === "string"))];
  const items: StoredItem[] = [...sessions];
  for (const loginId of loginIds) {
    const pointers = await table.queryAll({ partitionKey: loginSessionRefreshTokenPointer(tenantId, loginId, "").pk, sortKeyPrefix: "refresh-token#" });
    items.push(...pointers);
    items.push(...pointers.map((pointer) => ({ ...refreshTokenModel.key(tenantId, String(pointer.data.id)) }) as StoredItem));
  }
  return items;
}

/** Users found for a filter, with the ids of those whose items show that no user ever linked to them. */
interface Candidates {
  candidates: User[];
  unlinked: string[];
  /** Set when the candidates are every user of the tenant. */
  wholeTenant: boolean;
}

/**
 * Picks the cheapest read for a filter: the email index, a lookup partition,
 * a single get by id, or (for unindexed searches) the tenant's user list.
 */
async function findCandidates(table: DynamoTable, users: Repository<User>, tenantId: string, filter: QueryFilter): Promise<Candidates> {
  const email = requiredEquality(filter, "email");
  if (email !== undefined) {
    const found = await lookUpOnce(tenantId, "email", email, async () => usersOf(users, await table.queryAll({ index: "gsi2", partitionKey: userEmailLookup(tenantId, email), filter: liveFilter() })), table.stagesWrites);
    return { ...found, wholeTenant: false };
  }
  const userId = requiredEquality(filter, "user_id");
  if (userId !== undefined) {
    const item = await table.get(userModel.key(tenantId, userId));
    return { ...usersOf(users, item && !isExpired(item) ? [item] : []), wholeTenant: false };
  }
  for (const field of USER_LOOKUP_FIELDS) {
    const value = requiredEquality(filter, field);
    if (value === undefined) continue;
    const found = await lookUpOnce(tenantId, field, value, async () => {
      const hinted = await readHintedUser(table, users, tenantId, field, value);
      if (hinted) return hinted;
      const pointers = await table.queryAll({ index: "gsi1", partitionKey: userLookupPartition(tenantId, field, value) });
      const ids = pointers.map((pointer) => pointer.gsi1sk as string);
      if (ids.length === 1 && hasRequestMemo() && !table.stagesWrites) {
        if (field !== "linked_to") recordFoundLookup({ tenantId, field, value, userId: ids[0]! });
        return readUserPartition(table, users, tenantId, ids[0]!);
      }
      const items = ids.length === 0 ? [] : await table.batchGet(ids.map((id) => userModel.key(tenantId, id)));
      return usersOf(users, items.filter((item) => !isExpired(item)));
    }, table.stagesWrites);
    return { ...found, wholeTenant: false };
  }
  // NOTE: a search on an unindexed field reads every user of the tenant; fine for admin use, slow past ~10,000 users.
  return { candidates: await users.listAll(tenantId), unlinked: [], wholeTenant: true };
}

/** Returns the users of `items`, and the ids of those that no user ever linked to. */
function usersOf(users: Repository<User>, items: StoredItem[]): Omit<Candidates, "wholeTenant"> {
  const userItems = items.filter((item) => item.type === userModel.type);
  return {
    candidates: users.entities(userItems),
    unlinked: userItems.filter((item) => !mayHaveLinkedUsers(item)).map((item) => String((item.data as Partial<User>).user_id)),
  };
}

/**
 * Runs an indexed user search once per request, because AuthHero searches
 * one username for each provider in turn and the searches differ only in
 * the filter applied afterwards. Outside a request, and inside a
 * transaction (`bypass`), the search runs every time.
 */
async function lookUpOnce(tenantId: string, field: string, value: string, search: () => Promise<Omit<Candidates, "wholeTenant">>, bypass: boolean): Promise<Omit<Candidates, "wholeTenant">> {
  return memoizedRead("users", memoKey("lookup", [tenantId, field, value]), search, { bypass });
}

/**
 * Reads the user that the request's login session names for this search
 * (see USER_LOOKUP_HINT) with one Query of its partition, skipping the
 * lookup index. Returns undefined, so the caller queries the index, when
 * there is no hint or the hinted user is gone or no longer has the value.
 * NOTE: the hint is the index as the earlier step of the login read it, so
 * a second user given the same value in another connection since then is
 * not found by this search. AuthHero 9.6.1 takes the first user found anyway.
 */
async function readHintedUser(table: DynamoTable, users: Repository<User>, tenantId: string, field: UserLookupField, value: string): Promise<Omit<Candidates, "wholeTenant"> | undefined> {
  if (field === "linked_to" || !hasRequestMemo() || table.stagesWrites) return undefined;
  const userId = hintedUserId(tenantId, field, value);
  if (!userId) return undefined;
  const found = await readUserPartition(table, users, tenantId, userId);
  const [user] = found.candidates;
  if (found.candidates.length !== 1 || user?.[field] !== value) return undefined;
  return found;
}

/**
 * Reads a user's whole partition in one Query: the user, its passwords and
 * its role and permission assignments. Signing in reads the current
 * password and the roles next, and both come from the request memo. The
 * partition grows with the user's own password history and assignments,
 * not with the number of users.
 */
async function readUserPartition(table: DynamoTable, users: Repository<User>, tenantId: string, userId: string): Promise<Omit<Candidates, "wholeTenant">> {
  const prime = startPriming({ bypass: table.stagesWrites });
  const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId) });
  prime("passwords", memoKey("get", [tenantId, userId]), currentPassword(items));
  prime("userRoles", userRoleLinksKey(tenantId, userId), items.filter((item) => item.sk.startsWith(userRoleAnyScopePrefix())));
  return usersOf(users, items.filter((item) => item.sk === userModel.key(tenantId, userId).sk && !isExpired(item)));
}

function lookupItems(tenantId: string, user: User): StoredItem[] {
  const items: StoredItem[] = [];
  const base = { type: "user-lookup", v: SCHEMA_VERSION, tenant_id: tenantId, data: { user_id: user.user_id } };
  if (user.email) {
    const { gsi1pk: _unused, gsi1sk: _unusedSort, ...guard } = userLookupItem(tenantId, "email", user.email, user);
    items.push({ ...guard, ...base });
  }
  for (const field of USER_LOOKUP_FIELDS) {
    const value = user[field];
    if (typeof value === "string" && value !== "") items.push({ ...userLookupItem(tenantId, field, value, user), ...base });
  }
  return items;
}

/** Deletes lookup items that no longer apply and adds new ones, failing on a taken value. */
function lookupChanges(tenantId: string, before: User, after: User): TransactItem[] {
  const oldItems = lookupItems(tenantId, before);
  const newItems = lookupItems(tenantId, after);
  const id = (item: StoredItem) => `${item.pk}\u0000${item.sk}`;
  const oldIds = new Set(oldItems.map(id));
  const newIds = new Set(newItems.map(id));
  return [
    ...oldItems.filter((item) => !newIds.has(id(item))).map((item) => ({ Delete: { Key: { pk: item.pk, sk: item.sk } } })),
    ...newItems.filter((item) => !oldIds.has(id(item))).map(putIfAbsent),
  ];
}

function putIfAbsent(item: StoredItem): TransactItem {
  return { Put: { Item: item, ConditionExpression: "attribute_not_exists(pk)" } };
}

/** Adds the primary identity, which AuthHero's management API expects on every user. */
export function withIdentities(user: User): User {
  if (user.identities && user.identities.length > 0) return user;
  const [, ...rest] = user.user_id.split("|");
  return {
    ...user,
    identities: [{ connection: user.connection, provider: user.provider, user_id: rest.join("|") || user.user_id, isSocial: Boolean(user.is_social) }],
  } as User;
}
