import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { AdapterFixture } from "../../support/adapter-fixture.js";
import { TEST_REGION } from "../../support/local-engine.js";
import { DEVICE, isoIn, loginSessionInsert, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

type RawItem = Record<string, unknown> & { pk: string; sk: string };

/** Reads every item of the fixture's table with a Scan, through a client of its own, so the adapter's no-Scan check still holds. */
async function scanTable(fixture: AdapterFixture): Promise<RawItem[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: TEST_REGION, endpoint: fixture.endpoint }));
  const items: RawItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: fixture.tableName, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as RawItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  return items;
}

function clientIdOf(tenantId: string): string {
  return `${tenantId}-app`;
}

function domainOf(tenantId: string): string {
  return `login.${tenantId}.example`;
}

/**
 * Returns whether an item belongs to the tenant. It does when its tenant_id
 * attribute or data.tenant_id names the tenant, or a key starts with the
 * tenant's prefix. The tenant record and the global guards of the tenant's
 * client id and custom domain belong to it too.
 */
function belongsTo(item: RawItem, tenantId: string): boolean {
  const data = item.data as Record<string, unknown> | undefined;
  if (item.tenant_id === tenantId || data?.tenant_id === tenantId) return true;
  const keys = [item.pk, item.gsi1pk, item.gsi2pk].filter((key): key is string => typeof key === "string");
  if (keys.some((key) => key.startsWith(`${tenantId}#`))) return true;
  return [`$global#tenant#${tenantId}`, `$global#client-id#${clientIdOf(tenantId)}`, `$global#domain#${domainOf(tenantId)}`].includes(item.pk);
}

function sortedItems(items: RawItem[]): RawItem[] {
  return [...items].sort((left, right) => `${left.pk}\u0000${left.sk}`.localeCompare(`${right.pk}\u0000${right.sk}`));
}

