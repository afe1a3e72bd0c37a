import type { ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { createServerRuntime, listen } from "../../app/node-server.js";
import { ROTATING_REFRESH_TOKENS, seedTenant, type SeedResult } from "../../app/local/seed.js";
import { readSettings } from "../../app/settings.js";
import type { Logger } from "../../app/logger.js";
import { freshTable, TEST_REGION } from "./local-engine.js";

export const ADMIN = { username: "admin", email: "admin@example.com", password: "Correct-Horse-9" };
export const RP = { clientId: "test-rp", clientSecret: "test-rp-secret-0123456789", redirectUri: "http://127.0.0.1:65000/callback" };

export interface TestServer {
  baseUrl: string;
  data: DataAdapters;
  seeded: SeedResult;
  logLines: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback, on a fresh table, seeded like `npm start`
 * plus a confidential relying-party client for the tests.
 */
export async function startTestServer(options: { onCommand?: (commandName: string) => void } = {}): Promise<TestServer> {
  const { endpoint, tableName } = await freshTable("server");
  const logLines: string[] = [];
  const logger: Logger = { log: (level, message, fields) => logLines.push(JSON.stringify({ level, message, ...fields })) };

  // The issuer must name the port, which is known only after listening, so
  // the server starts on a placeholder app and swaps in the real one.
  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  const server: ServerType = await listen({ fetch: (request: Request) => handler!(request) } as never, 0, "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  const settings = readSettings({
    AWS_REGION: TEST_REGION,
    AUTHHERO_DYNAMODB_ENDPOINT: endpoint,
    AUTHHERO_TABLE_NAME: tableName,
    AUTHHERO_ISSUER: `${baseUrl}/`,
    AUTHHERO_TENANT_ID: "main",
    PORT: String(port),
  });
  const runtime = createServerRuntime(settings, { logger, onCommand: options.onCommand });
  handler = (request) => runtime.app.fetch(request);

  const seeded = await seedTestTenant(runtime.dataAdapter, baseUrl);

  return {
    baseUrl,
    data: runtime.dataAdapter,
    seeded,
    logLines,
    close: async () => {
      // AuthHero writes audit logs after responding; let them land before the table goes away.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Seeds the tenant like `npm start` and adds the tests' confidential relying party. */
export async function seedTestTenant(data: DataAdapters, baseUrl: string): Promise<SeedResult> {
  const seeded = await seedTenant(data, {
    tenantId: "main",
    issuer: `${baseUrl}/`,
    adminUsername: ADMIN.username,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    callbacks: [`${baseUrl}/auth-callback`],
    allowedLogoutUrls: [baseUrl],
  });
  await data.clients.create("main", {
    client_id: RP.clientId,
    client_secret: RP.clientSecret,
    name: "Test relying party",
    app_type: "regular_web",
    is_first_party: true,
    callbacks: [RP.redirectUri],
    allowed_logout_urls: [RP.redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    refresh_token: ROTATING_REFRESH_TOKENS,
    token_endpoint_auth_method: "client_secret_post",
  } as never);
  return seeded;
}

export interface ApiResponse {
  status: number;
  /** The parsed JSON body, typed loosely because it varies by route, or the text of a non-JSON body. */
  json: any;
}

/** Returns a caller of `/api/v2` routes with a management token; only JSON bodies are parsed, because DELETE returns a plain "OK". */
export function managementApi(server: () => TestServer, token: () => string): (method: string, path: string, body?: unknown) => Promise<ApiResponse> {
  return async (method, path, body) => {
    const response = await fetch(`${server().baseUrl}/api/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("json");
    return { status: response.status, json: isJson && text ? JSON.parse(text) : text };
  };
}

/** Gets a management API access token with the seeded management client's credentials. */
export async function managementToken(server: TestServer): Promise<string> {
  const response = await fetch(`${server.baseUrl}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: server.seeded.managementClientId!, client_secret: server.seeded.managementClientSecret!, audience: server.seeded.managementAudience }),
  });
  if (!response.ok) throw new Error(`The management token request failed with ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
