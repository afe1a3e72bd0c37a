import type {
  Client,
  ClientRegistrationToken,
  Code,
  Connection,
  LoginSession,
  Password,
  RefreshToken,
  Session,
  SigningKey,
  Tenant,
  User,
} from "@authhero/adapter-interfaces";
import { composeKey, GLOBAL_SCOPE, latestTtl, ttlFromIso, type ItemKey, type StoredItem } from "./item.js";
import type { EntityModel } from "./repository.js";

/**
 * Every key template of every entity, in one place. Tenant data keys start
 * with the tenant id, so a query can never cross tenants. The exceptions
 * start with GLOBAL_SCOPE: the tenant records themselves, control-plane
 * signing keys, and the lookups AuthHero makes before it has resolved the tenant
 * (client id, custom domain).
 */

function primary(tenantId: string, type: string, id: string): ItemKey {
  return { pk: composeKey(tenantId, type, id), sk: type };
}

/** Sorts list partitions by creation time, then id, so pages are stable. */
function createdOrder(entity: { created_at?: string }, id: string): string {
  return `${entity.created_at ?? ""}#${id}`;
}

export const tenantModel: EntityModel<Tenant> = {
  type: "tenant",
  key: (_scope, id) => primary(GLOBAL_SCOPE, "tenant", id),
  id: (tenant) => tenant.id,
  indexKeys: (_scope, tenant) => ({ gsi1pk: composeKey(GLOBAL_SCOPE, "tenant"), gsi1sk: createdOrder(tenant, tenant.id) }),
  listPartition: () => composeKey(GLOBAL_SCOPE, "tenant"),
  stampsUpdatedAt: true,
};

export const clientModel: EntityModel<Client> = {
  type: "client",
  key: (tenantId, id) => primary(tenantId, "client", id),
  id: (client) => client.client_id,
  indexKeys: (tenantId, client) => ({
    gsi1pk: composeKey(tenantId, "client"),
    gsi1sk: createdOrder(client, client.client_id),
    gsi2pk: clientIdLookup(client.client_id),
    gsi2sk: "client",
  }),
  listPartition: (tenantId) => composeKey(tenantId, "client"),
  stampsUpdatedAt: true,
};

/** Client ids are global in OAuth: `/authorize` names only the client. */
export function clientIdLookup(clientId: string): string {
  return composeKey(GLOBAL_SCOPE, "client-id", clientId);
}

/** A guard item that makes a client id unique across tenants. */
export function clientIdGuard(clientId: string): ItemKey {
  return { pk: clientIdLookup(clientId), sk: "guard" };
}

export const connectionModel: EntityModel<Connection> = tenantEntityModel<Connection>("connection", "id");

/** Signing keys carry their tenant, or none for control-plane keys. */
export const signingKeyModel: EntityModel<SigningKey> = {
  type: "signing-key",
  key: (_scope, kid) => primary(GLOBAL_SCOPE, "signing-key", kid),
  id: (key) => key.kid,
  indexKeys: (_scope, key) => ({
    gsi1pk: composeKey(key.tenant_id ?? GLOBAL_SCOPE, "signing-key"),
    gsi1sk: createdOrder({ created_at: key.current_since }, key.kid),
    gsi2pk: composeKey(GLOBAL_SCOPE, "signing-key-all"),
    gsi2sk: key.kid,
  }),
  derivedFrom: ["tenant_id", "current_since"],
};

/**
 * The user item attribute, outside its data, that decides whether reads
 * look for linked users. The adapter writes false when it creates a user
 * and sets it to true before any user links to it, and never back to
 * false, so false means no user has linked to it. Items written before the
 * attribute existed lack it, and their reads look as before.
 */
export const MAY_HAVE_LINKED_USERS = "mayHaveLinkedUsers";

