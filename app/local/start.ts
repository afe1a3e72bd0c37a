import { randomBytes } from "node:crypto";
import { listen, createServerRuntime } from "../node-server.js";
import { readSettings, SettingsError } from "../settings.js";
import { EngineMissingError, startLocalEngine, type LocalEngine } from "./engine.js";
import { seedTenant } from "./seed.js";
import { ensureTable } from "./table-bootstrap.js";

/**
 * `npm start`: AuthHero on DynamoDB on this machine. Without
 * AUTHHERO_DYNAMODB_ENDPOINT it runs the embedded engine; with a URL it uses
 * that endpoint, and with `aws` it uses real DynamoDB and the AWS credential chain.
 */
async function main(): Promise<void> {
  const env = { ...process.env };
  const port = Number(env.PORT ?? 3000);
  env.AWS_REGION ??= "us-east-1";
  env.AUTHHERO_ISSUER ??= `http://localhost:${port}/`;
  env.AUTHHERO_TENANT_ID ??= "main";

  let engine: LocalEngine | undefined;
  if (!env.AUTHHERO_DYNAMODB_ENDPOINT) {
    engine = await startLocalEngine();
    env.AUTHHERO_DYNAMODB_ENDPOINT = engine.endpoint;
    // The local engine accepts any credentials; these keep the SDK from searching for real ones.
    env.AWS_ACCESS_KEY_ID = "local";
    env.AWS_SECRET_ACCESS_KEY = "local";
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
  } else if (env.AUTHHERO_DYNAMODB_ENDPOINT === "aws") {
    delete env.AUTHHERO_DYNAMODB_ENDPOINT;
  }
  Object.assign(process.env, env);

  const settings = readSettings(env);
  const tableState = await ensureTable({ endpoint: settings.dynamodbEndpoint, region: settings.region, tableName: settings.tableName });

  const runtime = createServerRuntime(settings);
  const generatedPassword = env.AUTHHERO_ADMIN_PASSWORD ? undefined : randomBytes(12).toString("base64url");
  const adminEmail = env.AUTHHERO_ADMIN_EMAIL ?? "admin@example.com";
  const adminUsername = env.AUTHHERO_ADMIN_USERNAME ?? "admin";
  const origin = settings.issuer.replace(/\/$/, "");
  const seeded = await seedTenant(runtime.dataAdapter, {
    tenantId: settings.tenantId!,
    issuer: settings.issuer,
    adminUsername,
    adminEmail,
    adminPassword: env.AUTHHERO_ADMIN_PASSWORD ?? generatedPassword!,
    callbacks: [`${origin}/auth-callback`, `http://127.0.0.1:${port}/auth-callback`, "http://localhost:5173/auth-callback"],
    allowedLogoutUrls: [origin, `http://127.0.0.1:${port}`, "http://localhost:5173"],
  });

  // Loopback only: the local server has a printed admin password and test clients.
  const server = await listen(runtime.app, settings.port, "127.0.0.1");
  printWelcome({ origin, settings, seeded, admin: `${adminUsername} (${adminEmail})`, generatedPassword, engine, tableState });

  const stop = async (signal: string) => {
    process.stdout.write(`\nStopping (${signal})...\n`);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine?.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

function printWelcome(details: {
  origin: string;
  settings: ReturnType<typeof readSettings>;
  seeded: Awaited<ReturnType<typeof seedTenant>>;
  admin: string;
  generatedPassword?: string;
  engine?: LocalEngine;
  tableState: string;
}): void {
  const { origin, settings, seeded } = details;
  const loginUrl = new URL(`${origin}/authorize`);
  loginUrl.search = new URLSearchParams({
    client_id: seeded.defaultClientId,
    response_type: "code",
    redirect_uri: `${origin}/auth-callback`,
    scope: "openid profile email offline_access",
    state: randomBytes(8).toString("hex"),
  }).toString();
  const lines = [
    "",
    `AuthHero is running on ${origin}`,
    `  DynamoDB:        ${details.engine ? `embedded engine at ${details.engine.endpoint}` : (settings.dynamodbEndpoint ?? `AWS ${settings.region}`)}, table \`${settings.tableName}\` (${details.tableState})`,
    `  Tenant:          ${seeded.tenantId}`,
    `  Discovery:       ${origin}/.well-known/openid-configuration`,
    `  Login:           ${loginUrl.toString()}`,
    `  Admin user:      ${details.admin}`,
    details.generatedPassword ? `  Admin password:  ${details.generatedPassword}   (generated; shown only now, set AUTHHERO_ADMIN_PASSWORD to choose one)` : "  Admin password:  from AUTHHERO_ADMIN_PASSWORD",
    "",
    "Management API token:",
    `  curl -s ${origin}/oauth/token -d grant_type=client_credentials \\`,
    `    -d client_id=${seeded.managementClientId ?? "<management client id>"} -d client_secret=${seeded.managementClientSecret ?? "<secret>"} \\`,
    `    -d audience=${seeded.managementAudience}`,
    `  then: curl -H "Authorization: Bearer $TOKEN" ${origin}/api/v2/users`,
    "",
    "Press Ctrl-C to stop the server and the engine.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError || error instanceof EngineMissingError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
