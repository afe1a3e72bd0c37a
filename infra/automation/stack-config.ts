import { CONFIG_KEYS, parseConfig, type DeploymentConfig } from "../config.js";
import type { Region } from "../regions.js";

/** A config value as `pulumi config` stores it: scalars, lists and maps. */
export type ConfigValue = string | number | boolean | readonly ConfigValue[] | { readonly [key: string]: ConfigValue };

/** A value that must be stored encrypted, made with `secret()`. */
export interface SecretValue<T extends ConfigValue = ConfigValue> {
  readonly secret: true;
  readonly value: T;
}

/** Marks `value` to be stored as a Pulumi secret. */
export function secret<T extends ConfigValue>(value: T): SecretValue<T> {
  return { secret: true, value };
}

type Section = { readonly [key: string]: ConfigValue };

/**
 * The stack config this project reads, keyed without the `authhero-global:`
 * prefix. docs/deploying.md lists every key, its default and whether
 * changing it replaces resources; `parseConfig` checks every value. Any key
 * may be wrapped in `secret()`, and `adminPassword` must be.
 */
export interface StackConfig {
  readonly regions?: readonly Region[];
  readonly homeRegion?: Region;
  readonly tableName?: string;
  readonly consistency?: "eventual" | "strong";
  readonly witnessRegion?: Region;
  readonly compute?: "lambda" | "fargate";
  readonly regionOverrides?: Partial<Record<Region, { readonly compute: "lambda" | "fargate" }>>;
  readonly lambda?: Section;
  readonly fargate?: Section;
  readonly logRetentionDays?: number;
  readonly domain?: string;
  readonly hostedZone?: string;
  readonly healthCheck?: Section;
  readonly alarms?: Section;
  readonly throttle?: Section;
  readonly protect?: boolean;
  readonly allowedOrigins?: readonly string[];
  readonly seed?: boolean;
  readonly tenantId?: string;
  readonly adminEmail?: string;
  readonly adminPassword?: SecretValue<string>;
  readonly clientCallbacks?: readonly string[];
  readonly retentionSchedule?: string;
}

/** Fails to compile when StackConfig and CONFIG_KEYS list different keys. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _keysMatch: SameKeys<keyof StackConfig, (typeof CONFIG_KEYS)[number]> = true;
void _keysMatch;

/** One stored config entry, the form the workspace reads and writes. */
export interface ConfigEntry {
  readonly value: ConfigValue;
  readonly secret: boolean;
}

/** Stack config as stored: top-level key (no project prefix) to entry. */
export type ConfigEntries = Readonly<Record<string, ConfigEntry>>;

/** Splits a typed config into stored entries, keeping each secret mark. */
export function toEntries(config: StackConfig): ConfigEntries {
  const entries: Record<string, ConfigEntry> = {};
  for (const [key, value] of Object.entries(config) as [string, ConfigValue | SecretValue | undefined][]) {
    if (value === undefined) {
      continue;
    }
    entries[key] = isSecretValue(value) ? { value: value.value, secret: true } : { value, secret: false };
  }
  return entries;
}

/**
 * Rebuilds a typed config from stored entries. The keys are not checked
 * here; `validateEntries` runs the program's own validator on them.
 */
export function fromEntries(entries: ConfigEntries): StackConfig {
  const config: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(entries)) {
    config[key] = entry.secret ? secret(entry.value) : entry.value;
  }
  return config as StackConfig;
}

/**
 * Validates stored entries with the program's `parseConfig`, the same
 * validator `pulumi up` runs, and returns the parsed config. Throws the
 * program's ConfigError, which lists every problem.
 */
export function validateEntries(entries: ConfigEntries, stack: string): DeploymentConfig {
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    raw[key] = entry.value;
    if (entry.secret) {
      secretKeys.push(key);
    }
  }
  return parseConfig(raw, { stack, secretKeys });
}

/** Validates a typed config with the program's `parseConfig`; see `validateEntries`. */
export function validateStackConfig(config: StackConfig, stack: string): DeploymentConfig {
  return validateEntries(toEntries(config), stack);
}

/**
 * Decodes a value the way `readStackConfig` does: Pulumi returns structured
 * values as JSON text and scalars as plain text.
 */
export function decodeStoredValue(text: string): ConfigValue {
  try {
    return JSON.parse(text) as ConfigValue;
  } catch {
    return text;
  }
}

function isSecretValue(value: ConfigValue | SecretValue): value is SecretValue {
  return typeof value === "object" && !Array.isArray(value) && (value as { secret?: unknown }).secret === true && "value" in value && Object.keys(value).length === 2;
}
