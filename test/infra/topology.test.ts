import assert from "node:assert/strict";

import { valueOf } from "../setup/pulumi-mocks.js";
import { baseConfig, resourcesOf, run, withDomain, type Run } from "./harness.js";

const REGION_LISTS: Readonly<Record<number, readonly string[]>> = {
  1: ["us-east-1"],
  2: ["us-east-1", "eu-west-1"],
  3: ["us-east-1", "eu-west-1", "ap-southeast-2"],
  5: ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"],
};
const HOME = "us-east-1";

/** Alarms on Route 53 health checks; they must live in us-east-1 whatever region they watch. */
const isHealthStatusAlarm = (name: string) => name.endsWith("-health-status");

function expectedLambdaAlarms(regionCount: number): string[] {
  const alarms = ["lambda-errors", "lambda-throttles", "lambda-p99-duration", "http-5xx", "dynamodb-throttles"];
  return regionCount > 1 ? [...alarms, "replication-latency"] : alarms;
}

describe("topology", () => {
  for (const [count, regions] of Object.entries(REGION_LISTS)) {
    const regionCount = Number(count);

    for (const hasDomain of [false, true]) {
      describe(`${regionCount} region(s), ${hasDomain ? "with" : "without"} a domain`, () => {
        let result: Run;
        before(async () => {
          const config = baseConfig({ regions: [...regions], homeRegion: HOME });
          result = await run(hasDomain ? withDomain(config) : config);
        });

        it("declares one table with N-1 replicas", () => {
          const tables = resourcesOf(result.resources, "aws:dynamodb/table:Table");

          assert.equal(tables.length, 1);
          assert.equal(tables[0]!.region, HOME);
          const replicaRegions = (tables[0]!.inputs.replicas as { regionName: string }[]).map((replica) => replica.regionName);
          assert.deepEqual(replicaRegions, regions.filter((region) => region !== HOME).sort());
        });

        it("declares one regional stack per region", () => {
          const stacks = resourcesOf(result.resources, "authhero-global:region:RegionalStack");

          assert.deepEqual(stacks.map((stack) => stack.name).sort(), regions.map((region) => `authhero-${region}`).sort());
          for (const region of regions) {
            assert.equal(resourcesOf(result.resources, "aws:apigatewayv2/api:Api", region).length, 1, region);
            const functions = resourcesOf(result.resources, "aws:lambda/function:Function", region);
            assert.equal(functions.length, region === HOME ? 2 : 1, `${region}: the API function, plus the seed function at home`);
          }
        });

        it("registers every resource under its own URN", () => {
          // The mock monitor keys resources by URN, so a duplicate would shrink this count.
          assert.equal(result.urns.length, result.resources.length);
        });

        it("creates a provider named after each region", () => {
          const providers = resourcesOf(result.resources, "pulumi:providers:aws");
          const expected = new Set([...regions, ...(hasDomain ? ["us-east-1"] : [])]);

          assert.deepEqual(providers.map((provider) => provider.name).sort(), [...expected].sort());
          for (const provider of providers) {
            assert.equal(provider.inputs.region, provider.name);
            // Provider inputs reach the monitor as JSON text, like all provider config.
            assert.deepEqual(JSON.parse(provider.inputs.defaultTags), { tags: { "authhero:project": "authhero-global", "authhero:stack": "test" } });
          }
        });

        it("keeps every regional resource in its region", () => {
          for (const region of regions) {
            const named = result.resources.filter((resource) => resource.custom && resource.name.startsWith(`authhero-${region}-`));
            assert.ok(named.length > 10, `${region} has only ${named.length} resources`);
            for (const resource of named) {
              const expected = isHealthStatusAlarm(resource.name) ? "us-east-1" : region;
              assert.equal(resource.region, expected, `${resource.type} ${resource.name}`);
            }
          }
        });

        it("gives every resource an explicit provider", () => {
          const withoutProvider = result.resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:") && resource.region === undefined);

          assert.deepEqual(withoutProvider.map((resource) => `${resource.type} ${resource.name}`), []);
        });

        it(`declares ${hasDomain ? "N" : "no"} health checks and latency records`, () => {
          const healthChecks = resourcesOf(result.resources, "aws:route53/healthCheck:HealthCheck");
          const latencyRecords = resourcesOf(result.resources, "aws:route53/record:Record").filter((record) => record.inputs.setIdentifier !== undefined);

          assert.equal(healthChecks.length, hasDomain ? regionCount : 0);
          assert.equal(latencyRecords.length, hasDomain ? regionCount : 0);
          assert.equal(resourcesOf(result.resources, "aws:acm/certificate:Certificate").length, hasDomain ? regionCount : 0);
          if (hasDomain) {
            assert.deepEqual(latencyRecords.map((record) => record.inputs.setIdentifier).sort(), [...regions].sort());
            assert.deepEqual(healthChecks.map((check) => check.inputs.fqdn).sort(), regions.map((region) => `${region}.auth.example.com`).sort());
          }
        });

        it("declares the expected alarms per region", () => {
          const alarms = resourcesOf(result.resources, "aws:cloudwatch/metricAlarm:MetricAlarm");

          for (const region of regions) {
            const regional = alarms.filter((alarm) => alarm.name.startsWith(`authhero-${region}-`) && !isHealthStatusAlarm(alarm.name));
            const purposes = regional.map((alarm) => alarm.name.slice(`authhero-${region}-`.length)).sort();
            assert.deepEqual(purposes, expectedLambdaAlarms(regionCount).sort(), region);
            assert.ok(regional.every((alarm) => alarm.region === region));
            assert.equal(resourcesOf(result.resources, "aws:sns/topic:Topic", region).length, region === "us-east-1" && hasDomain ? 2 : 1, region);
          }
          const healthAlarms = alarms.filter((alarm) => isHealthStatusAlarm(alarm.name));
          assert.equal(healthAlarms.length, hasDomain ? regionCount : 0);
          assert.ok(healthAlarms.every((alarm) => alarm.region === "us-east-1"));
        });

        it("declares one dashboard for the stack", () => {
          const dashboards = resourcesOf(result.resources, "aws:cloudwatch/dashboard:Dashboard");

          assert.equal(dashboards.length, 1);
          assert.equal(dashboards[0]!.region, HOME);
        });

        it("reports endpoints and health checks in outputs", async () => {
          const endpoints = await valueOf(result.outputs.endpoints);
          const healthCheckIds = await valueOf(result.outputs.healthCheckIds);

          assert.deepEqual(Object.keys(endpoints).sort(), [...regions].sort());
          assert.equal(Object.keys(healthCheckIds).length, hasDomain ? regionCount : 0);
          if (hasDomain) {
            assert.equal(endpoints["eu-west-1"] ?? endpoints[HOME], `https://${regions.includes("eu-west-1") ? "eu-west-1" : HOME}.auth.example.com`);
            assert.equal(result.outputs.sharedUrl, "https://auth.example.com/");
          } else {
            assert.equal(endpoints[HOME], `https://authhero${HOME.replace(/-/g, "")}apiid.execute-api.${HOME}.amazonaws.com`);
            assert.match(result.outputs.dns, /^Skipped: no domain/);
          }
        });
      });
    }
  }
});

describe("health check alarms outside us-east-1", () => {
  let result: Run;
  before(async () => {
    result = await run(withDomain(baseConfig({ regions: ["eu-west-1", "ap-southeast-2"], homeRegion: "eu-west-1" })));
  });

  it("adds a us-east-1 provider for Route 53 metrics", () => {
    const providers = resourcesOf(result.resources, "pulumi:providers:aws").map((provider) => provider.name).sort();

    assert.deepEqual(providers, ["ap-southeast-2", "eu-west-1", "us-east-1"]);
  });

  it("puts only health alarms and their topic there", () => {
    const inUsEast1 = result.resources.filter((resource) => resource.custom && resource.region === "us-east-1" && resource.type !== "pulumi:providers:aws");
    const kinds = inUsEast1.map((resource) => `${resource.type}::${resource.name}`).sort();

    assert.deepEqual(kinds, [
      "aws:cloudwatch/metricAlarm:MetricAlarm::authhero-ap-southeast-2-health-status",
      "aws:cloudwatch/metricAlarm:MetricAlarm::authhero-eu-west-1-health-status",
      "aws:kms/key:Key::authhero-alarms-key",
      "aws:sns/topic:Topic::authhero-alarms",
    ]);
  });
});
