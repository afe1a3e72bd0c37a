import assert from "node:assert/strict";

import { ToolError } from "../../../infra/automation/errors.js";
import { deployStack, destroyStack, previewStack, refreshStack, stackOutputs } from "../../../infra/automation/operations.js";
import { secret, type StackConfig } from "../../../infra/automation/stack-config.js";
import { ERRORS } from "./fake-workspace.js";
import { addRegionPreview, addRegionUp } from "./fixtures/previews.js";
import { capturedProgress, fakeWithProd, PASSWORD, prodEntries } from "./helpers.js";

const CONFIG: StackConfig = {
  regions: ["us-east-1", "eu-west-1"],
  homeRegion: "us-east-1",
  adminEmail: "admin@example.com",
  adminPassword: secret(PASSWORD),
  lambda: { memoryMb: 1536 },
};

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ToolError, `expected a ToolError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the operation to be rejected");
}

describe("deployStack", () => {
  it("creates the stack, stores typed config with secrets marked and runs up", async () => {
    const { workspace } = fakeWithProd();
    workspace.stacks.get("prod")!.events = { up: [addRegionUp] };

    const result = await deployStack({ workspace, stack: "dev" }, { config: CONFIG });

    assert.deepEqual(workspace.callsOf("open")[0]?.args, { stack: "dev", create: true });
    assert.deepEqual(workspace.callsOf("setConfig")[0]?.args, {
      regions: { value: ["us-east-1", "eu-west-1"], secret: false },
      homeRegion: { value: "us-east-1", secret: false },
      adminEmail: { value: "admin@example.com", secret: false },
      adminPassword: { value: PASSWORD, secret: true },
      lambda: { value: { memoryMb: 1536 }, secret: false },
    });
    assert.deepEqual(workspace.calls.map((call) => call.method), ["open", "setConfig", "up", "outputs"]);
    assert.deepEqual(result.outputs, {});
  });

  it("rejects an invalid config before opening the stack", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(deployStack({ workspace, stack: "dev" }, { config: { ...CONFIG, homeRegion: "ap-south-1" } }));

    assert.equal(error.code, "invalidConfig");
    assert.match(error.message, /^Invalid stack configuration \(1 problem\):\n {2}- `homeRegion` must be one of the configured regions \(us-east-1, eu-west-1\), got "ap-south-1"\./);
    assert.match(error.message, /\nNothing was changed\. Fix the config and run the command again\.$/);
    assert.deepEqual(workspace.calls, []);
  });

  it("rejects a password that is not marked secret", async () => {
    const { workspace } = fakeWithProd();
    const plain = { ...CONFIG, adminPassword: PASSWORD } as unknown as StackConfig;

    const error = await rejection(deployStack({ workspace, stack: "dev" }, { config: plain }));

    assert.match(error.message, /`adminPassword` must be stored as a secret, but it is stored as plain text\./);
  });

  it("validates the stored config when none is given", async () => {
    const { workspace } = fakeWithProd(prodEntries({ logRetentionDays: { value: 13, secret: false } }));

    const error = await rejection(deployStack({ workspace, stack: "prod" }));

    assert.match(error.message, /`logRetentionDays` must be one of 1, 3, 5/);
    assert.equal(workspace.callsOf("up").length, 0);
  });

  it("maps a concurrent update to exit code 6", async () => {
    const { workspace, state } = fakeWithProd();
    state.errors = { up: ERRORS.concurrentFileBackend() };

    const error = await rejection(deployStack({ workspace, stack: "prod" }));

    assert.equal(error.code, "concurrentUpdate");
    assert.equal(error.exitCode, 6);
    assert.equal(error.message, "Stack \"prod\" is locked by another update. Wait for it to finish and run the command again. If no update is running, run `pulumi cancel --stack prod` to release the lock.");
  });

  it("logs the up phase with its elapsed time", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { up: [addRegionUp] };
    const { lines, progress } = capturedProgress();

    await deployStack({ workspace, stack: "prod", progress });

    assert.equal(lines[0], "==> up of stack prod");
    assert.equal(lines.at(-1), "==> up finished after 0ms");
    assert.ok(lines.includes("Summary: 10 create, 7 update, 1 replace (5m 12s)"), lines.join("\n"));
  });
});

describe("previewStack", () => {
  it("previews a given config and restores the stored one", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview] };

    const result = await previewStack({ workspace, stack: "prod" }, { config: { ...CONFIG, regions: ["us-east-1", "eu-west-1", "ap-southeast-2"] } });

    const previewed = workspace.callsOf("preview")[0]?.args as { config: Record<string, { value: unknown }> };
    assert.deepEqual(previewed.config.regions?.value, ["us-east-1", "eu-west-1", "ap-southeast-2"]);
    assert.deepEqual(state.config, prodEntries());
    assert.equal(result.events.length, addRegionPreview.length);
    assert.equal(result.changes.create, 10);
  });

  it("does not create a missing stack", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(previewStack({ workspace, stack: "staging" }));

    assert.equal(error.code, "stackNotFound");
    assert.equal(error.message, "Stack \"staging\" was not found in the current Pulumi backend. Check the name with `pulumi stack ls`, or run `deploy` to create it.");
    assert.deepEqual(workspace.callsOf("open")[0]?.args, { stack: "staging", create: false });
  });
});

describe("destroyStack", () => {
  it("rejects a protected stack without force", async () => {
    const { workspace } = fakeWithProd();

    const error = await rejection(destroyStack({ workspace, stack: "prod" }));

    assert.equal(error.code, "rejected");
    assert.equal(error.exitCode, 4);
    assert.equal(error.message, "Stack \"prod\" sets `protect` to true, so destroy was rejected and nothing was changed. Pass --force (library: `force: true`) to destroy it anyway.");
    assert.equal(workspace.callsOf("destroy").length, 0);
  });

  it("rejects protect stored as text", async () => {
    const { workspace } = fakeWithProd(prodEntries({ protect: { value: "true", secret: false } }));

    const error = await rejection(destroyStack({ workspace, stack: "prod" }));

    assert.equal(error.code, "rejected");
  });

  it("destroys a protected stack with force", async () => {
    const { workspace } = fakeWithProd();
    const { lines, progress } = capturedProgress();

    await destroyStack({ workspace, stack: "prod", progress }, { force: true });

    assert.equal(workspace.callsOf("destroy").length, 1);
    assert.equal(lines[0], "Stack \"prod\" sets `protect` to true. Destroying it anyway because force was given.");
  });

  it("destroys an unprotected stack", async () => {
    const { workspace } = fakeWithProd(prodEntries({ protect: { value: false, secret: false } }));

    await destroyStack({ workspace, stack: "prod" });

    assert.equal(workspace.callsOf("destroy").length, 1);
  });

  it("explains Pulumi's protect refusal", async () => {
    const { workspace, state } = fakeWithProd();
    state.errors = { destroy: ERRORS.protectedResource() };

    const error = await rejection(destroyStack({ workspace, stack: "prod" }, { force: true }));

    assert.equal(error.code, "rejected");
    assert.match(error.message, /^Deleting a protected resource of stack "prod" failed/);
  });
});

describe("refreshStack and stackOutputs", () => {
  it("refreshes without changing config", async () => {
    const { workspace, state } = fakeWithProd();

    await refreshStack({ workspace, stack: "prod" });

    assert.deepEqual(workspace.calls.map((call) => call.method), ["open", "refresh"]);
    assert.deepEqual(state.config, prodEntries());
  });

  it("returns the outputs", async () => {
    const { workspace, state } = fakeWithProd();
    state.outputs = { tableName: { value: "authhero-prod", secret: false } };

    assert.deepEqual(await stackOutputs({ workspace, stack: "prod" }), { tableName: { value: "authhero-prod", secret: false } });
  });
});
