import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { LoginDriver } from "../support/login-driver.js";
import { ADMIN, RP, startTestServer, type TestServer } from "../support/test-server.js";

describe("OIDC flows end to end", function () {
  this.timeout(60_000);
  let server: TestServer;
  let config: oidc.Configuration;

  before(async () => {
    server = await startTestServer();
    config = await oidc.discovery(new URL(`${server.baseUrl}/`), RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  after(async () => server?.close());

  /** Signs in through the login forms and returns the redirect carrying the code, with the PKCE verifier. */
  async function signInForCode(scope: string) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      nonce,
    });
    const { url } = await new LoginDriver().signIn(authorizationUrl.toString(), ADMIN.username, ADMIN.password);
    assert.ok(url.startsWith(RP.redirectUri), `login should end at the redirect URI, ended at ${url}`);
    return { callback: new URL(url), verifier, state, nonce };
  }

  async function signIn(scope = "openid profile email offline_access") {
    const { callback, verifier, state, nonce } = await signInForCode(scope);
    return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  }

  it("discovery names this server as issuer", () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, `${server.baseUrl}/`);
    assert.equal(metadata.token_endpoint, `${server.baseUrl}/oauth/token`);
    assert.ok(metadata.code_challenge_methods_supported?.includes("S256"));
  });

  it("authorization code with PKCE yields a verifiable ID token", async () => {
    const tokens = await signIn();
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: `${server.baseUrl}/`, audience: RP.clientId });
    assert.equal(payload.email, ADMIN.email);
    assert.equal(tokens.claims()?.sub, payload.sub);
  });

  it("userinfo returns the signed-in user", async () => {
    const tokens = await signIn();
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.email, ADMIN.email);
  });

  it("refresh rotates and rejects the used token", async () => {
    const tokens = await signIn();
    assert.ok(tokens.refresh_token, "offline_access should return a refresh token");
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (error: unknown) => {
      assert.ok(error instanceof oidc.ResponseBodyError);
      assert.equal(error.error, "invalid_grant");
      return true;
    });
  });

  it("refresh tokens cannot be forked by concurrent use", async () => {
    const tokens = await signIn();
    const refresh = () =>
      fetch(`${server.baseUrl}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: RP.clientId, client_secret: RP.clientSecret }),
      });
    const statuses = (await Promise.all(Array.from({ length: 4 }, refresh))).map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 1, `statuses ${statuses.join(",")}`);
    assert.ok(statuses.every((status) => status === 200 || status === 400), `statuses ${statuses.join(",")}`);
  });

  it("concurrent redemptions of one code yield one token", async () => {
    const { callback, verifier } = await signInForCode("openid");
    const code = callback.searchParams.get("code")!;
    const redeem = () =>
      fetch(`${server.baseUrl}/oauth/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: RP.redirectUri, client_id: RP.clientId, client_secret: RP.clientSecret }),
      });
    const statuses = (await Promise.all(Array.from({ length: 5 }, redeem))).map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 1, `statuses ${statuses.join(",")}`);
  });

  it("an authorization code is redeemed only once", async () => {
    const { callback, verifier, state, nonce } = await signInForCode("openid");
    await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }), oidc.ResponseBodyError);
  });

  it("client credentials token calls the management API", async () => {
    const management = await oidc.discovery(new URL(`${server.baseUrl}/`), server.seeded.managementClientId!, server.seeded.managementClientSecret!, oidc.ClientSecretPost(server.seeded.managementClientSecret!), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(management, { audience: server.seeded.managementAudience });
    const response = await fetch(`${server.baseUrl}/api/v2/users?q=${encodeURIComponent(`email:${ADMIN.email}`)}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(response.status, 200);
    const users = (await response.json()) as Array<{ email: string }>;
    assert.deepEqual(users.map((user) => user.email), [ADMIN.email]);
  });

  it("logout ends the session and redirects back", async () => {
    const tokens = await signIn("openid");
    const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP.redirectUri });
    const response = await fetch(logoutUrl, { redirect: "manual" });
    assert.equal(response.status, 302);
    assert.ok(response.headers.get("location")?.startsWith(RP.redirectUri));
  });
});
