import assert from "node:assert/strict";

import type * as pulumi from "@pulumi/pulumi";

import { ConfigError } from "../../infra/config.js";
import { loadConfig, readStackFile, resourcesOf, run, TEST_PASSWORD, type Run } from "./harness.js";

/** Stands in for `pulumi config set --secret adminPassword ...`, which the stack files leave out. */
function withPassword(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, "authhero-global:adminPassword": TEST_PASSWORD };
}

describe("stack files", () => {
  it("dev asks for the admin password it leaves out", () => {
    assert.throws(() => loadConfig(readStackFile("dev")), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, [
        "`adminPassword` is missing, and seeding needs it to create the admin user. Run `pulumi config set --secret adminPassword <password>`, or `pulumi config set seed false` to skip seeding.",
      ]);
      return true;
    });
  });

  describe("Pulumi.dev.yaml", () => {
    let result: Run;
    before(async () => {
      result = await run(withPassword(readStackFile("dev")));
    });

    it("parses to two Lambda regions without a domain", () => {
      assert.deepEqual([...result.config.regions], ["us-east-1", "eu-west-1"]);
      assert.deepEqual(result.config.computeByRegion, { "us-east-1": "lambda", "eu-west-1": "lambda" });
      assert.equal(result.config.domain, undefined);
      assert.equal(result.config.protect, false);
    });

    it("deploys no DNS, certificates or health checks", () => {
      assert.equal(resourcesOf(result.resources, "aws:route53/record:Record").length, 0);
      assert.equal(resourcesOf(result.resources, "aws:acm/certificate:Certificate").length, 0);
      assert.equal(resourcesOf(result.resources, "aws:route53/healthCheck:HealthCheck").length, 0);
      assert.match(result.outputs.sharedUrl, /^No domain is configured/);
    });

    it("leaves the table unprotected but recoverable", () => {
      const table = resourcesOf(result.resources, "aws:dynamodb/table:Table")[0]!;

      assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
      assert.equal(table.inputs.deletionProtectionEnabled, true);
    });
  });

  describe("Pulumi.prod.yaml", () => {
    let result: Run;
    /** Names of resources declared with Pulumi `protect`, seen through a transformation. */
    const protectedNames: string[] = [];
    before(async () => {
      // Resource options never reach the mock monitor, so a transformation records them.
      const recordProtect: pulumi.ResourceTransformation = (args) => {
        if (args.opts.protect === true) {
          protectedNames.push(`${args.type}::${args.name}`);
        }
        return undefined;
      };
      result = await run(withPassword(readStackFile("prod")), { componentOptions: { transformations: [recordProtect] } });
    });

    it("parses to three regions with eu-west-1 on Fargate", () => {
      assert.deepEqual([...result.config.regions], ["us-east-1", "eu-west-1", "ap-southeast-2"]);
      assert.deepEqual(result.config.computeByRegion, { "us-east-1": "lambda", "eu-west-1": "fargate", "ap-southeast-2": "lambda" });
      assert.deepEqual(result.config.domain, { name: "auth.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" });
      assert.equal(result.config.protect, true);
    });

    it("protects the table and every replica", () => {
      const tables = resourcesOf(result.resources, "aws:dynamodb/table:Table");
      const table = tables[0]!;

      assert.equal(tables.length, 1);
      assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
      assert.equal(table.inputs.deletionProtectionEnabled, true);
      assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true });
      for (const replica of table.inputs.replicas) {
        assert.equal(replica.pointInTimeRecovery, true, replica.regionName);
        assert.equal(replica.deletionProtectionEnabled, true, replica.regionName);
      }
    });

    it("sets Pulumi protect on the table and asset bucket", () => {
      assert.deepEqual(protectedNames.sort(), [
        "aws:dynamodb/table:Table::authhero-us-east-1-table",
        "aws:s3/bucket:Bucket::authhero-us-east-1-assets",
      ]);
    });

    it("runs Fargate only in eu-west-1", () => {
      const services = resourcesOf(result.resources, "aws:ecs/service:Service");

      assert.deepEqual(services.map((service) => service.region), ["eu-west-1"]);
      assert.equal(resourcesOf(result.resources, "aws:lambda/function:Function", "eu-west-1").length, 0);
      assert.equal(resourcesOf(result.resources, "aws:lambda/function:Function", "ap-southeast-2").length, 1);
    });

    it("routes the shared name by latency in every region", () => {
      const latency = resourcesOf(result.resources, "aws:route53/record:Record").filter((record) => record.inputs.setIdentifier !== undefined);

      assert.deepEqual(latency.map((record) => record.inputs.name), ["auth.example.com", "auth.example.com", "auth.example.com"]);
      for (const record of latency) {
        assert.deepEqual(record.inputs.latencyRoutingPolicies, [{ region: record.inputs.setIdentifier }]);
        assert.ok(record.inputs.healthCheckId, `${record.name} must be tied to a health check`);
        assert.equal(record.inputs.aliases[0].evaluateTargetHealth, true);
      }
    });

    it("checks each region's own host over HTTPS", () => {
      const checks = resourcesOf(result.resources, "aws:route53/healthCheck:HealthCheck");

      for (const check of checks) {
        assert.equal(check.inputs.type, "HTTPS");
        assert.equal(check.inputs.resourcePath, "/health");
        assert.equal(check.inputs.requestInterval, 10);
        assert.equal(check.inputs.failureThreshold, 3);
        assert.match(check.inputs.fqdn, /^[a-z]+-[a-z]+-\d\.auth\.example\.com$/);
      }
    });

    it("validates all certificates with one DNS record", () => {
      const validationRecords = resourcesOf(result.resources, "aws:route53/record:Record").filter((record) => record.inputs.type === "CNAME");
      const validations = resourcesOf(result.resources, "aws:acm/certificateValidation:CertificateValidation");

      assert.equal(validationRecords.length, 1);
      assert.equal(validations.length, 3);
      assert.deepEqual(new Set(validations.map((validation) => validation.region)), new Set(["us-east-1", "eu-west-1", "ap-southeast-2"]));
      for (const certificate of resourcesOf(result.resources, "aws:acm/certificate:Certificate")) {
        assert.deepEqual(certificate.inputs.subjectAlternativeNames, ["*.auth.example.com"]);
      }
    });

    it("alarms on ECS in the Fargate region", () => {
      const alarms = resourcesOf(result.resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "eu-west-1").map((alarm) => alarm.name).sort();

      assert.deepEqual(alarms, [
        "authhero-eu-west-1-dynamodb-throttles",
        "authhero-eu-west-1-ecs-cpu",
        "authhero-eu-west-1-ecs-memory",
        "authhero-eu-west-1-http-5xx",
        "authhero-eu-west-1-replication-latency",
        "authhero-eu-west-1-unhealthy-targets",
      ]);
    });

    it("subscribes the on-call email to every alarm topic", () => {
      const subscriptions = resourcesOf(result.resources, "aws:sns/topicSubscription:TopicSubscription");

      assert.equal(subscriptions.length, resourcesOf(result.resources, "aws:sns/topic:Topic").length);
      assert.ok(subscriptions.every((subscription) => subscription.inputs.endpoint === "oncall@example.com"));
    });
  });
});
