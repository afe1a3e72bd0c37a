import assert from "node:assert/strict";

import { DYNAMODB_ACTIONS, RETENTION_ACTIONS } from "../../app/dynamodb/access.js";
import { MOCK_ACCOUNT_ID, type RecordedResource } from "../setup/pulumi-mocks.js";
import { baseConfig, resourcesOf, run, type Run } from "./harness.js";

const FUNCTION = "aws:lambda/function:Function";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const PERMISSION = "aws:lambda/permission:Permission";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const POLICY = "aws:iam/rolePolicy:RolePolicy";

/** us-east-2 is neither first in these lists nor first after sorting, so list order cannot pick it by accident. */
const HOME = "us-east-2";
const STRONG_REGION_ORDERS: readonly (readonly string[])[] = [
  ["us-east-1", "us-east-2", "us-west-2"],
  ["us-west-2", "us-east-1", "us-east-2"],
  ["us-east-2", "us-west-2", "us-east-1"],
];

function strongConfig(regions: readonly string[] = STRONG_REGION_ORDERS[0]!, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return baseConfig({ regions: [...regions], homeRegion: HOME, consistency: "strong", ...overrides });
}

function retentionFunctions(result: Run): RecordedResource[] {
  return resourcesOf(result.resources, FUNCTION).filter((fn) => fn.name.endsWith("-retention-function"));
}

function only(result: Run, type: string, suffix: string): RecordedResource {
  const matches = resourcesOf(result.resources, type).filter((resource) => resource.name.endsWith(suffix));
  assert.equal(matches.length, 1, `${type} named *${suffix}: ${matches.map((match) => match.name).join(", ")}`);
  return matches[0]!;
}

function policyStatement(policy: RecordedResource): { Action: string[]; Resource: string[] } {
  const statements = JSON.parse(policy.inputs.policy).Statement;
  assert.equal(statements.length, 1, policy.name);
  return statements[0];
}

