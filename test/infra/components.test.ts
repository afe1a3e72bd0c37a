import assert from "node:assert/strict";

import { readFileSync } from "node:fs";
import { join } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { authheroAssetsDirectory, rewriteLoginCss } from "../../app/login-assets.js";

import { baseConfig, resourcesOf, run, TEST_PASSWORD, withDomain, type Run } from "./harness.js";

const PROD_LIKE = withDomain(baseConfig({
  regions: ["us-east-1", "eu-west-1"],
  regionOverrides: { "eu-west-1": { compute: "fargate" } },
  throttle: { burstLimit: 300, rateLimit: 150, perClientLimit: 5000 },
  logRetentionDays: 90,
  allowedOrigins: ["https://app.example.com"],
  clientCallbacks: ["https://app.example.com/callback"],
}));

function only(result: Run, type: string, region?: string) {
  const matches = resourcesOf(result.resources, type, region);
  assert.equal(matches.length, 1, `${type} in ${region ?? "any region"}: ${matches.length}`);
  return matches[0]!;
}

describe("components", () => {
  let result: Run;
  before(async () => {
    result = await run(PROD_LIKE);
  });

  describe("LambdaService", () => {
    it("runs the bundle on arm64 with the configured limits", () => {
      const fn = resourcesOf(result.resources, "aws:lambda/function:Function", "us-east-1").find((candidate) => candidate.name === "authhero-us-east-1-function")!;

      assert.deepEqual(fn.inputs.architectures, ["arm64"]);
      assert.equal(fn.inputs.runtime, "nodejs22.x");
      assert.equal(fn.inputs.memorySize, 1024);
      assert.equal(fn.inputs.timeout, 15);
      assert.equal(fn.inputs.handler, "index.handler");
      assert.equal(fn.inputs.name, "authhero-test-us-east-1-api");
    });

    it("keeps logs for the configured days", () => {
      const logGroup = resourcesOf(result.resources, "aws:cloudwatch/logGroup:LogGroup", "us-east-1").find((group) => group.name === "authhero-us-east-1-logs")!;

      assert.equal(logGroup.inputs.name, "/aws/lambda/authhero-test-us-east-1-api");
      assert.equal(logGroup.inputs.retentionInDays, 90);
    });

    it("throttles the HTTP API stage", () => {
      const stage = only(result, "aws:apigatewayv2/stage:Stage", "us-east-1");

      assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingBurstLimit: 300, throttlingRateLimit: 150 });
      assert.equal(stage.inputs.autoDeploy, true);
    });

    it("logs API access without query strings", () => {
      const stage = only(result, "aws:apigatewayv2/stage:Stage", "us-east-1");
      const format = JSON.parse(stage.inputs.accessLogSettings.format);
      const logGroup = resourcesOf(result.resources, "aws:cloudwatch/logGroup:LogGroup", "us-east-1").find((group) => group.name === "authhero-us-east-1-access-logs")!;

      assert.equal(format.path, "$context.path");
      assert.ok(!JSON.stringify(format).includes("querystring"));
      assert.equal(logGroup.inputs.retentionInDays, 90);
    });

    it("maps the shared and regional names to the API", () => {
      const domains = resourcesOf(result.resources, "aws:apigatewayv2/domainName:DomainName", "us-east-1").map((domain) => domain.inputs.domainName).sort();

      assert.deepEqual(domains, ["auth.example.com", "us-east-1.auth.example.com"]);
      assert.equal(resourcesOf(result.resources, "aws:apigatewayv2/apiMapping:ApiMapping", "us-east-1").length, 2);
    });

    it("leaves CORS to the app", () => {
      const api = only(result, "aws:apigatewayv2/api:Api", "us-east-1");

      assert.equal(api.inputs.corsConfiguration, undefined);
    });
  });

  describe("app environment", () => {
    it("gives every region the same settings", async () => {
      const fn = resourcesOf(result.resources, "aws:lambda/function:Function", "us-east-1").find((candidate) => candidate.name === "authhero-us-east-1-function")!;
      const variables = fn.inputs.environment.variables;

      assert.equal(variables.AUTHHERO_TABLE_NAME, "authhero-test");
      assert.equal(variables.AUTHHERO_ISSUER, "https://auth.example.com/");
      assert.equal(variables.AUTHHERO_ALLOWED_ORIGINS, "https://app.example.com");
      assert.equal(variables.AUTHHERO_CONSISTENCY, "eventual");
      assert.equal(variables.AUTHHERO_TENANT_ID, "main");
      assert.match(variables.AUTHHERO_ASSETS_URL, /^https:\/\/[a-z0-9]+\.cloudfront\.net$/);
      assert.deepEqual(JSON.parse(variables.AUTHHERO_REGION_ENDPOINTS), {
        "eu-west-1": "https://eu-west-1.auth.example.com",
        "us-east-1": "https://us-east-1.auth.example.com",
      });
    });

    it("passes the same settings to Fargate tasks", () => {
      const task = only(result, "aws:ecs/taskDefinition:TaskDefinition", "eu-west-1");
      const [container] = JSON.parse(task.inputs.containerDefinitions);
      const environment = Object.fromEntries(container.environment.map((entry: { name: string; value: string }) => [entry.name, entry.value]));

      assert.equal(environment.AUTHHERO_ISSUER, "https://auth.example.com/");
      assert.equal(environment.AWS_REGION, "eu-west-1");
      assert.equal(environment.PORT, "3000");
    });

    it("uses the home endpoint as issuer without a domain", async () => {
      const noDomain = await run(baseConfig());
      const fn = resourcesOf(noDomain.resources, "aws:lambda/function:Function", "eu-west-1")[0]!;

      assert.equal(fn.inputs.environment.variables.AUTHHERO_ISSUER, "https://authherouseast1apiid.execute-api.us-east-1.amazonaws.com/");
    });
  });

  describe("FargateService", () => {
    it("checks targets on the health path", () => {
      const targetGroup = only(result, "aws:lb/targetGroup:TargetGroup", "eu-west-1");

      assert.equal(targetGroup.inputs.healthCheck.path, "/health");
      assert.equal(targetGroup.inputs.port, 3000);
      assert.equal(targetGroup.inputs.targetType, "ip");
      assert.ok(targetGroup.inputs.name.length <= 32);
    });

    it("terminates TLS with the region's certificate", () => {
      const listeners = resourcesOf(result.resources, "aws:lb/listener:Listener", "eu-west-1");
      const https = listeners.find((listener) => listener.inputs.protocol === "HTTPS")!;
      const http = listeners.find((listener) => listener.inputs.protocol === "HTTP")!;

      assert.match(https.inputs.certificateArn, /^arn:aws:acm:eu-west-1:/);
      assert.equal(http.inputs.defaultActions[0].type, "redirect");
    });

    it("scales on CPU within the configured bounds", () => {
      const target = only(result, "aws:appautoscaling/target:Target", "eu-west-1");
      const policy = only(result, "aws:appautoscaling/policy:Policy", "eu-west-1");

      assert.equal(target.inputs.minCapacity, 2);
      assert.equal(target.inputs.maxCapacity, 6);
      assert.equal(policy.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType, "ECSServiceAverageCPUUtilization");
      assert.equal(policy.inputs.targetTrackingScalingPolicyConfiguration.targetValue, 60);
    });

    it("rate-limits each client IP with WAF", () => {
      const webAcl = only(result, "aws:wafv2/webAcl:WebAcl", "eu-west-1");

      assert.deepEqual(webAcl.inputs.rules[0].statement.rateBasedStatement, { limit: 5000, aggregateKeyType: "IP" });
      assert.equal(only(result, "aws:wafv2/webAclAssociation:WebAclAssociation", "eu-west-1").region, "eu-west-1");
    });

    it("builds an arm64 image from the repository Dockerfile", () => {
      // awsx components are remote, so the mocks see their provider map only inside awsx; the name carries the region.
      const image = only(result, "awsx:ecr:Image");

      assert.equal(image.name, "authhero-eu-west-1-image");

      assert.equal(image.inputs.platform, "linux/arm64");
      assert.match(image.inputs.dockerfile, /\/Dockerfile$/);
    });

    it("reaches DynamoDB through a gateway endpoint", () => {
      const endpoint = only(result, "aws:ec2/vpcEndpoint:VpcEndpoint", "eu-west-1");

      assert.equal(endpoint.inputs.serviceName, "com.amazonaws.eu-west-1.dynamodb");
      assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
      assert.equal(endpoint.inputs.routeTableIds.length, 4);
    });

    it("admits app traffic only from the ALB", () => {
      const taskGroup = resourcesOf(result.resources, "aws:ec2/securityGroup:SecurityGroup", "eu-west-1").find((group) => group.name.endsWith("task-sg"))!;

      assert.equal(taskGroup.inputs.ingress.length, 1);
      assert.equal(taskGroup.inputs.ingress[0].cidrBlocks, undefined);
      assert.equal(taskGroup.inputs.ingress[0].securityGroups.length, 1);
    });
  });

  describe("StaticAssets", () => {
    it("blocks every form of public access", () => {
      const block = only(result, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");

      assert.deepEqual(
        [block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
        [true, true, true, true],
      );
    });

    it("lets only the distribution read objects", () => {
      const policy = JSON.parse(only(result, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      const [statement] = policy.Statement;

      assert.equal(policy.Statement.length, 1);
      assert.deepEqual(statement.Principal, { Service: "cloudfront.amazonaws.com" });
      assert.equal(statement.Action, "s3:GetObject");
      assert.match(statement.Condition.StringEquals["AWS:SourceArn"], /^arn:aws:cloudfront::\d{12}:distribution\//);
    });

    it("serves through origin access control", () => {
      const distribution = only(result, "aws:cloudfront/distribution:Distribution");

      assert.ok(distribution.inputs.origins[0].originAccessControlId);
      assert.equal(distribution.inputs.defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
    });

    it("allows cross-origin module scripts", () => {
      const distribution = only(result, "aws:cloudfront/distribution:Distribution");

      // AWS managed policy CORS-and-SecurityHeadersPolicy.
      assert.equal(distribution.inputs.defaultCacheBehavior.responseHeadersPolicyId, "e61eb60c-9c35-4d20-a928-2b84e02af89c");
    });

    it("uploads AuthHero's login assets under u/", () => {
      const keys = resourcesOf(result.resources, "aws:s3/bucketObjectv2:BucketObjectv2").map((object) => object.inputs.key);

      assert.ok(keys.includes("u/css/tailwind.css"), keys.join(", "));
      assert.ok(keys.includes("u/js/client.js"), keys.join(", "));
      assert.ok(keys.every((key: string) => key.startsWith("u/")));
    });

    it("uploads the CSS as the app rewrites it", async () => {
      const css = resourcesOf(result.resources, "aws:s3/bucketObjectv2:BucketObjectv2").find((object) => object.inputs.key === "u/css/tailwind.css")!;
      // The mocks receive the FileAsset itself, whose path is a promise.
      const uploaded = readFileSync(await css.inputs.source.path, "utf8");

      assert.equal(uploaded, rewriteLoginCss(readFileSync(join(authheroAssetsDirectory(), "u", "css", "tailwind.css"), "utf8")));
      assert.doesNotMatch(uploaded, /sesamy\.com/);
      assert.equal(css.inputs.contentType, "text/css; charset=utf-8");
    });

    it("lets browsers keep hashed widget chunks", () => {
      const objects = resourcesOf(result.resources, "aws:s3/bucketObjectv2:BucketObjectv2");
      const chunk = objects.find((object) => /^u\/widget\/p-.*\.js$/.test(object.inputs.key))!;
      const client = objects.find((object) => object.inputs.key === "u/js/client.js")!;

      assert.equal(chunk.inputs.cacheControl, "public, max-age=31536000, immutable");
      assert.equal(client.inputs.cacheControl, "public, max-age=86400");
    });
  });

  describe("RegionalAlarms", () => {
    it("encrypts each topic with a key CloudWatch may use", () => {
      for (const topic of resourcesOf(result.resources, "aws:sns/topic:Topic")) {
        const key = result.resources.find((resource) => resource.type === "aws:kms/key:Key" && resource.name === `${topic.name}-key`)!;
        const statements = JSON.parse(key.inputs.policy).Statement;
        const cloudWatch = statements.find((statement: { Sid: string }) => statement.Sid === "CloudWatchAlarmsPublish");

        assert.match(topic.inputs.kmsMasterKeyId, /^arn:aws:kms:/, topic.name);
        assert.equal(key.region, topic.region, topic.name);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.deepEqual(cloudWatch.Principal, { Service: "cloudwatch.amazonaws.com" });
        assert.deepEqual(cloudWatch.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
      }
    });
  });

  describe("SeedInvocation", () => {
    it("invokes the seed function once in the home region", () => {
      const invocation = only(result, "aws:lambda/invocation:Invocation");

      assert.equal(invocation.region, "us-east-1");
      assert.match(invocation.inputs.functionName, /seed/);
    });

    it("sends the tenant, issuer and admin as a secret event", () => {
      const input = only(result, "aws:lambda/invocation:Invocation").inputs.input;

      // A secret reaches the monitor wrapped with Pulumi's secret signature.
      assert.equal(input[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
      assert.deepEqual(JSON.parse(input.value), {
        tenantId: "main",
        issuer: "https://auth.example.com/",
        adminEmail: "admin@example.com",
        adminPassword: TEST_PASSWORD,
        clientCallbacks: ["https://app.example.com/callback"],
      });
    });

    it("is skipped when seeding is off", async () => {
      const unseeded = await run(baseConfig({ seed: false }));

      assert.equal(resourcesOf(unseeded.resources, "aws:lambda/invocation:Invocation").length, 0);
    });
  });
});
