/**
 * The one place that installs Pulumi mocks for the whole mocha run. Mocks are
 * process-global, so a second setMocks call in a test file would silently
 * replace these. Tests import the record and helpers from here.
 */
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_PROJECT = "authhero-global";
export const MOCK_STACK = "test";

/** One resource registration as the mock monitor saw it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** Provider reference `<urn>::<id>`, when one was passed explicitly. */
  readonly provider: string | undefined;
  /** The region the resource lives in: its own `region` input, or its provider's. */
  readonly region: string | undefined;
  readonly custom: boolean;
}

export const recorded: RecordedResource[] = [];

/** Clears the record and the monitor's URN map; the root hook below calls it before every test. */
export function resetRecorded(): void {
  recorded.length = 0;
  monitorResources().clear();
}

/** URNs registered since the last reset, sorted. */
export function registeredUrns(): string[] {
  return [...monitorResources().keys()].sort();
}

/** Resources of one type, for example "aws:dynamodb/table:Table". */
export function ofType(type: string): RecordedResource[] {
  return recorded.filter((resource) => resource.type === type);
}

/** Resolves an Output under mocks. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/**
 * Waits until no resource has been registered for a few event-loop turns.
 * Pulumi registers resources asynchronously and offers no public "all done"
 * signal under mocks.
 */
export async function settle(): Promise<void> {
  let stableTurns = 0;
  let lastCount = -1;
  while (stableTurns < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const count = monitorResources().size;
    stableTurns = count === lastCount ? stableTurns + 1 : 0;
    lastCount = count;
  }
}

function monitorResources(): Map<string, unknown> {
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources?: Map<string, unknown> } | undefined;
  if (monitor?.resources === undefined) {
    throw new Error("the Pulumi mock monitor is not installed; is test/setup/pulumi-mocks.ts loaded with --require?");
  }
  return monitor.resources;
}

const providerRegions = new Map<string, string>();

function regionOf(args: pulumi.runtime.MockResourceArgs): string | undefined {
  if (typeof args.inputs.region === "string") {
    return args.inputs.region;
  }
  if (args.provider === undefined) {
    return undefined;
  }
  // A provider reference is "<provider urn>::<provider id>"; the URN ends with the provider's name.
  const providerUrn = args.provider.split("::").slice(0, -1).join("::");
  return providerRegions.get(providerUrn.split("::").at(-1) ?? "");
}

function arn(service: string, region: string | undefined, resource: string): string {
  const isGlobal = service === "iam" || service === "route53" || service === "cloudfront";
  return `arn:aws:${service}:${isGlobal ? "" : region ?? "us-east-1"}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/** Outputs the real provider computes and the program reads back. */
function computedState(type: string, name: string, id: string, region: string | undefined, inputs: Record<string, any>): Record<string, unknown> {
  const physical: string = inputs.name ?? `${name}-abc1234`;
  switch (type) {
    case "aws:dynamodb/table:Table":
      return { arn: arn("dynamodb", region, `table/${physical}`), streamArn: arn("dynamodb", region, `table/${physical}/stream/2026-01-01T00:00:00.000`) };
    case "aws:iam/role:Role":
      return { arn: arn("iam", undefined, `role/${physical}`), name: physical };
    case "aws:lambda/function:Function":
      return { arn: arn("lambda", region, `function:${physical}`), name: physical, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn("lambda", region, `function:${physical}`)}/invocations` };
    case "aws:apigatewayv2/api:Api":
      return { apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`, executionArn: arn("execute-api", region, id) };
    case "aws:apigatewayv2/domainName:DomainName":
      return { domainNameConfiguration: { ...inputs.domainNameConfiguration, targetDomainName: `d-${id}.execute-api.${region}.amazonaws.com`, hostedZoneId: "Z1UJRXOUMOOFQ8" } };
    case "aws:lb/loadBalancer:LoadBalancer":
      return { arn: arn("elasticloadbalancing", region, `loadbalancer/app/${physical}/50dc6c495c0c9188`), arnSuffix: `app/${physical}/50dc6c495c0c9188`, dnsName: `${physical}-1234567890.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" };
    case "aws:lb/targetGroup:TargetGroup":
      return { arn: arn("elasticloadbalancing", region, `targetgroup/${physical}/73e2d6bc24d8a067`), arnSuffix: `targetgroup/${physical}/73e2d6bc24d8a067` };
    case "aws:acm/certificate:Certificate":
      return {
        arn: arn("acm", region, `certificate/${id}`),
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((domainName: string) => ({
          domainName,
          // ACM gives an apex name and its wildcard the same validation record.
          resourceRecordName: `_0123456789abcdef.${domainName.replace(/^\*\./, "")}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: "_fedcba9876543210.acm-validations.aws.",
        })),
      };
    case "aws:cloudfront/distribution:Distribution":
      return { arn: arn("cloudfront", undefined, `distribution/${id}`), domainName: `${id.toLowerCase()}.cloudfront.net` };
    case "aws:s3/bucket:Bucket":
      return { arn: `arn:aws:s3:::${inputs.bucket ?? physical}`, bucket: inputs.bucket ?? physical, bucketRegionalDomainName: `${inputs.bucket ?? physical}.s3.${region}.amazonaws.com` };
    case "aws:ecs/cluster:Cluster":
      return { arn: arn("ecs", region, `cluster/${physical}`), name: physical };
    case "aws:ecs/service:Service":
      return { name: physical };
    case "aws:cloudwatch/eventRule:EventRule":
      return { arn: arn("events", region, `rule/${physical}`), name: physical };
    case "aws:route53/record:Record":
      return { fqdn: inputs.name };
    case "awsx:ec2:Vpc":
      return {
        vpcId: `vpc-${id}`,
        privateSubnetIds: [`subnet-${id}a`, `subnet-${id}b`],
        publicSubnetIds: [`subnet-${id}c`, `subnet-${id}d`],
        routeTables: ["a", "b", "c", "d"].map((suffix) => ({ id: `rtb-${id}${suffix}` })),
      };
    case "awsx:ecr:Repository":
      return { url: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}` };
    case "awsx:ecr:Image":
      return { imageUri: `${inputs.repositoryUrl}@sha256:${"0".repeat(64)}` };
    default:
      return { arn: arn(type.split(/[:/]/)[1] ?? "unknown", region, `${name}`) };
  }
}

await pulumi.runtime.setMocks(
  {
    newResource(args) {
      const region = regionOf(args);
      if (args.type === "pulumi:providers:aws") {
        providerRegions.set(args.name, args.inputs.region);
      }
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, region, custom: args.custom ?? true });

      const id = `${args.name.replace(/[^A-Za-z0-9]/g, "").slice(0, 20)}id`;
      return { id, state: { ...args.inputs, id, ...computedState(args.type, args.name, id, region, args.inputs) } };
    },
    call(args) {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
        return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/test`, userId: "AIDATEST" };
      }
      return args.inputs;
    },
  },
  MOCK_PROJECT,
  MOCK_STACK,
  false,
);

/** Mocha root hook: every test starts with an empty record. Runs that need their resources later keep a copy. */
export const mochaHooks = {
  beforeEach(): void {
    resetRecorded();
  },
};