describe("RetentionSchedule", () => {
  describe("in strong mode", () => {
    let result: Run;
    before(async () => {
      result = await run(strongConfig());
    });

    for (const regions of STRONG_REGION_ORDERS) {
      it(`runs once at home for ${regions.join(", ")}`, async () => {
        const ordered = await run(strongConfig(regions));
        const functions = retentionFunctions(ordered);
        const rules = resourcesOf(ordered.resources, RULE);

        assert.equal(functions.length, 1);
        assert.equal(functions[0]!.region, HOME);
        assert.equal(functions[0]!.name, `authhero-${HOME}-retention-function`);
        assert.equal(rules.length, 1);
        assert.equal(rules[0]!.region, HOME);
        assert.deepEqual(ordered.urns, result.urns);
      });
    }

    it("registers one component in the home region", () => {
      const components = resourcesOf(result.resources, "authhero-global:data:RetentionSchedule");

      assert.deepEqual(components.map((component) => component.name), [`authhero-${HOME}`]);
    });

    it("schedules hourly by default", () => {
      const rule = only(result, RULE, "-retention-schedule");

      assert.equal(rule.inputs.scheduleExpression, "rate(1 hour)");
    });

    it("uses the configured schedule", async () => {
      const custom = await run(strongConfig(undefined, { retentionSchedule: "rate(6 hours)" }));

      assert.equal(only(custom, RULE, "-retention-schedule").inputs.scheduleExpression, "rate(6 hours)");
    });

    it("targets the retention function", () => {
      const fn = only(result, FUNCTION, "-retention-function");
      const rule = only(result, RULE, "-retention-schedule");
      const target = only(result, TARGET, "-retention-target");
      const functionArn = `arn:aws:lambda:${HOME}:${MOCK_ACCOUNT_ID}:function:${fn.inputs.name}`;

      assert.equal(target.region, HOME);
      assert.equal(target.inputs.rule, rule.inputs.name);
      assert.equal(target.inputs.arn, functionArn);
      assert.deepEqual(JSON.parse(target.inputs.input), {});
    });

    it("lets only its rule invoke the function", () => {
      const fn = only(result, FUNCTION, "-retention-function");
      const rule = only(result, RULE, "-retention-schedule");
      const permission = only(result, PERMISSION, "-retention-invoke");

      assert.equal(permission.inputs.action, "lambda:InvokeFunction");
      assert.equal(permission.inputs.principal, "events.amazonaws.com");
      assert.equal(permission.inputs.function, fn.inputs.name);
      assert.equal(permission.inputs.sourceArn, `arn:aws:events:${HOME}:${MOCK_ACCOUNT_ID}:rule/${rule.inputs.name}`);
    });

    it("runs one sweep at a time for up to 900 s", () => {
      const fn = only(result, FUNCTION, "-retention-function");

      assert.equal(fn.inputs.name, `authhero-test-${HOME}-retention`);
      assert.equal(fn.inputs.handler, "index.handler");
      assert.equal(fn.inputs.timeout, 900);
      assert.equal(fn.inputs.reservedConcurrentExecutions, 1);
    });

    it("does not retry a failed sweep", () => {
      const retries = only(result, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "-retention-retries");

      assert.equal(retries.inputs.maximumRetryAttempts, 0);
      assert.equal(retries.inputs.functionName, `authhero-test-${HOME}-retention`);
    });

    it("takes the API function's environment", () => {
      const fn = only(result, FUNCTION, "-retention-function");
      const api = resourcesOf(result.resources, FUNCTION, HOME).find((candidate) => candidate.name === `authhero-${HOME}-function`)!;

      assert.deepEqual(fn.inputs.environment, api.inputs.environment);
      assert.equal(fn.inputs.environment.variables.AUTHHERO_CONSISTENCY, "strong");
    });

    it("takes runtime and architecture from lambda config", async () => {
      const custom = await run(strongConfig(undefined, { lambda: { runtime: "nodejs20.x", architecture: "x86_64" } }));
      const fn = only(custom, FUNCTION, "-retention-function");

      assert.equal(fn.inputs.runtime, "nodejs20.x");
      assert.deepEqual(fn.inputs.architectures, ["x86_64"]);
    });

    it("keeps logs for the configured days", async () => {
      const custom = await run(strongConfig(undefined, { logRetentionDays: 90 }));
      const logGroup = only(custom, "aws:cloudwatch/logGroup:LogGroup", "-retention-logs");

      assert.equal(logGroup.inputs.name, `/aws/lambda/authhero-test-${HOME}-retention`);
      assert.equal(logGroup.inputs.retentionInDays, 90);
      assert.equal(logGroup.region, HOME);
    });

    it("grants Scan on the home replica only", () => {
      const statement = policyStatement(only(result, POLICY, "-retention-table-access"));
      const table = `arn:aws:dynamodb:${HOME}:${MOCK_ACCOUNT_ID}:table/authhero-test`;

      assert.deepEqual(statement.Action, [...RETENTION_ACTIONS]);
      assert.ok(statement.Action.includes("dynamodb:Scan"));
      assert.deepEqual(statement.Resource, [table, `${table}/index/*`]);
    });

    it("keeps Scan out of the API roles", () => {
      const others = resourcesOf(result.resources, POLICY).filter((policy) => policy.name.endsWith("table-access") && !policy.name.endsWith("-retention-table-access"));

      assert.equal(others.length, 4, others.map((policy) => policy.name).join(", "));
      for (const policy of others) {
        const statement = policyStatement(policy);
        assert.ok(!statement.Action.includes("dynamodb:Scan"), policy.name);
        assert.deepEqual(statement.Action, [...DYNAMODB_ACTIONS], policy.name);
      }
    });

    it("alarms on sweep errors at home", () => {
      const fn = only(result, FUNCTION, "-retention-function");
      const alarm = only(result, ALARM, "-retention-errors");

      assert.equal(alarm.name, `authhero-${HOME}-retention-errors`);
      assert.equal(alarm.region, HOME);
      assert.equal(alarm.inputs.namespace, "AWS/Lambda");
      assert.equal(alarm.inputs.metricName, "Errors");
      assert.deepEqual(alarm.inputs.dimensions, { FunctionName: fn.inputs.name });
      assert.equal(alarm.inputs.threshold, 1);
      assert.equal(alarm.inputs.alarmActions.length, 1);
      assert.match(alarm.inputs.alarmActions[0], new RegExp(`^arn:aws:sns:${HOME}:`));
    });
  });

  describe("in eventual mode", () => {
    let result: Run;
    before(async () => {
      result = await run(baseConfig());
    });

    it("declares no retention resources", () => {
      const retention = result.resources.filter((resource) => resource.name.includes("retention") || resource.type === "authhero-global:data:RetentionSchedule");

      assert.deepEqual(retention.map((resource) => `${resource.type} ${resource.name}`), []);
    });

    it("declares no schedule", () => {
      assert.equal(resourcesOf(result.resources, RULE).length, 0);
      assert.equal(resourcesOf(result.resources, TARGET).length, 0);
    });
  });
});
