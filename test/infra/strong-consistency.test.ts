import assert from "node:assert/strict";

import { baseConfig, resourcesOf, run } from "./harness.js";

async function tableFor(overrides: Record<string, unknown>): Promise<Record<string, any>> {
  const result = await run(baseConfig(overrides));
  const tables = resourcesOf(result.resources, "aws:dynamodb/table:Table");
  assert.equal(tables.length, 1);
  return tables[0]!.inputs;
}

describe("strong consistency", () => {
  it("makes three US replicas strong without a witness", async () => {
    const table = await tableFor({ regions: ["us-east-1", "us-east-2", "us-west-2"], homeRegion: "us-east-2", consistency: "strong" });

    assert.deepEqual(table.replicas.map((replica: any) => [replica.regionName, replica.consistencyMode]), [["us-east-1", "STRONG"], ["us-west-2", "STRONG"]]);
    assert.equal(table.globalTableWitness, undefined);
  });

  it("adds the witness for two regions", async () => {
    const table = await tableFor({ regions: ["eu-west-1", "eu-central-1"], homeRegion: "eu-west-1", consistency: "strong", witnessRegion: "eu-west-3" });

    assert.deepEqual(table.replicas.map((replica: any) => [replica.regionName, replica.consistencyMode]), [["eu-central-1", "STRONG"]]);
    assert.deepEqual(table.globalTableWitness, { regionName: "eu-west-3" });
  });

  it("turns TTL off in strong mode", async () => {
    const table = await tableFor({ regions: ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"], homeRegion: "ap-northeast-1", consistency: "strong" });

    assert.deepEqual(table.ttl, { enabled: false });
  });

  it("keeps TTL on expiresAt in eventual mode", async () => {
    const table = await tableFor({});

    assert.deepEqual(table.ttl, { enabled: true, attributeName: "expiresAt" });
    assert.equal(table.replicas[0].consistencyMode, undefined);
  });

  it("declares no compute in the witness region", async () => {
    const result = await run(baseConfig({ regions: ["us-east-1", "us-west-2"], homeRegion: "us-east-1", consistency: "strong", witnessRegion: "us-east-2" }));

    assert.deepEqual(result.resources.filter((resource) => resource.region === "us-east-2"), []);
  });

  it("tells the app which consistency mode it runs in", async () => {
    const result = await run(baseConfig({ regions: ["us-east-1", "us-east-2", "us-west-2"], consistency: "strong" }));

    for (const fn of resourcesOf(result.resources, "aws:lambda/function:Function")) {
      assert.equal(fn.inputs.environment.variables.AUTHHERO_CONSISTENCY, "strong", fn.name);
    }
  });
});
