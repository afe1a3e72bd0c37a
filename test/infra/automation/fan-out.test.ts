/**
 * Checks the region-change safety rules against the program itself: the
 * input changes that the mocks record when a region is added or removed
 * must all pass `unsafeSteps`. A new resource that lists every region
 * fails here until it is added to the fan-out list in plan-check.ts.
 */
import assert from "node:assert/strict";

import { regionOfName, unsafeSteps, type PlannedStep, type RegionChange } from "../../../infra/automation/plan-check.js";
import type { RecordedResource } from "../../setup/pulumi-mocks.js";
import { baseConfig, run, withDomain, type Run } from "../harness.js";

function config(regions: readonly string[]): Record<string, unknown> {
  return withDomain(baseConfig({ regions: [...regions], homeRegion: "us-east-1", regionOverrides: { "eu-west-1": { compute: "fargate" } } }));
}

/** ECS task definitions are immutable, so the AWS provider replaces them when their inputs change. */
const REPLACED_ON_CHANGE = new Set(["aws:ecs/taskDefinition:TaskDefinition"]);

function key(resource: RecordedResource): string {
  return `${resource.type}::${resource.name}`;
}

function step(resource: RecordedResource, op: PlannedStep["op"], changedKeys: string[]): PlannedStep {
  return {
    op,
    urn: `urn:pulumi:test::authhero-global::${resource.type}::${resource.name}`,
    type: resource.type,
    name: resource.name,
    region: regionOfName(resource.name),
    changedKeys,
    isTable: resource.type === "aws:dynamodb/table:Table",
  };
}

/** Builds the steps a preview from `before` to `after` would list, from the recorded inputs. */
function stepsBetween(before: Run, after: Run): PlannedStep[] {
  const beforeByKey = new Map(before.resources.map((resource) => [key(resource), resource]));
  const afterByKey = new Map(after.resources.map((resource) => [key(resource), resource]));
  const steps: PlannedStep[] = [];

  for (const [name, resource] of afterByKey) {
    const previous = beforeByKey.get(name);
    if (previous === undefined) {
      steps.push(step(resource, "create", []));
      continue;
    }
    const changed = Object.keys({ ...previous.inputs, ...resource.inputs }).filter((input) => JSON.stringify(previous.inputs[input]) !== JSON.stringify(resource.inputs[input])).sort();
    const op = changed.length === 0 ? "same" : REPLACED_ON_CHANGE.has(resource.type) ? "replace" : "update";
    steps.push(step(resource, op, changed));
  }
  for (const [name, resource] of beforeByKey) {
    if (!afterByKey.has(name)) {
      steps.push(step(resource, "delete", []));
    }
  }
  return steps;
}

describe("fan-out rules against the program", function () {
  // Each run bundles app/ with esbuild.
  this.timeout(120_000);
  let twoRegions: Run;
  let threeRegions: Run;
  before(async () => {
    twoRegions = await run(config(["us-east-1", "eu-west-1"]));
    threeRegions = await run(config(["us-east-1", "eu-west-1", "ap-southeast-2"]));
  });

  it("accepts every change of a region add", () => {
    const change: RegionChange = { kind: "add", region: "ap-southeast-2" };

    assert.deepEqual(unsafeSteps(stepsBetween(twoRegions, threeRegions), change), []);
  });

  it("accepts every change of a region removal", () => {
    const change: RegionChange = { kind: "remove", region: "ap-southeast-2" };

    assert.deepEqual(unsafeSteps(stepsBetween(threeRegions, twoRegions), change), []);
  });

  it("rejects the same changes for another region", () => {
    const change: RegionChange = { kind: "add", region: "eu-central-1" };

    assert.ok(unsafeSteps(stepsBetween(twoRegions, threeRegions), change).length > 10);
  });
});
