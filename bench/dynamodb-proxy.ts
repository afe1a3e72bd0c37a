import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The operation and item counts of one DynamoDB response, as the proxy saw it. */
export interface ProxiedCall {
  operation: string;
  /** Items the engine returned (Item, Items, or every table's BatchGetItem responses). */
  itemsReturned: number;
  /** Items a Query or Scan examined before its filter, from ScannedCount; otherwise itemsReturned. */
  itemsRead: number;
}

/**
 * Starts a loopback HTTP proxy in front of the local engine that records,
 * per request, the operation and how many items the response carried. It
 * lets the benchmark count items read without changing the app's client.
 */
export async function startCountingProxy(target: string): Promise<{ endpoint: string; calls: ProxiedCall[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
    const forwarded = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          calls.push({ operation, ...countItems(body) });
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          outgoing.end(body);
        });
      },
    );
    forwarded.on("error", (error) => {
      outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`proxy to ${target} failed: ${error.message}`);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function countItems(body: Buffer): { itemsReturned: number; itemsRead: number } {
  let parsed: { Item?: unknown; Items?: unknown[]; ScannedCount?: number; Responses?: Record<string, unknown[]> };
  try {
    parsed = JSON.parse(body.toString("utf8")) as typeof parsed;
  } catch {
    return { itemsReturned: 0, itemsRead: 0 };
  }
  let itemsReturned = parsed.Item ? 1 : 0;
  if (Array.isArray(parsed.Items)) itemsReturned += parsed.Items.length;
  for (const items of Object.values(parsed.Responses ?? {})) if (Array.isArray(items)) itemsReturned += items.length;
  return { itemsReturned, itemsRead: typeof parsed.ScannedCount === "number" ? parsed.ScannedCount : itemsReturned };
}
