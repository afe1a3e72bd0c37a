import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createDynamoDbAdapter } from "../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../app/dynamodb/client.js";
import type { SeedResult } from "../../app/local/seed.js";
import { readSettings } from "../../app/settings.js";
import { REPO_ROOT } from "../../infra/bundle.js";
import { buildLambdaBundle } from "../../infra/lambda-build.js";
import { compareRuns, Target, type CallResult } from "../support/differential.js";
import { startLambdaBridge, type HttpApiHandler } from "../support/lambda-bridge.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";
import { requestCases, type OpenApiDocument, type RequestCase } from "../support/openapi-cases.js";
import { ADMIN, RP, seedTestTenant } from "../support/test-server.js";

const SETTINGS_VARIABLES = ["AWS_REGION", "AUTHHERO_DYNAMODB_ENDPOINT", "AUTHHERO_TABLE_NAME", "AUTHHERO_ISSUER", "AUTHHERO_TENANT_ID"];
const savedSettings = Object.fromEntries(SETTINGS_VARIABLES.map((name) => [name, process.env[name]]));

interface Served {
  target: Target;
  seeded: SeedResult;
  close(): Promise<void>;
}

type Scenario = (target: Target, seeded: SeedResult) => Promise<void>;

/**
 * Differential test of the Lambda bundle: the bundled handler and the
 * handler run from source serve the same scenarios, each on its own fresh
 * table seeded the same way, and every response must match. The source runs
 * twice, before and after the bundle, and the parts of a response that
 * differ between those two runs (ids, timestamps, tokens) are compared
 * only by kind. See test/support/differential.ts.
 */
