import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { AlarmSettings } from "./config.js";
import { childName, regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

/** The CloudWatch dimensions of one region's compute, for alarms and the dashboard. */
export type ComputeMetrics =
  | { readonly kind: "lambda"; readonly functionName: pulumi.Output<string>; readonly apiId: pulumi.Output<string> }
  | {
      readonly kind: "fargate";
      readonly clusterName: pulumi.Output<string>;
      readonly serviceName: pulumi.Output<string>;
      readonly loadBalancerArnSuffix: pulumi.Output<string>;
      readonly targetGroupArnSuffix: pulumi.Output<string>;
    };

/** Alarms evaluate one 5-minute period; thresholds in config are per 5 minutes. */
const PERIOD_SECONDS = 300;

export interface RegionalAlarmsArgs {
  readonly region: Region;
  readonly compute: ComputeMetrics;
  readonly tableName: pulumi.Input<string>;
  /** Regions this region's replica replicates to; one ReplicationLatency metric each. */
  readonly replicationPeers: readonly Region[];
  readonly settings: AlarmSettings;
  /** The retention sweep's function, in the one region that runs it. */
  readonly retentionFunctionName?: pulumi.Output<string>;
}

type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "comparisonOperator" | "evaluationPeriods">;

/**
 * One region's alarms and the SNS topic they notify, all in that region,
 * because a CloudWatch alarm can only notify a topic in its own region.
 */
export class RegionalAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  /** Alarm logical names by purpose, for tests and outputs. */
  readonly alarmNames: readonly string[];

  constructor(name: string, args: RegionalAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:monitoring:RegionalAlarms", regionalComponentName(name, args.region), {}, opts);

    const { region, settings } = args;
    this.topic = createTopic(this, childName(name, region, "alarms"), settings.email);
    const actions = [this.topic.arn, ...(settings.topicArns[region] !== undefined ? [settings.topicArns[region]] : [])];

    const specs: Record<string, AlarmSpec> = {
      ...computeAlarms(args.compute, settings),
      "dynamodb-throttles": {
        alarmDescription: `DynamoDB throttled reads or writes on ${region}'s replica.`,
        threshold: settings.throttles,
        metricQueries: [
          { id: "total", expression: "reads + writes", label: "Throttle events", returnData: true },
          ...(["Read", "Write"] as const).map((kind) => ({
            id: `${kind.toLowerCase()}s`,
            metric: { namespace: "AWS/DynamoDB", metricName: `${kind}ThrottleEvents`, dimensions: { TableName: args.tableName }, period: PERIOD_SECONDS, stat: "Sum" },
          })),
        ],
      },
    };
    if (args.replicationPeers.length > 0) {
      specs["replication-latency"] = replicationAlarm(args, settings);
    }
    if (args.retentionFunctionName !== undefined) {
      specs["retention-errors"] = {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: args.retentionFunctionName },
        period: PERIOD_SECONDS,
        statistic: "Sum",
        // A sweep runs once per schedule interval, so a single error already means a missed run.
        threshold: 1,
        alarmDescription: "The retention sweep threw or timed out; expired items stay in the table until a sweep succeeds.",
      };
    }

    for (const [purpose, spec] of Object.entries(specs)) {
      new aws.cloudwatch.MetricAlarm(childName(name, region, purpose), {
        ...spec,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        evaluationPeriods: 1,
        treatMissingData: spec.treatMissingData ?? "notBreaching",
        alarmActions: actions,
        okActions: actions,
      }, { parent: this });
    }
    this.alarmNames = Object.keys(specs);
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}

