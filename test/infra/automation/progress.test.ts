import assert from "node:assert/strict";

import { formatElapsed } from "../../../infra/automation/progress.js";
import { metadataOf, pre, outputs, sequence } from "./fixtures/engine-events.js";
import { addRegionPreview, addRegionUp, failedUp } from "./fixtures/previews.js";
import { capturedProgress } from "./helpers.js";

const CERTIFICATE = { op: "create", chain: "certificate", name: "authhero-ap-southeast-2-certificate", region: "ap-southeast-2" } as const;

describe("ProgressReporter", () => {
  it("prints one line per planned change and skips unchanged steps", () => {
    const { lines, progress } = capturedProgress();

    addRegionPreview.forEach(progress.onEvent);

    assert.ok(lines.includes("   +  create aws:lambda/function:Function authhero-ap-southeast-2-function"));
    assert.ok(lines.includes("   ~  update aws:dynamodb/table:Table authhero-us-east-1-table [replicas]"));
    assert.ok(lines.includes("   +- replace aws:ecs/taskDefinition:TaskDefinition authhero-eu-west-1-task [containerDefinitions]"));
    assert.equal(lines.some((line) => line.includes("authhero-eu-west-1-alb")), false);
    assert.equal(lines.at(-1), "Summary: 6 unchanged, 10 create, 7 update, 1 replace (4s)");
  });

  it("prints each finished step, with elapsed time from one second", () => {
    const { lines, clock, progress } = capturedProgress();
    const [start, done] = sequence([pre(CERTIFICATE, false), outputs(CERTIFICATE, false)]);

    progress.onEvent(start!);
    clock.now = 95_000;
    progress.onEvent(done!);

    assert.deepEqual(lines, ["   +  created aws:acm/certificate:Certificate authhero-ap-southeast-2-certificate (1m 35s)"]);
  });

  it("omits elapsed time for quick steps", () => {
    const { lines, clock, progress } = capturedProgress();

    addRegionUp.forEach((event) => {
      clock.now += 10;
      progress.onEvent(event);
    });

    assert.ok(lines.includes("   ~  updated aws:cloudwatch/dashboard:Dashboard authhero-us-east-1-dashboard"));
    assert.ok(lines.includes("   +- replaced aws:ecs/taskDefinition:TaskDefinition authhero-eu-west-1-task"));
  });

  it("reports long steps while they run", () => {
    const { lines, clock, progress } = capturedProgress({ longStepMs: 30_000 });
    progress.onEvent(sequence([pre(CERTIFICATE, false)])[0]!);

    clock.now = 29_000;
    progress.reportLongSteps();
    clock.now = 30_000;
    progress.reportLongSteps();
    clock.now = 45_000;
    progress.reportLongSteps();
    clock.now = 61_000;
    progress.reportLongSteps();

    assert.deepEqual(lines, [
      "   +  create aws:acm/certificate:Certificate authhero-ap-southeast-2-certificate still running (30s)",
      "   +  create aws:acm/certificate:Certificate authhero-ap-southeast-2-certificate still running (1m 01s)",
    ]);
  });

  it("prints a failed step and its error without colour codes", () => {
    const { lines, progress } = capturedProgress();

    failedUp.forEach(progress.onEvent);

    assert.deepEqual(lines, [
      "   error: authhero-ap-southeast-2-certificate: creating ACM Certificate: operation error ACM: RequestCertificate, https response error StatusCode: 400, LimitExceededException",
      "   +  failed aws:acm/certificate:Certificate authhero-ap-southeast-2-certificate",
      "Summary: no changes (9s)",
    ]);
  });

  it("writes JSON lines with --json", () => {
    const { lines, clock, progress } = capturedProgress({ json: true });
    const finish = progress.phase("up", "prod");
    progress.onEvent(sequence([pre(CERTIFICATE, false)])[0]!);
    clock.now = 2500;
    progress.onEvent(sequence([outputs(CERTIFICATE, false)])[0]!);
    finish();

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records, [
      { event: "phase", phase: "up", stack: "prod", status: "started" },
      {
        op: "create",
        type: "aws:acm/certificate:Certificate",
        name: "authhero-ap-southeast-2-certificate",
        region: "ap-southeast-2",
        urn: metadataOf(CERTIFICATE).urn,
        event: "resource",
        status: "done",
        elapsedMs: 2500,
      },
      { event: "phase", phase: "up", stack: "prod", status: "done", elapsedMs: 2500 },
    ]);
  });

  it("skips info diagnostics and ephemeral messages", () => {
    const { lines, progress } = capturedProgress();

    progress.onEvent({ sequence: 1, timestamp: 1, diagnosticEvent: { message: "console.log output\n", color: "never", severity: "info" } });
    progress.onEvent({ sequence: 2, timestamp: 2, diagnosticEvent: { message: "progress\n", color: "never", severity: "warning", ephemeral: true } });

    assert.deepEqual(lines, []);
  });
});

describe("formatElapsed", () => {
  it("formats milliseconds, seconds and minutes", () => {
    assert.equal(formatElapsed(850), "850ms");
    assert.equal(formatElapsed(12_400), "12s");
    assert.equal(formatElapsed(185_000), "3m 05s");
  });
});

describe("ProgressReporter phases", () => {
  it("prints preview steps as planned without the planning flag", () => {
    const { lines, progress } = capturedProgress();
    const finish = progress.phase("preview", "prod");

    progress.onEvent(sequence([pre(CERTIFICATE, false)])[0]!);
    progress.onEvent(sequence([outputs(CERTIFICATE, false)])[0]!);
    finish();

    assert.deepEqual(lines, [
      "==> preview of stack prod",
      "   +  create aws:acm/certificate:Certificate authhero-ap-southeast-2-certificate",
      "==> preview finished after 0ms",
    ]);
  });
});