describe("Lambda bundle against source", function () {
  this.timeout(300_000);
  let outdir: string;
  let source: Served;
  let bundle: Served;
  let sourceAgain: Served;

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), "authhero-differential-"));
    const outfile = join(outdir, "index.mjs");
    await buildLambdaBundle(join(REPO_ROOT, "app", "lambda.ts"), outfile);

    // The bundle builds its handler from the environment when it is imported, as on Lambda.
    bundle = await serve("bundle", async (environment) => {
      Object.assign(process.env, environment);
      return ((await import(pathToFileURL(outfile).href)) as { handler: HttpApiHandler }).handler;
    });
    // app/lambda.ts also builds a handler from the environment when imported, which still names the bundle's loopback table here.
    const { createLambdaHandler } = await import("../../app/lambda.js");
    const fromSource = async (environment: Record<string, string>) => createLambdaHandler(readSettings(environment)) as unknown as HttpApiHandler;
    source = await serve("source", fromSource);
    sourceAgain = await serve("source-again", fromSource);
  });

  after(async () => {
    for (const served of [source, bundle, sourceAgain]) await served?.close();
    for (const [name, value] of Object.entries(savedSettings)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  /**
   * Runs the scenario on the source, the bundle and the source again, in
   * that order, and asserts no difference. A scenario that throws on the
   * bundle is recorded as one more exchange, so the comparison shows where
   * the runs parted. A scenario that throws on the source fails the test.
   */
  async function runDifferential(scenario: Scenario): Promise<void> {
    const runs = [source, bundle, sourceAgain];
    const start = runs.map((served) => served.target.exchanges.length);
    const failures: unknown[] = [];
    const serverOutput = await holdServerOutput(async () => {
      for (const served of runs) {
        try {
          await scenario(served.target, served.seeded);
        } catch (error) {
          if (served !== bundle) failures.push(error);
          served.target.exchanges.push({ label: `scenario failed: ${(error as Error).message}`, status: 0, contentType: "", location: undefined, cookieNames: [], body: "" });
        }
      }
    });
    if (failures.length > 0) {
      serverOutput.replay();
      throw failures[0];
    }

    const [a, c, b] = runs.map((served, index) => served.target.exchanges.slice(start[index]));
    const { differences, unstable } = compareRuns(a!, c!, b!);
    if (differences.length > 0) serverOutput.replay();
    if (unstable.length > 0) console.log(`      unstable between the two source runs:\n        ${unstable.join("\n        ")}`);
    assert.deepEqual(differences, [], `${differences.length} differences over ${a!.length} requests`);
  }

  it("serves the same discovery and OpenAPI documents", async () => {
    await runDifferential(async (target) => {
      for (const path of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks.json", "/.well-known/missing", "/", "/robots.txt", "/health", "/missing-route"]) {
        await target.call(`GET ${path}`, "GET", path);
      }
      for (const base of OPENAPI_BASES) await target.call(`GET ${base}/spec`, "GET", `${base}/spec`);
      // Without a login state or a SAML request these three return validation errors, not documents.
      for (const path of ["/u2/spec", "/u2/screen/spec", "/samlp/spec"]) await target.call(`GET ${path}`, "GET", path);
    });
  });

  it("answers token and revocation requests the same", async () => {
    await runDifferential(tokenRequests);
  });

  it("runs sign-in, refresh, userinfo and logout the same", async () => {
    await runDifferential(signInFlow);
  });

  it("rejects bad authorization requests the same", async () => {
    await runDifferential(badAuthorizationRequests);
  });

  it("serves signup, password reset and passwordless the same", async () => {
    await runDifferential(signupAndRecovery);
  });

  it("serves management API families the same", async () => {
    await runDifferential(managementFamilies);
  });

  it("validates every documented operation the same", async () => {
    // The cases come from the source's documents, which the first test compares with the bundle's.
    const cases: Array<{ base: string; requestCase: RequestCase }> = [];
    for (const base of OPENAPI_BASES) {
      const document = (await (await fetch(`${source.target.baseUrl}${base}/spec`)).json()) as OpenApiDocument;
      cases.push(...requestCases(document).map((requestCase) => ({ base, requestCase })));
    }
    await runDifferential(async (target, seeded) => {
      const authorization = `Bearer ${await managementToken(target, seeded)}`;
      for (const { base, requestCase } of cases) {
        const headers: Record<string, string> = base === "/api/v2" ? { authorization } : {};
        if (requestCase.contentType) headers["content-type"] = requestCase.contentType;
        await target.call(`${base} ${requestCase.label}`, requestCase.method.toUpperCase(), `${base}${requestCase.path}`, { headers, body: encodeBody(requestCase) });
      }
    });
  });
});

/** Bases of the AuthHero apps that serve an OpenAPI document at `<base>/spec`. */
const OPENAPI_BASES = ["/api/v2", "", "/u"];

const PASSWORD = "Pass-word-123!";
const DATABASE = "Username-Password-Authentication";
/** A fixed PKCE verifier, so that the three runs send the same requests. */
const CODE_VERIFIER = "differential-test-code-verifier-0123456789abcdef";
const CODE_CHALLENGE = createHash("sha256").update(CODE_VERIFIER).digest("base64url");

async function managementToken(target: Target, seeded: SeedResult): Promise<string> {
  const response = await target.form("POST /oauth/token (management client)", "/oauth/token", {
    grant_type: "client_credentials",
    client_id: seeded.managementClientId!,
    client_secret: seeded.managementClientSecret!,
    audience: seeded.managementAudience,
  });
  assert.equal(response.status, 200, response.text);
  return response.json.access_token as string;
}

async function tokenRequests(target: Target, seeded: SeedResult): Promise<void> {
  const management = { client_id: seeded.managementClientId!, client_secret: seeded.managementClientSecret! };
  const relyingParty = { client_id: RP.clientId, client_secret: RP.clientSecret };
  const formCases: Array<[string, Record<string, string>]> = [
    ["client_credentials", { grant_type: "client_credentials", ...management, audience: seeded.managementAudience }],
    ["client_credentials with a scope", { grant_type: "client_credentials", ...management, audience: seeded.managementAudience, scope: "read:users create:users" }],
    ["client_credentials with an unknown audience", { grant_type: "client_credentials", ...management, audience: "https://unknown.example.com" }],
    ["client_credentials without audience", { grant_type: "client_credentials", ...management }],
    ["client_credentials with a wrong secret", { grant_type: "client_credentials", client_id: management.client_id, client_secret: "wrong", audience: seeded.managementAudience }],
    ["client_credentials for an unknown client", { grant_type: "client_credentials", client_id: "nobody", client_secret: "x" }],
    ["client_credentials for a client without the grant", { grant_type: "client_credentials", ...relyingParty, audience: seeded.managementAudience }],
    ["client_credentials with an unknown field", { grant_type: "client_credentials", ...management, audience: seeded.managementAudience, unexpected_field: "x" }],
    ["no grant_type", { client_id: "x" }],
    ["an empty grant_type", { grant_type: "" }],
    ["an unsupported grant_type", { grant_type: "urn:example:unsupported" }],
    ["password", { grant_type: "password", ...relyingParty, username: ADMIN.username, password: ADMIN.password }],
    ["password-realm", { grant_type: "http://auth0.com/oauth/grant-type/password-realm", ...relyingParty, username: ADMIN.username, password: ADMIN.password, realm: DATABASE }],
    ["authorization_code without code", { grant_type: "authorization_code", ...relyingParty }],
    ["authorization_code with an unknown code", { grant_type: "authorization_code", ...relyingParty, code: "unknown", redirect_uri: RP.redirectUri }],
    ["authorization_code with a verifier and no secret", { grant_type: "authorization_code", client_id: RP.clientId, code: "unknown", code_verifier: "v".repeat(43) }],
    ["authorization_code with a too short verifier", { grant_type: "authorization_code", ...relyingParty, code: "unknown", code_verifier: "short" }],
    ["refresh_token without the token", { grant_type: "refresh_token", ...relyingParty }],
    ["refresh_token with garbage", { grant_type: "refresh_token", ...relyingParty, refresh_token: "garbage" }],
    ["refresh_token without the secret", { grant_type: "refresh_token", client_id: RP.clientId, refresh_token: "garbage" }],
    ["device_code", { grant_type: "urn:ietf:params:oauth:grant-type:device_code", ...relyingParty, device_code: "unknown" }],
    ["token-exchange", { grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", ...relyingParty, subject_token: "x", subject_token_type: "urn:ietf:params:oauth:token-type:access_token" }],
    ["passwordless otp", { grant_type: "http://auth0.com/oauth/grant-type/passwordless/otp", ...relyingParty, realm: "email", username: ADMIN.email, otp: "000000" }],
    ["passwordless otp without otp", { grant_type: "http://auth0.com/oauth/grant-type/passwordless/otp", ...relyingParty, realm: "email", username: ADMIN.email }],
  ];
  for (const [name, fields] of formCases) await target.form(`POST /oauth/token ${name}`, "/oauth/token", fields);

  await target.call("POST /oauth/token without a body", "POST", "/oauth/token");
  await target.json("POST /oauth/token JSON client_credentials", "POST", "/oauth/token", { grant_type: "client_credentials", ...management, audience: seeded.managementAudience });
  await target.json("POST /oauth/token JSON with a number grant_type", "POST", "/oauth/token", { grant_type: 5, ...management });
  await target.json("POST /oauth/token JSON array", "POST", "/oauth/token", ["client_credentials"]);
  await target.call("POST /oauth/token garbage JSON", "POST", "/oauth/token", { headers: { "content-type": "application/json" }, body: "{not json" });
  await target.call("POST /oauth/token text body", "POST", "/oauth/token", { headers: { "content-type": "text/plain" }, body: "grant_type=client_credentials" });
  const basic = Buffer.from(`${management.client_id}:${management.client_secret}`).toString("base64");
  await target.form("POST /oauth/token client_secret_basic", "/oauth/token", { grant_type: "client_credentials", audience: seeded.managementAudience }, { authorization: `Basic ${basic}` });
  await target.form("POST /oauth/token malformed basic", "/oauth/token", { grant_type: "client_credentials", audience: seeded.managementAudience }, { authorization: "Basic !!!" });
  await target.call("GET /oauth/token", "GET", "/oauth/token");

  await target.form("POST /oauth/revoke an unknown token", "/oauth/revoke", { token: "unknown", ...relyingParty });
  await target.form("POST /oauth/revoke without token", "/oauth/revoke", relyingParty);
  await target.form("POST /oauth/revoke a bad hint", "/oauth/revoke", { token: "unknown", token_type_hint: "id_token", ...relyingParty });
  await target.form("POST /oauth/revoke a wrong secret", "/oauth/revoke", { token: "unknown", client_id: RP.clientId, client_secret: "wrong" });
}

async function signInFlow(target: Target): Promise<void> {
  target.clearCookies();
  const authorizationQuery = {
    client_id: RP.clientId,
    response_type: "code",
    redirect_uri: RP.redirectUri,
    scope: "openid email profile offline_access",
    state: "rp-state",
    nonce: "rp-nonce",
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: "S256",
  };
  const authorize = await target.call("GET /authorize (code with PKCE)", "GET", `/authorize?${new URLSearchParams(authorizationQuery)}`);
  const identifierPath = relativeLocation(target, authorize);
  const state = new URL(identifierPath, target.baseUrl).searchParams.get("state") ?? "";
  const stateQuery = `state=${encodeURIComponent(state)}`;

  await target.call("GET /u/login/identifier", "GET", identifierPath);
  await target.form("POST /u/login/identifier empty", `/u/login/identifier?${stateQuery}`, { username: "" });
  await target.form("POST /u/login/identifier without username", `/u/login/identifier?${stateQuery}`, {});
  await target.form("POST /u/login/identifier bad login_selection", `/u/login/identifier?${stateQuery}`, { username: ADMIN.username, login_selection: "telepathy" });
  await target.form("POST /u/login/identifier malformed email", `/u/login/identifier?${stateQuery}`, { username: "not@an@email" });
  await target.form("POST /u/login/identifier unknown user", `/u/login/identifier?${stateQuery}`, { username: "nobody@example.com" });
  await target.form("POST /u/login/identifier wrong state", "/u/login/identifier?state=missing-state", { username: ADMIN.username });
  const toPassword = await target.form("POST /u/login/identifier", `/u/login/identifier?${stateQuery}`, { username: ADMIN.username });
  const passwordPath = relativeLocation(target, toPassword);
  await target.call("GET /u/enter-password", "GET", passwordPath);
  await target.form("POST /u/enter-password wrong password", passwordPath, { password: "wrong-password" });
  await target.form("POST /u/enter-password without password", passwordPath, {});
  const signedIn = await target.form("POST /u/enter-password", passwordPath, { password: ADMIN.password });
  const callback = await followToOtherOrigin(target, "sign-in", signedIn);
  const code = callback ? (new URL(callback).searchParams.get("code") ?? "") : "";

  const relyingParty = { client_id: RP.clientId, client_secret: RP.clientSecret };
  const exchange = { grant_type: "authorization_code", ...relyingParty, code, redirect_uri: RP.redirectUri };
  await target.form("POST /oauth/token code with another redirect_uri", "/oauth/token", { ...exchange, redirect_uri: "http://127.0.0.1:65000/other" });
  const tokens = await target.form("POST /oauth/token code", "/oauth/token", { ...exchange, code_verifier: CODE_VERIFIER });
  await target.form("POST /oauth/token code again", "/oauth/token", { ...exchange, code_verifier: CODE_VERIFIER });
  const accessToken = String(tokens.json?.access_token ?? "");
  const idToken = String(tokens.json?.id_token ?? "");
  const refreshToken = String(tokens.json?.refresh_token ?? "");

  await target.call("GET /userinfo", "GET", "/userinfo", { headers: { authorization: `Bearer ${accessToken}` } });
  await target.form("POST /userinfo", "/userinfo", { access_token: accessToken });
  await target.call("GET /userinfo without token", "GET", "/userinfo");
  await target.call("GET /userinfo with garbage", "GET", "/userinfo", { headers: { authorization: "Bearer garbage" } });
  await target.call("GET /userinfo with an ID token", "GET", "/userinfo", { headers: { authorization: `Bearer ${idToken}` } });

  const refreshed = await target.form("POST /oauth/token refresh_token", "/oauth/token", { grant_type: "refresh_token", ...relyingParty, refresh_token: refreshToken });
  await target.form("POST /oauth/token refresh_token reused", "/oauth/token", { grant_type: "refresh_token", ...relyingParty, refresh_token: refreshToken });
  await target.form("POST /oauth/token refresh_token with a narrower scope", "/oauth/token", { grant_type: "refresh_token", ...relyingParty, refresh_token: String(refreshed.json?.refresh_token ?? ""), scope: "openid" });

  await target.call("GET /authorize prompt=none with a session", "GET", `/authorize?${new URLSearchParams({ ...authorizationQuery, prompt: "none" })}`);
  await target.call("GET /oidc/logout bad post_logout_redirect_uri", "GET", `/oidc/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: "https://evil.example.com/", state: "s" })}`);
  await target.call("GET /oidc/logout garbage id_token_hint", "GET", `/oidc/logout?${new URLSearchParams({ id_token_hint: "garbage", post_logout_redirect_uri: RP.redirectUri })}`);
  await target.call("GET /oidc/logout", "GET", `/oidc/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: RP.redirectUri, state: "s" })}`);
  await target.call("GET /v2/logout", "GET", `/v2/logout?${new URLSearchParams({ client_id: RP.clientId, returnTo: RP.redirectUri })}`);
  await target.call("GET /v2/logout unknown client", "GET", `/v2/logout?${new URLSearchParams({ client_id: "nobody", returnTo: RP.redirectUri })}`);
  await target.call("GET /v2/logout bad returnTo", "GET", `/v2/logout?${new URLSearchParams({ client_id: RP.clientId, returnTo: "https://evil.example.com/" })}`);
  await target.call("GET /authorize prompt=none after logout", "GET", `/authorize?${new URLSearchParams({ ...authorizationQuery, prompt: "none" })}`);
}

async function badAuthorizationRequests(target: Target): Promise<void> {
  target.clearCookies();
  const valid = { client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope: "openid", state: "s" };
  const cases: Array<[string, Record<string, string>]> = [
    ["without parameters", {}],
    ["without client_id", { ...valid, client_id: "" }],
    ["for an unknown client", { ...valid, client_id: "nobody" }],
    ["with an unregistered redirect_uri", { ...valid, redirect_uri: "https://evil.example.com/cb" }],
    ["with a relative redirect_uri", { ...valid, redirect_uri: "/cb" }],
    ["with response_type token", { ...valid, response_type: "token" }],
    ["with response_type id_token without nonce", { ...valid, response_type: "id_token" }],
    ["with response_type code id_token", { ...valid, response_type: "code id_token", nonce: "n" }],
    ["with an unknown response_type", { ...valid, response_type: "telepathy" }],
    ["with an unknown response_mode", { ...valid, response_mode: "carrier-pigeon" }],
    ["with response_mode form_post", { ...valid, response_mode: "form_post" }],
    ["with prompt=none and no session", { ...valid, prompt: "none" }],
    ["with prompt=login", { ...valid, prompt: "login" }],
    ["with an unknown prompt", { ...valid, prompt: "telepathy" }],
    ["with an unknown code_challenge_method", { ...valid, code_challenge: CODE_CHALLENGE, code_challenge_method: "S512" }],
    ["with code_challenge_method plain", { ...valid, code_challenge: CODE_VERIFIER, code_challenge_method: "plain" }],
    ["with a non-numeric max_age", { ...valid, max_age: "soon" }],
    ["without openid scope", { ...valid, scope: "email" }],
    ["with an unknown audience", { ...valid, audience: "https://unknown.example.com" }],
    ["with an unknown connection", { ...valid, connection: "telepathy" }],
    ["with an unknown organization", { ...valid, organization: "org_missing" }],
    ["with screen_hint signup", { ...valid, screen_hint: "signup" }],
    ["with login_hint", { ...valid, login_hint: ADMIN.email }],
    ["with ui_locales sv", { ...valid, ui_locales: "sv" }],
    ["with a request object", { ...valid, request: "eyJhbGciOiJub25lIn0.e30." }],
    ["with claims that are not JSON", { ...valid, claims: "{not json" }],
    ["with an unknown parameter", { ...valid, unexpected_field: "x" }],
  ];
  for (const [name, query] of cases) {
    target.clearCookies();
    const response = await target.call(`GET /authorize ${name}`, "GET", `/authorize?${new URLSearchParams(query)}`);
    // Follow one redirect inside the server, to the login page it chose, when there is one.
    const location = response.headers.get("location");
    if (location && new URL(location, target.baseUrl).origin === target.baseUrl) await target.call(`GET /authorize ${name}, redirected`, "GET", relativeLocation(target, response));
  }
  await target.call("GET /authorize/resume without state", "GET", "/authorize/resume");
  await target.call("GET /authorize/resume with an unknown state", "GET", "/authorize/resume?state=missing-state");
  await target.call("GET /callback with an unknown state", "GET", "/callback?state=missing-state&code=x");
  await target.call("GET /login/callback with an error", "GET", "/login/callback?state=missing-state&error=access_denied");
  await target.call("GET /u/error", "GET", "/u/error?error=access_denied&error_description=denied");
}

async function signupAndRecovery(target: Target): Promise<void> {
  target.clearCookies();
  const startLogin = async (name: string, extra: Record<string, string> = {}): Promise<string> => {
    target.clearCookies();
    const response = await target.call(`GET /authorize for ${name}`, "GET", `/authorize?${new URLSearchParams({ client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope: "openid email", state: "s", ...extra })}`);
    return new URL(relativeLocation(target, response), target.baseUrl).searchParams.get("state") ?? "";
  };

  // Signup through the identifier page, with the password checks on the way.
  let state = encodeURIComponent(await startLogin("signup", { screen_hint: "signup" }));
  await target.call("GET /u/signup", "GET", `/u/signup?state=${state}`);
  const toSignup = await target.form("POST /u/login/identifier new user", `/u/login/identifier?state=${state}`, { username: "newcomer@example.com" });
  if (toSignup.headers.get("location")) await target.call("GET /u/login/identifier new user, redirected", "GET", relativeLocation(target, toSignup));
  await target.form("POST /u/signup mismatched passwords", `/u/signup?state=${state}`, { password: PASSWORD, "re-enter-password": `${PASSWORD}x` });
  await target.form("POST /u/signup weak password", `/u/signup?state=${state}`, { password: "a", "re-enter-password": "a" });
  await target.form("POST /u/signup without fields", `/u/signup?state=${state}`, {});
  const signedUp = await target.form("POST /u/signup", `/u/signup?state=${state}`, { password: PASSWORD, "re-enter-password": PASSWORD });
  if (signedUp.headers.get("location")) await followToOtherOrigin(target, "signup", signedUp);

  // Password reset.
  state = encodeURIComponent(await startLogin("password reset"));
  await target.call("GET /u/forgot-password", "GET", `/u/forgot-password?state=${state}`);
  await target.form("POST /u/forgot-password unknown user", `/u/forgot-password?state=${state}`, { username: "nobody@example.com" });
  await target.form("POST /u/forgot-password", `/u/forgot-password?state=${state}`, { username: ADMIN.email });
  await target.call("GET /u/reset-password with an unknown code", "GET", `/u/reset-password?state=${state}&code=000000`);
  await target.form("POST /u/reset-password mismatched", `/u/reset-password?state=${state}&code=000000`, { password: PASSWORD, "re-enter-password": "other" });
  await target.form("POST /u/reset-password unknown code", `/u/reset-password?state=${state}&code=000000`, { password: PASSWORD, "re-enter-password": PASSWORD });
  await target.call("GET /u/validate-email with an unknown code", "GET", `/u/validate-email?state=${state}&code=000000`);

  // Pages that a login state reaches in other flows.
  for (const path of ["/u/login/email-otp-challenge", "/u/login/sms-otp-challenge", "/u/pre-signup", "/u/pre-signup-sent", "/u/invalid-session", "/u/impersonate", "/u/continue", "/u/account", "/u/account/change-email", "/u/info"]) {
    await target.call(`GET ${path}`, "GET", `${path}?state=${state}`);
  }
  await target.form("POST /u/login/email-otp-challenge wrong code", `/u/login/email-otp-challenge?state=${state}`, { code: "000000" });
  await target.form("POST /u/login/sms-otp-challenge wrong code", `/u/login/sms-otp-challenge?state=${state}`, { code: "000000" });
  await target.form("POST /u/pre-signup", `/u/pre-signup?state=${state}`, { username: "pre@example.com" });
  await target.form("POST /u/impersonate/switch unknown user", `/u/impersonate/switch?state=${state}`, { user_id: "auth2|missing" });
  await target.form("POST /u/account/change-email malformed", `/u/account/change-email?state=${state}`, { email: "not-an-email" });
  await target.call("GET /u/forms node of an unknown form", "GET", `/u/forms/form-missing/nodes/node-missing?state=${state}`);

  // The same login pages on the client-side widget (u2).
  for (const screen of ["login/identifier", "login", "signup", "enter-password", "reset-password", "forgot-password", "consent"]) {
    await target.call(`GET /u2/${screen}`, "GET", `/u2/${screen}?state=${state}`);
  }
  await target.call("GET /u2/screen/identifier", "GET", `/u2/screen/identifier?state=${state}`);
  for (const path of ["/u2/spec", "/u2/screen/spec"]) await target.call(`GET ${path} with a login state`, "GET", `${path}?state=${state}`);
  await target.call("GET /samlp/spec with a SAML request", "GET", "/samlp/spec?SAMLRequest=invalid");

  // Auth0's JSON endpoints for embedded login.
  const signup = { client_id: RP.clientId, connection: DATABASE, email: "db-signup@example.com", password: PASSWORD };
  await target.json("POST /dbconnections/signup", "POST", "/dbconnections/signup", signup);
  await target.json("POST /dbconnections/signup again", "POST", "/dbconnections/signup", signup);
  await target.json("POST /dbconnections/signup weak password", "POST", "/dbconnections/signup", { ...signup, email: "db-weak@example.com", password: "a" });
  await target.json("POST /dbconnections/signup malformed email", "POST", "/dbconnections/signup", { ...signup, email: "not-an-email" });
  await target.json("POST /dbconnections/signup unknown connection", "POST", "/dbconnections/signup", { ...signup, connection: "telepathy" });
  await target.json("POST /dbconnections/signup unknown client", "POST", "/dbconnections/signup", { ...signup, client_id: "nobody" });
  await target.json("POST /dbconnections/change_password", "POST", "/dbconnections/change_password", { client_id: RP.clientId, connection: DATABASE, email: ADMIN.email });
  await target.json("POST /dbconnections/change_password unknown email", "POST", "/dbconnections/change_password", { client_id: RP.clientId, connection: DATABASE, email: "nobody@example.com" });
  await target.json("POST /passwordless/start email code", "POST", "/passwordless/start", { client_id: RP.clientId, connection: "email", email: ADMIN.email, send: "code" });
  await target.json("POST /passwordless/start email link", "POST", "/passwordless/start", { client_id: RP.clientId, connection: "email", email: ADMIN.email, send: "link", authParams: { redirect_uri: RP.redirectUri, response_type: "code", state: "s", scope: "openid" } });
  await target.json("POST /passwordless/start sms", "POST", "/passwordless/start", { client_id: RP.clientId, connection: "sms", phone_number: "+15555550100", send: "code" });
  await target.json("POST /passwordless/start unknown connection", "POST", "/passwordless/start", { client_id: RP.clientId, connection: "telepathy", email: ADMIN.email });
  await target.json("POST /passwordless/start malformed email", "POST", "/passwordless/start", { client_id: RP.clientId, connection: "email", email: "not-an-email", send: "code" });
  await target.call("GET /passwordless/verify_redirect wrong code", "GET", `/passwordless/verify_redirect?${new URLSearchParams({ scope: "openid", response_type: "code", redirect_uri: RP.redirectUri, state: "s", verification_code: "000000", connection: "email", client_id: RP.clientId, email: ADMIN.email })}`);
  const realm = { client_id: RP.clientId, credential_type: "http://auth0.com/oauth/grant-type/password-realm", realm: DATABASE, username: ADMIN.username };
  await target.json("POST /co/authenticate", "POST", "/co/authenticate", { ...realm, password: ADMIN.password });
  await target.json("POST /co/authenticate wrong password", "POST", "/co/authenticate", { ...realm, password: "wrong-password" });
  await target.json("POST /co/authenticate wrong otp", "POST", "/co/authenticate", { client_id: RP.clientId, credential_type: "http://auth0.com/oauth/grant-type/passwordless/otp", realm: "email", username: ADMIN.email, otp: "000000" });
  await target.json("POST /oidc/register while registration is off", "POST", "/oidc/register", { client_name: "Registered", redirect_uris: ["https://registered.example.com/cb"] });
  await target.json("POST /oidc/register wrongly typed", "POST", "/oidc/register", { client_name: "", redirect_uris: "https://registered.example.com/cb" });
  await target.call("GET /account for an unknown client", "GET", "/account?client_id=nobody");
}

async function managementFamilies(target: Target, seeded: SeedResult): Promise<void> {
  const authorization = `Bearer ${await managementToken(target, seeded)}`;
  const ids: Record<string, string> = {};
  /** Calls `/api/v2` with `{name}` in the template replaced by `ids[name]`, labelled with the template so that labels agree across runs. */
  const api = async (method: string, template: string, body?: unknown, note = ""): Promise<CallResult> => {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? "unset"));
    return target.json(`${method} /api/v2${template}${note ? ` ${note}` : ""}`, method, `/api/v2${path}`, body, { authorization });
  };
  const remember = (name: string, response: CallResult, field = "id") => {
    ids[name] = String(response.json?.[field] ?? "unset");
  };
  const user = (email: string) => ({ email, password: PASSWORD, connection: DATABASE });

  // Users and their lists, including paging and sort validation.
  remember("user", await api("POST", "/users", { ...user("ada@example.com"), name: "Ada", app_metadata: { plan: "pro" }, user_metadata: { theme: "dark" } }), "user_id");
  remember("other", await api("POST", "/users", { ...user("bob@example.com"), username: "bob" }), "user_id");
  await api("POST", "/users", user("ada@example.com"), "duplicate");
  await api("POST", "/users", { email: 42, connection: DATABASE }, "number email");
  await api("POST", "/users", { email: "nobody@example.com" }, "without connection");
  await api("POST", "/users", { ...user("weak@example.com"), password: "a" }, "weak password");
  await api("POST", "/users", { ...user("unknown-field@example.com"), unexpected_field: 1 }, "unknown field");
  await api("POST", "/users", { ...user("blocked@example.com"), blocked: "yes" }, "string blocked");
  await api("POST", "/users", { ...user("connection@example.com"), connection: "telepathy" }, "unknown connection");
  await api("POST", "/users", "not an object", "string body");
  for (const query of ["", "?include_totals=true", "?per_page=1&page=1&include_totals=true", "?page=-1", "?per_page=abc", "?per_page=0", "?per_page=1000", "?sort=bad", "?sort=email:1", "?sort=email:2", "?q=email:ada@example.com", "?q=name:Ada", "?q=%22unbalanced", "?search_engine=v3", "?fields=email,name&include_fields=true"]) {
    await api("GET", `/users${query}`);
  }
  await api("GET", "/users/{user}");
  await api("GET", "/users/auth2%7Cmissing");
  await api("GET", `/users-by-email?email=${encodeURIComponent("ada@example.com")}`);
  await api("GET", "/users-by-email", undefined, "without email");
  await api("PATCH", "/users/{user}", { given_name: "Ada", family_name: "Lovelace", user_metadata: { theme: "light" } });
  await api("PATCH", "/users/{user}", { email_verified: "yes" }, "string email_verified");
  await api("PATCH", "/users/{user}", { unexpected_field: 1 }, "unknown field");
  await api("PATCH", "/users/auth2%7Cmissing", { name: "x" });
  for (const list of ["roles", "permissions", "sessions", "logs", "organizations", "authentication-methods", "connected-clients"]) await api("GET", `/users/{user}/${list}`);
  await api("POST", "/users/{user}/identities", { link_with: ids.other }, "link");
  await api("GET", "/users/{user}");
  await api("POST", "/users/{user}/identities", { link_with: 5 }, "number link_with");

  // Clients, connections, resource servers and client grants.
  remember("client", await api("POST", "/clients", { name: "Billing", app_type: "regular_web", callbacks: ["https://billing.example.com/cb"], grant_types: ["authorization_code", "client_credentials"] }), "client_id");
  await api("POST", "/clients", { name: 5 }, "number name");
  await api("POST", "/clients", { name: "Bad", app_type: "telepathy" }, "unknown app_type");
  await api("POST", "/clients", { name: "Bad", callbacks: "https://x.example.com" }, "string callbacks");
  await api("POST", "/clients", { name: "Extra", unexpected_field: 1 }, "unknown field");
  await api("GET", "/clients/{client}");
  await api("GET", "/clients?include_totals=true&per_page=2&page=0");
  await api("GET", "/clients?fields=client_id,name&include_fields=true");
  await api("GET", "/clients?per_page=-1");
  await api("GET", "/clients/{client}/connections");
  await api("PATCH", "/clients/{client}", { description: "Billing portal", refresh_token: { rotation_type: "rotating", expiration_type: "expiring" } });
  await api("PATCH", "/clients/{client}", { grant_types: "client_credentials" }, "string grant_types");
  await api("PATCH", "/clients/{client}", { jwt_configuration: { alg: "none" } }, "unknown alg");
  remember("connection", await api("POST", "/connections", { name: "google-oauth2", strategy: "google-oauth2", options: { client_id: "g", client_secret: "s" } }));
  await api("POST", "/connections", { name: "bad", strategy: 5 }, "number strategy");
  await api("POST", "/connections", { strategy: "auth0" }, "without name");
  await api("GET", "/connections");
  await api("GET", "/connections?strategy=google-oauth2&include_totals=true");
  await api("GET", "/connections/{connection}");
  await api("GET", "/connections/{connection}/clients");
  await api("PATCH", "/connections/{connection}", { options: { scope: "email profile" }, enabled_clients: [ids.client] });
  await api("PATCH", "/connections/{connection}", { options: "none" }, "string options");
  remember("api", await api("POST", "/resource-servers", { name: "Orders", identifier: "https://orders.example.com", scopes: [{ value: "read:orders", description: "Read" }, { value: "write:orders" }], token_lifetime: 3600 }));
  await api("POST", "/resource-servers", { name: "Orders", identifier: "https://orders.example.com" }, "duplicate");
  await api("POST", "/resource-servers", { name: "No identifier" }, "without identifier");
  await api("POST", "/resource-servers", { name: "Bad scopes", identifier: "https://bad.example.com", scopes: ["read"] }, "string scopes");
  await api("GET", "/resource-servers?include_totals=true");
  await api("GET", "/resource-servers/{api}");
  await api("PATCH", "/resource-servers/{api}", { token_lifetime: "long" }, "string token_lifetime");
  await api("PATCH", "/resource-servers/{api}", { name: "Orders v2", allow_offline_access: true });
  remember("grant", await api("POST", "/client-grants", { client_id: ids.client, audience: "https://orders.example.com", scope: ["read:orders"] }));
  await api("POST", "/client-grants", { client_id: ids.client, audience: "https://orders.example.com", scope: ["read:orders"] }, "duplicate");
  await api("POST", "/client-grants", { client_id: ids.client, audience: "https://orders.example.com", scope: "read:orders" }, "string scope");
  await api("GET", "/client-grants/{grant}");
  await api("GET", "/client-grants?client_id={client}&include_totals=true");
  await api("PATCH", "/client-grants/{grant}", { scope: ["read:orders", "write:orders"] });

  // Roles, permissions and organizations.
  remember("role", await api("POST", "/roles", { name: "admin", description: "Administrators" }));
  await api("POST", "/roles", { description: "No name" }, "without name");
  await api("GET", "/roles?include_totals=true&name_filter=adm");
  await api("GET", "/roles/{role}");
  await api("PATCH", "/roles/{role}", { description: "Admins" });
  await api("POST", "/roles/{role}/permissions", { permissions: [{ permission_name: "read:orders", resource_server_identifier: "https://orders.example.com" }] });
  await api("POST", "/roles/{role}/permissions", { permissions: [{ permission_name: 5 }] }, "wrongly typed");
  await api("GET", "/roles/{role}/permissions");
  await api("POST", "/users/{user}/roles", { roles: [ids.role] });
  await api("POST", "/users/{user}/roles", { roles: "admin" }, "string roles");
  await api("GET", "/roles/{role}/users");
  await api("POST", "/users/{user}/permissions", { permissions: [{ permission_name: "write:orders", resource_server_identifier: "https://orders.example.com" }] });
  await api("GET", "/users/{user}/permissions");
  await api("GET", "/users/{user}/roles");
  remember("organization", await api("POST", "/organizations", { name: "acme", display_name: "Acme", metadata: { tier: "gold" }, branding: { colors: { primary: "#112233" } } }));
  await api("POST", "/organizations", { name: "Not A Valid Name!" }, "invalid name");
  await api("POST", "/organizations", { display_name: "No name" }, "without name");
  await api("GET", "/organizations?include_totals=true");
  await api("GET", "/organizations/{organization}");
  await api("PATCH", "/organizations/{organization}", { display_name: "Acme Inc" });
  await api("POST", "/organizations/{organization}/members", { members: [ids.user] });
  await api("POST", "/organizations/{organization}/members", { members: "x" }, "string members");
  await api("GET", "/organizations/{organization}/members?include_totals=true");
  await api("POST", "/organizations/{organization}/members/{user}/roles", { roles: [ids.role] });
  await api("GET", "/organizations/{organization}/members/{user}/roles");
  await api("POST", "/organizations/{organization}/enabled_connections", { connection_id: ids.connection, assign_membership_on_login: true });
  await api("GET", "/organizations/{organization}/enabled_connections");
  remember("invitation", await api("POST", "/organizations/{organization}/invitations", { inviter: { name: "Ada" }, invitee: { email: "invitee@example.com" }, client_id: ids.client }));
  await api("POST", "/organizations/{organization}/invitations", { invitee: { email: "not-an-email" }, client_id: ids.client }, "malformed invitee");
  await api("GET", "/organizations/{organization}/invitations");
  await api("GET", "/organizations/{organization}/invitations/{invitation}");

  // Hooks, forms, flows and actions.
  remember("hook", await api("POST", "/hooks", { trigger_id: "post-user-login", url: "https://hooks.example.com/login", enabled: true }), "hook_id");
  await api("POST", "/hooks", { trigger_id: "telepathy", url: "https://hooks.example.com" }, "unknown trigger");
  await api("POST", "/hooks", { trigger_id: "post-user-login", url: 5 }, "number url");
  await api("GET", "/hooks?include_totals=true");
  await api("GET", "/hooks/{hook}");
  await api("PATCH", "/hooks/{hook}", { enabled: false });
  await api("PATCH", "/hooks/{hook}", { enabled: "no" }, "string enabled");
  remember("form", await api("POST", "/forms", { name: "survey", nodes: [{ id: "step-1", type: "STEP", coordinates: { x: 0, y: 0 }, config: { components: [{ id: "q1", type: "TEXT", category: "FIELD", config: {} }], next_node: "$ending" } }], ending: { resume_flow: true } }));
  await api("POST", "/forms", { name: "broken", nodes: [{ id: "x", type: "TELEPATHY" }] }, "unknown node type");
  await api("GET", "/forms/{form}");
  await api("PATCH", "/forms/{form}", { name: "survey-v2" });
  remember("flow", await api("POST", "/flows", { name: "verify-email", actions: [] }));
  await api("POST", "/flows", { name: "" }, "empty name");
  await api("GET", "/flows/{flow}");
  remember("action", await api("POST", "/actions/actions", { name: "add-claims", code: "exports.onExecutePostLogin = async () => {};", supported_triggers: [{ id: "post-login", version: "v3" }] }));
  await api("POST", "/actions/actions", { name: "bad", supported_triggers: "post-login" }, "string triggers");
  await api("GET", "/actions/actions/{action}");
  await api("GET", "/actions/actions?include_totals=true");
  await api("GET", "/actions/triggers/post-login/bindings");

  // Branding, prompts, texts and email.
  await api("PATCH", "/branding", { colors: { primary: "#112233", page_background: "#ffffff" }, logo_url: "https://cdn.example.com/logo.png" });
  await api("PATCH", "/branding", { colors: { primary: 5 } }, "number colour");
  await api("GET", "/branding");
  await api("PATCH", "/branding/themes/default", { colors: { primary_button: "#0055ff" }, fonts: { font_url: "https://cdn.example.com/font.woff2" } });
  await api("PATCH", "/branding/themes/default", { colors: { primary_button: 5 } }, "number colour");
  await api("GET", "/branding/themes/default");
  await api("PUT", "/branding/templates/universal-login", { body: "<html><head>{%- auth0:head -%}</head><body>{%- auth0:widget -%}</body></html>" });
  await api("GET", "/branding/templates/universal-login");
  await api("PATCH", "/prompts", { identifier_first: true, universal_login_experience: "new" });
  await api("PATCH", "/prompts", { universal_login_experience: "telepathy" }, "unknown experience");
  await api("GET", "/prompts");
  await api("PUT", "/prompts/login/custom-text/en", { login: { title: "Welcome back" } });
  await api("PUT", "/prompts/telepathy/custom-text/en", { login: { title: "x" } }, "unknown prompt");
  await api("GET", "/prompts/login/custom-text/en");
  await api("GET", "/prompts/custom-text");
  await api("GET", "/email/providers");
  await api("POST", "/email/providers", { name: "mailgun", credentials: { api_key: "key-1", domain: "mg.example.com" }, default_from_address: "no-reply@example.com" });
  await api("POST", "/email/providers", { name: "carrier-pigeon", credentials: {} }, "unknown provider");
  await api("GET", "/email/providers");
  await api("GET", "/emails/provider");
  await api("POST", "/email-templates", { template: "welcome_email", body: "<p>Welcome</p>", from: "no-reply@example.com", subject: "Welcome", syntax: "liquid", enabled: true });
  await api("POST", "/email-templates", { template: "telepathy", body: "x", from: "x@example.com", subject: "x", syntax: "liquid" }, "unknown template");
  await api("GET", "/email-templates/welcome_email");
  await api("PATCH", "/email-templates/welcome_email", { subject: "Welcome aboard" });
  await api("GET", "/email-templates/defaults");

  // Custom domains, keys, logs, stats, tenant settings and the rest.
  remember("domain", await api("POST", "/custom-domains", { domain: "login.example.com", type: "auth0_managed_certs" }), "custom_domain_id");
  await api("POST", "/custom-domains", { domain: "login.example.com", type: "auth0_managed_certs" }, "duplicate");
  await api("POST", "/custom-domains", { domain: "bad.example.com", type: "telepathy" }, "unknown type");
  await api("GET", "/custom-domains");
  await api("GET", "/custom-domains/{domain}");
  await api("PATCH", "/custom-domains/{domain}", { tls_policy: "recommended" });
  await api("GET", "/keys/signing");
  await api("POST", "/keys/signing/rotate");
  await api("GET", "/keys/signing");
  await api("PUT", "/keys/signing/missing-kid/revoke");
  await api("GET", "/tenants/settings");
  await api("PATCH", "/tenants/settings", { friendly_name: "Differential", support_email: "support@example.com", session_lifetime: 24 });
  await api("PATCH", "/tenants/settings", { session_lifetime: "long" }, "string session_lifetime");
  await api("PATCH", "/tenants/settings", { sender_email: "not-an-email" }, "malformed sender_email");
  await api("GET", "/tenants/settings");
  await api("GET", "/log-streams");
  await api("POST", "/log-streams", { name: "http", type: "http", sink: { httpEndpoint: "https://logs.example.com", httpContentType: "application/json", httpContentFormat: "JSONLINES" } });
  await api("POST", "/log-streams", { name: "bad", type: "telepathy" }, "unknown type");
  await api("GET", "/migration-sources");
  await api("GET", "/attack-protection/brute-force-protection");
  await api("PATCH", "/attack-protection/brute-force-protection", { enabled: true, max_attempts: 5 });
  await api("PATCH", "/attack-protection/brute-force-protection", { max_attempts: "many" }, "string max_attempts");
  await api("GET", "/guardian/factors");
  await api("GET", "/guardian/policies");
  await api("POST", "/tickets/password-change", { user_id: ids.user, result_url: "https://example.com/done" });
  await api("POST", "/tickets/email-verification", { user_id: ids.user });
  await api("POST", "/tickets/email-verification", { user_id: 5 }, "number user_id");
  await api("POST", "/client-registration-tokens", { expires_in_seconds: 600 });
  await api("POST", "/client-registration-tokens", { expires_in_seconds: "soon" }, "string expiry");
  const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  await api("GET", `/stats/daily?from=${today}&to=${today}`);
  await api("GET", "/stats/daily?from=notadate");
  await api("GET", "/stats/active-users");
  await api("GET", "/analytics/logins?interval=telepathy");
  await api("GET", "/logs/missing-log-id");

  // Deletions, each followed by a read that must now miss.
  for (const [template, name] of [
    ["/organizations/{organization}/invitations/{invitation}", "invitation"],
    ["/custom-domains/{domain}", "domain"],
    ["/email-templates/welcome_email", ""],
    ["/client-grants/{grant}", "grant"],
    ["/actions/actions/{action}", "action"],
    ["/flows/{flow}", "flow"],
    ["/forms/{form}", "form"],
    ["/hooks/{hook}", "hook"],
    ["/organizations/{organization}", "organization"],
    ["/roles/{role}", "role"],
    ["/resource-servers/{api}", "api"],
    ["/connections/{connection}", "connection"],
    ["/clients/{client}", "client"],
    ["/users/{user}", "user"],
  ] as const) {
    await api("DELETE", template);
    await api("GET", template, undefined, `after deleting the ${name || "template"}`);
  }
  await api("DELETE", "/email/providers");
  await api("DELETE", "/users/auth2%7Cmissing");
  // Logs are listed last, when every change above has written its entry.
  await api("GET", "/logs?per_page=5&page=0&include_totals=true");
  await api("GET", `/logs?q=${encodeURIComponent("type:sapi")}&per_page=100`);
  await api("GET", "/logs?per_page=abc");
}

/** Returns the location header, relative to the target when it points at the target. */
function relativeLocation(target: Target, response: CallResult): string {
  const location = response.headers.get("location") ?? "";
  const url = new URL(location, target.baseUrl);
  return url.origin === target.baseUrl ? `${url.pathname}${url.search}` : url.toString();
}

/** Follows redirects within the target and returns the first URL outside it. */
async function followToOtherOrigin(target: Target, flow: string, response: CallResult): Promise<string> {
  let current = response;
  for (let hop = 1; hop <= 10; hop++) {
    const location = relativeLocation(target, current);
    if (!location.startsWith("/")) return location;
    current = await target.call(`GET ${flow} redirect ${hop}`, "GET", location);
    if (current.status < 300 || current.status >= 400) return "";
  }
  return "";
}

/** Encodes a generated case's body as JSON or as a form, where non-string values are sent as JSON text. */
function encodeBody(requestCase: RequestCase): string | URLSearchParams | undefined {
  if (requestCase.body === undefined) return undefined;
  if (requestCase.contentType === "application/json") return JSON.stringify(requestCase.body);
  const fields = Object.entries(requestCase.body as Record<string, unknown>).map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]);
  return new URLSearchParams(fields);
}

