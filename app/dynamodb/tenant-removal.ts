import type { User } from "@authhero/adapter-interfaces";
import { composeKey, GLOBAL_SCOPE, keyPart, type ItemKey, type StoredItem } from "./item.js";
import {
  actionExecutionPartition,
  clientIdGuard,
  clientModel,
  clientRegistrationTokenHashKey,
  codeModel,
  customDomainGuard,
  customDomainModel,
  grantIdKey,
  grantListPartition,
  loginSessionModel,
  loginSessionRefreshTokenPointer,
  logPartition,
  refreshTokenModel,
  sessionModel,
  settingsPartition,
  userAuthenticationMethodsPartition,
  userLookupKeys,
  userModel,
  userOrganizationsPartition,
} from "./keys.js";
import type { DynamoTable, QueryRequest } from "./table.js";

/**
 * Plain tenant entities (`tenantEntityModel`): one item each, listed in the
 * tenant's gsi1 partition `<tenant>#<type>`, with nothing stored under them.
 */
const PLAIN_TYPES = ["client-grant", "connection", "flow", "form", "hook", "hook-code", "invite", "log-stream", "migration-source", "resource-server", "theme"] as const;

/** Entities whose own partition also contains child items: role permissions, action versions, organization connections. */
const PARENT_TYPES = ["role", "action", "organization"] as const;

/** Items of one page whose per-item reads run at the same time. */
const READ_CONCURRENCY = 8;

/**
 * Deletes every item of a tenant except its tenant record, without a Scan.
 * Each family is read from a partition or index the model already keeps per
 * tenant, a page at a time. For each page the dependent items (children,
 * lookups, global guards) are deleted first and the listed items last, so an
 * interrupted run leaves every remaining item reachable and a repeat finishes
 * the work. Deletes are unconditional and batched, so repeating them is safe.
 */
export async function removeTenantData(table: DynamoTable, tenantId: string): Promise<void> {
  for (const type of PLAIN_TYPES) await removeListed(table, tenantId, { index: "gsi1", partitionKey: composeKey(tenantId, type) });
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: logPartition(tenantId) });
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: codeModel.listPartition!(tenantId) });
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: actionExecutionPartition(tenantId) });
  // Signing keys live under the global scope, listed by their tenant_id.
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: composeKey(tenantId, "signing-key") });

  await removeListed(table, tenantId, { index: "gsi1", partitionKey: customDomainModel.listPartition!(tenantId) }, (domains) =>
    ownedGuards(table, tenantId, domains.map((domain) => customDomainGuard(String(domain.data.domain)))),
  );
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: clientModel.listPartition!(tenantId) }, async (clients) => [
    ...(await ownedGuards(table, tenantId, clients.map((client) => clientIdGuard(String(client.data.client_id))))),
    ...(await partitionsOf(table, clients)),
  ]);
  for (const type of PARENT_TYPES) {
    await removeListed(table, tenantId, { index: "gsi1", partitionKey: composeKey(tenantId, type) }, async (parents) => [
      ...(await partitionsOf(table, parents)),
      ...(type === "organization" ? await queryEach(table, parents, (organization) => ({ index: "gsi2", partitionKey: composeKey(tenantId, "organization-members", String(organization.data.id)) })) : []),
    ]);
  }
  // Grants live in their user's partition; their id items are found through the grant list.
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: grantListPartition(tenantId) }, async (grants) => grants.map((grant) => grantIdKey(tenantId, String(grant.data.id))));
  await removeListed(table, tenantId, { index: "gsi2", partitionKey: composeKey(tenantId, "client-registration-token") }, async (tokens) =>
    tokens.map((token) => clientRegistrationTokenHashKey(tenantId, String(token.data.token_hash))),
  );
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: userModel.listPartition!(tenantId) }, (users) => userDependents(table, tenantId, users));

  // Sessions and refresh tokens lead to their login sessions too, because login sessions written before they had a list partition are found only that way.
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: sessionModel.listPartition!(tenantId) }, (sessions) =>
    loginSessionItems(table, tenantId, sessions.map((session) => session.data.login_session_id)),
  );
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: refreshTokenModel.listPartition!(tenantId) }, async (tokens) => [
    ...tokens.filter((token) => typeof token.data.login_id === "string").map((token) => loginSessionRefreshTokenPointer(tenantId, String(token.data.login_id), String(token.data.id))),
    ...(await loginSessionItems(table, tenantId, tokens.map((token) => token.data.login_id))),
  ]);
  await removeListed(table, tenantId, { index: "gsi1", partitionKey: loginSessionModel.listPartition!(tenantId) }, (loginSessions) =>
    loginSessionItems(table, tenantId, loginSessions.map((loginSession) => loginSession.data.id)),
  );

  await table.batchDelete(keysOf(await table.queryAll({ partitionKey: settingsPartition(tenantId) })));
}