export const userModel: EntityModel<User> = {
  type: "user",
  key: (tenantId, id) => primary(tenantId, "user", id),
  id: (user) => user.user_id,
  indexKeys: (tenantId, user) => ({
    gsi1pk: composeKey(tenantId, "user"),
    gsi1sk: createdOrder(user, user.user_id),
    ...(user.email ? { gsi2pk: userEmailLookup(tenantId, user.email), gsi2sk: user.user_id } : {}),
  }),
  derivedFrom: ["email", "username", "phone_number", "linked_to", "connection", "provider"],
  listPartition: (tenantId) => composeKey(tenantId, "user"),
  stampsUpdatedAt: true,
  carriedAttributes: [MAY_HAVE_LINKED_USERS],
};


export function userEmailLookup(tenantId: string, email: string): string {
  return composeKey(tenantId, "user-email", email.toLowerCase());
}

/** Fields with a lookup item per user, found through gsi1. */
export const USER_LOOKUP_FIELDS = ["username", "phone_number", "linked_to"] as const;
export type UserLookupField = (typeof USER_LOOKUP_FIELDS)[number];

/**
 * A lookup item for one user field value. For username and phone number it
 * is also the uniqueness guard within a connection: its primary key holds
 * the connection, and it is written with attribute_not_exists.
 */
export function userLookupItem(tenantId: string, field: UserLookupField | "email", value: string, user: Pick<User, "user_id" | "connection">): ItemKey & { gsi1pk: string; gsi1sk: string } {
  const normalized = field === "email" ? value.toLowerCase() : value;
  const unique = field !== "linked_to";
  return {
    pk: unique ? composeKey(tenantId, "user-unique", user.connection ?? "", field, normalized) : composeKey(tenantId, "user-link", value, user.user_id),
    sk: "lookup",
    gsi1pk: composeKey(tenantId, "user-by", field, normalized),
    gsi1sk: user.user_id,
  };
}

export function userLookupPartition(tenantId: string, field: UserLookupField, value: string): string {
  return composeKey(tenantId, "user-by", field, value);
}

/** Returns the keys of every lookup item of a user: its email guard and one per set lookup field. */
export function userLookupKeys(tenantId: string, user: User): ItemKey[] {
  const keys: ItemKey[] = [];
  // Stored data may be damaged, so only string values make keys.
  if (typeof user.email === "string" && user.email !== "") keys.push(userLookupItem(tenantId, "email", user.email, user));
  for (const field of USER_LOOKUP_FIELDS) {
    const value = user[field];
    if (typeof value === "string" && value !== "") keys.push(userLookupItem(tenantId, field, value, user));
  }
  return keys.map(({ pk, sk }) => ({ pk, sk }));
}

/**
 * Claim item types (uniqueness guards and lookups), each with the test of
 * whether its owner item still holds it. In strong mode a claim left behind
 * by an interrupted change is recognised by failing this test.
 */
export const CLAIM_HOLDERS: Record<string, (owner: StoredItem, claim: StoredItem) => boolean> = {
  "user-lookup": (owner, claim) =>
    owner.type === "user" && userLookupKeys(owner.tenant_id, owner.data as unknown as User).some((key) => key.pk === claim.pk && key.sk === claim.sk),
  "client-id-guard": (owner) => owner.type === "client",
  "custom-domain-guard": (owner, claim) => owner.type === "custom-domain" && String(owner.data.domain).toLowerCase() === claim.data.domain,
};

/** Passwords live in the user's partition, so deleting a user finds them. */
export function passwordKey(tenantId: string, userId: string, password: Pick<Password, "id" | "created_at">): ItemKey {
  return { pk: primary(tenantId, "user", userId).pk, sk: `password#${password.created_at}#${password.id}` };
}

export function userPartition(tenantId: string, userId: string): string {
  return primary(tenantId, "user", userId).pk;
}

export const codeModel: EntityModel<Code> = {
  type: "code",
  key: (tenantId, id) => primary(tenantId, "code", id),
  id: (code) => code.code_id,
  indexKeys: (tenantId, code) => ({ gsi1pk: composeKey(tenantId, "code"), gsi1sk: createdOrder(code, code.code_id) }),
  expiresAt: (code) => ttlFromIso(code.expires_at),
  derivedFrom: ["expires_at"],
  listPartition: (tenantId) => composeKey(tenantId, "code"),
};

