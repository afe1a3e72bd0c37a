import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { LAMBDA_ENTRIES, REPO_ROOT } from "../../infra/bundle.js";
import { recorded, settle, valueOf } from "../setup/pulumi-mocks.js";
import { readStackFile, setStackConfig, TEST_PASSWORD } from "./harness.js";

const missingEntries = Object.values(LAMBDA_ENTRIES).filter((entry) => !existsSync(join(REPO_ROOT, entry)));

describe("program entry", () => {
  if (missingEntries.length > 0) {
    it.skip(`runs infra/index.ts (skipped: ${missingEntries.join(", ")} missing, and the entry bundles app/ for real)`, () => {});
    return;
  }

  it("declares the dev stack and exports its outputs", async () => {
    setStackConfig({ ...readStackFile("dev"), adminPassword: TEST_PASSWORD });

    // ES modules load once per process, so this is the only test that imports the entry.
    const program = await import("../../infra/index.js");
    await settle();

    assert.equal(recorded.filter((resource) => resource.type === "aws:dynamodb/table:Table").length, 1);
    assert.deepEqual(Object.keys(await valueOf(program.endpoints)).sort(), ["eu-west-1", "us-east-1"]);
    assert.equal(await valueOf(program.tableName), "authhero-test");
    assert.match(program.dns, /^Skipped/);
    assert.match(await valueOf(program.dashboardUrl), /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch/);
  });
});
