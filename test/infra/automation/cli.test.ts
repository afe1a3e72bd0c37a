import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { main } from "../../../infra/automation/cli.js";
import type { LocalWorkspaceSettings } from "../../../infra/automation/local-workspace.js";
import { ERRORS, type FakeWorkspace } from "./fake-workspace.js";
import { addRegionPreview, addRegionUp, tableReplacePreview } from "./fixtures/previews.js";
import { fakeWithProd, PASSWORD } from "./helpers.js";

interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly settings: LocalWorkspaceSettings[];
}

async function runCli(argv: string[], workspace: FakeWorkspace, env: Record<string, string> = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const settings: LocalWorkspaceSettings[] = [];
  const code = await main(argv, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    env,
    createWorkspace: (given) => {
      settings.push(given);
      return workspace;
    },
  });
  return { code, stdout, stderr, settings };
}

describe("cli usage", () => {
  it("prints help with exit code 0", async () => {
    const run = await runCli(["--help"], fakeWithProd().workspace);

    assert.equal(run.code, 0);
    assert.equal(run.stdout[0], "Usage: authhero-global <command> --stack <name> [options]");
  });

  const usageErrors: [string[], string][] = [
    [["outputs"], "--stack is missing. Pass the stack name, for example --stack prod."],
    [["launch", "--stack", "prod"], "Unknown command \"launch\". Commands: deploy, preview, outputs, health, add-region, remove-region, refresh, destroy."],
    [["add-region", "--stack", "prod"], "add-region needs a region, for example `add-region eu-central-1 --stack prod`."],
    [["outputs", "extra", "--stack", "prod"], "Unexpected argument \"extra\"."],
    [["outputs", "--stack", "prod", "--program", "remote"], "--program must be inline or project, got \"remote\"."],
    [["health", "--stack", "prod", "--timeout", "0"], "--timeout must be a positive number of seconds, got \"0\"."],
    [["outputs", "--stack", "prod", "--config", "x.json"], "--config applies only to deploy and preview."],
  ];
  for (const [argv, message] of usageErrors) {
    it(`rejects \`${argv.join(" ")}\` with exit code 2`, async () => {
      const run = await runCli(argv, fakeWithProd().workspace);

      assert.equal(run.code, 2);
      assert.deepEqual(run.stderr, [message, "Run with --help for usage."]);
    });
  }

  it("rejects an unknown option", async () => {
    const run = await runCli(["outputs", "--stack", "prod", "--yes"], fakeWithProd().workspace);

    assert.equal(run.code, 2);
    assert.match(run.stderr[0] ?? "", /Unknown option '--yes'/);
  });

  it("passes the program source to the workspace", async () => {
    const run = await runCli(["outputs", "--stack", "prod", "--program", "project"], fakeWithProd().workspace);

    assert.deepEqual(run.settings, [{ program: "project" }]);
  });
});

describe("cli commands", () => {
  it("adds a region and exits 0", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [addRegionPreview], up: [addRegionUp] };

    const run = await runCli(["add-region", "ap-southeast-2", "--stack", "prod"], workspace);

    assert.equal(run.code, 0);
    assert.equal(run.stdout.at(-1), "add-region finished.");
  });

  it("exits 4 with the reason when a region add is unsafe", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [tableReplacePreview] };

    const run = await runCli(["add-region", "ap-southeast-2", "--stack", "prod"], workspace);

    assert.equal(run.code, 4);
    assert.match(run.stderr[0] ?? "", /^error: Adding ap-southeast-2 was rejected because the preview of stack "prod" shows 2 unsafe steps:/);
  });

  it("writes only JSON lines with --json, ending with the error", async () => {
    const { workspace, state } = fakeWithProd();
    state.events = { preview: [tableReplacePreview] };

    const run = await runCli(["add-region", "ap-southeast-2", "--stack", "prod", "--json"], workspace);

    const records = run.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(run.code, 4);
    assert.deepEqual(run.stderr, []);
    assert.ok(records.some((record) => record.event === "resource" && record.status === "planned"));
    assert.ok(records.some((record) => record.event === "plan" && record.region === "ap-southeast-2"));
    assert.deepEqual({ ...records.at(-1), message: undefined }, { event: "error", code: "rejected", exitCode: 4, message: undefined });
  });

  it("exits 8 when the Pulumi CLI is missing", async () => {
    const { workspace } = fakeWithProd();
    workspace.openError = ERRORS.cliMissing();

    const run = await runCli(["preview", "--stack", "prod"], workspace);

    assert.equal(run.code, 8);
    assert.equal(run.stderr[0], "error: The Pulumi CLI was not found on PATH. Install it (https://www.pulumi.com/docs/install/) and make sure `pulumi version` runs in this shell.");
  });

  it("exits 5 for a missing stack", async () => {
    const run = await runCli(["refresh", "--stack", "staging"], fakeWithProd().workspace);

    assert.equal(run.code, 5);
  });

  it("destroys a protected stack only with --force", async () => {
    const { workspace } = fakeWithProd();

    const refused = await runCli(["destroy", "--stack", "prod"], workspace);
    const forced = await runCli(["destroy", "--stack", "prod", "--force"], workspace);

    assert.equal(refused.code, 4);
    assert.equal(forced.code, 0);
    assert.equal(workspace.callsOf("destroy").length, 1);
  });

  it("prints outputs and hides secrets", async () => {
    const { workspace, state } = fakeWithProd();
    state.outputs = { tableName: { value: "authhero-prod", secret: false }, endpoints: { value: { "us-east-1": "https://a.example" }, secret: false }, token: { value: "s3cret", secret: true } };

    const run = await runCli(["outputs", "--stack", "prod"], workspace);

    assert.deepEqual(run.stdout, ["tableName: authhero-prod\nendpoints: {\"us-east-1\":\"https://a.example\"}\ntoken: [secret]"]);
  });
});