export const loginSessionModel: EntityModel<LoginSession> = {
  type: "login-session",
  key: (tenantId, id) => primary(tenantId, "login-session", id),
  id: (session) => session.id,
  // No request lists login sessions. The list partition lets tenant removal find them without a Scan.
  indexKeys: (tenantId, session) => ({ gsi1pk: composeKey(tenantId, "login-session"), gsi1sk: createdOrder(session, session.id) }),
  listPartition: (tenantId) => composeKey(tenantId, "login-session"),
  expiresAt: (session) => ttlFromIso(session.expires_at),
  derivedFrom: ["expires_at"],
  stampsUpdatedAt: true,
};

/** The gsi2 partition listing a user's sessions. */
export function userSessionsPartition(tenantId: string, userId: string): string {
  return composeKey(tenantId, "user-session", userId);
}

/** Points from a login session to a refresh token issued under it. */
export function loginSessionRefreshTokenPointer(tenantId: string, loginId: string, tokenId: string): ItemKey {
  return { pk: primary(tenantId, "login-session", loginId).pk, sk: `refresh-token#${tokenId}` };
}

export const sessionModel: EntityModel<Session> = {
  type: "session",
  key: (tenantId, id) => primary(tenantId, "session", id),
  id: (session) => session.id,
  indexKeys: (tenantId, session) => ({
    gsi1pk: composeKey(tenantId, "session"),
    gsi1sk: createdOrder(session, session.id),
    gsi2pk: userSessionsPartition(tenantId, session.user_id),
    gsi2sk: createdOrder(session, session.id),
  }),
  expiresAt: (session) => latestTtl(ttlFromIso(session.expires_at), ttlFromIso(session.idle_expires_at)),
  derivedFrom: ["expires_at", "idle_expires_at", "user_id"],
  listPartition: (tenantId) => composeKey(tenantId, "session"),
  stampsUpdatedAt: true,
};

/**
 * Refresh tokens are listed per tenant on gsi1, sorted by family first, so
 * one family is a sort key prefix of the tenant's partition.
 */
export const refreshTokenModel: EntityModel<RefreshToken> = {
  type: "refresh-token",
  key: (tenantId, id) => primary(tenantId, "refresh-token", id),
  id: (token) => token.id,
  indexKeys: (tenantId, token) => ({
    gsi1pk: composeKey(tenantId, "refresh-token"),
    gsi1sk: `${refreshTokenFamilyPrefix(token.family_id ?? "")}${createdOrder(token, token.id)}`,
    ...(token.token_lookup ? { gsi2pk: composeKey(tenantId, "refresh-token-lookup", token.token_lookup), gsi2sk: token.id } : {}),
  }),
  expiresAt: (token) => latestTtl(ttlFromIso(token.expires_at), ttlFromIso(token.idle_expires_at)),
  derivedFrom: ["expires_at", "idle_expires_at", "family_id", "token_lookup", "login_id"],
  listPartition: (tenantId) => composeKey(tenantId, "refresh-token"),
};

/** Returns the gsi1 sort key prefix of one refresh token family in its tenant's list partition. */
export function refreshTokenFamilyPrefix(familyId: string): string {
  return `${composeKey(familyId)}#`;
}

/**
 * Returns the gsi1 partition that listed a refresh token family before
 * families moved into the tenant's list partition. Tokens written earlier
 * keep it until they are rewritten or expire.
 */
export function legacyRefreshTokenFamilyPartition(tenantId: string, familyId: string): string {
  return composeKey(tenantId, "refresh-token-family", familyId);
}

/** Returns the key of a log entry's own item. Lists read logPartition on gsi1 instead. */
export function logKey(tenantId: string, logId: string): ItemKey {
  return primary(tenantId, "log", logId);
}

/** Returns the gsi1 partition that lists a tenant's logs by date. */
export function logPartition(tenantId: string): string {
  return composeKey(tenantId, "log");
}

