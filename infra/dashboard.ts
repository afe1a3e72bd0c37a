import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { ComputeMetrics } from "./alarms.js";
import { childName } from "./naming.js";
import type { Region } from "./regions.js";

export interface DashboardArgs {
  /** Region whose CloudWatch console hosts the dashboard; widgets still read every region. */
  readonly homeRegion: Region;
  /** Physical dashboard name; changing it replaces the dashboard. */
  readonly dashboardName: string;
  readonly tableName: pulumi.Input<string>;
  readonly computeByRegion: Readonly<Partial<Record<Region, ComputeMetrics>>>;
}

const WIDGET_WIDTH = 8;
const WIDGET_HEIGHT = 6;

/**
 * One CloudWatch dashboard for the stack with a column per region, so the
 * regions can be compared side by side. Each widget sets its own `region`,
 * which CloudWatch dashboards allow across regions.
 */
export class Dashboard extends pulumi.ComponentResource {
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:monitoring:Dashboard", name, {}, opts);

    const regions = (Object.keys(args.computeByRegion) as Region[]).sort();
    const columns = regions.map((region, column) => regionWidgets(region, column, args));
    const body = pulumi.all(columns).apply((widgets) => JSON.stringify({ widgets: widgets.flat() }));

    const dashboard = new aws.cloudwatch.Dashboard(childName(name, args.homeRegion, "dashboard"), {
      dashboardName: args.dashboardName,
      dashboardBody: body,
    }, { parent: this });

    this.dashboardUrl = pulumi.interpolate`https://${args.homeRegion}.console.aws.amazon.com/cloudwatch/home?region=${args.homeRegion}#dashboards:name=${dashboard.dashboardName}`;
    this.registerOutputs({ dashboardUrl: this.dashboardUrl });
  }
}

type Metric = (string | { stat?: string; label?: string })[];

function regionWidgets(region: Region, column: number, args: DashboardArgs): pulumi.Output<object[]> {
  const compute = args.computeByRegion[region]!;
  return pulumi.all([pulumi.output(args.tableName), computeDimensions(compute)]).apply(([tableName, dims]) => {
    const widget = (row: number, title: string, metrics: Metric[]) => ({
      type: "metric",
      x: column * WIDGET_WIDTH,
      y: row * WIDGET_HEIGHT,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: { title: `${region}: ${title}`, region, metrics, period: 60, view: "timeSeries", stat: "Sum" },
    });

    const requests = dims.kind === "lambda"
      ? widget(0, "requests and errors", [
          ["AWS/ApiGateway", "Count", "ApiId", dims.apiId],
          ["AWS/ApiGateway", "5xx", "ApiId", dims.apiId],
          ["AWS/Lambda", "Errors", "FunctionName", dims.functionName],
          ["AWS/Lambda", "Throttles", "FunctionName", dims.functionName],
        ])
      : widget(0, "requests and errors", [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", dims.loadBalancer],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", dims.loadBalancer],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", dims.targetGroup, "LoadBalancer", dims.loadBalancer, { stat: "Maximum" }],
        ]);
    const latency = dims.kind === "lambda"
      ? widget(1, "latency (ms)", [["AWS/Lambda", "Duration", "FunctionName", dims.functionName, { stat: "p99", label: "p99" }]])
      : widget(1, "CPU and memory (%)", [
          ["AWS/ECS", "CPUUtilization", "ClusterName", dims.clusterName, "ServiceName", dims.serviceName, { stat: "Average" }],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", dims.clusterName, "ServiceName", dims.serviceName, { stat: "Average" }],
        ]);
    const table = widget(2, "DynamoDB", [
      ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", tableName],
      ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", tableName],
      ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", tableName],
    ]);
    return [requests, latency, table];
  });
}

type Dimensions =
  | { kind: "lambda"; functionName: string; apiId: string }
  | { kind: "fargate"; clusterName: string; serviceName: string; loadBalancer: string; targetGroup: string };

function computeDimensions(compute: ComputeMetrics): pulumi.Output<Dimensions> {
  if (compute.kind === "lambda") {
    return pulumi.all([compute.functionName, compute.apiId]).apply(([functionName, apiId]) => ({ kind: "lambda" as const, functionName, apiId }));
  }
  return pulumi
    .all([compute.clusterName, compute.serviceName, compute.loadBalancerArnSuffix, compute.targetGroupArnSuffix])
    .apply(([clusterName, serviceName, loadBalancer, targetGroup]) => ({ kind: "fargate" as const, clusterName, serviceName, loadBalancer, targetGroup }));
}
