import assert from "node:assert/strict";

import { DYNAMODB_ACTIONS } from "../../app/dynamodb/access.js";
import { replicaArn } from "../../infra/iam.js";
import { MOCK_ACCOUNT_ID } from "../setup/pulumi-mocks.js";
import { baseConfig, resourcesOf, run, withDomain, type Run } from "./harness.js";

interface Statement {
  Effect: string;
  Action: string[] | string;
  Resource: string[] | string;
}

function tablePolicies(result: Run): { name: string; region: string | undefined; statements: Statement[] }[] {
  return resourcesOf(result.resources, "aws:iam/rolePolicy:RolePolicy")
    .filter((policy) => policy.name.endsWith("table-access"))
    .map((policy) => ({ name: policy.name, region: policy.region, statements: JSON.parse(policy.inputs.policy).Statement }));
}

describe("IAM", () => {
  const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
  let result: Run;
  before(async () => {
    result = await run(withDomain(baseConfig({ regions, regionOverrides: { "eu-west-1": { compute: "fargate" } } })));
  });

  it("grants each region's compute table access", () => {
    const names = tablePolicies(result).map((policy) => policy.name).sort();

    assert.deepEqual(names, [
      "authhero-ap-southeast-2-table-access",
      "authhero-eu-west-1-table-access",
      "authhero-us-east-1-seed-table-access",
      "authhero-us-east-1-table-access",
    ]);
  });

  it("limits each policy to its region's replica and indexes", () => {
    for (const policy of tablePolicies(result)) {
      const region = policy.region!;
      const table = `arn:aws:dynamodb:${region}:${MOCK_ACCOUNT_ID}:table/authhero-test`;

      assert.equal(policy.statements.length, 1, policy.name);
      assert.deepEqual(policy.statements[0]!.Resource, [table, `${table}/index/*`], policy.name);
    }
  });

  it("lists only the adapter's actions", () => {
    for (const policy of tablePolicies(result)) {
      assert.equal(policy.statements[0]!.Effect, "Allow");
      assert.deepEqual(policy.statements[0]!.Action, [...DYNAMODB_ACTIONS], policy.name);
    }
  });

  it("never grants wildcard actions", () => {
    for (const policy of resourcesOf(result.resources, "aws:iam/rolePolicy:RolePolicy")) {
      const statements: Statement[] = JSON.parse(policy.inputs.policy).Statement;
      for (const statement of statements) {
        const actions = [statement.Action].flat();
        assert.ok(actions.every((action) => !action.includes("*")), `${policy.name}: ${actions.join(", ")}`);
      }
    }
  });

  it("rewrites only the region of a table ARN", () => {
    assert.equal(replicaArn("arn:aws:dynamodb:us-east-1:123456789012:table/t", "eu-west-1"), "arn:aws:dynamodb:eu-west-1:123456789012:table/t");
    assert.equal(replicaArn("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/t", "cn-northwest-1"), "arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/t");
    assert.throws(() => replicaArn("arn:aws:s3:::bucket", "eu-west-1"), /is not a DynamoDB table ARN/);
  });
});