/**
 * Builds the gsi1 sort key of a log from its date and id. The date is
 * normalized to ISO 8601 with milliseconds, so string order is time order.
 */
export function logSortKey(date: string, logId: string): string {
  const millis = Date.parse(date);
  return `${Number.isNaN(millis) ? date : new Date(millis).toISOString()}#${logId}`;
}

/** Converts a range of Unix seconds to inclusive log sort key bounds. Either end may be open. */
export function logSortKeyRange(fromSeconds?: number, toSeconds?: number): { from?: string; to?: string } {
  return {
    ...(fromSeconds === undefined ? {} : { from: new Date(fromSeconds * 1000).toISOString() }),
    // U+FFFF sorts after every character of a log id, so every log of the last millisecond is inside.
    ...(toSeconds === undefined ? {} : { to: `${new Date(toSeconds * 1000 + 999).toISOString()}#\uffff` }),
  };
}

/**
 * The model of a plain tenant entity: one item per id, listed through its
 * tenant's gsi1 partition in creation order.
 */
export function tenantEntityModel<T extends object>(type: string, idField: keyof T & string): EntityModel<T> {
  const idOf = (entity: T) => String((entity as Record<string, unknown>)[idField]);
  return {
    type,
    key: (tenantId, id) => primary(tenantId, type, id),
    id: idOf,
    indexKeys: (tenantId, entity) => ({ gsi1pk: composeKey(tenantId, type), gsi1sk: createdOrder(entity as { created_at?: string }, idOf(entity)) }),
    listPartition: (tenantId) => composeKey(tenantId, type),
    stampsUpdatedAt: true,
  };
}

/** One item per tenant, for settings such as branding. */
export function tenantSingletonKey(tenantId: string, type: string): ItemKey {
  return { pk: composeKey(tenantId, "settings"), sk: type };
}

/** A permission granted to a role, stored in the role's partition. */
export function rolePermissionKey(tenantId: string, roleId: string, resourceServer: string, permission: string): ItemKey {
  return { pk: primary(tenantId, "role", roleId).pk, sk: composeKey("permission", resourceServer, permission) };
}

export function rolePartition(tenantId: string, roleId: string): string {
  return primary(tenantId, "role", roleId).pk;
}

/** Organization-less grants use this segment in user role and permission keys. */
const NO_ORGANIZATION = "-";

/** A role assigned to a user, in the user's partition; gsi1 lists a role's users. */
export function userRoleKey(tenantId: string, userId: string, roleId: string, organizationId?: string): ItemKey & { gsi1pk: string; gsi1sk: string } {
  return {
    pk: userPartition(tenantId, userId),
    sk: composeKey("role", organizationId || NO_ORGANIZATION, roleId),
    gsi1pk: composeKey(tenantId, "role-user", roleId),
    gsi1sk: composeKey(userId, organizationId || NO_ORGANIZATION),
  };
}

export function userRolePrefix(organizationId?: string): string {
  return `${composeKey("role", organizationId || NO_ORGANIZATION)}#`;
}

/** Returns the sort key prefix of a user's roles in every scope, tenant-level and organization. */
export function userRoleAnyScopePrefix(): string {
  return `${composeKey("role")}#`;
}

/** A permission granted directly to a user, in the user's partition. */
export function userPermissionKey(tenantId: string, userId: string, resourceServer: string, permission: string, organizationId?: string): ItemKey {
  return { pk: userPartition(tenantId, userId), sk: composeKey("permission", organizationId || NO_ORGANIZATION, resourceServer, permission) };
}

export function userPermissionPrefix(organizationId?: string): string {
  return `${composeKey("permission", organizationId || NO_ORGANIZATION)}#`;
}

