import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse as parseYaml } from "yaml";

import { PROJECT_NAME, toPathConfig } from "../../../infra/automation/local-workspace.js";
import { decodeStoredValue, fromEntries, secret, toEntries, validateStackConfig, type StackConfig } from "../../../infra/automation/stack-config.js";
import { REPO_ROOT } from "../../../infra/bundle.js";
import type { DeploymentConfig } from "../../../infra/config.js";
import { PASSWORD } from "./helpers.js";

const CONFIG: StackConfig = {
  regions: ["us-east-1", "eu-west-1"],
  homeRegion: "us-east-1",
  regionOverrides: { "eu-west-1": { compute: "lambda" } },
  lambda: { memoryMb: 1536, architecture: "arm64" },
  protect: true,
  adminEmail: "admin@example.com",
  adminPassword: secret(PASSWORD),
};

describe("stack config entries", () => {
  it("marks only secret values as secret", () => {
    const entries = toEntries(CONFIG);

    assert.deepEqual(entries.adminPassword, { value: PASSWORD, secret: true });
    assert.deepEqual(entries.lambda, { value: { memoryMb: 1536, architecture: "arm64" }, secret: false });
    assert.equal(Object.values(entries).filter((entry) => entry.secret).length, 1);
  });

  it("round-trips through fromEntries", () => {
    assert.deepEqual(fromEntries(toEntries(CONFIG)), CONFIG);
  });

  it("validates with the program's parseConfig", () => {
    const parsed = validateStackConfig(CONFIG, "prod");

    assert.equal(parsed.tableName, "authhero-prod");
    assert.deepEqual(parsed.regions, ["us-east-1", "eu-west-1"]);
    assert.equal(parsed.lambda.memoryMb, 1536);
  });

  it("decodes stored values as readStackConfig does", () => {
    assert.deepEqual(decodeStoredValue("[\"us-east-1\"]"), ["us-east-1"]);
    assert.equal(decodeStoredValue("true"), true);
    assert.equal(decodeStoredValue("us-east-1"), "us-east-1");
  });
});

describe("toPathConfig", () => {
  it("flattens lists and maps into --path keys, keeping secrets", () => {
    assert.deepEqual(toPathConfig(toEntries(CONFIG)), {
      "regions[0]": { value: "us-east-1", secret: false },
      "regions[1]": { value: "eu-west-1", secret: false },
      homeRegion: { value: "us-east-1", secret: false },
      "regionOverrides.eu-west-1.compute": { value: "lambda", secret: false },
      "lambda.memoryMb": { value: "1536", secret: false },
      "lambda.architecture": { value: "arm64", secret: false },
      protect: { value: "true", secret: false },
      adminEmail: { value: "admin@example.com", secret: false },
      adminPassword: { value: PASSWORD, secret: true },
    });
  });

  it("quotes map keys that are not plain names", () => {
    assert.deepEqual(toPathConfig({ alarms: { value: { "odd.key": 1 }, secret: false } }), { 'alarms["odd.key"]': { value: "1", secret: false } });
  });

  it("produces text the program parses back to the same config", () => {
    // pulumi config set --path stores scalars as text; parseConfig must accept that text.
    const flattened = toPathConfig(toEntries(CONFIG));
    const fromText: StackConfig = {
      ...CONFIG,
      lambda: { memoryMb: flattened["lambda.memoryMb"]!.value, architecture: "arm64" },
      protect: flattened.protect!.value as unknown as boolean,
    };

    assert.deepEqual(withoutPassword(validateStackConfig(fromText, "prod")), withoutPassword(validateStackConfig(CONFIG, "prod")));
  });
});

/** Returns the parsed config without the admin password, an Output that deepEqual cannot compare. */
function withoutPassword(config: DeploymentConfig): unknown {
  return { ...config, seed: { ...config.seed, adminPassword: undefined } };
}

describe("PROJECT_NAME", () => {
  it("matches the name in Pulumi.yaml", () => {
    const project = parseYaml(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string };

    assert.equal(PROJECT_NAME, project.name);
  });
});
