/**
 * Runs the real LocalWorkspace against the Pulumi CLI with a file backend in
 * a temporary directory and a passphrase secrets provider. It runs only when
 * `pulumi` is on PATH and is reported as skipped otherwise.
 *
 * The program is a probe that validates the stored config with the
 * program's own readStackConfig() and declares one component, so the
 * preview needs no provider plugin and never calls AWS. The inline and
 * project programs' resources are compared under mocks in
 * local-workspace.test.ts instead.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { classifyError } from "../../../infra/automation/errors.js";
import { createLocalWorkspace, PROJECT_NAME } from "../../../infra/automation/local-workspace.js";
import { previewStack } from "../../../infra/automation/operations.js";
import { secret, toEntries, validateEntries, type StackConfig } from "../../../infra/automation/stack-config.js";
import type { PulumiWorkspace } from "../../../infra/automation/workspace.js";
import { readStackConfig } from "../../../infra/config.js";
import { capturedProgress, PASSWORD, pulumiOnPath } from "./helpers.js";

const CONFIG: StackConfig = {
  regions: ["us-east-1", "eu-west-1"],
  homeRegion: "us-east-1",
  lambda: { memoryMb: 1536 },
  adminEmail: "admin@example.com",
  adminPassword: secret(PASSWORD),
};

async function probeProgram(): Promise<Record<string, unknown>> {
  const config = readStackConfig();
  new pulumi.ComponentResource("authhero-global:test:Probe", "probe", {}, {});
  return { regions: config.regions };
}

describe("LocalWorkspace with the Pulumi CLI", function () {
  this.timeout(180_000);
  let directory: string;
  let workspace: PulumiWorkspace;

  before(function () {
    if (!pulumiOnPath()) {
      this.skip();
    }
    directory = mkdtempSync(join(tmpdir(), "authhero-real-cli-"));
    writeFileSync(join(directory, "Pulumi.yaml"), `name: ${PROJECT_NAME}\nruntime: nodejs\n`);
    workspace = createLocalWorkspace({
      program: "inline",
      workDir: directory,
      inlineProgram: probeProgram,
      secretsProvider: "passphrase",
      envVars: { PULUMI_BACKEND_URL: `file://${directory}`, PULUMI_CONFIG_PASSPHRASE: "automation-test-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true" },
    });
  });

  after(() => {
    if (directory !== undefined) {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("stores typed config and reads it back (skipped unless pulumi is on PATH)", async () => {
    const stack = await workspace.open({ stack: "automation-test", create: true });

    await stack.setConfig(toEntries(CONFIG));

    const stored = await stack.getConfig();
    assert.deepEqual(stored.regions, { value: ["us-east-1", "eu-west-1"], secret: false });
    assert.deepEqual(stored.adminPassword, { value: PASSWORD, secret: true });
    // `config set --path` may store 1536 as text; the program's validator must read it as the number.
    assert.equal(validateEntries(stored, "automation-test").lambda.memoryMb, 1536);
  });

  it("previews with engine events (skipped unless pulumi is on PATH)", async () => {
    const { lines, progress } = capturedProgress();

    const result = await previewStack({ workspace, stack: "automation-test", progress });

    assert.ok(result.events.some((event) => event.preludeEvent !== undefined));
    assert.ok(result.events.some((event) => event.summaryEvent !== undefined));
    assert.ok((result.changes.create ?? 0) >= 1, JSON.stringify(result.changes));
    assert.ok(lines.some((line) => line.includes("authhero-global:test:Probe probe")), lines.join("\n"));
  });

  it("reports a missing stack (skipped unless pulumi is on PATH)", async () => {
    const error = await workspace.open({ stack: "does-not-exist", create: false }).then(() => undefined, (caught: unknown) => caught);

    assert.equal(classifyError(error, "does-not-exist").code, "stackNotFound");
  });
});
