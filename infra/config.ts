import * as pulumi from "@pulumi/pulumi";

import { FieldReader, isPlainObject, type RawConfig } from "./config-fields.js";
import { ProblemList, setCommand } from "./config-problems.js";
import {
  EMAIL,
  isHttpsUrl,
  readAlarms,
  readDomain,
  readFargate,
  readHealthCheck,
  readLambda,
  readRetentionSchedule,
  readThrottle,
  type AlarmSettings,
  type Compute,
  type DomainSettings,
  type FargateSettings,
  type HealthCheckSettings,
  type LambdaSettings,
  type SeedSettings,
  type ThrottleSettings,
} from "./config-sections.js";
import { readHomeRegion, readRegions, readWitness } from "./config-regions.js";
import { isKnownRegion, type Region } from "./regions.js";

export { ConfigError } from "./config-problems.js";
export type * from "./config-sections.js";

/** Every top-level key this project reads from Pulumi.<stack>.yaml. */
export const CONFIG_KEYS = [
  "regions", "homeRegion", "tableName", "consistency", "witnessRegion", "compute", "regionOverrides",
  "lambda", "fargate", "logRetentionDays", "domain", "hostedZone", "healthCheck", "alarms", "throttle",
  "protect", "allowedOrigins", "seed", "tenantId", "adminEmail", "adminPassword", "clientCallbacks", "retentionSchedule",
] as const;

/** CloudWatch Logs accepts only these retention periods, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The validated stack configuration. Components receive parts of it and never read Pulumi config. */
export interface DeploymentConfig {
  readonly stack: string;
  /** Active regions. Order carries no meaning. */
  readonly regions: readonly Region[];
  /** Region that declares the table; changing it replaces the table. */
  readonly homeRegion: Region;
  /** Physical table name; changing it replaces the table. Default `authhero-<stack>`. */
  readonly tableName: string;
  readonly consistency: "eventual" | "strong";
  /** MRSC witness region, only with two strong-consistency regions. */
  readonly witnessRegion: Region | undefined;
  /** Compute per active region after `regionOverrides`. */
  readonly computeByRegion: Readonly<Partial<Record<Region, Compute>>>;
  readonly lambda: LambdaSettings;
  readonly fargate: FargateSettings;
  /** Days of log retention for Lambda and ECS logs. Default 30. */
  readonly logRetentionDays: number;
  readonly domain: DomainSettings | undefined;
  readonly healthCheck: HealthCheckSettings;
  readonly alarms: AlarmSettings;
  readonly throttle: ThrottleSettings;
  /** Sets Pulumi `protect` on the table and asset bucket. PITR and deletion protection are on regardless. */
  readonly protect: boolean;
  /** Browser origins the app allows through CORS. */
  readonly allowedOrigins: readonly string[];
  readonly tenantId: string;
  readonly seed: SeedSettings;
  /**
   * EventBridge rate expression of the sweep that removes expired items,
   * which runs only when `consistency` is strong. Default rate(1 hour).
   */
  readonly retentionSchedule: string;
}

export interface ParseContext {
  readonly stack: string;
  /** Keys (without the project prefix) whose values were stored as secrets. */
  readonly secretKeys: readonly string[];
}

/**
 * Reads this project's keys from the running stack's config and validates
 * them. This is the only place that reads Pulumi config.
 */
export function readStackConfig(): DeploymentConfig {
  const prefix = `${pulumi.getProject()}:`;
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];

  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) {
      continue;
    }
    const key = fullKey.slice(prefix.length);
    raw[key] = decodeConfigValue(value);
    if (isConfigSecret(fullKey)) {
      secretKeys.push(key);
    }
  }
  return parseConfig(raw, { stack: pulumi.getStack(), secretKeys });
}

/**
 * Reports whether the CLI stored `fullKey` as a secret. @pulumi/pulumi 3.x
 * exports this function at runtime but marks it internal, so it has no type.
 */
function isConfigSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  if (runtime.isConfigSecret === undefined) {
    throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret; readStackConfig needs another way to detect secret keys");
  }
  return runtime.isConfigSecret(fullKey);
}

/**
 * Decodes one value as the CLI passes it: lists and objects arrive as JSON
 * text, scalars as plain text. Scalars stay text, so a password or tenant id
 * made of digits is not turned into a number; the field readers accept
 * numbers and booleans written as text.
 */