/** Stores one or more items of every adapter family for the tenant, through the adapter API. */
async function fillTenant(data: DataAdapters, tenantId: string): Promise<void> {
  const clientId = clientIdOf(tenantId);
  const alice = "auth2|alice";
  const aliceGoogle = "google-oauth2|alice";
  const api = "https://api.example.com";

  await data.tenants.create({ id: tenantId, friendly_name: tenantId });

  await data.connections.create(tenantId, { id: "con_1", name: "db", strategy: "Username-Password-Authentication", options: {} } as never);
  await data.clients.create(tenantId, { client_id: clientId, name: "App" } as never);
  await data.clientConnections.updateByClient(tenantId, clientId, ["con_1"]);
  await data.clientGrants.create(tenantId, { id: "cgr_1", client_id: clientId, audience: api, scope: ["read:all"] } as never);
  await data.resourceServers.create(tenantId, { id: "rs_1", name: "API", identifier: api } as never);
  await data.customDomains.create(tenantId, { domain: domainOf(tenantId), type: "self_managed_certs" } as never);
  await data.keys.create({ kid: `${tenantId}-key`, tenant_id: tenantId, cert: "cert", fingerprint: "fp", thumbprint: "tp", type: "jwt_signing" } as never);

  await data.roles.create(tenantId, { id: "rol_1", name: "admin" });
  await data.rolePermissions.assign(tenantId, "rol_1", [{ role_id: "rol_1", resource_server_identifier: api, permission_name: "read:all" }] as never);
  await data.organizations.create(tenantId, { id: "org_1", name: "org" } as never);
  await data.organizationConnections.create(tenantId, "org_1", { connection_id: "con_1" } as never);
  await data.invites.create(tenantId, { id: "uinv_1", organization_id: "org_1", inviter: { name: "admin" }, invitee: { email: "new@example.com" }, client_id: clientId } as never);

  await data.actions.create(tenantId, { id: "act_1", name: "action", code: "exports.onExecutePostLogin = async () => {};", supported_triggers: [{ id: "post-login" }] } as never);
  await data.actionVersions.create(tenantId, { action_id: "act_1", code: "v1" } as never);
  await data.actionExecutions.create(tenantId, { trigger_id: "post-login", status: "success", results: [] } as never);
  await data.hooks.create(tenantId, { hook_id: "h_1", trigger_id: "post-user-login", url: "https://hooks.example.com", enabled: true } as never);
  await data.hookCode.create(tenantId, { id: "hc_1", code: "return;" } as never);
  await data.flows.create(tenantId, { id: "af_1", name: "verify", actions: [] } as never);
  await data.forms.create(tenantId, { id: "ap_1", name: "form" } as never);
  await data.themes.create(tenantId, { displayName: "Dark" } as never, "theme-dark");

  await data.branding.set(tenantId, { logo_url: "https://cdn.example.com/logo.png" });
  await data.promptSettings.set(tenantId, { identifier_first: false });
  await data.customText.set(tenantId, "login", "en", { login: { title: "Welcome" } } as never);
  await data.emailProviders.create(tenantId, { name: "mailgun", enabled: true, credentials: { api_key: "key" } } as never);
  await data.universalLoginTemplates.set(tenantId, { body: "<html>{%- auth0:widget -%}</html>" } as never);
  await data.emailTemplates.create(tenantId, { template: "reset_email", body: "<p>Reset</p>", from: "no-reply@example.com", subject: "Reset", syntax: "liquid", enabled: true } as never);

  await data.users.create(tenantId, { user_id: alice, email: "alice@example.com", username: "alice", phone_number: "+15550100", connection: "Username-Password-Authentication", email_verified: true, password: { hash: "hash-1", algorithm: "bcrypt" } } as never);
  await data.users.create(tenantId, { user_id: aliceGoogle, email: "alice@example.com", connection: "google-oauth2", is_social: true, email_verified: true, linked_to: alice } as never);
  await data.passwords.create(tenantId, { user_id: alice, password: "hash-2", algorithm: "bcrypt" } as never);
  await data.userRoles.create(tenantId, alice, "rol_1");
  await data.userRoles.create(tenantId, alice, "rol_1", "org_1");
  await data.userPermissions.create(tenantId, alice, { user_id: alice, resource_server_identifier: api, permission_name: "read:all" } as never);
  await data.userOrganizations.create(tenantId, { user_id: alice, organization_id: "org_1" });
  await data.authenticationMethods.create(tenantId, { user_id: alice, type: "passkey", credential_id: "cred-1", public_key: "key", confirmed: true } as never);

  const login = await data.loginSessions.create(tenantId, loginSessionInsert());
  await data.loginSessions.create(tenantId, loginSessionInsert());
  await data.sessions.create(tenantId, { id: "sess-1", user_id: alice, login_session_id: login.id, device: DEVICE, clients: [clientId], expires_at: isoIn(3600) });
  await data.refreshTokens.create(tenantId, {
    id: "rt-1",
    login_id: login.id,
    user_id: alice,
    client_id: clientId,
    device: DEVICE,
    resource_servers: [{ audience: api, scopes: "openid offline_access" }],
    rotating: true,
    expires_at: isoIn(86_400),
    token_lookup: "lookup-rt-1",
    token_hash: "hash-rt-1",
    family_id: "family-1",
  } as never);
  await data.codes.create(tenantId, { code_id: "code-1", login_id: login.id, code_type: "authorization_code", expires_at: isoIn(600) });
  await data.logStreams?.create(tenantId, { name: "stream", type: "http", sink: { httpEndpoint: "https://logs.example.com" } } as never);
  await data.migrationSources?.create(tenantId, { name: "upstream", provider: "auth0", connection: "db", enabled: true, credentials: { domain: "up.example.com", client_id: "c", client_secret: "s" } } as never);
  await data.grants?.create(tenantId, { user_id: alice, clientID: clientId, audience: api, scope: ["read:all"] } as never);
  await data.clientRegistrationTokens?.create(tenantId, { id: `iat-${tenantId}`, token_hash: `iat-hash-${tenantId}`, type: "iat", single_use: true } as never);
  await data.clientRegistrationTokens?.create(tenantId, { id: `rat-${tenantId}`, token_hash: `rat-hash-${tenantId}`, type: "rat", client_id: clientId, single_use: false } as never);
  await data.logs.create(tenantId, { type: "s", date: new Date().toISOString(), description: "login", isMobile: false } as never);
}