/** Membership of a user in an organization: gsi1 by user, gsi2 by organization. */
export const userOrganizationModel: EntityModel<{ id: string; user_id: string; organization_id: string; created_at?: string }> = {
  type: "user-organization",
  key: (tenantId, id) => primary(tenantId, "user-organization", id),
  id: (membership) => membership.id,
  indexKeys: (tenantId, membership) => ({
    gsi1pk: userOrganizationsPartition(tenantId, membership.user_id),
    gsi1sk: createdOrder(membership, membership.id),
    gsi2pk: composeKey(tenantId, "organization-members", membership.organization_id),
    gsi2sk: createdOrder(membership, membership.id),
  }),
  derivedFrom: ["user_id", "organization_id"],
  stampsUpdatedAt: true,
};

/** Authentication methods (MFA factors, passkeys) of a user: gsi1 by user, gsi2 by credential id. */
export const authenticationMethodModel: EntityModel<{ id: string; user_id: string; credential_id?: string; created_at?: string }> = {
  type: "authentication-method",
  key: (tenantId, id) => primary(tenantId, "authentication-method", id),
  id: (method) => method.id,
  indexKeys: (tenantId, method) => ({
    gsi1pk: userAuthenticationMethodsPartition(tenantId, method.user_id),
    gsi1sk: createdOrder(method, method.id),
    ...(method.credential_id ? { gsi2pk: composeKey(tenantId, "credential", method.credential_id), gsi2sk: method.id } : {}),
  }),
  derivedFrom: ["user_id", "credential_id"],
  stampsUpdatedAt: true,
};

/** Custom domains: gsi2 finds the tenant of a host before the tenant is known. */
export const customDomainModel: EntityModel<{ custom_domain_id: string; domain: string; created_at?: string }> = {
  type: "custom-domain",
  key: (tenantId, id) => primary(tenantId, "custom-domain", id),
  id: (domain) => domain.custom_domain_id,
  indexKeys: (tenantId, domain) => ({
    gsi1pk: composeKey(tenantId, "custom-domain"),
    gsi1sk: createdOrder(domain, domain.custom_domain_id),
    gsi2pk: composeKey(GLOBAL_SCOPE, "domain", domain.domain.toLowerCase()),
    gsi2sk: "custom-domain",
  }),
  derivedFrom: ["domain"],
  listPartition: (tenantId) => composeKey(tenantId, "custom-domain"),
  stampsUpdatedAt: true,
};

export function customDomainLookup(domain: string): string {
  return composeKey(GLOBAL_SCOPE, "domain", domain.toLowerCase());
}

/** Returns the key of the guard item that makes a custom domain unique across tenants, because getByDomain must resolve to one tenant. */
export function customDomainGuard(domain: string): ItemKey {
  return { pk: customDomainLookup(domain), sk: "guard" };
}

/** Custom text for one prompt and language, in the tenant's settings partition. */
export function customTextKey(tenantId: string, prompt: string, language: string): ItemKey {
  return { pk: composeKey(tenantId, "settings"), sk: composeKey("custom-text", prompt, language) };
}

export function settingsPartition(tenantId: string): string {
  return composeKey(tenantId, "settings");
}

/** A connection enabled for a client, in the client's partition; gsi1 lists a connection's clients. */
export function clientConnectionKey(tenantId: string, clientId: string, connectionId: string): ItemKey & { gsi1pk: string; gsi1sk: string } {
  return {
    pk: primary(tenantId, "client", clientId).pk,
    sk: composeKey("connection", connectionId),
    gsi1pk: composeKey(tenantId, "connection-client", connectionId),
    gsi1sk: clientId,
  };
}

export function clientPartition(tenantId: string, clientId: string): string {
  return primary(tenantId, "client", clientId).pk;
}

/** An email template, by name, in the tenant's settings partition. */
export function emailTemplateKey(tenantId: string, name: string): ItemKey {
  return { pk: settingsPartition(tenantId), sk: composeKey("email-template", name) };
}

/** A connection enabled for an organization, in the organization's partition. */
export function organizationConnectionKey(tenantId: string, organizationId: string, connectionId: string): ItemKey {
  return { pk: primary(tenantId, "organization", organizationId).pk, sk: composeKey("connection", connectionId) };
}