function decodeConfigValue(value: string): unknown {
  if (!value.startsWith("[") && !value.startsWith("{")) {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Validates raw config, fills defaults and returns a frozen object, or throws
 * one ConfigError that lists every problem. Declares no resources.
 */
export function parseConfig(raw: RawConfig, context: ParseContext): DeploymentConfig {
  const reader = new FieldReader(raw, new ProblemList());
  reader.rejectUnknownKeys(CONFIG_KEYS);

  const regions = readRegions(reader);
  const homeRegion = readHomeRegion(reader, regions);
  const consistency = reader.oneOf("consistency", ["eventual", "strong"] as const, "eventual");
  const witnessRegion = readWitness(reader, regions, consistency);
  const tenantId = reader.string("tenantId", { fallback: "main", pattern: /^[a-z0-9_-]{1,64}$/, expected: "1 to 64 lowercase letters, digits, _ or -", example: "main" });

  const config: DeploymentConfig = {
    stack: context.stack,
    regions,
    // The fallback never escapes: a missing home region is already a recorded problem.
    homeRegion: homeRegion ?? "us-east-1",
    tableName: reader.string("tableName", { fallback: `authhero-${context.stack}`, pattern: /^[A-Za-z0-9_.-]{3,255}$/, expected: "3 to 255 letters, digits, _, . or -", example: "authhero-prod" }),
    consistency,
    witnessRegion,
    computeByRegion: readComputeByRegion(reader, regions),
    lambda: readLambda(reader),
    fargate: readFargate(reader),
    logRetentionDays: reader.oneOf("logRetentionDays", LOG_RETENTION_DAYS, 30),
    domain: readDomain(reader),
    healthCheck: readHealthCheck(reader),
    alarms: readAlarms(reader, regions),
    throttle: readThrottle(reader),
    protect: reader.boolean("protect", false),
    allowedOrigins: reader.stringList("allowedOrigins", { expectedItem: "an https origin such as https://app.example.com", example: "https://app.example.com", isValid: isHttpsOrigin }),
    tenantId,
    seed: readSeed(reader, context, tenantId),
    retentionSchedule: readRetentionSchedule(reader, consistency),
  };

  requireDomainForFargate(reader, config);
  reader.problems.throwIfAny();
  return deepFreeze(config);
}

function readComputeByRegion(reader: FieldReader, regions: readonly Region[]): Partial<Record<Region, Compute>> {
  const fallback = reader.oneOf("compute", ["lambda", "fargate"] as const, "lambda");
  const computeByRegion: Partial<Record<Region, Compute>> = Object.fromEntries(regions.map((region) => [region, fallback]));

  const overrides = reader.value("regionOverrides");
  if (overrides === undefined) {
    return computeByRegion;
  }
  if (!isPlainObject(overrides)) {
    reader.problems.add("regionOverrides", overrides, "a map from region to overrides", `Run \`${setCommand("regionOverrides.eu-west-1.compute", "fargate")}\`.`);
    return computeByRegion;
  }

  for (const region of Object.keys(overrides)) {
    if (!isKnownRegion(region) || !regions.includes(region)) {
      reader.problems.add(`regionOverrides.${region}`, overrides[region], "keyed by one of the configured regions", `Move it under one of ${regions.join(", ")} or remove it with \`pulumi config rm --path 'regionOverrides.${region}'\`.`);
      continue;
    }
    const override = new FieldReader(overrides, reader.problems, "regionOverrides").section(region, ["compute"]);
    computeByRegion[region] = override.oneOf("compute", ["lambda", "fargate"] as const, fallback);
  }
  return computeByRegion;
}

/** An ALB's own DNS name has no TLS certificate, and the issuer must be an https URL. */
function requireDomainForFargate(reader: FieldReader, config: DeploymentConfig): void {
  const fargateRegions = config.regions.filter((region) => config.computeByRegion[region] === "fargate");
  if (fargateRegions.length > 0 && config.domain === undefined && !reader.has("domain")) {
    reader.problems.add("domain", undefined, `set when any region runs on Fargate (${fargateRegions.join(", ")})`, `Run \`${setCommand("domain", "auth.example.com")}\` and set \`hostedZone\`, or use compute lambda there.`);
  }
}

function readSeed(reader: FieldReader, context: ParseContext, tenantId: string): SeedSettings {
  if (!reader.boolean("seed", true)) {
    return { enabled: false };
  }

  const adminEmail = reader.string("adminEmail", { pattern: EMAIL, expected: "an email address", example: "admin@example.com" });
  if (adminEmail === undefined && !reader.has("adminEmail")) {
    reader.problems.add("adminEmail", undefined, "set while `seed` is true", `Run \`${setCommand("adminEmail", "admin@example.com")}\`, or \`pulumi config set seed false\` to skip seeding.`);
  }

  const password = reader.value("adminPassword");
  const setSecret = "Run `pulumi config set --secret adminPassword <password>`";
  if (password === undefined || password === "") {
    reader.problems.addSentence(`\`adminPassword\` is missing, and seeding needs it to create the admin user. ${setSecret}, or \`pulumi config set seed false\` to skip seeding.`);
  } else if (typeof password !== "string" || password.length < 12) {
    reader.problems.addSentence(`\`adminPassword\` must be a string of at least 12 characters, got one of ${String(password).length}. ${setSecret}.`);
  } else if (!context.secretKeys.includes("adminPassword")) {
    reader.problems.addSentence(`\`adminPassword\` must be stored as a secret, but it is stored as plain text. ${setSecret}.`);
  }

  const clientCallbacks = reader.stringList("clientCallbacks", { expectedItem: "an https URL", example: "https://app.example.com/callback", isValid: isHttpsUrl });
  return {
    enabled: true,
    tenantId,
    adminEmail: adminEmail ?? "",
    adminPassword: pulumi.secret(typeof password === "string" ? password : ""),
    clientCallbacks,
  };
}

function isHttpsOrigin(value: string): boolean {
  return isHttpsUrl(value) && new URL(value).origin === value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !pulumi.Output.isInstance(value)) {
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
    Object.freeze(value);
  }
  return value;
}
