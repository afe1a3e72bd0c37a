import assert from "node:assert/strict";

import { childName, physicalName, regionalComponentName } from "../../infra/naming.js";
import { isKnownRegion, mrscRegionSetOf } from "../../infra/regions.js";

describe("naming", () => {
  it("joins component, region and suffix", () => {
    assert.equal(childName("authhero", "eu-west-1", "function"), "authhero-eu-west-1-function");
    assert.equal(childName("authhero", undefined, "validation"), "authhero-validation");
    assert.equal(regionalComponentName("authhero", "eu-west-1"), "authhero-eu-west-1");
  });

  it("keeps short physical names unchanged", () => {
    assert.equal(physicalName("authhero-dev-us-east-1", 32), "authhero-dev-us-east-1");
  });

  it("truncates long names with a hash", () => {
    const name = physicalName("authhero-production-ap-southeast-2-tg", 32);

    // The cut falls right after "ap-", and a dangling hyphen is dropped before the hash.
    assert.equal(name, `authhero-production-ap-${name.slice(-8)}`);
    assert.match(name.slice(-8), /^[0-9a-f]{8}$/);
    assert.ok(name.length <= 32);
  });

  it("keeps truncated names distinct", () => {
    const first = physicalName("authhero-production-ap-southeast-1", 32);
    const second = physicalName("authhero-production-ap-southeast-2", 32);

    assert.notEqual(first, second);
    assert.ok(first.length <= 32);
    assert.ok(second.length <= 32);
  });

  it("is deterministic", () => {
    assert.equal(physicalName("x".repeat(100), 64), physicalName("x".repeat(100), 64));
  });

  it("rejects limits too short for the hash", () => {
    assert.throws(() => physicalName("authhero", 8), /leaves no room/);
  });
});

describe("regions", () => {
  it("knows commercial regions only", () => {
    assert.ok(isKnownRegion("ap-southeast-2"));
    assert.ok(!isKnownRegion("us-east-9"));
    assert.ok(!isKnownRegion("US-EAST-1"));
  });

  it("maps regions to MRSC region sets", () => {
    assert.equal(mrscRegionSetOf("us-west-2"), "US");
    assert.equal(mrscRegionSetOf("eu-central-1"), "EU");
    assert.equal(mrscRegionSetOf("ap-northeast-3"), "AP");
    assert.equal(mrscRegionSetOf("us-west-1"), undefined);
  });
});
