import assert from "node:assert/strict";
import { init } from "authhero";
import { documentedBodyRoutes, RAW_BODY_ROUTES } from "../../app/request-body-guard.js";
import { ADMIN, managementApi, managementToken, RP, startTestServer, type ApiResponse, type TestServer } from "../support/test-server.js";

const PASSWORD = "Pass-word-123!";
const DATABASE = "Username-Password-Authentication";

/**
 * Requests whose body is missing, of the wrong Content-Type or malformed.
 * Without the guards in app/request-body-guard.ts and
 * app/password-reset-guard.ts, AuthHero 9.6.1 failed on most of them with a
 * 500 and created entities without their required fields on the rest.
 */
describe("request body guard", function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  const ids: Record<string, string> = {};

  const call = managementApi(() => server, () => token);

  async function expectStatus(method: string, path: string, expected: number, body?: unknown): Promise<ApiResponse> {
    const response = await call(method, path, body);
    assert.equal(response.status, expected, `${method} ${path} returned ${response.status} ${JSON.stringify(response.json)}`);
    return response;
  }

  before(async () => {
    server = await startTestServer();
    token = await managementToken(server);
    await expectStatus("POST", "/resource-servers", 201, { name: "Orders", identifier: "https://orders.example.com", scopes: [{ value: "read:orders" }] });
    ids.user = (await expectStatus("POST", "/users", 201, { email: "guarded@example.com", password: PASSWORD, connection: DATABASE })).json.user_id;
    ids.role = (await expectStatus("POST", "/roles", 201, { name: "guarded-role" })).json.id;
    ids.organization = (await expectStatus("POST", "/organizations", 201, { name: "guarded-org" })).json.id;
    ids.client = (await expectStatus("POST", "/clients", 201, { name: "Guarded", app_type: "regular_web", callbacks: ["https://guarded.example.com/cb"] })).json.client_id;
    ids.connection = (await expectStatus("POST", "/connections", 201, { name: "guarded-google", strategy: "google-oauth2", options: { client_id: "g", client_secret: "s" } })).json.id;
    // Disabled, and on a closed loopback port, so that no sign-in in these tests calls out.
    ids.hook = (await expectStatus("POST", "/hooks", 201, { trigger_id: "post-user-login", url: "http://127.0.0.1:9/hook", enabled: false })).json.hook_id;
  });
  after(async () => server?.close());

  /** Returns the path with `{name}` replaced by the id created in `before`. */
  function withIds(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name]!));
  }

  function assertManagementError(response: ApiResponse, status: number, pattern: RegExp): void {
    assert.equal(response.status, status, JSON.stringify(response.json));
    assert.equal(response.json.statusCode, status);
    assert.equal(response.json.error, status === 400 ? "Bad Request" : "Unsupported Media Type");
    assert.match(response.json.message, pattern);
  }

  describe("management API without a body", () => {
    const cases: Array<[method: string, path: string, expected: RegExp]> = [
      ["PATCH", "/attack-protection/breached-password-detection", /Send a JSON object/],
      ["PATCH", "/attack-protection/brute-force-protection", /Send a JSON object/],
      ["PATCH", "/attack-protection/suspicious-ip-throttling", /Send a JSON object/],
      ["PUT", "/prompts/login/custom-text/en", /Send a JSON object/],
      ["PUT", "/guardian/policies", /Send a JSON array/],
      ["POST", "/email-templates", /`template`, `body`, `from`, `subject`/],
      ["POST", "/email-templates/verify_email/try", /`to`/],
      ["PUT", "/branding/templates/universal-login", /`body`/],
      ["POST", "/custom-domains", /`domain`, `type`/],
      ["PATCH", "/actions/triggers/post-login/bindings", /`bindings`/],
      ["POST", "/tickets/email-verification", /`user_id`/],
      ["POST", "/users/{user}/identities", /\(`link_with`\), \(`user_id`, `provider`\)/],
      ["POST", "/users/{user}/permissions", /`permissions`/],
      ["POST", "/users/{user}/roles", /`roles`/],
      ["DELETE", "/users/{user}/roles", /`roles`/],
      ["PATCH", "/clients/{client}/connections", /Send a JSON array/],
      ["PATCH", "/connections/{connection}/clients", /Send a JSON array/],
      ["POST", "/roles/{role}/permissions", /`permissions`/],
      ["POST", "/organizations/{organization}/members", /`members`/],
      ["POST", "/organizations/{organization}/members/{user}/roles", /`roles`/],
      ["POST", "/organizations/{organization}/enabled_connections", /`connection_id`/],
      ["POST", "/hooks/{hook}/try", /`user_id`/],
    ];
    for (const [method, template, expected] of cases) {
      it(`rejects ${method} ${template}`, async () => {
        assertManagementError(await call(method, withIds(template)), 400, expected);
      });
    }

    it("rejects creating entities without required fields", async () => {
      const before = await expectStatus("GET", "/roles", 200);
      for (const [path, field] of [
        ["/roles", "name"],
        ["/clients", "name"],
        ["/connections", "name"],
        ["/resource-servers", "identifier"],
        ["/client-grants", "client_id"],
        ["/organizations", "name"],
        ["/flows", "name"],
        ["/forms", "name"],
        ["/actions/actions", "code"],
        ["/log-streams", "sink"],
      ]) {
        assertManagementError(await call("POST", path!), 400, new RegExp(`\`${field}\``));
      }
      const after = await expectStatus("GET", "/roles", 200);
      assert.equal(after.json.length, before.json.length, "no role was created");
    });

    it("still answers an unsupported Content-Type with AuthHero's 415", async () => {
      const response = await fetch(`${server.baseUrl}/api/v2/guardian/policies`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "text/plain" }, body: "all-applications" });
      assert.equal(response.status, 415);
    });
  });

  describe("management API with a valid body", () => {
    it("updates attack protection", async () => {
      const response = await expectStatus("PATCH", "/attack-protection/brute-force-protection", 200, { enabled: true, max_attempts: 7 });
      assert.equal(response.json.max_attempts, 7);
      assert.equal((await expectStatus("GET", "/attack-protection/brute-force-protection", 200)).json.max_attempts, 7);
      await expectStatus("PATCH", "/attack-protection/suspicious-ip-throttling", 200, {});
    });

    it("sets custom text and guardian policies", async () => {
      await expectStatus("PUT", "/prompts/login/custom-text/en", 200, { login: { title: "Welcome" } });
      assert.deepEqual((await expectStatus("GET", "/prompts/login/custom-text/en", 200)).json, { login: { title: "Welcome" } });
      assert.deepEqual((await expectStatus("PUT", "/guardian/policies", 200, ["all-applications"])).json, ["all-applications"]);
      assert.deepEqual((await expectStatus("PUT", "/guardian/policies", 200, [])).json, []);
    });

    it("creates an email template, a custom domain and trigger bindings", async () => {
      await expectStatus("POST", "/email-templates", 201, { template: "welcome_email", body: "<p>Welcome</p>", from: "no-reply@example.com", subject: "Welcome", syntax: "liquid" });
      await expectStatus("POST", "/custom-domains", 201, { domain: "login.guarded.example.com", type: "auth0_managed_certs" });
      await expectStatus("PATCH", "/actions/triggers/post-login/bindings", 200, { bindings: [] });
      await expectStatus("PUT", "/branding/templates/universal-login", 204, { body: "<html><head>{%- auth0:head -%}</head><body>{%- auth0:widget -%}</body></html>" });
    });

    it("assigns roles, permissions and members", async () => {
      const user = encodeURIComponent(ids.user!);
      await expectStatus("POST", `/users/${user}/roles`, 201, { roles: [ids.role] });
      await expectStatus("POST", `/users/${user}/permissions`, 201, { permissions: [{ resource_server_identifier: "https://orders.example.com", permission_name: "read:orders" }] });
      await expectStatus("POST", `/organizations/${ids.organization}/members`, 204, { members: [ids.user] });
    });

    it("keeps optional bodies optional", async () => {
      // PATCH without a body changes nothing, and a registration token has defaults for every field.
      await expectStatus("PATCH", "/tenants/settings", 200);
      await expectStatus("POST", "/client-registration-tokens", 201);
    });
  });

  describe("authentication API", () => {
    async function postJson(path: string, body?: unknown): Promise<{ status: number; json: any }> {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: "POST",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    }

    for (const [path, expected] of [
      ["/dbconnections/signup", /`client_id`, `connection`, `email`, `password`/],
      ["/dbconnections/change_password", /`client_id`, `connection`, `email`/],
      ["/passwordless/start", /one of these sets of fields: \(`connection`, `client_id`, `email`/],
      ["/co/authenticate", /one of these sets of fields: .*`credential_type`/],
    ] as const) {
      it(`rejects POST ${path} without a body`, async () => {
        const response = await postJson(path);
        assert.equal(response.status, 400, JSON.stringify(response.json));
        assert.equal(response.json.error, "invalid_request");
        assert.match(response.json.error_description, expected);
      });
    }

    it("still signs up and authenticates with a body", async () => {
      const signup = await postJson("/dbconnections/signup", { client_id: RP.clientId, connection: DATABASE, email: "signup@example.com", password: PASSWORD });
      assert.equal(signup.status, 200, JSON.stringify(signup.json));
      const authenticated = await postJson("/co/authenticate", { client_id: RP.clientId, credential_type: "http://auth0.com/oauth/grant-type/password-realm", realm: DATABASE, username: ADMIN.username, password: ADMIN.password });
      assert.equal(authenticated.status, 200, JSON.stringify(authenticated.json));
    });
  });

  describe("login pages", () => {
    /** Starts a login and returns its state, after the identifier step when `identified`. */
    async function loginState(identified: boolean): Promise<string> {
      const query = new URLSearchParams({ client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope: "openid", state: "rp-state" });
      const authorize = await fetch(`${server.baseUrl}/authorize?${query}`, { redirect: "manual" });
      const state = new URL(authorize.headers.get("location")!, server.baseUrl).searchParams.get("state")!;
      if (identified) {
        const identifier = await post(`/u/login/identifier?state=${encodeURIComponent(state)}`, { "content-type": "application/x-www-form-urlencoded" }, `username=${ADMIN.username}`);
        assert.equal(identifier.status, 302);
      }
      return encodeURIComponent(state);
    }

    async function post(path: string, headers: Record<string, string> = {}, body?: string | FormData): Promise<Response> {
      return fetch(`${server.baseUrl}${path}`, { method: "POST", headers, body, redirect: "manual" });
    }

    async function assertOAuthError(response: Response, status: number, pattern: RegExp): Promise<void> {
      const text = await response.text();
      assert.equal(response.status, status, text.slice(0, 300));
      const json = JSON.parse(text) as { error: string; error_description: string };
      assert.equal(json.error, "invalid_request");
      assert.match(json.error_description, pattern);
    }

    it("rejects the identifier form without a body", async () => {
      await assertOAuthError(await post(`/u/login/identifier?state=${await loginState(false)}`), 400, /`username`/);
    });

    it("rejects the password form without a body", async () => {
      await assertOAuthError(await post(`/u/enter-password?state=${await loginState(true)}`), 400, /`password`/);
    });

    it("rejects an unsupported Content-Type with 415", async () => {
      const state = await loginState(false);
      await assertOAuthError(await post(`/u/login/identifier?state=${state}`, { "content-type": "text/plain" }, "username=admin"), 415, /`text\/plain`.*application\/x-www-form-urlencoded/);
      await assertOAuthError(await post(`/u/login/identifier?state=${state}`, { "content-type": "application/json" }, "{}"), 415, /`application\/json`/);
      await assertOAuthError(await post(`/u2/enter-password?state=${state}`, { "content-type": "application/json" }, '{"password":"x"}'), 415, /`application\/json`/);
    });

    it("rejects a malformed multipart body", async () => {
      const state = await loginState(false);
      await assertOAuthError(await post(`/u/login/identifier?state=${state}`, { "content-type": "multipart/form-data; boundary=xyz" }, "garbage"), 400, /multipart\/form-data body is malformed/);
      await assertOAuthError(await post(`/u2/login/identifier?state=${state}`, { "content-type": "multipart/form-data" }, "garbage"), 400, /multipart\/form-data body is malformed/);
    });

    it("rejects a screen submission without data", async () => {
      const state = await loginState(false);
      await assertOAuthError(await post(`/u2/screen/identifier?state=${state}`), 400, /`data`/);
      await assertOAuthError(await post(`/u2/screen/identifier?state=${state}`, { "content-type": "application/json" }, " "), 400, /body is empty/);
    });

    it("still accepts urlencoded and multipart forms", async () => {
      const urlencoded = await post(`/u/login/identifier?state=${await loginState(false)}`, { "content-type": "application/x-www-form-urlencoded" }, `username=${ADMIN.username}`);
      assert.equal(urlencoded.status, 302);
      assert.match(urlencoded.headers.get("location") ?? "", /\/u\/enter-password\?/);
      const form = new FormData();
      form.set("username", ADMIN.username);
      const multipart = await post(`/u/login/identifier?state=${await loginState(false)}`, {}, form);
      assert.equal(multipart.status, 302);
      assert.match(multipart.headers.get("location") ?? "", /\/u\/enter-password\?/);
    });

    it("rejects a password reset before the identifier step", async () => {
      const state = await loginState(false);
      await assertOAuthError(await post(`/u/forgot-password?state=${state}`), 400, new RegExp(`/u/login/identifier\\?state=${state}`));
    });

    it("passes a password reset after the identifier step to AuthHero", async () => {
      const response = await post(`/u/forgot-password?state=${await loginState(true)}`);
      // This server has no email provider, so AuthHero then fails to send the code. The guard must let the request through.
      assert.notEqual(response.status, 400);
      assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    });
  });

  describe("route table", () => {
    const { managementApp, oauthApp, universalApp, u2App } = init({ dataAdapter: {} as never });
    const routes = documentedBodyRoutes([
      { base: "/api/v2", app: managementApp, family: "management" },
      { base: "", app: oauthApp, family: "oauth" },
      { base: "/u", app: universalApp, family: "oauth", loginPages: true },
      { base: "/u2", app: u2App, family: "oauth", loginPages: true },
    ]);

    it("finds every route that parses its raw body", () => {
      for (const { method, path } of RAW_BODY_ROUTES) {
        const concrete = path.replace(/\{\w+\}/g, "x");
        const route = routes.find((candidate) => candidate.method === method && candidate.pattern.test(concrete));
        assert.ok(route, `${method} ${path} is no longer a documented body route of AuthHero`);
        assert.equal(route.requiresBody, true);
      }
    });

    it("returns no 5xx for any missing body", async () => {
      const state = await (async () => {
        const query = new URLSearchParams({ client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope: "openid", state: "rp-state" });
        const authorize = await fetch(`${server.baseUrl}/authorize?${query}`, { redirect: "manual" });
        return new URL(authorize.headers.get("location")!, server.baseUrl).searchParams.get("state")!;
      })();
      const failures: string[] = [];
      for (const route of routes.filter((candidate) => candidate.requiresBody)) {
        const path = route.pattern.source.slice(1, -1).replace(/\\(.)/g, "$1").replace(/\[\^\/\]\+|\(\?:[^)]+\)/g, "missing-id");
        const headers: Record<string, string> = path.startsWith("/api/v2") ? { authorization: `Bearer ${token}` } : {};
        const response = await fetch(`${server.baseUrl}${path}?state=${encodeURIComponent(state)}`, { method: route.method, headers, redirect: "manual" });
        await response.arrayBuffer();
        if (response.status >= 500) failures.push(`${route.method} ${path}: ${response.status}`);
      }
      assert.deepEqual(failures, []);
    });
  });
});