export function organizationPartition(tenantId: string, organizationId: string): string {
  return primary(tenantId, "organization", organizationId).pk;
}

/** A version of an action, in the action's partition, ordered by its number. */
export function actionVersionKey(tenantId: string, actionId: string, number: number): ItemKey {
  return { pk: primary(tenantId, "action", actionId).pk, sk: `version#${String(number).padStart(8, "0")}` };
}

export function actionPartition(tenantId: string, actionId: string): string {
  return primary(tenantId, "action", actionId).pk;
}

/** The record of one run of an action. */
export function actionExecutionKey(tenantId: string, executionId: string): ItemKey {
  return primary(tenantId, "action-execution", executionId);
}

/**
 * Returns the key of a user's consent grant to one client and audience. It
 * lies in the user's partition, so the key itself makes the (user, client,
 * audience) triple unique and removing the user removes its grants. A
 * missing audience is stored as "", as AuthHero's Kysely adapter does.
 */
export function grantKey(tenantId: string, userId: string, clientId: string, audience?: string): ItemKey {
  return { pk: userPartition(tenantId, userId), sk: composeKey("grant", clientId, audience ?? "") };
}

/** Returns the sort key prefix of every grant in a user's partition. */
export function grantPrefix(): string {
  return `${composeKey("grant")}#`;
}

/** Returns the gsi1 partition listing a tenant's grants in creation order. */
export function grantListPartition(tenantId: string): string {
  return composeKey(tenantId, "grant");
}

/** Returns the key of the item that maps a grant id to its user, client and audience. */
export function grantIdKey(tenantId: string, grantId: string): ItemKey {
  return primary(tenantId, "grant", grantId);
}

/** Dynamic Client Registration tokens (initial and registration access tokens); gsi1 lists a client's tokens. */
export const clientRegistrationTokenModel: EntityModel<ClientRegistrationToken> = {
  type: "client-registration-token",
  key: (tenantId, id) => primary(tenantId, "client-registration-token", id),
  id: (token) => token.id,
  // gsi2 lists every token of the tenant, initial access tokens (no client yet) included, so tenant removal finds them.
  indexKeys: (tenantId, token) => ({
    ...(token.client_id ? { gsi1pk: clientRegistrationTokensPartition(tenantId, token.client_id), gsi1sk: createdOrder(token, token.id) } : {}),
    gsi2pk: composeKey(tenantId, "client-registration-token"),
    gsi2sk: createdOrder(token, token.id),
  }),
  expiresAt: (token) => ttlFromIso(token.expires_at),
  derivedFrom: ["client_id", "expires_at", "created_at"],
};

/** Returns the gsi1 partition listing the registration tokens bound to a client. */
export function clientRegistrationTokensPartition(tenantId: string, clientId: string): string {
  return composeKey(tenantId, "client-registration-tokens", clientId);
}

/**
 * Returns the key of the item that finds a registration token by its hash.
 * A primary key, not an index, so a token is found by a consistent read the
 * moment it is issued, and no two tokens can share a hash.
 */
export function clientRegistrationTokenHashKey(tenantId: string, tokenHash: string): ItemKey {
  return { pk: composeKey(tenantId, "client-registration-token-hash", tokenHash), sk: "lookup" };
}

/** Lists a tenant's action executions on gsi1, so tenant removal finds them without a Scan. */
export function actionExecutionIndexKeys(tenantId: string, executionId: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: actionExecutionPartition(tenantId), gsi1sk: executionId };
}

export function actionExecutionPartition(tenantId: string): string {
  return composeKey(tenantId, "action-execution");
}

/** Returns the gsi1 partition listing a user's organization memberships. */
export function userOrganizationsPartition(tenantId: string, userId: string): string {
  return composeKey(tenantId, "user-organizations", userId);
}

/** Returns the gsi1 partition listing a user's authentication methods. */
export function userAuthenticationMethodsPartition(tenantId: string, userId: string): string {
  return composeKey(tenantId, "user-authentication-methods", userId);
}
