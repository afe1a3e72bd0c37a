import { join } from "node:path";

import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

import { REPO_ROOT } from "./bundle.js";
import type { FargateSettings, HealthCheckSettings, ThrottleSettings } from "./config.js";
import { assumeRolePolicy, tableAccessPolicy } from "./iam.js";
import type { AliasTarget, RegionalDomain } from "./lambda-service.js";
import { childName, physicalName, regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

/** Port `app/server.ts` listens on (env PORT). */
export const CONTAINER_PORT = 3000;
const CONTAINER_NAME = "authhero";
const VPC_CIDR = "10.0.0.0/16";

export interface FargateServiceArgs {
  readonly region: Region;
  /** Prefix for physical names, for example `authhero-prod`. Changing it replaces the ALB and target group. */
  readonly physicalPrefix: string;
  /** Home-region table ARN; the task role reaches this region's replica only. */
  readonly tableArn: pulumi.Input<string>;
  readonly settings: FargateSettings;
  readonly healthCheck: HealthCheckSettings;
  readonly throttle: ThrottleSettings;
  readonly logRetentionDays: number;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Required: an ALB's own DNS name has no certificate, and the issuer must be https. */
  readonly domain: RegionalDomain;
}

/**
 * AuthHero as an ECS Fargate service in one region: a VPC, an HTTPS ALB with
 * /health target checks, CPU target tracking, and a WAF rate rule per client
 * IP. The image is built from the repository's Dockerfile during `pulumi up`.
 */
export class FargateService extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  readonly aliasTargets: { readonly shared: AliasTarget; readonly regional: AliasTarget };

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:compute:FargateService", regionalComponentName(name, args.region), {}, opts);

    const { region } = args;
    const vpc = new awsx.ec2.Vpc(childName(name, region, "vpc"), {
      cidrBlock: VPC_CIDR,
      numberOfAvailabilityZones: 2,
      /** One NAT gateway instead of one per zone halves the NAT cost, but tasks lose egress if its zone fails. */
      natGateways: { strategy: "Single" },
    }, { parent: this });

    // A gateway endpoint keeps table traffic off the NAT gateway, which bills per GB and
    // would otherwise carry every DynamoDB request the tasks make.
    new aws.ec2.VpcEndpoint(childName(name, region, "dynamodb-endpoint"), {
      vpcId: vpc.vpcId,
      serviceName: `com.amazonaws.${region}.dynamodb`,
      vpcEndpointType: "Gateway",
      routeTableIds: vpc.routeTables.apply((tables) => tables.map((table) => table.id)),
    }, { parent: this });

    const { albSecurityGroup, taskSecurityGroup } = this.createSecurityGroups(name, region, vpc);
    const { loadBalancer, targetGroup, listeners } = this.createLoadBalancer(name, args, vpc, albSecurityGroup);
    this.createRateLimit(name, args, loadBalancer);

    const cluster = new aws.ecs.Cluster(childName(name, region, "cluster"), {
      settings: [{ name: "containerInsights", value: "enabled" }],
    }, { parent: this });
    const taskDefinition = this.createTaskDefinition(name, args);
    const service = new aws.ecs.Service(childName(name, region, "service"), {
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: args.settings.desiredCount,
      launchType: "FARGATE",
      networkConfiguration: { subnets: vpc.privateSubnetIds, securityGroups: [taskSecurityGroup.id], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: CONTAINER_NAME, containerPort: CONTAINER_PORT }],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriodSeconds: 30,
    }, { parent: this, dependsOn: listeners, ignoreChanges: ["desiredCount"] });
    this.createAutoscaling(name, args, cluster, service);

    this.endpoint = pulumi.output(`https://${args.domain.regionalName}`);
    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.loadBalancerArnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    const albTarget = { name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId };
    this.aliasTargets = { shared: albTarget, regional: albTarget };
    this.registerOutputs({ endpoint: this.endpoint, clusterName: this.clusterName, serviceName: this.serviceName });
  }

  private createSecurityGroups(name: string, region: Region, vpc: awsx.ec2.Vpc) {
    const albSecurityGroup = new aws.ec2.SecurityGroup(childName(name, region, "alb-sg"), {
      vpcId: vpc.vpcId,
      description: "AuthHero ALB: HTTPS and the HTTP redirect from anywhere",
      ingress: [443, 80].map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] })),
      egress: [{ protocol: "tcp", fromPort: CONTAINER_PORT, toPort: CONTAINER_PORT, cidrBlocks: [VPC_CIDR] }],
    }, { parent: this });
    const taskSecurityGroup = new aws.ec2.SecurityGroup(childName(name, region, "task-sg"), {
      vpcId: vpc.vpcId,
      description: "AuthHero tasks: the app port from the ALB only",
      ingress: [{ protocol: "tcp", fromPort: CONTAINER_PORT, toPort: CONTAINER_PORT, securityGroups: [albSecurityGroup.id] }],
      /** Tasks reach ECR and CloudWatch through the NAT gateway, and DynamoDB through its endpoint, on 443 only. */
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
    }, { parent: this });
    return { albSecurityGroup, taskSecurityGroup };
  }

  private createLoadBalancer(name: string, args: FargateServiceArgs, vpc: awsx.ec2.Vpc, securityGroup: aws.ec2.SecurityGroup) {
    const { region } = args;
    const loadBalancer = new aws.lb.LoadBalancer(childName(name, region, "alb"), {
      name: physicalName(`${args.physicalPrefix}-${region}`, 32),
      loadBalancerType: "application",
      subnets: vpc.publicSubnetIds,
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
    }, { parent: this });
    const targetGroup = new aws.lb.TargetGroup(childName(name, region, "targets"), {
      name: physicalName(`${args.physicalPrefix}-${region}-tg`, 32),
      port: CONTAINER_PORT,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: vpc.vpcId,
      deregistrationDelay: 30,
      healthCheck: { path: args.healthCheck.path, matcher: "200", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    }, { parent: this });
    const listeners = this.createListeners(name, args, loadBalancer, targetGroup);
    return { loadBalancer, targetGroup, listeners };
  }

  private createListeners(name: string, args: FargateServiceArgs, loadBalancer: aws.lb.LoadBalancer, targetGroup: aws.lb.TargetGroup): aws.lb.Listener[] {
    const https = new aws.lb.Listener(childName(name, args.region, "https"), {
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: args.domain.certificateArn,
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    }, { parent: this });
    const redirect = new aws.lb.Listener(childName(name, args.region, "http"), {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    }, { parent: this });
    return [https, redirect];
  }

  /** Blocks any client IP above the limit with a WAF rate rule, because an ALB has no stage throttle. */
  private createRateLimit(name: string, args: FargateServiceArgs, loadBalancer: aws.lb.LoadBalancer): void {
    const metricName = physicalName(`${args.physicalPrefix}-${args.region}-rate`, 128);
    const webAcl = new aws.wafv2.WebAcl(childName(name, args.region, "waf"), {
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rules: [{
        name: "per-client-rate-limit",
        priority: 1,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: args.throttle.perClientLimit, aggregateKeyType: "IP" } },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${metricName}-ip`, sampledRequestsEnabled: true },
      }],
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true },
    }, { parent: this });
    new aws.wafv2.WebAclAssociation(childName(name, args.region, "waf-alb"), {
      resourceArn: loadBalancer.arn,
      webAclArn: webAcl.arn,
    }, { parent: this });
  }

  private createTaskDefinition(name: string, args: FargateServiceArgs): aws.ecs.TaskDefinition {
    const { region } = args;
    const logGroup = new aws.cloudwatch.LogGroup(childName(name, region, "logs"), {
      name: `/ecs/${args.physicalPrefix}-${region}`,
      retentionInDays: args.logRetentionDays,
    }, { parent: this });

    const repository = new awsx.ecr.Repository(childName(name, region, "repo"), { forceDelete: false }, { parent: this });
    const image = new awsx.ecr.Image(childName(name, region, "image"), {
      repositoryUrl: repository.url,
      context: REPO_ROOT,
      dockerfile: join(REPO_ROOT, "Dockerfile"),
      platform: "linux/arm64",
    }, { parent: this });

    const executionRole = new aws.iam.Role(childName(name, region, "execution-role"), {
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
      managedPolicyArns: [aws.iam.ManagedPolicy.AmazonECSTaskExecutionRolePolicy],
    }, { parent: this });
    const taskRole = new aws.iam.Role(childName(name, region, "task-role"), {
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, region, "table-access"), {
      role: taskRole.name,
      policy: tableAccessPolicy(args.tableArn, region),
    }, { parent: this });

    const containerDefinitions = pulumi.all([image.imageUri, logGroup.name, pulumi.output(args.environment)]).apply(([imageUri, logGroupName, environment]) =>
      JSON.stringify([{
        name: CONTAINER_NAME,
        image: imageUri,
        essential: true,
        portMappings: [{ containerPort: CONTAINER_PORT, protocol: "tcp" }],
        environment: Object.entries({ ...environment, AWS_REGION: region, PORT: String(CONTAINER_PORT) }).map(([key, value]) => ({ name: key, value })),
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": "app" } },
      }]),
    );

    return new aws.ecs.TaskDefinition(childName(name, region, "task"), {
      family: `${args.physicalPrefix}-${region}`,
      cpu: String(args.settings.cpu),
      memory: String(args.settings.memoryMb),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions,
    }, { parent: this });
  }

  private createAutoscaling(name: string, args: FargateServiceArgs, cluster: aws.ecs.Cluster, service: aws.ecs.Service): void {
    const target = new aws.appautoscaling.Target(childName(name, args.region, "scaling-target"), {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
      minCapacity: args.settings.minCount,
      maxCapacity: args.settings.maxCount,
    }, { parent: this });
    new aws.appautoscaling.Policy(childName(name, args.region, "cpu-scaling"), {
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: args.settings.cpuTargetPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleInCooldown: 120,
        scaleOutCooldown: 60,
      },
    }, { parent: this });
  }
}
