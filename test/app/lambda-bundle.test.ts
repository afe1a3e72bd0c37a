import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { createDynamoDbAdapter } from "../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../app/dynamodb/client.js";
import type { SeedResult } from "../../app/local/seed.js";
import { REPO_ROOT } from "../../infra/bundle.js";
import { buildLambdaBundle } from "../../infra/lambda-build.js";
import { startLambdaBridge, type HttpApiHandler } from "../support/lambda-bridge.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";
import { LoginDriver } from "../support/login-driver.js";
import { ADMIN, RP, seedTestTenant } from "../support/test-server.js";

const SETTINGS_VARIABLES = ["AUTHHERO_DYNAMODB_ENDPOINT", "AUTHHERO_TABLE_NAME", "AUTHHERO_ISSUER", "AUTHHERO_TENANT_ID"];

/**
 * Tests the deployed artefact end to end. app/lambda.ts is bundled with the
 * options infra/bundle.ts uses, including the build-time stubs for zod's
 * translations and the SDK's credential chain. The bundle is loaded from a
 * directory without node_modules and served over loopback through a
 * payload 2.0 bridge against the local engine.
 */
describe("Lambda bundle end to end", function () {
  this.timeout(120_000);
  let outdir: string;
  let bundleCode: string;
  let bridge: { baseUrl: string; close(): Promise<void> };
  let seeded: SeedResult;
  let config: oidc.Configuration;

  before(async () => {
    // Outside the repository, so an import that esbuild left out cannot be found in node_modules.
    outdir = await mkdtemp(join(tmpdir(), "authhero-lambda-bundle-"));
    const outfile = join(outdir, "index.mjs");
    await buildLambdaBundle(join(REPO_ROOT, "app", "lambda.ts"), outfile);
    bundleCode = await readFile(outfile, "utf8");

    const { endpoint, tableName } = await freshTable("bundle");
    let handler: HttpApiHandler | undefined;
    bridge = await startLambdaBridge(() => handler!);
    // The bundle builds its handler from the environment when it is imported, as on Lambda.
    Object.assign(process.env, { AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: `${bridge.baseUrl}/`, AUTHHERO_TENANT_ID: "main" });
    const entry = (await import(pathToFileURL(outfile).href)) as { handler: HttpApiHandler };
    handler = entry.handler;

    seeded = await seedTestTenant(createDynamoDbAdapter({ client: createDocumentClient({ region: TEST_REGION, endpoint }), tableName }), bridge.baseUrl);
    config = await oidc.discovery(new URL(`${bridge.baseUrl}/`), RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret), {
      execute: [oidc.allowInsecureRequests],
    });
  });

  after(async () => {
    await bridge?.close();
    for (const name of SETTINGS_VARIABLES) delete process.env[name];
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it("leaves out zod's translations", () => {
    // A message from zod's German translation, which `z.locales.de` would carry.
    assert.ok(!bundleCode.includes("Ungültige Eingabe"));
    assert.ok(!bundleCode.includes("Ung\\xFCltige Eingabe"), "the German message, as esbuild escapes it without charset utf8");
  });

  it("leaves out the SDK's SSO credential provider", () => {
    assert.ok(!bundleCode.includes("Skipping SSO provider in default chain"));
  });

  it("serves discovery naming the issuer", () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, `${bridge.baseUrl}/`);
    assert.equal(metadata.jwks_uri, `${bridge.baseUrl}/.well-known/jwks.json`);
  });

  it("serves the JWKS", async () => {
    const response = await fetch(`${bridge.baseUrl}/.well-known/jwks.json`);
    assert.equal(response.status, 200);
    const jwks = (await response.json()) as { keys: Array<{ kid?: string }> };
    assert.ok(jwks.keys.length >= 1);
  });

  /** Requests a management API token with the client_credentials grant through the bundle. */
  async function managementAccessToken(): Promise<string> {
    const response = await fetch(`${bridge.baseUrl}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: seeded.managementClientId!, client_secret: seeded.managementClientSecret!, audience: seeded.managementAudience }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it("issues a verifiable client_credentials token", async () => {
    const accessToken = await managementAccessToken();
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(accessToken, jwks, { issuer: `${bridge.baseUrl}/`, audience: seeded.managementAudience });
    assert.equal(payload.sub, seeded.managementClientId);
  });

  it("validates and serves management API requests", async () => {
    const accessToken = await managementAccessToken();
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${bridge.baseUrl}/api/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // The request schemas are built from AuthHero's module-scope zod schemas, some of which the build drops.
    const invalid = await api("POST", "/users", { email: 42, connection: "Username-Password-Authentication" });
    assert.equal(invalid.status, 400, await invalid.clone().text());

    const created = await api("POST", "/users", { email: "bundle-user@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" });
    assert.equal(created.status, 201, await created.clone().text());
    const { user_id: userId } = (await created.json()) as { user_id: string };

    const read = await api("GET", `/users/${encodeURIComponent(userId)}`);
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { email: string }).email, "bundle-user@example.com");
    for (const path of ["/clients", "/connections", "/resource-servers", "/roles", "/logs"]) {
      const listed = await api("GET", path);
      assert.equal(listed.status, 200, `GET ${path}: ${await listed.clone().text()}`);
    }
  });

  it("rejects a request without its required body", async () => {
    const accessToken = await managementAccessToken();

    // The guard reads AuthHero's route registry and body schemas, which the bundle must keep.
    const response = await fetch(`${bridge.baseUrl}/api/v2/email-templates`, { method: "POST", headers: { authorization: `Bearer ${accessToken}` } });
    const body = (await response.json()) as { message?: string };
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match(body.message ?? "", /`template`, `body`, `from`, `subject`/);
  });

  it("signs in with a code and PKCE", async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri,
      scope: "openid email",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });

    const { url } = await new LoginDriver().signIn(authorizationUrl.toString(), ADMIN.username, ADMIN.password);
    assert.ok(url.startsWith(RP.redirectUri), `login should end at the redirect URI, ended at ${url}`);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(url), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: `${bridge.baseUrl}/`, audience: RP.clientId });
    assert.equal(payload.email, ADMIN.email);
  });
});

describe("seed Lambda bundle", function () {
  this.timeout(120_000);
  let outdir: string;

  after(async () => {
    for (const name of SETTINGS_VARIABLES) delete process.env[name];
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it("seeds a tenant and its admin", async () => {
    outdir = await mkdtemp(join(tmpdir(), "authhero-seed-bundle-"));
    const outfile = join(outdir, "index.mjs");
    await buildLambdaBundle(join(REPO_ROOT, "app", "seed-lambda.ts"), outfile);
    const { endpoint, tableName } = await freshTable("seed-bundle");
    Object.assign(process.env, { AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: "https://auth.example.test/", AUTHHERO_TENANT_ID: "main" });
    const entry = (await import(pathToFileURL(outfile).href)) as { handler(event: Record<string, string>): Promise<Record<string, string | undefined>> };

    const result = await entry.handler({ tenantId: "main", issuer: "https://auth.example.test/", adminEmail: ADMIN.email, adminPassword: ADMIN.password });

    assert.equal(result.tenantId, "main");
    const data = createDynamoDbAdapter({ client: createDocumentClient({ region: TEST_REGION, endpoint }), tableName });
    const tenant = await data.tenants.get("main");
    assert.equal(tenant?.id, "main");
    const admin = await data.users.get("main", result.adminUserId!);
    assert.equal(admin?.email, ADMIN.email);
  });
});
