import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createRuntime } from "../../app/runtime.js";
import { readSettings } from "../../app/settings.js";
import type { Logger } from "../../app/logger.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";

const quietLogger: Logger = { log: () => undefined };

function appFor(endpoint: string, tableName = "authhero") {
  const settings = readSettings({ AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: "http://127.0.0.1/" });
  return createRuntime(settings, { logger: quietLogger }).app;
}

/** A loopback server that accepts connections and never answers, like a black-holed endpoint. */
async function blackHole(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("GET /health", function () {
  this.timeout(30_000);

  it("answers 200 with the region when the table is readable", async () => {
    const { endpoint, tableName } = await freshTable("health");
    const response = await appFor(endpoint, tableName).request("/health");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ok", region: TEST_REGION });
  });

  it("answers 503 when the table does not exist", async () => {
    const { endpoint } = await freshTable("health");
    const response = await appFor(endpoint, "missing-table").request("/health");
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: "unavailable", region: TEST_REGION });
  });

  it("answers 503 within 2 seconds when DynamoDB hangs", async () => {
    const hole = await blackHole();
    try {
      const started = Date.now();
      const response = await appFor(hole.endpoint).request("/health");
      const elapsed = Date.now() - started;
      assert.equal(response.status, 503);
      assert.ok(elapsed < 2000, `answered after ${elapsed} ms`);
    } finally {
      await hole.close();
    }
  });

  it("answers 503 when nothing listens at the endpoint", async () => {
    const hole = await blackHole();
    await hole.close();
    const response = await appFor(hole.endpoint).request("/health");
    assert.equal(response.status, 503);
  });
});

describe("DynamoDB outage on a request path", function () {
  this.timeout(30_000);

  it("fails a token request in under 3 seconds", async () => {
    const hole = await blackHole();
    try {
      const started = Date.now();
      const response = await appFor(hole.endpoint).request("/oauth/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "tenant-id": "main" },
        body: "grant_type=client_credentials&client_id=a&client_secret=b",
      });
      const elapsed = Date.now() - started;
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      assert.ok(elapsed < 3000, `answered after ${elapsed} ms`);
    } finally {
      await hole.close();
    }
  });

  it("answers 503 when signing keys are unreadable", async () => {
    const hole = await blackHole();
    try {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const bearer = `${part({ alg: "RS256", kid: "any", typ: "JWT" })}.${part({ sub: "client", aud: "x" })}.${Buffer.from("signature").toString("base64url")}`;
      const response = await appFor(hole.endpoint).request("/api/v2/users", { headers: { authorization: `Bearer ${bearer}`, "tenant-id": "main" } });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
    } finally {
      await hole.close();
    }
  });
});
