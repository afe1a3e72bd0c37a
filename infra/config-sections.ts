import type * as pulumi from "@pulumi/pulumi";

import { FieldReader, isPlainObject } from "./config-fields.js";
import { setCommand } from "./config-problems.js";
import { isKnownRegion, type Region } from "./regions.js";

export type Compute = "lambda" | "fargate";

/** Lambda settings; changing any of them updates the function in place. */
export interface LambdaSettings {
  /** Memory in MB; CPU share grows with it. Default 1024. */
  readonly memoryMb: number;
  /** Seconds; at most 29 because an HTTP API stops waiting after 30 s. Default 15. */
  readonly timeoutSeconds: number;
  /** Default arm64, which Lambda bills at a lower GB-second price than x86_64. */
  readonly architecture: "arm64" | "x86_64";
  /** Default nodejs22.x. */
  readonly runtime: "nodejs20.x" | "nodejs22.x";
  /** Reserved concurrency per region; unset leaves the account pool shared. */
  readonly reservedConcurrency: number | undefined;
}

/** Fargate settings; changing them updates the task definition and service. */
export interface FargateSettings {
  /** CPU units per task (1024 = one vCPU). Default 512. */
  readonly cpu: number;
  /** Memory per task in MB. Default 1024. */
  readonly memoryMb: number;
  readonly desiredCount: number;
  readonly minCount: number;
  readonly maxCount: number;
  /** Average CPU percentage the autoscaler keeps the service at. Default 60. */
  readonly cpuTargetPercent: number;
}

export interface HealthCheckSettings {
  /** Path probed on the region-specific host and by ALB target checks. Default /health. */
  readonly path: string;
  /** Route 53 allows only 10 or 30 seconds; 10 costs more. Default 30. */
  readonly intervalSeconds: 10 | 30;
  /** Consecutive failures before Route 53 stops routing to the region. Default 3. */
  readonly failureThreshold: number;
}

export interface AlarmSettings {
  /** Email subscribed to every alarm topic; AWS sends a confirmation mail first. */
  readonly email: string | undefined;
  /** Existing SNS topics, by region, added as actions to that region's alarms. */
  readonly topicArns: Readonly<Partial<Record<Region, string>>>;
  /** Lambda errors per 5 minutes. Default 5. */
  readonly lambdaErrors: number;
  /** Lambda p99 duration in milliseconds. Default 3000. */
  readonly p99DurationMs: number;
  /** HTTP 5xx responses per 5 minutes. Default 10. */
  readonly http5xx: number;
  /** Throttled Lambda invocations or DynamoDB requests per 5 minutes. Default 1. */
  readonly throttles: number;
  /** Replication latency to any other region in milliseconds. Default 60000. */
  readonly replicationLatencyMs: number;
  /** ECS CPU and memory utilization percent. Default 80. */
  readonly utilizationPercent: number;
}

export interface ThrottleSettings {
  /** Requests a regional HTTP API accepts at once. Default 200. */
  readonly burstLimit: number;
  /** Steady requests per second per regional HTTP API. Default 100. */
  readonly rateLimit: number;
  /** Requests per client IP per 5 minutes on a Fargate ALB (WAF rate rule). Default 2000. */
  readonly perClientLimit: number;
}

export interface DomainSettings {
  /** The shared name clients use, for example auth.example.com. */
  readonly name: string;
  /** Route 53 hosted zone id that contains `name`. */
  readonly hostedZoneId: string;
}

export type SeedSettings =
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      readonly tenantId: string;
      readonly adminEmail: string;
      readonly adminPassword: pulumi.Output<string>;
      readonly clientCallbacks: readonly string[];
    };

/**
 * Timeout of the retention function in seconds, Lambda's maximum. The
 * retention schedule may not be shorter, so one sweep ends before the next
 * one starts.
 */
export const RETENTION_TIMEOUT_SECONDS = 900;

/** The retention schedule when `retentionSchedule` is unset. */
export const DEFAULT_RETENTION_SCHEDULE = "rate(1 hour)";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readLambda(reader: FieldReader): LambdaSettings {
  const lambda = reader.section("lambda", ["memoryMb", "timeoutSeconds", "architecture", "runtime", "reservedConcurrency"]);
  return {
    memoryMb: lambda.integer("memoryMb", { fallback: 1024, min: 128, max: 10240, unit: "MB" }),
    timeoutSeconds: lambda.integer("timeoutSeconds", { fallback: 15, min: 1, max: 29, unit: "seconds" }),
    architecture: lambda.oneOf("architecture", ["arm64", "x86_64"] as const, "arm64"),
    runtime: lambda.oneOf("runtime", ["nodejs22.x", "nodejs20.x"] as const, "nodejs22.x"),
    reservedConcurrency: lambda.has("reservedConcurrency")
      ? lambda.integer("reservedConcurrency", { fallback: 100, min: 1, max: 10000, unit: "concurrent executions" })
      : undefined,
  };
}

