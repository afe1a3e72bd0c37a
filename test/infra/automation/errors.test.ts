import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { classifyError, EXIT_CODES, ToolError } from "../../../infra/automation/errors.js";
import { createLocalWorkspace } from "../../../infra/automation/local-workspace.js";
import { ConfigError } from "../../../infra/config.js";
import { ERRORS } from "./fake-workspace.js";
import { pulumiOnPath } from "./helpers.js";

describe("classifyError", () => {
  const cases: [string, () => Error, keyof typeof EXIT_CODES, RegExp][] = [
    ["a missing Pulumi CLI", ERRORS.cliMissing, "pulumiCliMissing", /^The Pulumi CLI was not found on PATH\. Install it/],
    ["a locked file backend", ERRORS.concurrentFileBackend, "concurrentUpdate", /^Stack "prod" is locked by another update\./],
    ["a Pulumi Cloud conflict", ERRORS.concurrentCloud, "concurrentUpdate", /^Stack "prod" is locked by another update\./],
    ["a missing stack", () => ERRORS.stackNotFound("prod"), "stackNotFound", /^Stack "prod" was not found/],
    ["missing AWS credentials", ERRORS.awsCredentials, "missingCredentials", /^AWS credentials are missing or expired\. Set AWS_PROFILE/],
    ["a missing Pulumi login", ERRORS.pulumiLogin, "missingCredentials", /^The Pulumi CLI is not logged in to a backend\. Run `pulumi login`/],
    ["a missing passphrase", ERRORS.passphrase, "missingCredentials", /^The stack's secrets passphrase is missing or wrong\. Set PULUMI_CONFIG_PASSPHRASE/],
    ["a protected resource", ERRORS.protectedResource, "rejected", /^Deleting a protected resource of stack "prod" failed because Pulumi rejects deleting resources marked `protect`\./],
  ];

  for (const [description, makeError, code, message] of cases) {
    it(`maps ${description}`, () => {
      const error = classifyError(makeError(), "prod");

      assert.equal(error.code, code);
      assert.equal(error.exitCode, EXIT_CODES[code]);
      assert.match(error.message, message);
    });
  }

  it("maps a spawn ENOENT error", () => {
    const spawnError = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });

    assert.equal(classifyError(spawnError, "prod").code, "pulumiCliMissing");
  });

  it("maps a ConfigError to invalid config", () => {
    const error = classifyError(new ConfigError(["`regions` must be a non-empty list."]), "prod");

    assert.equal(error.exitCode, 3);
    assert.equal(error.message, "Invalid stack configuration (1 problem):\n  - `regions` must be a non-empty list.\nNothing was changed. Fix the config and run the command again.");
  });

  it("keeps the stderr of an unknown failure", () => {
    const error = classifyError(new Error("code: 255\n stdout: \n stderr: error: update failed\n err?: \n"), "prod");

    assert.equal(error.code, "failed");
    assert.equal(error.exitCode, 1);
    assert.equal(error.message, "The Pulumi operation on stack \"prod\" failed: error: update failed");
  });

  it("returns a ToolError unchanged", () => {
    const original = new ToolError("usage", "bad");

    assert.equal(classifyError(original, "prod"), original);
  });

  it("keeps the original error as cause", () => {
    const original = ERRORS.awsCredentials();

    assert.equal(classifyError(original, "prod").cause, original);
  });
});

describe("LocalWorkspace without the Pulumi CLI", () => {
  it("reports the missing CLI with exit code 8", async function () {
    if (pulumiOnPath()) {
      this.skip();
    }
    const workDir = mkdtempSync(join(tmpdir(), "authhero-automation-"));
    try {
      const workspace = createLocalWorkspace({ program: "inline", workDir });

      const error = await workspace.open({ stack: "dev", create: false }).then(() => undefined, (caught: unknown) => caught);

      assert.equal(classifyError(error, "dev").exitCode, 8);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
