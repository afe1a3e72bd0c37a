import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { inlineProgram } from "../../../infra/automation/local-workspace.js";
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
    await settle();

    assert.deepEqual(registeredUrns(), expected);
  });
});