/**
 * Makes every `period`-th BatchWriteItem of the fixture's client fail, as a
 * crash or a throttled request would, until the returned function stops it.
 */
function failEveryNthBatchWrite(fixture: AdapterFixture, period: number): { failures: () => number; stop: () => void } {
  let calls = 0;
  let failures = 0;
  let active = true;
  fixture.table.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (active && context.commandName === "BatchWriteItemCommand" && ++calls % period === 0) {
        failures++;
        throw Object.assign(new Error("Injected failure"), { name: "ServiceUnavailable" });
      }
      return next(args);
    },
    { step: "initialize", name: "testFailEveryNthBatchWrite" },
  );
  return { failures: () => failures, stop: () => (active = false) };
}

describe("tenants.remove", () => {
  const fixture = useAdapterFixture();

  it("fills every item kind the check covers", async () => {
    const current = fixture();
    await fillTenant(current.data, TENANT_A);
    const types = new Set((await scanTable(current)).filter((item) => belongsTo(item, TENANT_A)).map((item) => String(item.type)));
    const expected = [
      "tenant", "connection", "client", "client-id-guard", "client-connection", "client-grant", "resource-server", "custom-domain", "custom-domain-guard",
      "signing-key", "role", "role-permission", "organization", "organization-connection", "invite", "action", "action-version", "action-execution",
      "hook", "hook-code", "flow", "form", "theme", "branding", "prompt-settings", "custom-text", "email-provider", "universal-login-template",
      "email-template", "user", "user-lookup", "password", "user-role", "user-permission", "user-organization", "authentication-method",
      "login-session", "session", "refresh-token", "refresh-token-pointer", "code", "log",
      "grant", "grant-id", "client-registration-token", "client-registration-token-hash", "log-stream", "migration-source",
    ];
    for (const type of expected) assert.ok(types.has(type), `no \`${type}\` item was stored`);
  });

  it("removes every item of the tenant and keeps the other", async () => {
    const current = fixture();
    const { data } = current;
    await data.keys.create({ kid: "control-plane", cert: "cert", fingerprint: "fp", thumbprint: "tp", type: "jwt_signing" } as never);
    await fillTenant(data, TENANT_A);
    await fillTenant(data, TENANT_B);
    const before = await scanTable(current);
    const otherBefore = sortedItems(before.filter((item) => !belongsTo(item, TENANT_A)));
    assert.ok(before.filter((item) => belongsTo(item, TENANT_A)).length > 40, "tenant A must have data to remove");

    assert.equal(await data.tenants.remove(TENANT_A), true);

    const after = await scanTable(current);
    const leftovers = after.filter((item) => belongsTo(item, TENANT_A)).map((item) => `${item.pk} ${item.sk} (${String(item.type)})`);
    assert.deepEqual(leftovers, []);
    const otherAfter = sortedItems(after);
    assert.equal(otherAfter.length, otherBefore.length);
    assert.deepEqual(otherAfter, otherBefore);

    assert.equal(await data.tenants.get(TENANT_A), null);
    assert.equal(await data.clients.getByClientId(clientIdOf(TENANT_A)), null);
    assert.equal(await data.customDomains.getByDomain(domainOf(TENANT_A)), null);
    assert.equal((await data.clients.getByClientId(clientIdOf(TENANT_B)))?.tenant_id, TENANT_B);
    assert.equal(await data.tenants.remove(TENANT_A), false);
  });

  it("removes damaged items and leaves items keyed into another tenant", async () => {
    const current = fixture();
    const { data, table } = current;
    await data.tenants.create({ id: TENANT_A, friendly_name: TENANT_A });
    await data.users.create(TENANT_B, { user_id: "auth2|victim", email: "victim@example.com", connection: "Username-Password-Authentication", email_verified: true } as never);
    const listedInA = { gsi1pk: "tenant-a#user", tenant_id: TENANT_A, type: "user", v: 1 };
    await table.put({ pk: "tenant-a#user#auth2|no-data", sk: "user", gsi1sk: "1", ...listedInA } as never);
    await table.put({ pk: "tenant-a#user#auth2|numeric", sk: "user", gsi1sk: "2", ...listedInA, data: { user_id: "auth2|numeric", email: 7 } } as never);
    await table.put({ pk: "tenant-b#user#auth2|victim", sk: "user-copy", gsi1sk: "3", ...listedInA, data: { user_id: "auth2|victim" } } as never);
    const otherBefore = sortedItems((await scanTable(current)).filter((item) => String(item.pk).startsWith("tenant-b#")));

    assert.equal(await data.tenants.remove(TENANT_A), true);

    const after = await scanTable(current);
    assert.deepEqual(after.filter((item) => String(item.pk).startsWith("tenant-a#")).map((item) => item.pk), []);
    assert.deepEqual(sortedItems(after.filter((item) => String(item.pk).startsWith("tenant-b#"))), otherBefore);
    assert.equal((await data.users.get(TENANT_B, "auth2|victim"))?.email, "victim@example.com");
  });

  it("lets the client id and domain be claimed again", async () => {
    const { data } = fixture();
    await fillTenant(data, TENANT_A);
    await data.tenants.remove(TENANT_A);

    await data.clients.create(TENANT_B, { client_id: clientIdOf(TENANT_A), name: "Reused" } as never);
    await data.customDomains.create(TENANT_B, { domain: domainOf(TENANT_A), type: "self_managed_certs" } as never);
    assert.equal((await data.clients.getByClientId(clientIdOf(TENANT_A)))?.tenant_id, TENANT_B);
    assert.equal((await data.customDomains.getByDomain(domainOf(TENANT_A)))?.tenant_id, TENANT_B);
  });

  it("hides the tenant once removal has started", async () => {
    const current = fixture();
    const { data } = current;
    await fillTenant(data, TENANT_A);
    const injected = failEveryNthBatchWrite(current, 1);
    await assert.rejects(data.tenants.remove(TENANT_A), /Injected failure|retry/);
    injected.stop();

    assert.equal(await data.tenants.get(TENANT_A), null);
    assert.deepEqual((await data.tenants.list()).tenants.map((tenant) => tenant.id), []);
    await data.tenants.update(TENANT_A, { friendly_name: "Revived" });
    assert.equal(await data.tenants.get(TENANT_A), null);
  });

  it("finishes when repeated after interruptions", async () => {
    const current = fixture();
    const { data } = current;
    await fillTenant(data, TENANT_A);
    await fillTenant(data, TENANT_B);
    const otherBefore = sortedItems((await scanTable(current)).filter((item) => !belongsTo(item, TENANT_A)));

    const injected = failEveryNthBatchWrite(current, 4);
    let attempts = 0;
    let removed: boolean | undefined;
    while (removed === undefined && attempts < 50) {
      attempts++;
      try {
        removed = await data.tenants.remove(TENANT_A);
      } catch (error) {
        assert.match(String((error as Error).message), /Injected failure|retry/);
      }
    }
    injected.stop();

    assert.ok(injected.failures() >= 2, `expected at least two interruptions, got ${injected.failures()}`);
    assert.equal(removed, true);
    const after = await scanTable(current);
    assert.deepEqual(after.filter((item) => belongsTo(item, TENANT_A)).map((item) => `${item.pk} ${item.sk}`), []);
    assert.deepEqual(sortedItems(after), otherBefore);
  });
});
