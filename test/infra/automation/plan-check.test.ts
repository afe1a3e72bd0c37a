import assert from "node:assert/strict";

import { nameOfUrn, plannedSteps, regionOfName, unsafeSteps } from "../../../infra/automation/plan-check.js";
import { childName, regionalComponentName } from "../../../infra/naming.js";
import { KNOWN_REGIONS } from "../../../infra/regions.js";
import { addRegionPreview, otherRegionPreview, removeRegionPreview, tableDeletePreview, tableReplacePreview } from "./fixtures/previews.js";

const ADD = { kind: "add", region: "ap-southeast-2" } as const;
const REMOVE = { kind: "remove", region: "ap-southeast-2" } as const;

describe("regionOfName", () => {
  it("inverts childName and regionalComponentName for every known region", () => {
    for (const region of KNOWN_REGIONS) {
      assert.equal(regionOfName(childName("authhero", region, "replication-latency")), region, region);
      assert.equal(regionOfName(regionalComponentName("authhero", region)), region, region);
    }
  });

  it("reads the region after the component name", () => {
    assert.equal(regionOfName("authhero-eu-west-1-function"), "eu-west-1");
    assert.equal(regionOfName("authhero-ap-southeast-2-replication-latency"), "ap-southeast-2");
  });

  it("reads a provider named after its region", () => {
    assert.equal(regionOfName("us-east-2"), "us-east-2");
  });

  it("reads a region followed by an asset path", () => {
    assert.equal(regionOfName("authhero-us-east-1-asset-u/js/client.js"), "us-east-1");
  });

  it("returns undefined for global resources", () => {
    assert.equal(regionOfName("authhero-validation"), undefined);
    assert.equal(regionOfName("authhero"), undefined);
  });

  it("does not read us-east-1 out of a longer token", () => {
    assert.equal(regionOfName("authhero-us-east-10-x"), undefined);
  });
});

describe("nameOfUrn", () => {
  it("returns the last URN segment", () => {
    const urn = "urn:pulumi:prod::authhero-global::authhero-global:index:AuthHeroGlobal$pulumi:providers:aws::eu-west-1";

    assert.equal(nameOfUrn(urn), "eu-west-1");
  });
});

describe("plannedSteps", () => {
  it("collects one step per pre-event with region and changed keys", () => {
    const steps = plannedSteps(addRegionPreview);
    const table = steps.find((step) => step.isTable);

    assert.ok(table !== undefined);
    assert.equal(table.op, "update");
    assert.equal(table.region, "us-east-1");
    assert.deepEqual(table.changedKeys, ["replicas"]);
    assert.equal(steps.filter((step) => step.op === "create").every((step) => step.region === "ap-southeast-2"), true);
  });

  it("marks the GlobalTable component itself as not the table resource", () => {
    const component = plannedSteps(addRegionPreview).find((step) => step.type === "authhero-global:data:GlobalTable");

    assert.equal(component?.isTable, false);
  });
});

describe("unsafeSteps", () => {
  it("accepts a clean region add", () => {
    assert.deepEqual(unsafeSteps(plannedSteps(addRegionPreview), ADD), []);
  });

  it("accepts a clean region removal", () => {
    assert.deepEqual(unsafeSteps(plannedSteps(removeRegionPreview), REMOVE), []);
  });

  it("rejects every step that replaces the table", () => {
    const problems = unsafeSteps(plannedSteps(tableReplacePreview), ADD);

    assert.deepEqual(problems, [
      "The table authhero-us-east-1-table would be replaced (changes name, replicas), and a region change must never replace or delete it.",
      "The table authhero-us-east-1-table would be deleted (changes name, replicas), and a region change must never replace or delete it.",
    ]);
  });

  it("rejects deleting the table", () => {
    const problems = unsafeSteps(plannedSteps(tableDeletePreview), REMOVE);

    assert.deepEqual(problems, ["The table authhero-us-east-1-table would be deleted, and a region change must never replace or delete it."]);
  });

  it("rejects changes to another region's resources", () => {
    const problems = unsafeSteps(plannedSteps(otherRegionPreview), ADD);

    assert.deepEqual(problems, [
      "aws:lb/loadBalancer:LoadBalancer authhero-eu-west-1-alb (eu-west-1) would be replaced (changes subnets), but only ap-southeast-2 is being added.",
      "aws:acm/certificate:Certificate authhero-eu-west-1-certificate (eu-west-1) would be updated (changes tags), but only ap-southeast-2 is being added.",
    ]);
  });

  it("rejects a fan-out type when it changes other keys", () => {
    const steps = plannedSteps(addRegionPreview).map((step) => (step.name === "authhero-us-east-1-function" && step.op === "update" ? { ...step, changedKeys: ["environment", "memorySize"] } : step));

    assert.deepEqual(unsafeSteps(steps, ADD), [
      "aws:lambda/function:Function authhero-us-east-1-function (us-east-1) would be updated (changes environment, memorySize), but only ap-southeast-2 is being added.",
    ]);
  });

  it("rejects an update that reports no changed keys", () => {
    const steps = plannedSteps(addRegionPreview).map((step) => (step.name === "authhero-us-east-1-dashboard" ? { ...step, changedKeys: [] } : step));

    assert.equal(unsafeSteps(steps, ADD).length, 1);
  });

  it("rejects creates named after another region", () => {
    const problems = unsafeSteps(plannedSteps(addRegionPreview), { kind: "add", region: "eu-central-1" });

    assert.ok(problems.length >= 9);
    assert.match(problems[0] ?? "", /\(ap-southeast-2\) would be created, but only eu-central-1 is being added\.$/);
  });

  it("rejects a change to a global resource", () => {
    const steps = plannedSteps(addRegionPreview).map((step) => (step.name === "authhero-validation" ? { ...step, op: "update" as const, changedKeys: ["records"] } : step));

    assert.deepEqual(unsafeSteps(steps, ADD), [
      "aws:route53/record:Record authhero-validation (global) would be updated (changes records), but only ap-southeast-2 is being added.",
    ]);
  });
});
