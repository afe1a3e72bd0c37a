import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { LoginDriver } from "../support/login-driver.js";
import { managementApi, managementToken, RP, startTestServer, type TestServer } from "../support/test-server.js";

async function signInForRefreshToken(baseUrl: string, username: string, password: string): Promise<string> {
  const config = await oidc.discovery(new URL(`${baseUrl}/`), RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP.redirectUri, scope: "openid offline_access", state: "s", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
  const { url: callback } = await new LoginDriver().signIn(url.toString(), username, password);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: "s" });
  return tokens.refresh_token!;
}

/**
 * Each resource family through /api/v2 with a management token: create,
 * read, list with a filter and paging, update, delete.
 */
describe("management API", function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer();
    token = await managementToken(server);
  });
  after(async () => server?.close());

  const call = managementApi(() => server, () => token);

  describe("users", () => {
    it("creates, reads, searches, pages, updates and deletes", async () => {
      const ids: string[] = [];
      for (const name of ["ann", "ben", "cat"]) {
        const created = await call("POST", "/users", { email: `${name}@example.com`, password: "Pass-word-123!", connection: "Username-Password-Authentication" });
        assert.equal(created.status, 201, JSON.stringify(created.json));
        ids.push(created.json.user_id);
      }

      const read = await call("GET", `/users/${encodeURIComponent(ids[0]!)}`);
      assert.equal(read.status, 200);
      assert.equal(read.json.email, "ann@example.com");

      const search = await call("GET", `/users?q=${encodeURIComponent("email:ben@example.com")}`);
      assert.deepEqual(search.json.map((user: { email: string }) => user.email), ["ben@example.com"]);

      const firstPage = await call("GET", "/users?per_page=2&page=0&include_totals=true");
      const secondPage = await call("GET", "/users?per_page=2&page=1&include_totals=true");
      assert.equal(firstPage.json.users.length, 2);
      assert.equal(secondPage.json.users.length, 2);
      const seen = [...firstPage.json.users, ...secondPage.json.users].map((user: { user_id: string }) => user.user_id);
      assert.equal(new Set(seen).size, 4, "pages must not overlap (admin plus three users)");

      const updated = await call("PATCH", `/users/${encodeURIComponent(ids[1]!)}`, { given_name: "Benjamin" });
      assert.equal(updated.status, 200);
      assert.equal((await call("GET", `/users/${encodeURIComponent(ids[1]!)}`)).json.given_name, "Benjamin");

      const removed = await call("DELETE", `/users/${encodeURIComponent(ids[2]!)}`);
      assert.ok(removed.status === 200 || removed.status === 204, `status ${removed.status}`);
      assert.equal((await call("GET", `/users/${encodeURIComponent(ids[2]!)}`)).status, 404);
      const emailFreed = await call("POST", "/users", { email: "cat@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" });
      assert.equal(emailFreed.status, 201, "deleting a user frees its email");
    });

    it("links and unlinks a user's identities", async () => {
      const primary = await call("POST", "/users", { email: "lin@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" });
      const secondary = await call("POST", "/users", { email: "lin@sms.example", password: "Pass-word-123!", connection: "Username-Password-Authentication" });
      assert.equal(primary.status, 201, JSON.stringify(primary.json));
      assert.equal(secondary.status, 201, JSON.stringify(secondary.json));
      const primaryId: string = primary.json.user_id;
      const secondaryId: string = secondary.json.user_id;
      const [provider, ...rest] = secondaryId.split("|");
      const secondaryIdentity = rest.join("|");

      const linked = await call("POST", `/users/${encodeURIComponent(primaryId)}/identities`, { link_with: secondaryId });
      assert.equal(linked.status, 201, JSON.stringify(linked.json));
      assert.equal(linked.json.length, 2);

      const read = await call("GET", `/users/${encodeURIComponent(primaryId)}`);
      assert.equal(read.status, 200);
      const identities = read.json.identities.map((identity: { provider: string; user_id: string }) => `${identity.provider}|${identity.user_id}`);
      assert.deepEqual(identities, [primaryId, secondaryId]);
      assert.equal(read.json.identities[1].profileData.email, "lin@sms.example");
      assert.equal((await call("GET", `/users/${encodeURIComponent(secondaryId)}`)).status, 404, "a linked user is not served on its own");

      const unlinked = await call("DELETE", `/users/${encodeURIComponent(primaryId)}/identities/${provider}/${encodeURIComponent(secondaryIdentity)}`);
      assert.equal(unlinked.status, 200, JSON.stringify(unlinked.json));
      assert.deepEqual(unlinked.json[0].identities.map((identity: { provider: string; user_id: string }) => `${identity.provider}|${identity.user_id}`), [primaryId]);
      assert.equal((await call("GET", `/users/${encodeURIComponent(secondaryId)}`)).status, 200);
    });

    it("deleting a user ends its refresh tokens", async () => {
      const body = { username: "leaver", email: "leaver@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" };
      const created = await call("POST", "/users", body);
      assert.equal(created.status, 201);
      const userId: string = created.json.user_id;
      const refreshToken = await signInForRefreshToken(server.baseUrl, "leaver", "Pass-word-123!");

      assert.equal((await call("DELETE", `/users/${encodeURIComponent(userId)}`)).status, 204);
      // A new account given the same id, as an import or migration may do, must not inherit the old grants.
      const recreated = await call("POST", "/users", { ...body, user_id: userId.split("|")[1], email: "newcomer@example.com", username: "newcomer" });
      assert.equal(recreated.status, 201, JSON.stringify(recreated.json));
      assert.equal(recreated.json.user_id, userId);

      const response = await fetch(`${server.baseUrl}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: RP.clientId, client_secret: RP.clientSecret }),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, "invalid_grant");
    });

    it("rejects a duplicate email in one connection", async () => {
      const body = { email: "dup@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" };
      assert.equal((await call("POST", "/users", body)).status, 201);
      const duplicate = await call("POST", "/users", body);
      assert.equal(duplicate.status, 409);
    });
  });

  describe("clients", () => {
    it("creates, reads, lists, updates and deletes", async () => {
      const created = await call("POST", "/clients", { name: "Billing", callbacks: ["https://billing.example.com/cb"], app_type: "regular_web" });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const clientId: string = created.json.client_id;

      assert.equal((await call("GET", `/clients/${clientId}`)).json.name, "Billing");
      const listed = await call("GET", "/clients?include_totals=true&per_page=100");
      assert.ok(listed.json.clients.some((client: { client_id: string }) => client.client_id === clientId));

      const updated = await call("PATCH", `/clients/${clientId}`, { name: "Billing v2" });
      assert.equal(updated.status, 200);
      assert.equal((await call("GET", `/clients/${clientId}`)).json.name, "Billing v2");

      const removed = await call("DELETE", `/clients/${clientId}`);
      assert.ok(removed.status === 200 || removed.status === 204, `status ${removed.status}`);
      assert.equal((await call("GET", `/clients/${clientId}`)).status, 404);
    });
  });

  describe("PATCH", () => {
    it("keeps a client's unsent fields", async () => {
      const created = await call("POST", "/clients", { name: "Spa", app_type: "spa", callbacks: ["https://spa.example.com/cb"], grant_types: ["authorization_code"], token_endpoint_auth_method: "none", client_metadata: { team: "web" } });
      const before = (await call("GET", `/clients/${created.json.client_id}`)).json;
      assert.equal((await call("PATCH", `/clients/${created.json.client_id}`, { description: "only this" })).status, 200);
      const after = (await call("GET", `/clients/${created.json.client_id}`)).json;
      assert.equal(after.description, "only this");
      for (const field of ["client_secret", "callbacks", "app_type", "grant_types", "token_endpoint_auth_method", "client_metadata", "name"]) {
        assert.deepEqual(after[field], before[field], `${field} changed`);
      }
    });

    it("keeps a user's unsent fields, though AuthHero updates users inside transaction()", async () => {
      const created = await call("POST", "/users", { email: "dora@example.com", email_verified: true, password: "Pass-word-123!", connection: "Username-Password-Authentication", app_metadata: { plan: "pro" } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const path = `/users/${encodeURIComponent(created.json.user_id)}`;
      assert.equal((await call("PATCH", path, { nickname: "dee" })).status, 200);
      const after = (await call("GET", path)).json;
      assert.equal(after.nickname, "dee");
      assert.equal(after.email_verified, true);
      assert.deepEqual(after.app_metadata, { plan: "pro" });
    });

    it("keeps a resource server's unsent fields", async () => {
      const created = await call("POST", "/resource-servers", { name: "Billing API", identifier: "https://billing.example.com", token_lifetime: 1234 });
      assert.equal((await call("PATCH", `/resource-servers/${created.json.id}`, { name: "Billing API v2" })).status, 200);
      const after = (await call("GET", `/resource-servers/${created.json.id}`)).json;
      assert.equal(after.name, "Billing API v2");
      assert.equal(after.token_lifetime, 1234);
    });

    it("keeps an organization's unsent fields", async () => {
      const created = await call("POST", "/organizations", { name: "globex", display_name: "Globex", metadata: { tier: "gold" } });
      assert.equal((await call("PATCH", `/organizations/${created.json.id}`, { display_name: "Globex Inc" })).status, 200);
      const after = (await call("GET", `/organizations/${created.json.id}`)).json;
      assert.equal(after.display_name, "Globex Inc");
      assert.deepEqual(after.metadata, { tier: "gold" });
    });
  });

  const families: Array<{ path: string; listKey: string; idField: string; create: Record<string, unknown>; patch: Record<string, unknown> }> = [
    { path: "/roles", listKey: "roles", idField: "id", create: { name: "auditor", description: "reads logs" }, patch: { description: "reads everything" } },
    { path: "/resource-servers", listKey: "resource_servers", idField: "id", create: { name: "Orders API", identifier: "https://orders.example.com", scopes: [{ value: "read:orders" }] }, patch: { name: "Orders API v2" } },
    { path: "/organizations", listKey: "organizations", idField: "id", create: { name: "acme", display_name: "Acme" }, patch: { display_name: "Acme Corp" } },
    { path: "/connections", listKey: "connections", idField: "id", create: { name: "partners", strategy: "Username-Password-Authentication" }, patch: { display_name: "Partners" } },
  ];

  for (const family of families) {
    describe(family.path, () => {
      it("creates, reads, lists, updates and deletes", async () => {
        const created = await call("POST", family.path, family.create);
        assert.ok(created.status === 200 || created.status === 201, `${family.path} create: ${created.status} ${JSON.stringify(created.json)}`);
        const id = String(created.json[family.idField]);

        const read = await call("GET", `${family.path}/${encodeURIComponent(id)}`);
        assert.equal(read.status, 200, JSON.stringify(read.json));

        const listed = await call("GET", `${family.path}?include_totals=true&per_page=50`);
        assert.equal(listed.status, 200, JSON.stringify(listed.json));
        const rows = Array.isArray(listed.json) ? listed.json : listed.json[family.listKey];
        assert.ok(rows.some((row: Record<string, unknown>) => String(row[family.idField]) === id));

        const updated = await call("PATCH", `${family.path}/${encodeURIComponent(id)}`, family.patch);
        assert.equal(updated.status, 200, JSON.stringify(updated.json));
        const reread = await call("GET", `${family.path}/${encodeURIComponent(id)}`);
        for (const [field, value] of Object.entries(family.patch)) assert.deepEqual(reread.json[field], value);

        const removed = await call("DELETE", `${family.path}/${encodeURIComponent(id)}`);
        assert.ok(removed.status === 200 || removed.status === 204, `${family.path} delete: ${removed.status}`);
        assert.equal((await call("GET", `${family.path}/${encodeURIComponent(id)}`)).status, 404);
      });
    });
  }
});