export function readFargate(reader: FieldReader): FargateSettings {
  const fargate = reader.section("fargate", ["cpu", "memoryMb", "desiredCount", "minCount", "maxCount", "cpuTargetPercent"]);
  const settings = {
    cpu: fargate.oneOf("cpu", [256, 512, 1024, 2048, 4096] as const, 512),
    memoryMb: fargate.integer("memoryMb", { fallback: 1024, min: 512, max: 30720, unit: "MB" }),
    desiredCount: fargate.integer("desiredCount", { fallback: 2, min: 1, max: 100, unit: "tasks" }),
    minCount: fargate.integer("minCount", { fallback: 2, min: 1, max: 100, unit: "tasks" }),
    maxCount: fargate.integer("maxCount", { fallback: 6, min: 1, max: 100, unit: "tasks" }),
    cpuTargetPercent: fargate.integer("cpuTargetPercent", { fallback: 60, min: 10, max: 90, unit: "percent" }),
  };

  const { minCount, desiredCount, maxCount } = settings;
  if (!(minCount <= desiredCount && desiredCount <= maxCount)) {
    reader.problems.addSentence(
      `\`fargate.desiredCount\` must lie between \`fargate.minCount\` and \`fargate.maxCount\`, got min ${minCount}, desired ${desiredCount}, max ${maxCount}. ` +
        `Run \`${setCommand("fargate.desiredCount", String(Math.max(minCount, 1)))}\` or adjust the bounds.`,
    );
  }
  return settings;
}

export function readHealthCheck(reader: FieldReader): HealthCheckSettings {
  const check = reader.section("healthCheck", ["path", "intervalSeconds", "failureThreshold"]);
  return {
    path: check.string("path", { fallback: "/health", pattern: /^\/[A-Za-z0-9/_.-]*$/, expected: "a URL path starting with /", example: "/health" }),
    intervalSeconds: check.oneOf("intervalSeconds", [10, 30] as const, 30),
    failureThreshold: check.integer("failureThreshold", { fallback: 3, min: 1, max: 10, unit: "consecutive failures" }),
  };
}

export function readAlarms(reader: FieldReader, regions: readonly Region[]): AlarmSettings {
  const alarms = reader.section("alarms", [
    "email", "topicArns", "lambdaErrors", "p99DurationMs", "http5xx", "throttles", "replicationLatencyMs", "utilizationPercent",
  ]);
  return {
    email: alarms.string("email", { pattern: EMAIL, expected: "an email address", example: "oncall@example.com" }),
    topicArns: readTopicArns(alarms, regions),
    lambdaErrors: alarms.integer("lambdaErrors", { fallback: 5, min: 1, max: 100000, unit: "errors per 5 minutes" }),
    p99DurationMs: alarms.integer("p99DurationMs", { fallback: 3000, min: 10, max: 900000, unit: "milliseconds" }),
    http5xx: alarms.integer("http5xx", { fallback: 10, min: 1, max: 1000000, unit: "responses per 5 minutes" }),
    throttles: alarms.integer("throttles", { fallback: 1, min: 1, max: 1000000, unit: "throttled requests per 5 minutes" }),
    replicationLatencyMs: alarms.integer("replicationLatencyMs", { fallback: 60000, min: 100, max: 3600000, unit: "milliseconds" }),
    utilizationPercent: alarms.integer("utilizationPercent", { fallback: 80, min: 1, max: 100, unit: "percent" }),
  };
}

function readTopicArns(alarms: FieldReader, regions: readonly Region[]): Partial<Record<Region, string>> {
  const value = alarms.value("topicArns");
  const key = alarms.key("topicArns");
  if (value === undefined) {
    return {};
  }
  if (!isPlainObject(value)) {
    alarms.problems.add(key, value, "a map from region to SNS topic ARN", `Run \`${setCommand(`${key}.us-east-1`, "arn:aws:sns:us-east-1:123456789012:oncall")}\`.`);
    return {};
  }

  const topicArns: Partial<Record<Region, string>> = {};
  for (const [region, arn] of Object.entries(value)) {
    const entryKey = `${key}.${region}`;
    const arnRegion = typeof arn === "string" ? /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[\w-]+$/.exec(arn)?.[1] : undefined;
    if (!isKnownRegion(region) || !regions.includes(region)) {
      alarms.problems.add(entryKey, arn, "keyed by one of the configured regions", `Move it under one of ${regions.join(", ")}.`);
    } else if (arnRegion !== region) {
      // CloudWatch alarms can notify only an SNS topic in their own region.
      alarms.problems.add(entryKey, arn, `an SNS topic ARN in ${region}`, `Run \`${setCommand(entryKey, `arn:aws:sns:${region}:123456789012:oncall`)}\`.`);
    } else {
      topicArns[region] = arn as string;
    }
  }
  return topicArns;
}

