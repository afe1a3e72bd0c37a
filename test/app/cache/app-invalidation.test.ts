import assert from "node:assert/strict";
import { readSettings } from "../../../app/settings.js";
import { managementToken, RP, startTestServer, type TestServer } from "../../support/test-server.js";

/** The test server runs with the default cache, so these go through AuthHero's own adapter wrappers. */
describe("cache in the running app", function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer();
    token = await managementToken(server);
  });
  after(async () => server?.close());

  function authorize(redirectUri: string): Promise<Response> {
    const query = new URLSearchParams({ client_id: RP.clientId, redirect_uri: redirectUri, response_type: "code", scope: "openid", state: "s" });
    return fetch(`${server.baseUrl}/authorize?${query}`, { redirect: "manual" });
  }

  it("accepts a callback added through the management API at once", async () => {
    const added = "https://app.example.test/added-callback";
    const before = await authorize(added);
    assert.equal(before.status, 400, `an unregistered redirect URI must be rejected first, got ${before.status} ${before.headers.get("location")}`);

    const patched = await fetch(`${server.baseUrl}/api/v2/clients/${RP.clientId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ callbacks: [RP.redirectUri, added] }),
    });
    assert.equal(patched.status, 200);

    const after = await authorize(added);
    assert.equal(after.status, 302, `status ${after.status}: ${await after.text()}`);
  });

  it("rejects a callback removed through the management API at once", async () => {
    // Not a loopback URI: AuthHero 9.6.1 accepts any path on 127.0.0.1, registered or not.
    const dropped = "https://app.example.test/dropped-callback";
    const setCallbacks = (callbacks: string[]) =>
      fetch(`${server.baseUrl}/api/v2/clients/${RP.clientId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ callbacks }),
      });
    assert.equal((await setCallbacks([RP.redirectUri, dropped])).status, 200);
    assert.equal((await authorize(dropped)).status, 302);

    assert.equal((await setCallbacks([RP.redirectUri])).status, 200);
    const response = await authorize(dropped);
    assert.equal(response.status, 400, `got ${response.status} ${response.headers.get("location")}`);
  });
});

describe("AUTHHERO_CACHE_TTL_SECONDS", () => {
  const base = { AWS_REGION: "us-east-1", AUTHHERO_ISSUER: "https://auth.example.com/" };

  it("defaults to 30 seconds", () => {
    assert.equal(readSettings(base).cacheTtlSeconds, 30);
    assert.equal(readSettings({ ...base, AUTHHERO_CACHE_TTL_SECONDS: "" }).cacheTtlSeconds, 30);
  });

  it("accepts 0 to turn the cache off", () => {
    assert.equal(readSettings({ ...base, AUTHHERO_CACHE_TTL_SECONDS: "0" }).cacheTtlSeconds, 0);
  });

  for (const value of ["-1", "301", "2.5", "soon"]) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => readSettings({ ...base, AUTHHERO_CACHE_TTL_SECONDS: value }),
        (error: Error) => error.message.includes(`\`AUTHHERO_CACHE_TTL_SECONDS\` is \`${value}\`; it must be a whole number of seconds from 0 (no cache) to 300.`),
      );
    });
  }
});
