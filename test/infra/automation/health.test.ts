import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { checkHealth } from "../../../infra/automation/health.js";
import { stackHealth } from "../../../infra/automation/operations.js";
import { fakeWithProd } from "./helpers.js";

/** Starts an HTTP server on 127.0.0.1 with routes for a healthy, a failing and a hanging region. */
async function startServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    if (request.url === "/good/health") {
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (request.url === "/bad/health") {
      response.writeHead(503).end("unavailable");
    } else if (request.url === "/slow/health") {
      // Sends no response, so the client's timeout must end the request.
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Returns a loopback URL on which nothing listens: a port that was just released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe("checkHealth", () => {
  let server: Server;
  let base: string;
  before(async () => {
    ({ server, base } = await startServer());
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("reports each region with its own result", async () => {
    const closed = await closedPortUrl();

    const results = await checkHealth({
      "us-east-1": `${base}/good`,
      "eu-west-1": `${base}/bad/`,
      "ap-southeast-2": `${base}/slow`,
      "sa-east-1": closed,
    }, { timeoutMs: 300 });

    assert.deepEqual(results.map((result) => [result.region, result.healthy, result.status, result.error]), [
      ["ap-southeast-2", false, undefined, "timed out after 300 ms"],
      ["eu-west-1", false, 503, "status 503"],
      ["sa-east-1", false, undefined, results[2]?.error],
      ["us-east-1", true, 200, undefined],
    ]);
    assert.match(results[2]?.error ?? "", /^request failed: fetch failed: .*ECONNREFUSED/);
    assert.equal(results[1]?.url, `${base}/bad/health`);
  });

  it("times out each region on its own", async () => {
    const startedAt = performance.now();

    const results = await checkHealth({ "us-east-1": `${base}/good`, "ap-southeast-2": `${base}/slow` }, { timeoutMs: 400 });

    const elapsed = performance.now() - startedAt;
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    assert.ok((results.find((result) => result.region === "us-east-1")?.elapsedMs ?? Infinity) < 400);
  });
});

describe("stackHealth", () => {
  let server: Server;
  let base: string;
  before(async () => {
    ({ server, base } = await startServer());
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("checks every region in the endpoints output", async () => {
    const { workspace, state } = fakeWithProd();
    state.outputs = { endpoints: { value: { "us-east-1": `${base}/good`, "eu-west-1": `${base}/bad` }, secret: false } };

    const results = await stackHealth({ workspace, stack: "prod" }, { timeoutMs: 1000 });

    assert.deepEqual(results.map((result) => [result.region, result.healthy]), [["eu-west-1", false], ["us-east-1", true]]);
  });

  it("reports a stack without endpoints", async () => {
    const { workspace } = fakeWithProd();

    await assert.rejects(stackHealth({ workspace, stack: "prod" }), {
      name: "ToolError",
      message: "Stack \"prod\" has no `endpoints` output yet. Run `deploy` first.",
    });
  });
});
