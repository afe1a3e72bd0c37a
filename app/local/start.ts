import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import { listen, createServerRuntime, PortInUseError } from "../node-server.js";
import { readSettings, SettingsError, type AppSettings } from "../settings.js";
import { EngineMissingError, startLocalEngine, type LocalEngine } from "./engine.js";
import { startLocalRegions } from "./multi-region.js";
import { readAdminSettings, type AdminSettings } from "./admin-settings.js";
import { seedTenant, type SeedResult } from "./seed.js";
import { ensureTable } from "./table-bootstrap.js";

/**
 * `npm start`: AuthHero on DynamoDB on this machine. Without
 * AUTHHERO_DYNAMODB_ENDPOINT it runs the embedded engine; with a URL it uses
 * that endpoint, and with `aws` it uses real DynamoDB and the AWS credential
 * chain. `npm start -- --regions us-east-1,eu-west-1` runs one app per
 * region on the embedded engine, joined by the replication simulator.
 */
async function main(): Promise<void> {
  const regions = parseRegionsArgument(process.argv.slice(2));
  const env = localEnvironment(process.env);
  const embedded = !env.AUTHHERO_DYNAMODB_ENDPOINT;
  // Everything is validated before the engine starts, so bad settings leave nothing running.
  readSettings(embedded ? { ...env, AUTHHERO_DYNAMODB_ENDPOINT: "http://127.0.0.1:1" } : env);
  const admin = readAdminSettings(env, { generatePassword: true });

  let engine: LocalEngine | undefined;
  try {
    if (embedded) {
      engine = await startLocalEngine();
      env.AUTHHERO_DYNAMODB_ENDPOINT = engine.endpoint;
      // The local engine accepts any credentials; these keep the SDK from searching for real ones.
      Object.assign(env, { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
      delete env.AWS_SESSION_TOKEN;
      delete env.AWS_PROFILE;
    }
    Object.assign(process.env, env);
    const close = regions.length > 1 ? await startRegions(regions, env, engine, admin) : await startOne(env, engine, admin);

    const stop = async (signal: string) => {
      process.stdout.write(`\nStopping (${signal})...\n`);
      await close();
      await engine?.stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
  } catch (error) {
    await engine?.stop();
    throw error;
  }
}

function localEnvironment(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...source };
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SettingsError([`\`PORT\` is \`${env.PORT}\`; it must be a TCP port number from 1 to 65535.`]);
  }
  env.AWS_REGION ||= "us-east-1";
  env.AUTHHERO_ISSUER ||= `http://localhost:${port}/`;
  env.AUTHHERO_TENANT_ID ||= "main";
  return env;
}

function parseRegionsArgument(args: string[]): string[] {
  // `--regions` is the only argument, so a typo such as `--region` must not start one region silently.
  const unknown = args.find((arg, position) => arg !== "--regions" && !arg.startsWith("--regions=") && args[position - 1] !== "--regions");
  if (unknown !== undefined) throw new SettingsError([`Unknown argument \`${unknown}\`; npm start accepts only \`--regions <region>,<region>\`.`]);
  const index = args.findIndex((arg) => arg === "--regions" || arg.startsWith("--regions="));
  if (index < 0) return [];
  const value = args[index]!.includes("=") ? args[index]!.split("=")[1] : args[index + 1];
  const regions = (value ?? "").split(",").map((region) => region.trim()).filter(Boolean);
  const invalid = regions.filter((region) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region));
  if (regions.length === 0 || invalid.length > 0 || new Set(regions).size !== regions.length) {
    throw new SettingsError([`\`--regions\` is \`${value ?? ""}\`; it must list distinct AWS region names separated by commas, such as \`us-east-1,eu-west-1\`.`]);
  }
  return regions;
}