/**
 * Runs `work` with the servers' output held back. Three runs of every
 * scenario write thousands of request logs. The bad-input cases also make
 * AuthHero print stack traces for the 500s it returns (for a missing email
 * provider, say), the same in every run. The caller replays the output
 * when the comparison fails, so a failure still shows what the servers logged.
 */
async function holdServerOutput(work: () => Promise<void>): Promise<{ replay(): void }> {
  const heldOutput: Array<[NodeJS.WriteStream, unknown]> = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: unknown) => {
      heldOutput.push([stream, chunk]);
      return true;
    }) as typeof stream.write;
  }
  try {
    await work();
  } finally {
    streams.forEach((stream, index) => (stream.write = writes[index]!));
  }
  return {
    replay: () => {
      for (const [stream, chunk] of heldOutput) stream.write(chunk as string);
    },
  };
}

/** Starts a handler on a loopback bridge against a fresh table, and seeds that table like `npm start` does. */
async function serve(name: string, createHandler: (environment: Record<string, string>) => Promise<HttpApiHandler>): Promise<Served> {
  const { endpoint, tableName } = await freshTable(`differential-${name}`);
  let handler: HttpApiHandler | undefined;
  const bridge = await startLambdaBridge(() => handler!);
  handler = await createHandler({ AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: `${bridge.baseUrl}/`, AUTHHERO_TENANT_ID: "main" });
  const seeded = await seedTestTenant(createDynamoDbAdapter({ client: createDocumentClient({ region: TEST_REGION, endpoint }), tableName }), bridge.baseUrl);
  return { target: new Target(name, bridge.baseUrl), seeded, close: () => bridge.close() };
}
