import type { Identity, User } from "@authhero/adapter-interfaces";
import { memoizedRead, memoKey } from "../../cache/request-memo.js";
import { badRequest, concurrentChange } from "../errors.js";
import { isExpired, type StoredItem } from "../item.js";
import { MAY_HAVE_LINKED_USERS, userLookupPartition, userModel } from "../keys.js";
import { revisionCondition, type Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

/** Primary users whose linked users are read at the same time when a list page needs them. */
const READ_CONCURRENCY = 8;

/** Identity fields copied from the linked user, the same ones authhero@9.6.1's management API copies into an identity. */
const IDENTITY_FIELDS = ["email", "email_verified", "phone_number", "phone_verified", "username"] as const;

/**
 * Reads the users linked to a primary user (`linked_to` = its user_id)
 * through their linked_to lookup items: one gsi1 query, then one BatchGetItem
 * when any are found.
 * NOTE: gsi1 is eventually consistent, even on an MRSC table, so a link made a moment ago may be missing.
 */
export async function readLinkedUsers(table: DynamoTable, users: Repository<User>, tenantId: string, primaryId: string): Promise<User[]> {
  // Within a request, users.list and users.get of one user share this read.
  return memoizedRead("users", memoKey("linked", [tenantId, primaryId]), async () => {
    const pointers = await table.queryAll({ index: "gsi1", partitionKey: userLookupPartition(tenantId, "linked_to", primaryId) });
    const linked = await users.getMany(tenantId, pointers.map((pointer) => String(pointer.gsi1sk)));
    // The index is eventually consistent and may still list a user just unlinked, so the user's own linked_to decides.
    return linked.filter((user) => user.linked_to === primaryId);
  }, { bypass: table.stagesWrites });
}

/** Returns whether a user item may have linked users: false only when its MAY_HAVE_LINKED_USERS flag is false. */
export function mayHaveLinkedUsers(item: StoredItem): boolean {
  return item[MAY_HAVE_LINKED_USERS] !== false;
}

/**
 * Prepares the primary user's item before a user links to it. The primary
 * must exist and must not itself be linked, because a link to a missing or
 * linked user would leave the new link unreachable. Its
 * MAY_HAVE_LINKED_USERS flag is set, and it always gets a new revision under
 * rewrite()'s revision check, so a removal of the primary that read it before
 * this link fails instead of leaving the linked user pointing at nothing.
 * NOTE: a user created later with a removed primary's id starts unflagged,
 * so it does not show users that linked to the id before it existed.
 */
export async function prepareLinkPrimary(table: DynamoTable, tenantId: string, primaryId: string, linkedId: string): Promise<void> {
  if (primaryId === linkedId) throw badRequest(`Cannot link user \`${linkedId}\` to itself; link it to another user.`);
  const key = userModel.key(tenantId, primaryId);
  for (let attempt = 0; attempt < 3; attempt++) {
    const item = await table.get(key, { consistent: true });
    if (!item || isExpired(item) || item.type !== userModel.type) {
      throw badRequest(`Cannot link to user \`${primaryId}\`: no such user in this tenant. Link to an existing user.`);
    }
    // Links form one level: a primary and the users linked to it, never a chain or a cycle.
    const primaryOf = (item.data as { linked_to?: unknown } | undefined)?.linked_to;
    if (typeof primaryOf === "string" && primaryOf !== "") {
      throw badRequest(`Cannot link to user \`${primaryId}\`: it is itself linked to \`${primaryOf}\`. Link to \`${primaryOf}\` instead.`);
    }
    const { condition, values } = revisionCondition(item);
    if (await table.putIf({ ...item, [MAY_HAVE_LINKED_USERS]: true, rev: (Number(item.rev) || 0) + 1 }, condition, values)) return;
  }
  throw concurrentChange(`Linking a user to \`${primaryId}\` lost three races with concurrent writers of that user; retry the request.`);
}

/**
 * Adds each user's linked users to its identities, after its own primary
 * identity, as AuthHero's management API returns a user. Pass `tenantUsers`
 * when the caller already read every user of the tenant, so the linked users
 * are taken from it instead of being read per user. Users listed in
 * `unlinked` (their items show that no user ever linked to them) are not read for.
 */
export async function withLinkedIdentities(table: DynamoTable, users: Repository<User>, tenantId: string, page: User[], tenantUsers?: User[], unlinked: ReadonlySet<string> = new Set()): Promise<User[]> {
  if (tenantUsers) {
    const byPrimary = new Map<string, User[]>();
    for (const user of tenantUsers) {
      if (user.linked_to) byPrimary.set(user.linked_to, [...(byPrimary.get(user.linked_to) ?? []), user]);
    }
    return page.map((user) => addLinkedIdentities(user, byPrimary.get(user.user_id) ?? []));
  }

  const result: User[] = [];
  for (let start = 0; start < page.length; start += READ_CONCURRENCY) {
    const chunk = page.slice(start, start + READ_CONCURRENCY);
    const linked = await Promise.all(chunk.map((user) => (unlinked.has(user.user_id) ? [] : readLinkedUsers(table, users, tenantId, user.user_id))));
    result.push(...chunk.map((user, index) => addLinkedIdentities(user, linked[index]!)));
  }
  return result;
}

/** Appends the identities of `linked`, oldest first, to a user that already carries its primary identity. */
export function addLinkedIdentities(user: User, linked: User[]): User {
  if (linked.length === 0) return user;
  const own = user.identities ?? [];
  const present = new Set(own.map((identity) => `${identity.provider}|${identity.user_id}`));
  const added = [...linked]
    .sort((left, right) => `${left.created_at ?? ""}#${left.user_id}`.localeCompare(`${right.created_at ?? ""}#${right.user_id}`))
    .map(linkedIdentity)
    .filter((identity) => !present.has(`${identity.provider}|${identity.user_id}`));
  return { ...user, identities: [...own, ...added] };
}

/** Builds the identity of a linked user: its provider's user id, the identity fields and its profile data. */
function linkedIdentity(user: User): Identity {
  const [, ...rest] = user.user_id.split("|");
  const identity: Identity = { connection: user.connection, provider: user.provider, user_id: rest.join("|") || user.user_id, isSocial: Boolean(user.is_social) };
  for (const field of IDENTITY_FIELDS) {
    const value = user[field];
    if (value !== undefined && value !== null) Object.assign(identity, { [field]: value });
  }
  identity.profileData = { ...(user.email ? { email: user.email } : {}), email_verified: Boolean(user.email_verified), ...parseProfileData(user.profileData) };
  return identity;
}

/** Parses a user's stored profileData, a JSON object string. Anything else yields no fields. */
function parseProfileData(profileData: unknown): Record<string, unknown> {
  if (typeof profileData === "object" && profileData !== null && !Array.isArray(profileData)) return profileData as Record<string, unknown>;
  if (typeof profileData !== "string" || profileData === "") return {};
  try {
    const parsed: unknown = JSON.parse(profileData);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
