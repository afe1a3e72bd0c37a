import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { Stack } from "@pulumi/pulumi/automation";

import { inlineProgram, LocalStack } from "../../../infra/automation/local-workspace.js";
import { REPO_ROOT } from "../../../infra/bundle.js";
import { registeredUrns, resetRecorded, settle } from "../../setup/pulumi-mocks.js";
import { baseConfig, lambdaEntriesExist, run, setStackConfig } from "../harness.js";

/** Names `infra/index.ts` exports with `export const`, which are the project program's outputs. */
function entryExports(): string[] {
  const source = readFileSync(join(REPO_ROOT, "infra/index.ts"), "utf8");
  return [...source.matchAll(/^export const (\w+)/gm)].map((match) => match[1] ?? "").sort();
}

describe("inlineProgram", () => {
  if (!lambdaEntriesExist()) {
    it.skip("matches infra/index.ts (skipped: app/ has no Lambda entries to bundle)", () => {});
    return;
  }

  it("exports the same outputs as infra/index.ts", async function () {
    // inlineProgram bundles app/ with esbuild, which takes several seconds.
    this.timeout(120_000);
    resetRecorded();
    setStackConfig(baseConfig());

    const outputs = await inlineProgram();
    await settle();

    assert.deepEqual(Object.keys(outputs).sort(), entryExports());
  });

  it("declares the same resources as deployment(readStackConfig())", async function () {
    this.timeout(120_000);
    const expected = (await run(baseConfig())).urns;
    resetRecorded();
    setStackConfig(baseConfig());

    await inlineProgram();
    await settleAt(expected.length);

    assert.deepEqual(registeredUrns(), expected);
  });
});

/**
 * Waits for registrations to settle, then up to 5 s more while fewer than
 * `count` are registered. settle() alone can return early on a loaded machine,
 * when registration pauses for longer than its quiet period.
 */
async function settleAt(count: number): Promise<void> {
  await settle();
  const deadline = Date.now() + 5000;
  while (registeredUrns().length < count && Date.now() < deadline) {
    await settle();
  }
}

/** Records the Automation API Stack calls LocalStack makes, over an in-memory config. */
function recordingStack(stored: Record<string, { value: string; secret?: boolean }>) {
  const calls: unknown[][] = [];
  const stack = {
    name: "prod",
    workspace: {
      removeAllConfig: async (stackName: string, keys: string[]) => {
        calls.push(["removeAllConfig", stackName, keys]);
      },
    },
    getAllConfig: async () => stored,
    setAllConfig: async (config: Record<string, unknown>, path: boolean) => {
      calls.push(["setAllConfig", config, path]);
    },
  };
  return { calls, stack: new LocalStack(stack as unknown as Stack) };
}

describe("LocalStack config", () => {
  it("reads this project's keys and decodes them", async () => {
    const { stack } = recordingStack({
      "authhero-global:regions": { value: "[\"us-east-1\"]" },
      "authhero-global:adminPassword": { value: "s3cret-password", secret: true },
      "aws:region": { value: "us-east-1" },
    });

    assert.deepEqual(await stack.getConfig(), {
      regions: { value: ["us-east-1"], secret: false },
      adminPassword: { value: "s3cret-password", secret: true },
    });
  });

  it("removes dropped and structured keys, then sets path keys", async () => {
    const { calls, stack } = recordingStack({
      "authhero-global:regions": { value: "[\"us-east-1\",\"eu-west-1\"]" },
      "authhero-global:homeRegion": { value: "us-east-1" },
      "authhero-global:tenantId": { value: "main" },
    });

    await stack.setConfig({ regions: { value: ["us-east-1"], secret: false }, homeRegion: { value: "us-east-1", secret: false } });

    assert.deepEqual(calls, [
      ["removeAllConfig", "prod", ["regions", "tenantId"]],
      ["setAllConfig", { "regions[0]": { value: "us-east-1", secret: false }, homeRegion: { value: "us-east-1", secret: false } }, true],
    ]);
  });
});