describe("cli deploy --config", () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "authhero-cli-"));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function writeConfig(content: unknown): string {
    const path = join(directory, "stack.json");
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  const FILE_CONFIG = { regions: ["us-east-1"], homeRegion: "us-east-1", adminEmail: "admin@example.com", adminPassword: { secretEnv: "ADMIN_PASSWORD" } };

  it("stores secrets read from the environment as secrets", async () => {
    const { workspace } = fakeWithProd();

    const run = await runCli(["deploy", "--stack", "dev", "--config", writeConfig(FILE_CONFIG)], workspace, { ADMIN_PASSWORD: PASSWORD });

    assert.equal(run.code, 0, run.stderr.join("\n"));
    const stored = workspace.callsOf("setConfig")[0]?.args as Record<string, unknown>;
    assert.deepEqual(stored.adminPassword, { value: PASSWORD, secret: true });
  });

  it("accepts an inline secret", async () => {
    const { workspace } = fakeWithProd();

    const run = await runCli(["deploy", "--stack", "dev", "--config", writeConfig({ ...FILE_CONFIG, adminPassword: { secret: PASSWORD } })], workspace);

    assert.equal(run.code, 0, run.stderr.join("\n"));
  });

  it("exits 2 when the secret's variable is unset", async () => {
    const path = writeConfig(FILE_CONFIG);

    const run = await runCli(["deploy", "--stack", "dev", "--config", path], fakeWithProd().workspace);

    assert.equal(run.code, 2);
    assert.equal(run.stderr[0], `error: \`adminPassword\` in ${path} reads the environment variable ADMIN_PASSWORD, which is not set. Export it and run the command again.`);
  });

  it("exits 3 for a config the program rejects", async () => {
    const { workspace } = fakeWithProd();

    const run = await runCli(["deploy", "--stack", "dev", "--config", writeConfig({ ...FILE_CONFIG, regions: [] })], workspace, { ADMIN_PASSWORD: PASSWORD });

    assert.equal(run.code, 3);
    assert.deepEqual(workspace.calls, []);
  });

  it("exits 2 for a file that is not JSON", async () => {
    const path = join(directory, "broken.json");
    writeFileSync(path, "regions: [us-east-1]");

    const run = await runCli(["deploy", "--stack", "dev", "--config", path], fakeWithProd().workspace);

    assert.equal(run.code, 2);
    assert.match(run.stderr[0] ?? "", /could not be read as JSON/);
  });
});

describe("cli health", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((request, response) => {
      response.writeHead(request.url === "/down/health" ? 500 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("exits 0 when every region is healthy", async () => {
    const { workspace, state } = fakeWithProd();
    state.outputs = { endpoints: { value: { "us-east-1": `${base}/up`, "eu-west-1": `${base}/up` }, secret: false } };

    const run = await runCli(["health", "--stack", "prod"], workspace);

    assert.equal(run.code, 0);
    assert.equal(run.stdout.length, 2);
    assert.match(run.stdout[0] ?? "", /^eu-west-1 {7}healthy {3}status 200 in \d+ ms {2}http:\/\/127\.0\.0\.1:\d+\/up\/health$/);
  });

  it("exits 9 and names the unhealthy regions", async () => {
    const { workspace, state } = fakeWithProd();
    state.outputs = { endpoints: { value: { "us-east-1": `${base}/up`, "eu-west-1": `${base}/down` }, secret: false } };

    const run = await runCli(["health", "--stack", "prod", "--timeout", "2"], workspace);

    assert.equal(run.code, 9);
    assert.equal(run.stdout.at(-1), "Unhealthy: eu-west-1.");
  });
});
