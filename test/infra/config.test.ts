import assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { deployment } from "../../infra/authhero-global.js";
import { ConfigError, parseConfig } from "../../infra/config.js";
import { recorded, valueOf } from "../setup/pulumi-mocks.js";
import { baseConfig, loadConfig, testBundles, TEST_PASSWORD, withDomain } from "./harness.js";

/** Runs the config through readStackConfig and returns the ConfigError's problems. */
function problemsOf(config: Record<string, unknown>, secretKeys?: readonly string[]): readonly string[] {
  try {
    loadConfig(config, secretKeys);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

const US_EU = { regions: ["us-east-1", "eu-west-1"], homeRegion: "us-east-1" };
const US_STRONG = { regions: ["us-east-1", "us-east-2", "us-west-2"], homeRegion: "us-east-1", consistency: "strong" };

/** [case, key the message must name, config overrides, the exact message]. */
const ERROR_CASES: ReadonlyArray<readonly [string, string, Record<string, unknown>, string]> = [
  ["empty regions", "regions", { regions: [] },
    "`regions` must be a non-empty list of AWS region names, got []. Run `pulumi config set --path 'regions[0]' us-east-1`."],
  ["missing regions", "regions", { regions: undefined },
    "`regions` must be a non-empty list of AWS region names, got nothing. Run `pulumi config set --path 'regions[0]' us-east-1`."],
  ["unknown region", "regions[1]", { regions: ["us-east-1", "us-east-9"] },
    "`regions[1]` must be a known AWS region name such as eu-west-1, got \"us-east-9\". Run `pulumi config set --path 'regions[1]' eu-west-1`."],
  ["duplicate region", "regions", { regions: ["us-east-1", "eu-west-1", "us-east-1"] },
    "`regions` cannot list \"us-east-1\" twice. Remove the duplicate with `pulumi config rm --path 'regions[2]'`."],
  ["missing home region", "homeRegion", { homeRegion: undefined },
    "`homeRegion` must be one of the configured regions (us-east-1, eu-west-1), got nothing. Run `pulumi config set homeRegion us-east-1`; changing it later replaces the table."],
  ["home region outside regions", "homeRegion", { homeRegion: "ap-south-1" },
    "`homeRegion` must be one of the configured regions (us-east-1, eu-west-1), got \"ap-south-1\". Run `pulumi config set homeRegion us-east-1`; changing it later replaces the table."],
  ["unknown consistency", "consistency", { consistency: "linearizable" },
    "`consistency` must be one of \"eventual\", \"strong\", got \"linearizable\". Run `pulumi config set consistency eventual`."],
  ["strong across region sets", "regions", { consistency: "strong" },
    "`regions` must be all in one multi-Region strong consistency region set when `consistency` is \"strong\", got [\"us-east-1\",\"eu-west-1\"]. Choose regions from one set (US: us-east-1, us-east-2, us-west-2; EU: eu-west-1, eu-west-2, eu-west-3, eu-central-1; AP: ap-northeast-1, ap-northeast-2, ap-northeast-3) or set `consistency` to eventual."],
  ["strong with four regions", "regions", { regions: ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"], homeRegion: "eu-west-1", consistency: "strong" },
    "`regions` must be exactly three regions, or two plus `witnessRegion`, when `consistency` is \"strong\", got [\"eu-west-1\",\"eu-west-2\",\"eu-west-3\",\"eu-central-1\"]. Change `regions` or set `consistency` to eventual."],
  ["strong pair without witness", "witnessRegion", { regions: ["us-east-1", "us-east-2"], consistency: "strong" },
    "`witnessRegion` must be a region of the same region set that is not in `regions` (us-west-2), got nothing. Run `pulumi config set witnessRegion us-west-2`."],
  ["witness from another set", "witnessRegion", { regions: ["us-east-1", "us-east-2"], consistency: "strong", witnessRegion: "eu-west-1" },
    "`witnessRegion` must be a region of the same region set that is not in `regions` (us-west-2), got \"eu-west-1\". Run `pulumi config set witnessRegion us-west-2`."],
  ["witness with three strong regions", "witnessRegion", { regions: ["us-east-1", "us-east-2", "us-west-2"], consistency: "strong", witnessRegion: "us-west-2" },
    "`witnessRegion` cannot be set with three strong-consistency regions, got \"us-west-2\". Run `pulumi config rm witnessRegion`."],
  ["witness with eventual consistency", "witnessRegion", { witnessRegion: "us-east-2" },
    "`witnessRegion` cannot be set when `consistency` is \"eventual\", got \"us-east-2\". Run `pulumi config rm witnessRegion` or set `consistency` to strong."],
  ["unknown compute", "compute", { compute: "ec2" },
    "`compute` must be one of \"lambda\", \"fargate\", got \"ec2\". Run `pulumi config set compute lambda`."],
  ["override for an inactive region", "regionOverrides.ap-south-1", { regionOverrides: { "ap-south-1": { compute: "lambda" } } },
    "`regionOverrides.ap-south-1` must be keyed by one of the configured regions, got {\"compute\":\"lambda\"}. Move it under one of us-east-1, eu-west-1 or remove it with `pulumi config rm --path 'regionOverrides.ap-south-1'`."],
  ["override with unknown compute", "regionOverrides.eu-west-1.compute", { regionOverrides: { "eu-west-1": { compute: "k8s" } } },
    "`regionOverrides.eu-west-1.compute` must be one of \"lambda\", \"fargate\", got \"k8s\". Run `pulumi config set --path 'regionOverrides.eu-west-1.compute' lambda`."],
  ["fargate without a domain", "domain", { regionOverrides: { "eu-west-1": { compute: "fargate" } } },
    "`domain` must be set when any region runs on Fargate (eu-west-1), got nothing. Run `pulumi config set domain auth.example.com` and set `hostedZone`, or use compute lambda there."],
  ["lambda memory too small", "lambda.memoryMb", { lambda: { memoryMb: 64 } },
    "`lambda.memoryMb` must be an integer from 128 to 10240 (MB), got 64. Run `pulumi config set --path 'lambda.memoryMb' 1024`."],
  ["lambda key misspelled", "lambda.memroyMb", { lambda: { memroyMb: 512 } },
    "`lambda.memroyMb` is not a known config key; the keys here are `lambda.memoryMb`, `lambda.timeoutSeconds`, `lambda.architecture`, `lambda.runtime`, `lambda.reservedConcurrency`. Remove it with `pulumi config rm --path 'lambda.memroyMb'` or correct its spelling."],
  ["lambda architecture", "lambda.architecture", { lambda: { architecture: "arm" } },
    "`lambda.architecture` must be one of \"arm64\", \"x86_64\", got \"arm\". Run `pulumi config set --path 'lambda.architecture' arm64`."],
  ["lambda timeout above the HTTP API limit", "lambda.timeoutSeconds", { lambda: { timeoutSeconds: 60 } },
    "`lambda.timeoutSeconds` must be an integer from 1 to 29 (seconds), got 60. Run `pulumi config set --path 'lambda.timeoutSeconds' 15`."],
  ["fargate desired outside bounds", "fargate.desiredCount", { fargate: { minCount: 3, desiredCount: 2, maxCount: 4 } },
    "`fargate.desiredCount` must lie between `fargate.minCount` and `fargate.maxCount`, got min 3, desired 2, max 4. Run `pulumi config set --path 'fargate.desiredCount' 3` or adjust the bounds."],
  ["fargate cpu", "fargate.cpu", { fargate: { cpu: 300 } },
    "`fargate.cpu` must be one of 256, 512, 1024, 2048, 4096, got 300. Run `pulumi config set --path 'fargate.cpu' 512`."],
  ["domain without hosted zone", "hostedZone", { domain: "auth.example.com" },
    "`hostedZone` must be set when `domain` is set, got nothing. Run `pulumi config set hostedZone <zone id of the domain>` or remove `domain`."],
  ["hosted zone without domain", "domain", { hostedZone: "Z0123456789ABCDEFGHIJ" },
    "`domain` must be set when `hostedZone` is set, got nothing. Run `pulumi config set domain auth.example.com` or remove `hostedZone`."],
  ["malformed domain", "domain", { domain: "Auth_Example", hostedZone: "Z0123456789ABCDEFGHIJ" },
    "`domain` must be a lowercase DNS name such as auth.example.com, got \"Auth_Example\". Run `pulumi config set domain auth.example.com`."],
  ["hosted zone given by name", "hostedZone", { domain: "auth.example.com", hostedZone: "example.com" },
    "`hostedZone` must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got \"example.com\". Run `pulumi config set hostedZone Z0123456789ABCDEFGHIJ`."],
  ["health check interval", "healthCheck.intervalSeconds", { healthCheck: { intervalSeconds: 15 } },
    "`healthCheck.intervalSeconds` must be one of 10, 30, got 15. Run `pulumi config set --path 'healthCheck.intervalSeconds' 30`."],
  ["health check path", "healthCheck.path", { healthCheck: { path: "health" } },
    "`healthCheck.path` must be a URL path starting with /, got \"health\". Run `pulumi config set --path 'healthCheck.path' /health`."],
  ["health check threshold", "healthCheck.failureThreshold", { healthCheck: { failureThreshold: 0 } },
    "`healthCheck.failureThreshold` must be an integer from 1 to 10 (consecutive failures), got 0. Run `pulumi config set --path 'healthCheck.failureThreshold' 3`."],
  ["alarm email", "alarms.email", { alarms: { email: "not-an-email" } },
    "`alarms.email` must be an email address, got \"not-an-email\". Run `pulumi config set --path 'alarms.email' oncall@example.com`."],
  ["alarm topic in another region", "alarms.topicArns.us-east-1", { alarms: { topicArns: { "us-east-1": "arn:aws:sns:eu-west-1:123456789012:oncall" } } },
    "`alarms.topicArns.us-east-1` must be an SNS topic ARN in us-east-1, got \"arn:aws:sns:eu-west-1:123456789012:oncall\". Run `pulumi config set --path 'alarms.topicArns.us-east-1' arn:aws:sns:us-east-1:123456789012:oncall`."],
  ["alarm topic for an inactive region", "alarms.topicArns.ap-south-1", { alarms: { topicArns: { "ap-south-1": "arn:aws:sns:ap-south-1:123456789012:oncall" } } },
    "`alarms.topicArns.ap-south-1` must be keyed by one of the configured regions, got \"arn:aws:sns:ap-south-1:123456789012:oncall\". Move it under one of us-east-1, eu-west-1."],
  ["alarm threshold", "alarms.http5xx", { alarms: { http5xx: -1 } },
    "`alarms.http5xx` must be an integer from 1 to 1000000 (responses per 5 minutes), got -1. Run `pulumi config set --path 'alarms.http5xx' 10`."],
  ["throttle burst", "throttle.burstLimit", { throttle: { burstLimit: 0 } },
    "`throttle.burstLimit` must be an integer from 1 to 5000 (requests), got 0. Run `pulumi config set --path 'throttle.burstLimit' 200`."],
  ["protect not a boolean", "protect", { protect: "yes" },
    "`protect` must be true or false, got \"yes\". Run `pulumi config set protect false`."],
  ["log retention", "logRetentionDays", { logRetentionDays: 10 },
    "`logRetentionDays` must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got \"10\". Run `pulumi config set logRetentionDays 30`."],
  ["table name", "tableName", { tableName: "a" },
    "`tableName` must be 3 to 255 letters, digits, _, . or -, got \"a\". Run `pulumi config set tableName authhero-prod`."],
  ["plain http origin", "allowedOrigins[0]", { allowedOrigins: ["http://app.example.com"] },
    "`allowedOrigins[0]` must be an https origin such as https://app.example.com, got \"http://app.example.com\". Run `pulumi config set --path 'allowedOrigins[0]' https://app.example.com`."],
  ["misspelled top-level key", "regoins", { regoins: ["us-east-1"] },
    "`regoins` is not a known config key; the keys here are `regions`, `homeRegion`, `tableName`, `consistency`, `witnessRegion`, `compute`, `regionOverrides`, `lambda`, `fargate`, `logRetentionDays`, `domain`, `hostedZone`, `healthCheck`, `alarms`, `throttle`, `protect`, `allowedOrigins`, `seed`, `tenantId`, `adminEmail`, `adminPassword`, `clientCallbacks`, `retentionSchedule`. Remove it with `pulumi config rm --path 'regoins'` or correct its spelling."],
  ["retention schedule more often than the sweep timeout", "retentionSchedule", { ...US_STRONG, retentionSchedule: "rate(5 minutes)" },
    "`retentionSchedule` must be an EventBridge rate expression of at least 15 minutes such as rate(1 hour), got \"rate(5 minutes)\". Run `pulumi config set retentionSchedule 'rate(1 hour)'`."],
  ["retention schedule with a plural unit for 1", "retentionSchedule", { ...US_STRONG, retentionSchedule: "rate(1 hours)" },
    "`retentionSchedule` must be an EventBridge rate expression of at least 15 minutes such as rate(1 hour), got \"rate(1 hours)\". Run `pulumi config set retentionSchedule 'rate(1 hour)'`."],
  ["retention schedule as a cron expression", "retentionSchedule", { ...US_STRONG, retentionSchedule: "cron(0 * * * ? *)" },
    "`retentionSchedule` must be an EventBridge rate expression of at least 15 minutes such as rate(1 hour), got \"cron(0 * * * ? *)\". Run `pulumi config set retentionSchedule 'rate(1 hour)'`."],
  ["retention schedule with eventual consistency", "retentionSchedule", { retentionSchedule: "rate(1 hour)" },
    "`retentionSchedule` cannot be set when `consistency` is \"eventual\", got \"rate(1 hour)\", because TTL removes expired items and no sweep runs. Run `pulumi config rm retentionSchedule` or set `consistency` to strong."],
  ["missing admin password", "adminPassword", { adminPassword: undefined },
    "`adminPassword` is missing, and seeding needs it to create the admin user. Run `pulumi config set --secret adminPassword <password>`, or `pulumi config set seed false` to skip seeding."],
  ["short admin password", "adminPassword", { adminPassword: "hunter2" },
    "`adminPassword` must be a string of at least 12 characters, got one of 7. Run `pulumi config set --secret adminPassword <password>`."],
  ["missing admin email", "adminEmail", { adminEmail: undefined },
    "`adminEmail` must be set while `seed` is true, got nothing. Run `pulumi config set adminEmail admin@example.com`, or `pulumi config set seed false` to skip seeding."],
];

function withoutUndefined(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
}

describe("config", () => {
  describe("errors", () => {
    for (const [name, key, overrides, message] of ERROR_CASES) {
      it(`rejects ${name}`, () => {
        const problems = problemsOf(withoutUndefined({ ...baseConfig(US_EU), ...overrides }));

        assert.equal(problems.length, 1, problems.join("\n"));
        assert.ok(problems[0]!.startsWith(`\`${key}\``), `message must name \`${key}\` first: ${problems[0]}`);
        assert.equal(problems[0], message);
      });
    }

    it("rejects a plain-text admin password", () => {
      const problems = problemsOf(baseConfig(US_EU), []);

      assert.deepEqual(problems, ["`adminPassword` must be stored as a secret, but it is stored as plain text. Run `pulumi config set --secret adminPassword <password>`."]);
    });

    it("reports every problem in one error", () => {
      const problems = problemsOf({ ...baseConfig(US_EU), consistency: "maybe", lambda: { memoryMb: 1 }, protect: "no" });

      assert.equal(problems.length, 3);
      assert.ok(problems[0]!.startsWith("`consistency`"));
      assert.ok(problems[1]!.startsWith("`lambda.memoryMb`"));
      assert.ok(problems[2]!.startsWith("`protect`"));
    });

    it("formats the error as one message without a stack", () => {
      try {
        loadConfig({ ...baseConfig(US_EU), compute: "ec2" });
        assert.fail("expected a ConfigError");
      } catch (error) {
        // RunError makes the Pulumi CLI print only the message.
        assert.ok(pulumi.RunError.isInstance(error));
        assert.equal((error as Error).message, "Invalid stack configuration (1 problem):\n  - `compute` must be one of \"lambda\", \"fargate\", got \"ec2\". Run `pulumi config set compute lambda`.");
      }
    });

    it("raises before any resource is declared", () => {
      assert.throws(() => deployment(loadConfig({ ...baseConfig(US_EU), regions: ["us-east-9"] }), { bundles: testBundles() }), ConfigError);
      assert.equal(recorded.length, 0);
    });
  });

  describe("defaults", () => {
    it("fills every default", () => {
      const config = loadConfig(baseConfig(US_EU));

      assert.equal(config.tableName, "authhero-test");
      assert.equal(config.consistency, "eventual");
      assert.deepEqual(config.computeByRegion, { "us-east-1": "lambda", "eu-west-1": "lambda" });
      assert.deepEqual(config.lambda, { memoryMb: 1024, timeoutSeconds: 15, architecture: "arm64", runtime: "nodejs22.x", reservedConcurrency: undefined });
      assert.deepEqual(config.fargate, { cpu: 512, memoryMb: 1024, desiredCount: 2, minCount: 2, maxCount: 6, cpuTargetPercent: 60 });
      assert.deepEqual(config.healthCheck, { path: "/health", intervalSeconds: 30, failureThreshold: 3 });
      assert.deepEqual(config.throttle, { burstLimit: 200, rateLimit: 100, perClientLimit: 2000 });
      assert.equal(config.logRetentionDays, 30);
      assert.equal(config.protect, false);
      assert.equal(config.domain, undefined);
      assert.equal(config.tenantId, "main");
      assert.equal(config.retentionSchedule, "rate(1 hour)");
    });

    it("accepts retention rates of 15 minutes or more", () => {
      for (const schedule of ["rate(15 minutes)", "rate(1 hour)", "rate(6 hours)", "rate(1 day)", "rate(2 days)"]) {
        const config = loadConfig({ ...baseConfig(US_STRONG), retentionSchedule: schedule });

        assert.equal(config.retentionSchedule, schedule);
      }
    });

    it("freezes the parsed object", () => {
      const config = loadConfig(baseConfig(US_EU));

      assert.ok(Object.isFrozen(config));
      assert.ok(Object.isFrozen(config.regions));
      assert.ok(Object.isFrozen(config.lambda));
      assert.throws(() => (config.regions as string[]).push("ap-south-1"), TypeError);
    });

    it("applies region overrides", () => {
      const config = loadConfig(withDomain({ ...baseConfig(US_EU), regionOverrides: { "eu-west-1": { compute: "fargate" } } }));

      assert.deepEqual(config.computeByRegion, { "us-east-1": "lambda", "eu-west-1": "fargate" });
    });

    it("accepts numbers written as strings", () => {
      const config = loadConfig({ ...baseConfig(US_EU), lambda: { memoryMb: "2048" }, protect: "true" });

      assert.equal(config.lambda.memoryMb, 2048);
      assert.equal(config.protect, true);
    });

    it("keeps digit-only strings as text", async () => {
      const config = loadConfig({ ...baseConfig(US_EU), tenantId: "123", adminPassword: "123456789012" });

      assert.equal(config.tenantId, "123");
      assert.ok(config.seed.enabled);
      assert.equal(await valueOf(config.seed.adminPassword), "123456789012");
    });

    it("skips the password when seeding is off", () => {
      const config = loadConfig(withoutUndefined({ ...baseConfig(US_EU), seed: false, adminPassword: undefined, adminEmail: undefined }));

      assert.deepEqual(config.seed, { enabled: false });
    });

    it("keeps the admin password secret", async () => {
      const config = loadConfig(baseConfig(US_EU));

      assert.ok(config.seed.enabled);
      assert.equal(await pulumi.isSecret(config.seed.adminPassword), true);
      assert.equal(await valueOf(config.seed.adminPassword), TEST_PASSWORD);
    });

    it("parses raw config without the Pulumi runtime", () => {
      const config = parseConfig({ ...baseConfig(US_EU) }, { stack: "prod", secretKeys: ["adminPassword"] });

      assert.equal(config.tableName, "authhero-prod");
    });
  });
});