/**
 * Deletes every item a query lists, a page at a time: first the keys that
 * `dependents` returns for the page, then the page's own items.
 */
async function removeListed(table: DynamoTable, tenantId: string, request: Omit<QueryRequest, "startKey">, dependents?: (page: StoredItem[]) => Promise<ItemKey[]>): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.query({ ...request, startKey });
    // A damaged item still goes, read as empty data; an item keyed into another tenant stays untouched.
    const owned = page.items.filter((item) => ownedBy(item, tenantId)).map((item) => (isRecord(item.data) ? item : { ...item, data: {} }));
    const listed = keysOf(owned);
    if (dependents) {
      const listedIds = new Set(listed.map(keyId));
      const found = await dependents(owned);
      await table.batchDelete(found.filter((key) => !listedIds.has(keyId(key)) && (!("type" in key) || ownedBy(key as StoredItem, tenantId))));
    }
    await table.batchDelete(listed);
    // Deleted items stay valid as a start key, so paging continues past them.
    startKey = page.lastKey;
  } while (startKey);
}

/** Everything in a user's partition, its lookup items, memberships and authentication methods. */
async function userDependents(table: DynamoTable, tenantId: string, users: StoredItem[]): Promise<ItemKey[]> {
  const lookups = users.flatMap((user) => userLookupKeys(tenantId, user.data as unknown as User));
  const indexed = await queryEach(table, users, (user) => [
    { index: "gsi1", partitionKey: userOrganizationsPartition(tenantId, String(user.data.user_id)) },
    { index: "gsi1", partitionKey: userAuthenticationMethodsPartition(tenantId, String(user.data.user_id)) },
  ]);
  return [...lookups, ...indexed, ...(await partitionsOf(table, users))];
}

/**
 * Reads the named login sessions' partitions and returns their items (the
 * login session and its refresh token pointers) and the tokens the pointers name.
 */
async function loginSessionItems(table: DynamoTable, tenantId: string, loginIds: unknown[]): Promise<ItemKey[]> {
  const unique = [...new Set(loginIds.filter((loginId): loginId is string => typeof loginId === "string" && loginId !== ""))];
  const partitions = unique.map((loginId) => ({ pk: loginSessionModel.key(tenantId, loginId).pk }));
  const items = await queryEach(table, partitions, (partition) => ({ partitionKey: partition.pk }));
  const tokens = items.filter((item) => item.type === "refresh-token-pointer").map((pointer) => refreshTokenModel.key(tenantId, String(pointer.data.id)));
  return [...tokens, ...items];
}

/** Reads every item in the base-table partition of each listed item. */
function partitionsOf(table: DynamoTable, items: StoredItem[]): Promise<StoredItem[]> {
  return queryEach(table, items, (item) => ({ partitionKey: item.pk }));
}

/** Runs the queries built for each input, a few at a time, and returns every item read. */
async function queryEach<T>(table: DynamoTable, inputs: T[], requests: (input: T) => Omit<QueryRequest, "startKey"> | Array<Omit<QueryRequest, "startKey">>): Promise<StoredItem[]> {
  const all = inputs.flatMap((input) => [requests(input)].flat());
  const found: StoredItem[] = [];
  for (let start = 0; start < all.length; start += READ_CONCURRENCY) {
    const pages = await Promise.all(all.slice(start, start + READ_CONCURRENCY).map((request) => table.queryAll(request)));
    found.push(...pages.flat());
  }
  return found;
}

/**
 * Reads the guard items at `keys` and returns those of this tenant. After an
 * interrupted run another tenant may have claimed a freed client id or domain,
 * so a guard is deleted only after its owner is checked.
 */
async function ownedGuards(table: DynamoTable, tenantId: string, keys: ItemKey[]): Promise<ItemKey[]> {
  if (keys.length === 0) return [];
  const guards = await table.batchGet(keys);
  return keysOf(guards.filter((guard) => guard.tenant_id === tenantId));
}

/** Returns whether an item is this tenant's: under its key prefix, or a global-scope item that names it. */
function ownedBy(item: StoredItem, tenantId: string): boolean {
  if (item.pk.startsWith(`${keyPart(tenantId)}#`)) return true;
  // Signing keys are stored under the global scope and name their tenant in their data.
  const named = item.tenant_id === tenantId || (isRecord(item.data) && item.data.tenant_id === tenantId);
  return item.pk.startsWith(`${keyPart(GLOBAL_SCOPE)}#`) && named;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keysOf(items: Array<ItemKey>): ItemKey[] {
  return items.map(({ pk, sk }) => ({ pk, sk }));
}

function keyId(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}
