import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { startLocalRegions, type LocalRegion, type LocalRegions } from "../../app/local/multi-region.js";
import type { Logger } from "../../app/logger.js";
import { readRegionTag } from "../../app/regions/region-tag.js";
import { LoginDriver, form } from "../support/login-driver.js";
import { sharedEngine } from "../support/local-engine.js";
import { ADMIN, RP, seedTestTenant } from "../support/test-server.js";

const EAST = "us-east-1";
const WEST = "eu-west-1";

let prefixCounter = 0;

describe("active-active across regions", function () {
  this.timeout(120_000);
  let local: LocalRegions;
  let east: LocalRegion;
  let west: LocalRegion;
  const logLines: Array<Record<string, unknown>> = [];

  before(async () => {
    const logger: Logger = { log: (level, message, fields) => logLines.push({ level, message, ...fields }) };
    local = await startLocalRegions({ regions: [EAST, WEST], endpoint: (await sharedEngine()).endpoint, delayMs: 300, tablePrefix: `regions-${process.pid}-${++prefixCounter}`, logger });
    [east, west] = local.regions as [LocalRegion, LocalRegion];
    await seedTestTenant(east.runtime.dataAdapter, east.baseUrl);
    await local.simulator.settle();
  });
  after(async () => local?.close());

  /** Client configuration whose token endpoint is `tokenRegion`'s own host. */
  async function clientFor(tokenRegion: LocalRegion): Promise<oidc.Configuration> {
    const config = await oidc.discovery(new URL(`${east.baseUrl}/`), RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret), { execute: [oidc.allowInsecureRequests] });
    const metadata = { ...config.serverMetadata(), token_endpoint: `${tokenRegion.baseUrl}/oauth/token` } as unknown as oidc.ServerMetadata;
    const moved = new oidc.Configuration(metadata, RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret));
    oidc.allowInsecureRequests(moved);
    return moved;
  }

  /** Signs in at `loginRegion` and returns the redirect with the code, plus the PKCE verifier. */
  async function signIn(loginRegion: LocalRegion, scope = "openid offline_access") {
    const verifier = oidc.randomPKCECodeVerifier();
    const params = new URLSearchParams({ client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope, state: "s1", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const { url } = await new LoginDriver().signIn(`${loginRegion.baseUrl}/authorize?${params}`, ADMIN.username, ADMIN.password);
    assert.ok(url.startsWith(RP.redirectUri), `login should reach the client, ended at ${url}`);
    return { callback: new URL(url), verifier };
  }

  function redeem(region: LocalRegion, code: string, verifier: string): Promise<Response> {
    return fetch(`${region.baseUrl}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: RP.redirectUri, client_id: RP.clientId, client_secret: RP.clientSecret }),
    });
  }

  it("tags codes with the issuing region", async () => {
    const { callback } = await signIn(east);
    assert.equal(readRegionTag(callback.searchParams.get("code")!).region, EAST);
  });

  it("redeems a code at once in another region", async () => {
    const { callback, verifier } = await signIn(east);
    const tokens = await oidc.authorizationCodeGrant(await clientFor(west), callback, { pkceCodeVerifier: verifier, expectedState: "s1" });
    assert.ok(tokens.access_token);
    assert.equal(readRegionTag(tokens.refresh_token!).region, EAST, "the refresh token belongs to the region that issued it");
    assert.ok(logLines.some((line) => line.message === "token request forwarded" && line.issuedIn === EAST));
  });

  it("redeems one code exactly once across regions", async () => {
    const { callback, verifier } = await signIn(east);
    const code = callback.searchParams.get("code")!;
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, index) => redeem(index % 2 === 0 ? east : west, code, verifier)));
    const statuses = attempts.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 1, `statuses ${statuses.join(",")}`);
    assert.ok(statuses.every((status) => status === 200 || (status >= 400 && status < 500)), `statuses ${statuses.join(",")}`);
  });

  it("detects refresh token reuse across regions", async () => {
    const { callback, verifier } = await signIn(west);
    const tokens = await oidc.authorizationCodeGrant(await clientFor(west), callback, { pkceCodeVerifier: verifier, expectedState: "s1" });
    const rotated = await oidc.refreshTokenGrant(await clientFor(east), tokens.refresh_token!);
    assert.notEqual(rotated.refresh_token, tokens.refresh_token);
    await assert.rejects(oidc.refreshTokenGrant(await clientFor(east), tokens.refresh_token!), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
    await assert.rejects(oidc.refreshTokenGrant(await clientFor(west), tokens.refresh_token!), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
  });

  it("completes a login split across regions under lag", async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const params = new URLSearchParams({ client_id: RP.clientId, response_type: "code", redirect_uri: RP.redirectUri, scope: "openid", state: "s2", code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" });
    const driver = new LoginDriver();
    const identifierPage = await driver.follow(`${east.baseUrl}/authorize?${params}`, east.baseUrl);
    // The browser's next request lands in the other region before the login session has replicated.
    const westPage = identifierPage.url.replace(east.baseUrl, west.baseUrl);
    const passwordPage = await driver.follow(westPage, west.baseUrl, form({ username: ADMIN.username }));
    const done = await driver.follow(passwordPage.url, west.baseUrl, form({ username: ADMIN.username, password: ADMIN.password }));
    assert.ok(done.url.startsWith(RP.redirectUri), `ended at ${done.url}`);
    const code = new URL(done.url).searchParams.get("code")!;
    assert.equal(readRegionTag(code).region, WEST);
    assert.equal((await redeem(west, code, verifier)).status, 200);
  });

  describe("with a region down", () => {
    let pendingEastCode: { code: string; verifier: string };

    before(async () => {
      const { callback, verifier } = await signIn(east);
      pendingEastCode = { code: callback.searchParams.get("code")!, verifier };
      await local.simulator.settle();
      await east.stop();
    });

    it("serves new logins in the other region", async () => {
      const { callback, verifier } = await signIn(west);
      assert.equal((await redeem(west, callback.searchParams.get("code")!, verifier)).status, 200);
    });

    it("fails closed for the down region's codes", async () => {
      const response = await redeem(west, pendingEastCode.code, pendingEastCode.verifier);
      assert.equal(response.status, 503);
      assert.equal(((await response.json()) as { error: string }).error, "temporarily_unavailable");
      assert.ok(logLines.some((line) => line.message === "issuing region unavailable; request rejected" && line.issuedIn === EAST));
    });
  });
});
