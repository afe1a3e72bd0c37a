import assert from "node:assert/strict";

import type { RecordedResource } from "../setup/pulumi-mocks.js";
import { baseConfig, run, withDomain, type Run } from "./harness.js";

const TABLE = "aws:dynamodb/table:Table";

function config(regions: readonly string[]): Record<string, unknown> {
  return withDomain(baseConfig({ regions: [...regions], homeRegion: "us-east-1", regionOverrides: { "eu-west-1": { compute: "fargate" } } }));
}

/** Resources keyed by type and logical name, which the URN test proves unique. */
function byKey(result: Run): Map<string, RecordedResource> {
  return new Map(result.resources.map((resource) => [`${resource.type}::${resource.name}`, resource]));
}

/** Keys of resources present in both runs whose inputs differ. */
function changedInputs(before: Run, after: Run): string[] {
  const afterByKey = byKey(after);
  const changed: string[] = [];
  for (const [key, resource] of byKey(before)) {
    const next = afterByKey.get(key);
    if (next !== undefined && JSON.stringify(next.inputs) !== JSON.stringify(resource.inputs)) {
      changed.push(key);
    }
  }
  return changed.sort();
}

function tableInputs(result: Run): Record<string, unknown> {
  const tables = result.resources.filter((resource) => resource.type === TABLE);
  assert.equal(tables.length, 1);
  return tables[0]!.inputs;
}

describe("region expansion", () => {
  let twoRegions: Run;
  let threeRegions: Run;
  before(async () => {
    twoRegions = await run(config(["us-east-1", "eu-west-1"]));
    threeRegions = await run(config(["us-east-1", "eu-west-1", "ap-southeast-2"]));
  });

  it("adding a region keeps every existing URN", () => {
    const missing = twoRegions.urns.filter((urn) => !threeRegions.urns.includes(urn));

    assert.deepEqual(missing, []);
  });

  it("adding a region changes only the table's replicas", () => {
    const { replicas: before, ...restBefore } = tableInputs(twoRegions);
    const { replicas: after, ...restAfter } = tableInputs(threeRegions);

    assert.deepEqual(restAfter, restBefore);
    assert.deepEqual((before as { regionName: string }[]).map((replica) => replica.regionName), ["eu-west-1"]);
    assert.deepEqual((after as { regionName: string }[]).map((replica) => replica.regionName), ["ap-southeast-2", "eu-west-1"]);
  });

  it("adding a region updates only what lists every region", () => {
    // These list every region (the app's endpoint map, the dashboard, the replication
    // alarms and the table), so they change. Nothing else may.
    assert.deepEqual(changedInputs(twoRegions, threeRegions), [
      "aws:cloudwatch/dashboard:Dashboard::authhero-us-east-1-dashboard",
      "aws:cloudwatch/metricAlarm:MetricAlarm::authhero-eu-west-1-replication-latency",
      "aws:cloudwatch/metricAlarm:MetricAlarm::authhero-us-east-1-replication-latency",
      "aws:dynamodb/table:Table::authhero-us-east-1-table",
      "aws:ecs/taskDefinition:TaskDefinition::authhero-eu-west-1-task",
      "aws:lambda/function:Function::authhero-us-east-1-function",
      "aws:lambda/function:Function::authhero-us-east-1-seed-function",
    ]);
  });

  it("adding a region adds only resources of that region", () => {
    const added = threeRegions.urns.filter((urn) => !twoRegions.urns.includes(urn));

    assert.ok(added.length > 10);
    for (const urn of added) {
      assert.match(urn, /ap-southeast-2/, urn);
    }
  });

  it("reordering regions changes nothing", async () => {
    const reordered = await run(config(["eu-west-1", "us-east-1"]));

    assert.deepEqual(reordered.urns, twoRegions.urns);
    assert.deepEqual(changedInputs(twoRegions, reordered), []);
  });

  it("reordering changes nothing without a domain", async () => {
    // Without a domain the endpoint map is built from API outputs, not from fixed names.
    const ordered = await run(baseConfig({ regions: ["us-east-1", "eu-west-1", "ap-southeast-2"], homeRegion: "us-east-1" }));
    const reordered = await run(baseConfig({ regions: ["ap-southeast-2", "us-east-1", "eu-west-1"], homeRegion: "us-east-1" }));

    assert.deepEqual(reordered.urns, ordered.urns);
    assert.deepEqual(changedInputs(ordered, reordered), []);
  });

  it("removing a region removes only its resources", async () => {
    const removed = await run(config(["us-east-1", "eu-west-1"]));
    const gone = threeRegions.urns.filter((urn) => !removed.urns.includes(urn));

    assert.ok(gone.length > 10);
    for (const urn of gone) {
      assert.match(urn, /ap-southeast-2/, urn);
    }
    assert.ok(removed.urns.some((urn) => urn.includes(TABLE)), "the table must survive");
  });

  it("removing a region keeps the table", async () => {
    const removed = await run(config(["us-east-1", "eu-west-1"]));
    const { replicas: before, ...restBefore } = tableInputs(threeRegions);
    const { replicas: after, ...restAfter } = tableInputs(removed);

    assert.deepEqual(restAfter, restBefore);
    assert.notDeepEqual(after, before);
  });
});