export function readThrottle(reader: FieldReader): ThrottleSettings {
  const throttle = reader.section("throttle", ["burstLimit", "rateLimit", "perClientLimit"]);
  return {
    burstLimit: throttle.integer("burstLimit", { fallback: 200, min: 1, max: 5000, unit: "requests" }),
    rateLimit: throttle.integer("rateLimit", { fallback: 100, min: 1, max: 10000, unit: "requests per second" }),
    perClientLimit: throttle.integer("perClientLimit", { fallback: 2000, min: 10, max: 2000000000, unit: "requests per client IP per 5 minutes" }),
  };
}

export function readDomain(reader: FieldReader): DomainSettings | undefined {
  const name = reader.string("domain", { pattern: HOSTNAME, expected: "a lowercase DNS name such as auth.example.com", example: "auth.example.com" });
  const hostedZoneId = reader.string("hostedZone", { pattern: /^Z[A-Z0-9]{1,31}$/, expected: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ", example: "Z0123456789ABCDEFGHIJ" });

  if (reader.has("domain") && !reader.has("hostedZone")) {
    reader.problems.add("hostedZone", undefined, "set when `domain` is set", `Run \`${setCommand("hostedZone", "<zone id of the domain>")}\` or remove \`domain\`.`);
  }
  if (reader.has("hostedZone") && !reader.has("domain")) {
    reader.problems.add("domain", undefined, "set when `hostedZone` is set", `Run \`${setCommand("domain", "auth.example.com")}\` or remove \`hostedZone\`.`);
  }
  return name !== undefined && hostedZoneId !== undefined ? { name, hostedZoneId } : undefined;
}

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

export { EMAIL };

/**
 * Reads `retentionSchedule`, the EventBridge rate expression of the sweep
 * that removes expired items from a strong-consistency table. An eventually
 * consistent table expires items by TTL and runs no sweep, so setting the
 * key there is an error rather than a value silently ignored.
 */
export function readRetentionSchedule(reader: FieldReader, consistency: "eventual" | "strong"): string {
  const value = reader.value("retentionSchedule");
  if (value === undefined || value === "") {
    return DEFAULT_RETENTION_SCHEDULE;
  }
  if (consistency === "eventual") {
    reader.problems.addSentence(
      `\`retentionSchedule\` cannot be set when \`consistency\` is "eventual", got ${JSON.stringify(value)}, because TTL removes expired items and no sweep runs. ` +
        "Run `pulumi config rm retentionSchedule` or set `consistency` to strong.",
    );
    return DEFAULT_RETENTION_SCHEDULE;
  }

  const minimumMinutes = RETENTION_TIMEOUT_SECONDS / 60;
  const minutes = typeof value === "string" ? rateExpressionMinutes(value) : undefined;
  if (minutes === undefined || minutes < minimumMinutes) {
    const expected = `an EventBridge rate expression of at least ${minimumMinutes} minutes such as ${DEFAULT_RETENTION_SCHEDULE}`;
    reader.problems.add("retentionSchedule", value, expected, `Run \`${setCommand("retentionSchedule", `'${DEFAULT_RETENTION_SCHEDULE}'`)}\`.`);
    return DEFAULT_RETENTION_SCHEDULE;
  }
  return value as string;
}

const RATE_EXPRESSION = /^rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)$/;
const MINUTES_PER_UNIT: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440 };

/**
 * Returns the interval of an EventBridge rate expression in minutes, or
 * undefined for one that EventBridge rejects. EventBridge takes a singular
 * unit for a value of 1 and a plural unit for any other value.
 */
function rateExpressionMinutes(expression: string): number | undefined {
  const match = RATE_EXPRESSION.exec(expression);
  if (match === null) {
    return undefined;
  }
  const count = Number(match[1]);
  const unit = match[2]!;
  const isPlural = unit.endsWith("s");
  if (isPlural === (count === 1)) {
    return undefined;
  }
  return count * MINUTES_PER_UNIT[isPlural ? unit.slice(0, -1) : unit]!;
}
