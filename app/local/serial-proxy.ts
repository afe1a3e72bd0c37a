import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Passes requests to the local engine one at a time. moto serves requests
 * on threads without per-item locking, and a failed transaction restores a
 * copy of the whole table, undoing writes other threads made meanwhile; a
 * used code could become unused again. DynamoDB applies each request
 * atomically, so serializing them makes the engine behave like it. Requests
 * from the app still interleave, so races between requests remain testable.
 */
export async function startSerialProxy(target: string, options: { engineTimeoutMs?: number } = {}): Promise<{ endpoint: string; close(): Promise<void> }> {
  // Far above any response time of a healthy engine.
  const engineTimeoutMs = options.engineTimeoutMs ?? 30_000;
  const targetUrl = new URL(target);
  let queue: Promise<void> = Promise.resolve();

  const server: Server = createServer((incoming, outgoing) => {
    // A client that disconnects while sending its body has nothing left to forward.
    readBody(incoming).catch(() => undefined).then((body) => {
      if (body === undefined) return;
      queue = queue.then(
        () =>
          new Promise<void>((done) => {
            const forwarded = httpRequest(
              { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
              (response) => {
                response.once("end", () => done());
                response.once("error", () => done());
                // A response cut short (the engine timed out below) ends with "close" alone.
                response.once("close", () => done());
                // A client that gives up (an SDK timeout) closes its side, and pipe() stops reading. The engine's
                // response is drained anyway, because otherwise "end" never comes and every later request waits.
                if (outgoing.destroyed) {
                  response.resume();
                  return;
                }
                outgoing.writeHead(response.statusCode ?? 502, response.headers);
                response.pipe(outgoing);
                // Registered after pipe(), whose own "close" handler pauses the response when it unpipes.
                outgoing.once("close", () => response.resume());
              },
            );
            // An engine that stops responding (paused, overloaded) must not hold the queue for ever.
            forwarded.setTimeout(engineTimeoutMs, () => forwarded.destroy(new Error(`the engine did not respond within ${engineTimeoutMs} ms`)));
            forwarded.once("error", (error) => {
              if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
              outgoing.end(`local engine proxy: ${error.message}`);
              done();
            });
            forwarded.end(body);
          }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
