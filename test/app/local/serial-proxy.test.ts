import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startSerialProxy } from "../../../app/local/serial-proxy.js";

/** Starts a stand-in engine whose first response is 32 MB, more than socket buffers hold, and whose later responses are short. */
async function startEngine(): Promise<{ url: string; server: Server }> {
  let calls = 0;
  const server = createServer((_incoming, outgoing) => {
    calls++;
    if (calls > 1) return void outgoing.end("second");
    outgoing.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    const send = () => {
      if (sent >= 512) return void outgoing.end();
      sent++;
      if (outgoing.write(chunk)) setImmediate(send);
      else outgoing.once("drain", send);
    };
    send();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("serial proxy of the local engine", () => {
  it("serves the next request after a client gives up mid-answer", async () => {
    const engine = await startEngine();
    const proxy = await startSerialProxy(engine.url);
    try {
      // The first client reads the headers and then disconnects, as an SDK request timeout does.
      await new Promise<void>((resolve, reject) => {
        const first = request(proxy.endpoint, { method: "POST" }, (response) => {
          response.destroy();
          resolve();
        });
        first.once("error", reject);
        first.end("{}");
      });

      const second = await fetch(proxy.endpoint, { method: "POST", body: "{}", signal: AbortSignal.timeout(5_000) });
      assert.equal(await second.text(), "second");
    } finally {
      await proxy.close();
      await new Promise((resolve) => engine.server.close(resolve));
    }
  });

  it("gives up on an engine that stops responding and serves the next request", async () => {
    let calls = 0;
    const engine = createServer((_incoming, outgoing) => {
      // The first request hangs, as a paused engine would.
      if (++calls > 1) outgoing.end("second");
    });
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    const proxy = await startSerialProxy(`http://127.0.0.1:${(engine.address() as AddressInfo).port}`, { engineTimeoutMs: 200 });
    try {
      const first = await fetch(proxy.endpoint, { method: "POST", body: "{}", signal: AbortSignal.timeout(5_000) });
      assert.equal(first.status, 502);
      assert.match(await first.text(), /did not respond within 200 ms/);
      const second = await fetch(proxy.endpoint, { method: "POST", body: "{}", signal: AbortSignal.timeout(5_000) });
      assert.equal(await second.text(), "second");
    } finally {
      await proxy.close();
      engine.closeAllConnections();
      await new Promise((resolve) => engine.close(resolve));
    }
  });
});