function computeAlarms(compute: ComputeMetrics, settings: AlarmSettings): Record<string, AlarmSpec> {
  const sum = { period: PERIOD_SECONDS, statistic: "Sum" } as const;
  if (compute.kind === "lambda") {
    const dimensions = { FunctionName: compute.functionName };
    return {
      "lambda-errors": { ...sum, namespace: "AWS/Lambda", metricName: "Errors", dimensions, threshold: settings.lambdaErrors, alarmDescription: "The AuthHero function threw or timed out." },
      "lambda-throttles": { ...sum, namespace: "AWS/Lambda", metricName: "Throttles", dimensions, threshold: settings.throttles, alarmDescription: "Lambda rejected invocations for lack of concurrency." },
      "lambda-p99-duration": { namespace: "AWS/Lambda", metricName: "Duration", dimensions, period: PERIOD_SECONDS, extendedStatistic: "p99", threshold: settings.p99DurationMs, alarmDescription: "p99 duration of the AuthHero function, in milliseconds." },
      "http-5xx": { ...sum, namespace: "AWS/ApiGateway", metricName: "5xx", dimensions: { ApiId: compute.apiId, Stage: "$default" }, threshold: settings.http5xx, alarmDescription: "HTTP API responses with status 5xx." },
    };
  }

  const service = { ClusterName: compute.clusterName, ServiceName: compute.serviceName };
  const average = { period: PERIOD_SECONDS, statistic: "Average" } as const;
  return {
    "ecs-cpu": { ...average, namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: service, threshold: settings.utilizationPercent, alarmDescription: "Average CPU of the AuthHero service, in percent." },
    "ecs-memory": { ...average, namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: service, threshold: settings.utilizationPercent, alarmDescription: "Average memory of the AuthHero service, in percent." },
    "unhealthy-targets": { period: 60, statistic: "Maximum", namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", dimensions: { LoadBalancer: compute.loadBalancerArnSuffix, TargetGroup: compute.targetGroupArnSuffix }, threshold: 1, alarmDescription: "At least one task fails the ALB health check." },
    "http-5xx": {
      alarmDescription: "5xx responses from the tasks and from the ALB itself.",
      threshold: settings.http5xx,
      metricQueries: [
        { id: "total", expression: "targets + alb", label: "5xx responses", returnData: true },
        { id: "targets", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: { LoadBalancer: compute.loadBalancerArnSuffix }, period: PERIOD_SECONDS, stat: "Sum" } },
        { id: "alb", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", dimensions: { LoadBalancer: compute.loadBalancerArnSuffix }, period: PERIOD_SECONDS, stat: "Sum" } },
      ],
    },
  };
}

/** DynamoDB publishes ReplicationLatency in the sending region, one metric per receiving region. */
function replicationAlarm(args: RegionalAlarmsArgs, settings: AlarmSettings): AlarmSpec {
  const peers = [...args.replicationPeers].sort();
  const ids = peers.map((_, index) => `to${index}`);
  return {
    alarmDescription: `Replication from ${args.region} to ${peers.join(", ")} lags, in milliseconds.`,
    threshold: settings.replicationLatencyMs,
    metricQueries: [
      { id: "worst", expression: `MAX([${ids.join(", ")}])`, label: "Worst replication latency", returnData: true },
      ...peers.map((peer, index) => ({
        id: ids[index]!,
        metric: { namespace: "AWS/DynamoDB", metricName: "ReplicationLatency", dimensions: { TableName: args.tableName, ReceivingRegion: peer }, period: PERIOD_SECONDS, stat: "Average" },
      })),
    ],
  };
}

/**
 * Creates an alarm topic encrypted with its own KMS key. CloudWatch can
 * publish to an encrypted topic only if the key policy lets it use the key,
 * and the AWS managed key alias/aws/sns has a policy nobody can change, so
 * alarms would never arrive through it.
 */
function createTopic(parent: pulumi.Resource, name: string, email: string | undefined): aws.sns.Topic {
  const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const key = new aws.kms.Key(`${name}-key`, {
    description: `Encrypts the ${name} SNS topic`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: accountId.apply((account) => JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
        {
          Sid: "CloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ],
    })),
  }, { parent });

  const topic = new aws.sns.Topic(name, { kmsMasterKeyId: key.arn }, { parent });
  if (email !== undefined) {
    new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: email }, { parent });
  }
  return topic;
}

export interface HealthCheckAlarmsArgs {
  /** Route 53 health check id per region. */
  readonly healthCheckIds: Readonly<Partial<Record<Region, pulumi.Output<string>>>>;
  readonly settings: AlarmSettings;
}

/**
 * Alarms on each region's Route 53 health check. They live in us-east-1
 * (the caller passes that provider) because Route 53 publishes
 * HealthCheckStatus only there, with their own topic in that region.
 */
export class HealthCheckAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;

  constructor(name: string, args: HealthCheckAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:monitoring:HealthCheckAlarms", name, {}, opts);

    this.topic = createTopic(this, childName(name, undefined, "alarms"), args.settings.email);
    const extraTopic = args.settings.topicArns["us-east-1"];
    const actions = [this.topic.arn, ...(extraTopic !== undefined ? [extraTopic] : [])];

    for (const [region, healthCheckId] of Object.entries(args.healthCheckIds)) {
      new aws.cloudwatch.MetricAlarm(childName(name, region, "health-status"), {
        alarmDescription: `Route 53 health check of ${region} fails; latency routing has withdrawn the region.`,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: healthCheckId },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 2,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
        alarmActions: actions,
        okActions: actions,
      }, { parent: this });
    }
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
