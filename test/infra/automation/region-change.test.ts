import assert from "node:assert/strict";

import { ToolError } from "../../../infra/automation/errors.js";
import { addRegion, removeRegion, withRegionChanged } from "../../../infra/automation/region-change.js";
import { ERRORS } from "./fake-workspace.js";
import { addRegionPreview, addRegionUp, otherRegionPreview, removeRegionPreview, tableDeletePreview, tableReplacePreview } from "./fixtures/previews.js";
import { capturedProgress, fakeWithProd, prodEntries } from "./helpers.js";

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ToolError, `expected a ToolError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the operation to be rejected");
}

describe("addRegion", () => {
  it("validates, previews, reports and then runs up", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview], up: [addRegionUp] };
    const { lines, progress } = capturedProgress();

    const result = await addRegion({ workspace, stack: "prod", progress }, { region: "ap-southeast-2" });

    assert.equal(result.applied, true);
    assert.deepEqual(workspace.calls.map((call) => call.method), ["open", "getConfig", "setConfig", "preview", "up", "outputs"]);
    assert.deepEqual(state.config.regions?.value, ["us-east-1", "eu-west-1", "ap-southeast-2"]);
    assert.equal(state.config.adminPassword?.secret, true);
    const summaryIndex = lines.findIndex((line) => line.startsWith("Summary:"));
    const upIndex = lines.indexOf("==> up of stack prod");
    assert.ok(summaryIndex >= 0, "a preview summary was printed");
    assert.ok(summaryIndex < upIndex, "the preview summary precedes up");
    assert.ok(lines.includes("   ap-southeast-2 (the region being added): 10 create"));
    assert.ok(lines.includes("   eu-west-1: 2 update, 1 replace"));
  });

  it("runs the preview against the new config", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview], up: [addRegionUp] };

    await addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" });

    const preview = workspace.callsOf("preview")[0]?.args as { config: Record<string, { value: unknown }> };
    assert.deepEqual(preview.config.regions?.value, ["us-east-1", "eu-west-1", "ap-southeast-2"]);
  });

  it("rejects a table replacement and restores the config", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [tableReplacePreview] };

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.equal(error.code, "rejected");
    assert.equal(error.exitCode, 4);
    assert.equal(error.message, [
      "Adding ap-southeast-2 was rejected because the preview of stack \"prod\" shows 2 unsafe steps:",
      "  - The table authhero-us-east-1-table would be replaced (changes name, replicas), and a region change must never replace or delete it.",
      "  - The table authhero-us-east-1-table would be deleted (changes name, replicas), and a region change must never replace or delete it.",
      "The stored config was restored and nothing was changed. Review the change with `pulumi preview --diff` before applying it by hand.",
    ].join("\n"));
    assert.deepEqual(state.config, prodEntries());
    assert.equal(workspace.callsOf("up").length, 0);
  });

  it("rejects changes in other regions", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [otherRegionPreview] };

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.match(error.message, /^Adding ap-southeast-2 was rejected because the preview of stack "prod" shows 2 unsafe steps:\n/);
    assert.match(error.message, /authhero-eu-west-1-alb \(eu-west-1\) would be replaced \(changes subnets\)/);
    assert.deepEqual(state.config, prodEntries());
    assert.equal(workspace.callsOf("up").length, 0);
  });

  it("rejects an invalid config before touching the stack", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "mars-east-1" }));

    assert.equal(error.code, "invalidConfig");
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /`regions\[2\]` must be a known AWS region name such as eu-west-1, got "mars-east-1"\./);
    assert.deepEqual(workspace.calls.map((call) => call.method), ["open", "getConfig"]);
  });

  it("rejects a strong-consistency stack growing past three regions", async () => {
    const { workspace } = fakeWithProd(prodEntries({
      regions: { value: ["us-east-1", "us-east-2", "us-west-2"], secret: false },
      consistency: { value: "strong", secret: false },
      regionOverrides: { value: {}, secret: false },
    }));

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "eu-west-1" }));

    assert.equal(error.code, "invalidConfig");
    assert.match(error.message, /`regions` must be all in one multi-Region strong consistency region set/);
    assert.equal(workspace.callsOf("setConfig").length, 0);
  });

  it("rejects a region already listed", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "eu-west-1" }));

    assert.equal(error.message, "`regions` already contains \"eu-west-1\", so there is nothing to add. Nothing was changed.");
    assert.equal(error.exitCode, 3);
  });

  it("stops after the preview when previewOnly is set", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview] };

    const result = await addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2", previewOnly: true });

    assert.equal(result.applied, false);
    assert.deepEqual(state.config, prodEntries());
    assert.equal(workspace.callsOf("up").length, 0);
  });

  it("restores the config when the preview fails", async () => {
    const { workspace, state } = fakeWithProd();
    state.errors = { preview: ERRORS.awsCredentials() };

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.equal(error.code, "missingCredentials");
    assert.deepEqual(state.config, prodEntries());
  });

  it("keeps the new config when up fails", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview] };
    state.errors = { up: ERRORS.concurrentCloud() };

    const error = await rejection(addRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.equal(error.code, "concurrentUpdate");
    assert.deepEqual(state.config.regions?.value, ["us-east-1", "eu-west-1", "ap-southeast-2"]);
  });

  it("reports a missing stack", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(addRegion({ workspace, stack: "staging" }, { region: "ap-southeast-2" }));

    assert.equal(error.code, "stackNotFound");
    assert.equal(error.exitCode, 5);
  });
});

describe("removeRegion", () => {
  const threeRegions = () => prodEntries({
    regions: { value: ["us-east-1", "eu-west-1", "ap-southeast-2"], secret: false },
    regionOverrides: { value: { "eu-west-1": { compute: "fargate" }, "ap-southeast-2": { compute: "lambda" } }, secret: false },
    alarms: { value: { email: "oncall@example.com", topicArns: { "ap-southeast-2": "arn:aws:sns:ap-southeast-2:123456789012:oncall" } }, secret: false },
  });

  it("removes the region and its per-region entries", async () => {
    const { workspace, state } = fakeWithProd(threeRegions());
    state.events = { preview: [removeRegionPreview], up: [addRegionUp] };

    const result = await removeRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" });

    assert.equal(result.applied, true);
    assert.deepEqual(state.config.regions?.value, ["us-east-1", "eu-west-1"]);
    assert.deepEqual(state.config.regionOverrides?.value, { "eu-west-1": { compute: "fargate" } });
    assert.deepEqual(state.config.alarms?.value, { email: "oncall@example.com" });
  });

  it("rejects deleting the table", async () => {
    const { workspace, state } = fakeWithProd(threeRegions());
    state.events = { preview: [tableDeletePreview] };

    const error = await rejection(removeRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.match(error.message, /^Removing ap-southeast-2 was rejected because the preview of stack "prod" shows an unsafe step:\n  - The table authhero-us-east-1-table would be deleted, and a region change must never replace or delete it\.\n/);
    assert.deepEqual(state.config, threeRegions());
  });

  it("rejects removing the home region through the program's validator", async () => {
    const { workspace } = fakeWithProd(threeRegions());

    const error = await rejection(removeRegion({ workspace, stack: "prod" }, { region: "us-east-1" }));

    assert.equal(error.code, "invalidConfig");
    assert.match(error.message, /`homeRegion` must be one of the configured regions \(eu-west-1, ap-southeast-2\), got "us-east-1"\./);
  });

  it("rejects a region that is not listed", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(removeRegion({ workspace, stack: "prod" }, { region: "ap-southeast-2" }));

    assert.equal(error.message, "`regions` does not contain \"ap-southeast-2\" (it lists us-east-1, eu-west-1), so there is nothing to remove. Nothing was changed.");
  });
});

describe("withRegionChanged", () => {
  it("drops a regionOverrides map that becomes empty", () => {
    const entries = prodEntries({ regionOverrides: { value: { "eu-west-1": { compute: "fargate" } }, secret: false }, homeRegion: { value: "us-east-1", secret: false } });

    const next = withRegionChanged(entries, { kind: "remove", region: "eu-west-1" });

    assert.equal(next.regionOverrides, undefined);
    assert.deepEqual(next.regions?.value, ["us-east-1"]);
  });

  it("leaves the input entries unchanged", () => {
    const entries = prodEntries();

    withRegionChanged(entries, { kind: "add", region: "ap-southeast-2" });

    assert.deepEqual(entries, prodEntries());
  });
});