async function startOne(env: NodeJS.ProcessEnv, engine: LocalEngine | undefined, admin: AdminSettings): Promise<() => Promise<void>> {
  const settings = readSettings(env);
  const tableState = await ensureTable({ endpoint: settings.dynamodbEndpoint, region: settings.region, tableName: settings.tableName }).catch((error: unknown) => {
    if (engine) throw error;
    const where = settings.dynamodbEndpoint ?? `DynamoDB in ${settings.region}`;
    throw new SettingsError([
      `Could not create or read table \`${settings.tableName}\` at ${where} (AUTHHERO_DYNAMODB_ENDPOINT): ${error instanceof Error ? error.message : String(error)}. Start the engine there and check the credentials, or unset AUTHHERO_DYNAMODB_ENDPOINT to use the embedded engine.`,
    ]);
  });
  const runtime = createServerRuntime(settings);
  const origin = settings.issuer.replace(/\/$/, "");
  const seeded = await seedTenant(runtime.dataAdapter, {
    tenantId: settings.tenantId!,
    issuer: settings.issuer,
    adminUsername: admin.username,
    adminEmail: admin.email,
    adminPassword: admin.password,
    callbacks: [`${origin}/auth-callback`, `http://127.0.0.1:${settings.port}/auth-callback`, "http://localhost:5173/auth-callback"],
    allowedLogoutUrls: [origin, `http://127.0.0.1:${settings.port}`, "http://localhost:5173"],
  });

  // Loopback only: the local server has a printed admin password and test clients.
  const server = await listen(withCallbackPage(runtime.app), settings.port, "127.0.0.1");
  const storage = `${engine ? `embedded engine at ${engine.endpoint}` : (settings.dynamodbEndpoint ?? `AWS ${settings.region}`)}, table \`${settings.tableName}\` (${tableState})`;
  printWelcome({ origin, settings, seeded, admin, storage, regionLines: [] });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

async function startRegions(regions: string[], env: NodeJS.ProcessEnv, engine: LocalEngine | undefined, admin: AdminSettings): Promise<() => Promise<void>> {
  if (!engine) throw new SettingsError(["`--regions` runs on the embedded engine only; unset `AUTHHERO_DYNAMODB_ENDPOINT`."]);
  const firstPort = Number(env.PORT ?? 3000);
  const delayMs = Number(env.AUTHHERO_REPLICATION_DELAY_MS ?? 500);
  if (!Number.isInteger(delayMs) || delayMs < 0) throw new SettingsError([`\`AUTHHERO_REPLICATION_DELAY_MS\` is \`${env.AUTHHERO_REPLICATION_DELAY_MS}\`; it must be a whole number of milliseconds.`]);
  const local = await startLocalRegions({ regions, endpoint: engine.endpoint, delayMs, firstPort, issuer: env.AUTHHERO_ISSUER, tenantId: env.AUTHHERO_TENANT_ID });
  const home = local.regions[0]!;
  const settings = readSettings({ ...env, AWS_REGION: home.region });
  const origin = settings.issuer.replace(/\/$/, "");
  const seeded = await seedTenant(home.runtime.dataAdapter, {
    tenantId: settings.tenantId!,
    issuer: settings.issuer,
    adminUsername: admin.username,
    adminEmail: admin.email,
    adminPassword: admin.password,
    callbacks: [`${origin}/auth-callback`, ...local.regions.map((region) => `${region.baseUrl}/auth-callback`)],
    allowedLogoutUrls: [origin, ...local.regions.map((region) => region.baseUrl)],
  });
  const regionLines = local.regions.map((region) => `  ${region.region.padEnd(16)} ${region.baseUrl}  (table authhero-${region.region})`);
  printWelcome({ origin, settings, seeded, admin, storage: `embedded engine at ${engine.endpoint}, replication delay ${delayMs} ms`, regionLines });
  return () => local.close();
}

/** Shows the code the login URL returns, since no real client listens at `/auth-callback` locally. */
function withCallbackPage(app: Hono): Hono {
  const outer = new Hono();
  outer.get("/auth-callback", (c) => {
    const code = c.req.query("code");
    const error = c.req.query("error");
    const body = error ? `Sign-in failed: ${error} ${c.req.query("error_description") ?? ""}` : `Signed in. Authorization code: ${code ?? "(none)"}\nExchange it at /oauth/token with grant_type=authorization_code and the client's secret.`;
    return c.text(`${body}\n`);
  });
  outer.route("/", app);
  return outer;
}

function printWelcome(details: {
  origin: string;
  settings: AppSettings;
  seeded: SeedResult;
  admin: AdminSettings;
  storage: string;
  regionLines: string[];
}): void {
  const { origin, seeded, admin } = details;
  const loginUrl = new URL(`${origin}/authorize`);
  loginUrl.search = new URLSearchParams({
    client_id: seeded.defaultClientId,
    response_type: "code",
    redirect_uri: `${origin}/auth-callback`,
    scope: "openid profile email offline_access",
    state: randomBytes(8).toString("hex"),
  }).toString();
  const password = !seeded.adminCreated
    ? "unchanged: the admin user already existed, so its password was kept"
    : admin.generated
      ? `${admin.generated}   (generated and shown only now; set AUTHHERO_ADMIN_PASSWORD to choose one)`
      : "from AUTHHERO_ADMIN_PASSWORD";
  const lines = [
    "",
    `AuthHero is running on ${origin}`,
    ...(details.regionLines.length > 0 ? ["  Regions:", ...details.regionLines] : []),
    `  DynamoDB:        ${details.storage}`,
    `  Tenant:          ${seeded.tenantId}`,
    `  Discovery:       ${origin}/.well-known/openid-configuration`,
    `  Login:           ${loginUrl.toString()}`,
    `  Login client:    ${seeded.defaultClientId}, secret ${seeded.defaultClientSecret} (for the code exchange at /oauth/token)`,
    `  Admin user:      ${admin.username} (${admin.email})`,
    `  Admin password:  ${password}`,
    "",
    "Management API token:",
    `  TOKEN=$(curl -s ${origin}/oauth/token -d grant_type=client_credentials \\`,
    `    -d client_id=${seeded.managementClientId ?? "<management client id>"} -d client_secret=${seeded.managementClientSecret ?? "<secret>"} \\`,
    `    -d audience=${seeded.managementAudience} | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    `  curl -H "Authorization: Bearer $TOKEN" ${origin}/api/v2/users`,
    "",
    "Press Ctrl-C to stop the server and the engine.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError || error instanceof EngineMissingError || error instanceof PortInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
