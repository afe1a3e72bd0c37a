import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { managementToken, RP, startTestServer, type TestServer } from "../support/test-server.js";

interface ErrorBody {
  error?: unknown;
  error_description?: unknown;
  message?: unknown;
}

describe("bad input", function () {
  this.timeout(60_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  async function token(body: string, contentType = "application/x-www-form-urlencoded"): Promise<{ status: number; body: ErrorBody }> {
    const response = await fetch(`${server.baseUrl}/oauth/token`, { method: "POST", headers: { "content-type": contentType }, body });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  }

  function assertOAuthError(result: { status: number; body: ErrorBody }, error: string, status: number): void {
    assert.equal(result.status, status, JSON.stringify(result.body));
    assert.equal(result.body.error, error);
    assert.equal(typeof result.body.error_description, "string");
  }

  describe("token endpoint", () => {
    it("rejects a missing grant_type", async () => {
      const result = await token("client_id=x");
      assertOAuthError(result, "invalid_request", 400);
      assert.match(String(result.body.error_description), /grant_type/);
    });

    it("rejects an unsupported grant_type", async () => {
      const result = await token("grant_type=password&username=a&password=b");
      assertOAuthError(result, "unsupported_grant_type", 400);
      assert.match(String(result.body.error_description), /password/);
    });

    it("rejects an authorization_code request without a code", async () => {
      const result = await token(`grant_type=authorization_code&client_id=${RP.clientId}&client_secret=${RP.clientSecret}`);
      assertOAuthError(result, "invalid_request", 400);
      assert.match(String(result.body.error_description), /`code`/);
    });

    it("rejects an unknown code", async () => {
      const result = await token(`grant_type=authorization_code&code=unknown&redirect_uri=${encodeURIComponent(RP.redirectUri)}&client_id=${RP.clientId}&client_secret=${RP.clientSecret}`);
      assert.ok(result.status >= 400, `status ${result.status}`);
      assert.ok(result.status < 500, `status ${result.status}`);
      assert.ok(["invalid_grant", "invalid_client"].includes(String(result.body.error)), JSON.stringify(result.body));
    });

    it("rejects an unknown client", async () => {
      assertOAuthError(await token("grant_type=client_credentials&client_id=nobody&client_secret=x"), "invalid_client", 401);
    });

    it("rejects a wrong client secret", async () => {
      assertOAuthError(await token(`grant_type=client_credentials&client_id=${server.seeded.managementClientId}&client_secret=wrong`), "invalid_client", 401);
    });

    it("rejects a garbage refresh token", async () => {
      assertOAuthError(await token(`grant_type=refresh_token&refresh_token=garbage&client_id=${RP.clientId}&client_secret=${RP.clientSecret}`), "invalid_grant", 400);
    });

    it("rejects a refresh without the confidential client's secret", async () => {
      assertOAuthError(await token(`grant_type=refresh_token&refresh_token=anything&client_id=${RP.clientId}`), "invalid_client", 401);
    });

    it("rejects a code exchange without the confidential client's secret", async () => {
      assertOAuthError(await token(`grant_type=authorization_code&code=anything&code_verifier=${"v".repeat(43)}&client_id=${RP.clientId}`), "invalid_client", 401);
    });

    it("rejects a body over 1 MiB with 413", async () => {
      // Its own connection: the server responds before reading the whole body and then closes the socket.
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${server.baseUrl}/oauth/token`, { method: "POST", agent: false, headers: { "content-type": "application/x-www-form-urlencoded" } }, (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on("error", reject);
        request.end(`grant_type=refresh_token&refresh_token=${"a".repeat(1_100_000)}`);
      });
      assert.equal(status, 413);
      assert.equal((JSON.parse(body) as ErrorBody).error, "invalid_request");
    });

    it("rejects malformed JSON", async () => {
      assertOAuthError(await token("{not json", "application/json"), "invalid_request", 400);
    });
  });

  describe("authorize endpoint", () => {
    it("rejects an unknown client", async () => {
      const response = await fetch(`${server.baseUrl}/authorize?client_id=nobody&response_type=code&redirect_uri=${encodeURIComponent(RP.redirectUri)}&scope=openid`, { redirect: "manual" });
      assert.ok(response.status >= 400, `status ${response.status}`);
      assert.ok(response.status < 500, `status ${response.status}`);
      assert.equal(((await response.json()) as ErrorBody).error, "invalid_client");
    });

    it("names an invalid response_type", async () => {
      const response = await fetch(`${server.baseUrl}/authorize?client_id=${RP.clientId}&response_type=bogus&redirect_uri=${encodeURIComponent(RP.redirectUri)}&scope=openid`, { redirect: "manual" });
      assert.equal(response.status, 400);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error, "invalid_request");
      assert.match(String(body.error_description), /response_type/);
      assert.doesNotMatch(String(body.error_description), /grant_type/);
    });

    it("never redirects to an unregistered redirect URI", async () => {
      const response = await fetch(`${server.baseUrl}/authorize?client_id=${RP.clientId}&response_type=code&redirect_uri=${encodeURIComponent("https://attacker.example/cb")}&scope=openid`, { redirect: "manual" });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get("location"), null);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error, "invalid_request");
      assert.match(String(body.error_description), /redirect/i);
    });
  });

  describe("userinfo endpoint", () => {
    it("rejects a garbage token with 401 invalid_token", async () => {
      const response = await fetch(`${server.baseUrl}/userinfo`, { headers: { authorization: "Bearer not-a-token" } });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as ErrorBody).error, "invalid_token");
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
    });
  });

  it("leaves unknown OAuth paths as 404", async () => {
    const response = await fetch(`${server.baseUrl}/oauth/not-a-route`, { method: "POST" });
    assert.equal(response.status, 404);
  });

  describe("management API", () => {
    let accessToken: string;

    before(async () => {
      accessToken = await managementToken(server);
    });

    it("rejects garbage JSON with 400", async () => {
      const response = await fetch(`${server.baseUrl}/api/v2/users`, { method: "POST", headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" }, body: "{garbage" });
      assert.equal(response.status, 400);
      assert.ok(((await response.json()) as ErrorBody).error);
    });

    it("rejects a user without a connection", async () => {
      const response = await fetch(`${server.baseUrl}/api/v2/users`, { method: "POST", headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" }, body: JSON.stringify({ email: "x@example.com" }) });
      assert.ok(response.status >= 400, `status ${response.status}`);
      assert.ok(response.status < 500, `status ${response.status}`);
    });

    it("rejects a malformed search query with 400", async () => {
      const response = await fetch(`${server.baseUrl}/api/v2/users?q=${encodeURIComponent('email:"unterminated')}`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(await response.json()), /unterminated|closing/);
    });

    it("rejects a request without a token", async () => {
      const response = await fetch(`${server.baseUrl}/api/v2/users`);
      assert.equal(response.status, 401);
    });
  });
});
