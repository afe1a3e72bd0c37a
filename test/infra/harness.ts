/**
 * Runs the program the way `infra/index.ts` does: stack config goes into the
 * Pulumi runtime, readStackConfig() parses it, deployment() declares the
 * resources against the mocks from test/setup/pulumi-mocks.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

import { deployment, type DeploymentOptions, type DeploymentOutputs } from "../../infra/authhero-global.js";
import { bundleApp, LAMBDA_ENTRIES, REPO_ROOT, type AppBundles } from "../../infra/bundle.js";
import { readStackConfig, type DeploymentConfig } from "../../infra/config.js";
import { MOCK_PROJECT, recorded, registeredUrns, resetRecorded, settle, valueOf, type RecordedResource } from "../setup/pulumi-mocks.js";

export const TEST_PASSWORD = "correct-horse-battery-staple";

/** Placeholder code for when app/ has no Lambda entries yet; the mocks never read it. */
const PLACEHOLDER_BUNDLES: AppBundles = {
  api: { directory: "(placeholder)", bytes: 0, archive: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset("export const handler = async () => ({ statusCode: 503 });") }) },
  seed: { directory: "(placeholder)", bytes: 0, archive: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset("export const handler = async () => ({});") }) },
  retention: { directory: "(placeholder)", bytes: 0, archive: new pulumi.asset.AssetArchive({ "index.mjs": new pulumi.asset.StringAsset("export const handler = async () => ({ removed: 0 });") }) },
};

/** True when every Lambda entry file exists, so the real bundle can be built. */
export function lambdaEntriesExist(): boolean {
  return Object.values(LAMBDA_ENTRIES).every((entry) => existsSync(join(REPO_ROOT, entry)));
}

/** Returns the real esbuild bundles when app/ provides the entries, else placeholders. */
export function testBundles(): AppBundles {
  return lambdaEntriesExist() ? bundleApp() : PLACEHOLDER_BUNDLES;
}

/** Returns a small valid stack config: two regions on Lambda, no domain. */
export function baseConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    regions: ["us-east-1", "eu-west-1"],
    homeRegion: "us-east-1",
    adminEmail: "admin@example.com",
    adminPassword: TEST_PASSWORD,
    ...overrides,
  };
}

/** Adds a domain and hosted zone to a config. */
export function withDomain(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, domain: "auth.example.com", hostedZone: "Z0123456789ABCDEFGHIJ" };
}

/**
 * Stores `config` as the stack config the CLI would pass. Structured values
 * become JSON text, as `pulumi config set --path` produces them, and
 * adminPassword is marked secret unless `secretKeys` lists other keys.
 */
export function setStackConfig(config: Record<string, unknown>, secretKeys: readonly string[] = ["adminPassword"]): void {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${MOCK_PROJECT}:${key}`;
    values[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(values, secretKeys.map((key) => `${MOCK_PROJECT}:${key}`));
}

/** Parses config the way the program does. */
export function loadConfig(config: Record<string, unknown>, secretKeys?: readonly string[]): DeploymentConfig {
  setStackConfig(config, secretKeys);
  return readStackConfig();
}

export interface Run {
  readonly config: DeploymentConfig;
  readonly outputs: DeploymentOutputs;
  readonly resources: readonly RecordedResource[];
  /** URNs the mock monitor registered, sorted. */
  readonly urns: readonly string[];
}

/**
 * Clears the mock record, parses `config`, declares the deployment and waits
 * until every resource is registered.
 */
export async function run(config: Record<string, unknown>, options: Omit<DeploymentOptions, "bundles"> = {}): Promise<Run> {
  resetRecorded();
  const parsed = loadConfig(config);
  const outputs = deployment(parsed, { ...options, bundles: testBundles() });

  // The outputs depend on most resources, so resolving them first makes settle() a short final wait.
  await Promise.all([outputs.endpoints, outputs.dashboardUrl, outputs.healthCheckIds, outputs.replicaArns, outputs.assetsUrl].map((output) => valueOf<unknown>(output)));
  await settle();
  return { config: parsed, outputs, resources: [...recorded], urns: registeredUrns() };
}

/** Reads `Pulumi.<stack>.yaml` from the repository root as a config object. */
export function readStackFile(stack: string): Record<string, unknown> {
  const text = readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const document = parseYaml(text) as { config?: Record<string, unknown> };
  return document.config ?? {};
}

/** Resources of `type` in the run, optionally only those in `region`. */
export function resourcesOf(resources: readonly RecordedResource[], type: string, region?: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type && (region === undefined || resource.region === region));
}
