import { spawnSync } from "node:child_process";

import { ProgressReporter } from "../../../infra/automation/progress.js";
import type { ConfigEntries } from "../../../infra/automation/stack-config.js";
import { FakeWorkspace } from "./fake-workspace.js";

export const PASSWORD = "correct-horse-battery-staple";

/** Stored config of the prod-like fixture stack: us-east-1 (home) and eu-west-1 on Fargate, with a domain. */
export function prodEntries(overrides: ConfigEntries = {}): ConfigEntries {
  return {
    regions: { value: ["us-east-1", "eu-west-1"], secret: false },
    homeRegion: { value: "us-east-1", secret: false },
    regionOverrides: { value: { "eu-west-1": { compute: "fargate" } }, secret: false },
    domain: { value: "auth.example.com", secret: false },
    hostedZone: { value: "Z0123456789ABCDEFGHIJ", secret: false },
    protect: { value: true, secret: false },
    adminEmail: { value: "admin@example.com", secret: false },
    adminPassword: { value: PASSWORD, secret: true },
    ...overrides,
  };
}

/** Creates a progress reporter that keeps its lines, with a clock the test moves. */
export function capturedProgress(options: { json?: boolean; longStepMs?: number } = {}) {
  const lines: string[] = [];
  const clock = { now: 0 };
  const progress = new ProgressReporter({ write: (line) => lines.push(line), json: options.json ?? false, now: () => clock.now, longStepMs: options.longStepMs ?? 30_000 });
  return { lines, clock, progress };
}

export function fakeWithProd(entries: ConfigEntries = prodEntries()) {
  const workspace = new FakeWorkspace();
  const state = workspace.addStack("prod", entries);
  return { workspace, state };
}

/** True when a `pulumi` executable runs from PATH. */
export function pulumiOnPath(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).error === undefined;
}
