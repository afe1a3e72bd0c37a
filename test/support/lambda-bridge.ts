import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/**
 * Serves HTTP on loopback by turning each request into an API Gateway HTTP
 * API payload 2.0 event for a Lambda handler, the way API Gateway does:
 * cookies move to `cookies`, binary bodies are base64, and the handler's
 * `cookies` come back as Set-Cookie headers.
 */
export async function startLambdaBridge(handler: () => HttpApiHandler): Promise<{ baseUrl: string; close(): Promise<void> }> {
  let counter = 0;
  const server: Server = createServer(async (request, response) => {
    try {
      const event = await toEvent(request, ++counter);
      const context = { awsRequestId: event.requestContext.requestId, functionName: "authhero-bridge", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
      const result = (await handler()(event, context)) as APIGatewayProxyStructuredResultV2;
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      if (result.cookies?.length) headers["set-cookie"] = result.cookies;
      response.writeHead(result.statusCode ?? 200, headers);
      response.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
    } catch (error) {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`Lambda bridge: the handler failed: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function toEvent(request: IncomingMessage, sequence: number): Promise<APIGatewayProxyEventV2> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(request.url ?? "/", "http://bridge");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name !== "cookie" && value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const textual = /^(text\/|application\/(json|x-www-form-urlencoded))/.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies,
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "bridge",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "bridge",
      http: { method: request.method ?? "GET", path: url.pathname, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: `bridge-${sequence}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.length === 0 ? undefined : body.toString(textual ? "utf8" : "base64"),
    isBase64Encoded: body.length > 0 && !textual,
  };
}
