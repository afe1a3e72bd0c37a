import { DEFAULT_TABLE_NAME } from "./dynamodb/schema.js";

/** Runtime settings of the app, read once from the environment. */
export interface AppSettings {
  region: string;
  tableName: string;
  /** A non-AWS DynamoDB endpoint, such as the local engine. */
  dynamodbEndpoint?: string;
  /** The OIDC issuer, with a trailing slash. */
  issuer: string;
  allowedOrigins: string[];
  /** The tenant served when a request names none. */
  tenantId?: string;
  /** Region-specific base URLs, for cross-region forwarding. */
  regionEndpoints: Record<string, string>;
  consistency: "eventual" | "strong";
  /**
   * What a region does with a code or refresh token issued by another region
   * whose endpoint fails: `fail` responds with 503, `local` redeems it here, trading
   * strict single use for availability.
   */
  forwardFailure: { codes: ForwardFailurePolicy; refreshTokens: ForwardFailurePolicy };
  /** Milliseconds to keep retrying a read that misses a just-written item from another region. */
  replicaLagRetryMs: number;
  /** Base URL of the `/u/...` static assets, when this process does not serve them. */
  assetsUrl?: string;
  port: number;
  /** Seconds a cached configuration read lives (app/cache); 0 turns the cache off. */
  cacheTtlSeconds: number;
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

export type ForwardFailurePolicy = "fail" | "local";

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid app settings:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** Parses and validates the environment; reports every problem at once. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): AppSettings {
  const problems: string[] = [];
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "";
  if (region === "") {
    problems.push("`AWS_REGION` is not set; set it to an AWS region name such as `eu-west-1`.");
  } else if (!REGION_NAME.test(region)) {
    problems.push(`\`AWS_REGION\` is \`${region}\`; it must be an AWS region name such as \`eu-west-1\`.`);
  }

  const issuer = env.AUTHHERO_ISSUER ?? "";
  if (issuer === "") problems.push("`AUTHHERO_ISSUER` is not set; set it to the public http(s) URL of the server, such as `https://auth.example.com/`.");
  else if (!isHttpUrl(issuer)) problems.push(`\`AUTHHERO_ISSUER\` is \`${issuer}\`; it must be the public http(s) URL of the server, such as \`https://auth.example.com/\`.`);

  // `aws` and unset both mean DynamoDB in AWS; only `npm start` gives unset another meaning.
  const endpoint = env.AUTHHERO_DYNAMODB_ENDPOINT && env.AUTHHERO_DYNAMODB_ENDPOINT !== "aws" ? env.AUTHHERO_DYNAMODB_ENDPOINT : undefined;
  if (endpoint !== undefined && !isHttpUrl(endpoint)) problems.push(`\`AUTHHERO_DYNAMODB_ENDPOINT\` is \`${endpoint}\`; it must be an http(s) URL, or \`aws\` for DynamoDB in AWS.`);

  const allowedOrigins = (env.AUTHHERO_ALLOWED_ORIGINS ?? "").split(",").map((origin) => origin.trim()).filter(Boolean);
  for (const origin of allowedOrigins) {
    if (!isHttpUrl(origin)) problems.push(`\`AUTHHERO_ALLOWED_ORIGINS\` contains \`${origin}\`; each entry must be an origin such as \`https://app.example.com\`.`);
  }

  const regionEndpoints = parseRegionEndpoints(env.AUTHHERO_REGION_ENDPOINTS, problems);
  const consistency = env.AUTHHERO_CONSISTENCY ?? "eventual";
  if (consistency !== "eventual" && consistency !== "strong") {
    problems.push(`\`AUTHHERO_CONSISTENCY\` is \`${consistency}\`; it must be \`eventual\` or \`strong\`.`);
  }
  const assetsUrl = env.AUTHHERO_ASSETS_URL || undefined;
  if (assetsUrl !== undefined && !isHttpUrl(assetsUrl)) problems.push(`\`AUTHHERO_ASSETS_URL\` is \`${assetsUrl}\`; it must be an http(s) URL or unset.`);

  const forwardFailure = {
    codes: readPolicy(env, "AUTHHERO_FORWARD_FAILURE_CODES", "fail", problems),
    refreshTokens: readPolicy(env, "AUTHHERO_FORWARD_FAILURE_REFRESH_TOKENS", "local", problems),
  };
  const replicaLagRetryMs = Number(env.AUTHHERO_REPLICA_LAG_RETRY_MS ?? 1000);
  if (!Number.isInteger(replicaLagRetryMs) || replicaLagRetryMs < 0 || replicaLagRetryMs > 5000) {
    problems.push(`\`AUTHHERO_REPLICA_LAG_RETRY_MS\` is \`${env.AUTHHERO_REPLICA_LAG_RETRY_MS}\`; it must be a whole number of milliseconds from 0 to 5000.`);
  }

  const cacheTtlSeconds = Number(env.AUTHHERO_CACHE_TTL_SECONDS || 30);
  if (!Number.isInteger(cacheTtlSeconds) || cacheTtlSeconds < 0 || cacheTtlSeconds > 300) {
    problems.push(`\`AUTHHERO_CACHE_TTL_SECONDS\` is \`${env.AUTHHERO_CACHE_TTL_SECONDS}\`; it must be a whole number of seconds from 0 (no cache) to 300.`);
  }

  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`\`PORT\` is \`${env.PORT}\`; it must be a TCP port number from 1 to 65535.`);

  const tenantId = env.AUTHHERO_TENANT_ID || undefined;
  // The same rule as the deployment's `tenantId` config key.
  if (tenantId !== undefined && !/^[a-z0-9_-]{1,64}$/.test(tenantId)) {
    problems.push(`\`AUTHHERO_TENANT_ID\` is \`${tenantId}\`; it must be 1 to 64 lowercase letters, digits, \`_\` or \`-\`, such as \`main\`.`);
  }

  const tableName = env.AUTHHERO_TABLE_NAME ?? DEFAULT_TABLE_NAME;
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) problems.push(`\`AUTHHERO_TABLE_NAME\` is \`${tableName}\`; it must be 3 to 255 letters, digits, \`_\`, \`-\` or \`.\`.`);

  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({
    region,
    tableName,
    dynamodbEndpoint: endpoint,
    issuer: issuer.endsWith("/") ? issuer : `${issuer}/`,
    allowedOrigins,
    tenantId,
    regionEndpoints,
    consistency: consistency as AppSettings["consistency"],
    forwardFailure,
    replicaLagRetryMs,
    assetsUrl,
    port,
    cacheTtlSeconds,
  });
}

function readPolicy(env: NodeJS.ProcessEnv, name: string, fallback: ForwardFailurePolicy, problems: string[]): ForwardFailurePolicy {
  const value = env[name] ?? fallback;
  if (value === "fail" || value === "local") return value;
  problems.push(`\`${name}\` is \`${value}\`; it must be \`fail\` (answer 503) or \`local\` (redeem in this region).`);
  return fallback;
}

function parseRegionEndpoints(raw: string | undefined, problems: string[]): Record<string, string> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed) && Object.entries(parsed).every(([region, value]) => REGION_NAME.test(region) && typeof value === "string" && isHttpUrl(value))) {
      return parsed as Record<string, string>;
    }
  } catch {
    // Reported below with the expected form.
  }
  problems.push(`\`AUTHHERO_REGION_ENDPOINTS\` is \`${raw}\`; it must be a JSON object mapping region names to https URLs.`);
  return {};
}

/** Returns whether a value parses as an http or https URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
