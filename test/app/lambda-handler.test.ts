import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { createDynamoDbAdapter } from "../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../app/dynamodb/client.js";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { seedTenant, type SeedResult } from "../../app/local/seed.js";
import { readSettings } from "../../app/settings.js";
import { ADMIN } from "../support/test-server.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";

const ISSUER = "https://auth.example.test/";

/** An API Gateway HTTP API event in payload format 2.0, as Lambda receives it. */
function httpApiEvent(method: string, path: string, query = ""): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: query,
    headers: { host: "abc123.execute-api.us-east-1.amazonaws.com", accept: "application/json", "x-forwarded-proto": "https", "user-agent": "mocha" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: "mocha" },
      requestId: "req-lambda-test-1",
      routeKey: "$default",
      stage: "$default",
      time: "04/Dec/2026:12:00:00 +0000",
      timeEpoch: 1796385600000,
    },
    isBase64Encoded: false,
  };
}

/** Starts a loopback proxy to the engine that delays every write of an audit-log item by `logWriteMs`, and every GetItem by `getItemMs`. */
async function startSlowProxy(target: string, delays: { logWriteMs: number; getItemMs?: number }): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(incoming.headers["x-amz-target"]);
    if (operation.endsWith(".PutItem") && body.includes('"type":{"S":"log"}')) {
      await new Promise((resolve) => setTimeout(resolve, delays.logWriteMs));
    } else if (operation.endsWith(".GetItem") && delays.getItemMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, delays.getItemMs));
    }
    const response = await fetch(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers as Record<string, string>, body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    outgoing.writeHead(response.status, headers);
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const context = { awsRequestId: "aws-req-1", functionName: "authhero-us-east-1", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe("Lambda handler", function () {
  this.timeout(60_000);
  let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let data: DataAdapters;
  let seeded: SeedResult;
  let slowLogs: { endpoint: string; close(): Promise<void> };
  let engineEndpoint: string;
  let env: Record<string, string>;

  before(async () => {
    const { endpoint, tableName } = await freshTable("lambda");
    engineEndpoint = endpoint;
    const client = createDocumentClient({ region: TEST_REGION, endpoint });
    data = createDynamoDbAdapter({ client, tableName });
    seeded = await seedTenant(data, {
      tenantId: "main",
      issuer: ISSUER,
      adminUsername: ADMIN.username,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      callbacks: [],
      allowedLogoutUrls: [],
    });
    // Audit-log writes reach the table through a proxy that delays them, so a handler that returned before they finished would be caught.
    slowLogs = await startSlowProxy(endpoint, { logWriteMs: 400 });
    env = { AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: slowLogs.endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: ISSUER, AUTHHERO_TENANT_ID: "main" };
    // Importing the entry builds its default handler from the environment, which another test may have done first.
    Object.assign(process.env, env);
    const entry = await import("../../app/lambda.js");
    assert.equal(typeof entry.handler, "function");
    handler = entry.createLambdaHandler(readSettings(env)) as never;
  });

  after(async () => {
    await slowLogs?.close();
    for (const name of ["AUTHHERO_DYNAMODB_ENDPOINT", "AUTHHERO_TABLE_NAME", "AUTHHERO_ISSUER", "AUTHHERO_TENANT_ID"]) delete process.env[name];
  });

  it("finishes audit writes before returning", async () => {
    const before = (await data.logs.list("main", { per_page: 100 })).logs.length;
    const event = httpApiEvent("POST", "/oauth/token");
    event.headers["content-type"] = "application/x-www-form-urlencoded";
    event.body = new URLSearchParams({ grant_type: "client_credentials", client_id: seeded.managementClientId!, client_secret: seeded.managementClientSecret!, audience: seeded.managementAudience }).toString();
    const result = (await handler(event, context)) as { statusCode: number };
    assert.equal(result.statusCode, 200);
    // Lambda may freeze the environment as soon as the handler returns, so the log must already be stored.
    const after = (await data.logs.list("main", { per_page: 100 })).logs.length;
    assert.ok(after > before, `audit log entries before ${before}, after ${after}`);
  });

  it("finishes audit writes that follow a lookup", async () => {
    const tokenEvent = httpApiEvent("POST", "/oauth/token");
    tokenEvent.headers["content-type"] = "application/x-www-form-urlencoded";
    tokenEvent.body = new URLSearchParams({ grant_type: "client_credentials", client_id: seeded.managementClientId!, client_secret: seeded.managementClientSecret!, audience: seeded.managementAudience }).toString();
    const { access_token: accessToken } = JSON.parse(((await handler(tokenEvent, context)) as { body: string }).body) as { access_token: string };
    // AuthHero reads the client's name before it writes the audit log. A new handler's cache is empty, so that read goes to the table, where it is slowed down.
    const slow = await startSlowProxy(engineEndpoint, { logWriteMs: 200, getItemMs: 300 });
    try {
      const { createLambdaHandler } = await import("../../app/lambda.js");
      const fresh = createLambdaHandler(readSettings({ ...env, AUTHHERO_DYNAMODB_ENDPOINT: slow.endpoint })) as unknown as typeof handler;
      const before = (await data.logs.list("main", { per_page: 100 })).logs.length;
      const event = httpApiEvent("POST", "/api/v2/users");
      event.headers["content-type"] = "application/json";
      event.headers.authorization = `Bearer ${accessToken}`;
      event.body = JSON.stringify({ email: "after-lookup@example.com", password: "Pass-word-123!", connection: "Username-Password-Authentication" });

      const result = (await fresh(event, context)) as { statusCode: number; body: string };

      assert.equal(result.statusCode, 201, result.body);
      const after = (await data.logs.list("main", { per_page: 100 })).logs.length;
      assert.ok(after > before, `audit log entries before ${before}, after ${after}`);
    } finally {
      await slow.close();
    }
  });

  it("serves OIDC discovery", async () => {
    const result = (await handler(httpApiEvent("GET", "/.well-known/openid-configuration"), context)) as { statusCode: number; body: string; headers: Record<string, string> };
    assert.equal(result.statusCode, 200);
    const metadata = JSON.parse(result.body) as { issuer: string; jwks_uri: string };
    assert.equal(metadata.issuer, ISSUER);
    assert.equal(metadata.jwks_uri, `${ISSUER}.well-known/jwks.json`);
  });

  it("serves the JWKS", async () => {
    const result = (await handler(httpApiEvent("GET", "/.well-known/jwks.json"), context)) as { statusCode: number; body: string };
    assert.equal(result.statusCode, 200);
    const jwks = JSON.parse(result.body) as { keys: Array<{ kid: string }> };
    assert.ok(jwks.keys.length >= 1);
  });

  it("reports health with the region and request id", async () => {
    const result = (await handler(httpApiEvent("GET", "/health"), context)) as { statusCode: number; body: string; headers: Record<string, string> };
    assert.equal(result.statusCode, 200);
    assert.deepEqual(JSON.parse(result.body), { status: "ok", region: TEST_REGION });
    assert.equal(result.headers["x-request-id"], "req-lambda-test-1");
  });
});
