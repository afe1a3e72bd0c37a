import * as pulumi from "@pulumi/pulumi";

import { RegionalAlarms, type ComputeMetrics } from "./alarms.js";
import { regionalHostName } from "./certificates.js";
import type { DeploymentConfig } from "./config.js";
import { RegionDns } from "./dns.js";
import { FargateService } from "./fargate-service.js";
import { LambdaService, type RegionalDomain } from "./lambda-service.js";
import { regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

export interface RegionalStackArgs {
  readonly region: Region;
  /** Prefix for physical names, for example `authhero-prod`. */
  readonly physicalPrefix: string;
  readonly config: DeploymentConfig;
  /** Home-region table ARN and the shared table name. */
  readonly tableArn: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  /** Environment for the app, identical in every region (AWS_REGION is set per region). */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Bundled `app/lambda.ts`, used when this region runs on Lambda. */
  readonly apiCode: pulumi.asset.Archive;
  /** This region's validated certificate, when a domain is configured. */
  readonly certificateArn?: pulumi.Input<string>;
  /** The retention sweep's function when it runs in this region, for its error alarm. */
  readonly retentionFunctionName?: pulumi.Output<string>;
}

/**
 * Everything one region runs: Lambda or Fargate as the config chooses for
 * it, its DNS records and health check when a domain is set, and its alarms.
 * The caller passes the region's provider; children inherit it.
 */
export class RegionalStack extends pulumi.ComponentResource {
  readonly region: Region;
  /** The https base URL of this region's own host. */
  readonly endpoint: pulumi.Output<string>;
  readonly computeMetrics: ComputeMetrics;
  readonly healthCheckId?: pulumi.Output<string>;
  readonly alarms: RegionalAlarms;

  constructor(name: string, args: RegionalStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:region:RegionalStack", regionalComponentName(name, args.region), {}, opts);

    const { region, config } = args;
    const domain = config.domain === undefined || args.certificateArn === undefined
      ? undefined
      : { sharedName: config.domain.name, regionalName: regionalHostName(config.domain.name, region), certificateArn: args.certificateArn };

    const compute = config.computeByRegion[region] === "fargate"
      ? this.createFargate(name, args, domain)
      : this.createLambda(name, args, domain);
    this.region = region;
    this.computeMetrics = compute.metrics;
    this.endpoint = compute.endpoint;

    if (config.domain !== undefined && domain !== undefined && compute.aliasTargets !== undefined) {
      const dns = new RegionDns(name, {
        region,
        hostedZoneId: config.domain.hostedZoneId,
        sharedName: domain.sharedName,
        regionalName: domain.regionalName,
        targets: compute.aliasTargets,
        healthCheck: config.healthCheck,
      }, { parent: this });
      this.healthCheckId = dns.healthCheckId;
    }

    this.alarms = new RegionalAlarms(name, {
      region,
      compute: compute.metrics,
      tableName: args.tableName,
      replicationPeers: config.regions.filter((peer) => peer !== region),
      settings: config.alarms,
      retentionFunctionName: args.retentionFunctionName,
    }, { parent: this });

    this.registerOutputs({ endpoint: this.endpoint, healthCheckId: this.healthCheckId });
  }

  private createLambda(name: string, args: RegionalStackArgs, domain: RegionalDomain | undefined) {
    const { config } = args;
    const service = new LambdaService(name, {
      region: args.region,
      physicalPrefix: args.physicalPrefix,
      tableArn: args.tableArn,
      settings: config.lambda,
      throttle: config.throttle,
      logRetentionDays: config.logRetentionDays,
      code: args.apiCode,
      environment: args.environment,
      domain,
    }, { parent: this });

    return {
      endpoint: domain === undefined ? service.endpoint : pulumi.output(`https://${domain.regionalName}`),
      metrics: { kind: "lambda", functionName: service.functionName, apiId: service.apiId } as const,
      aliasTargets: service.aliasTargets,
    };
  }

  private createFargate(name: string, args: RegionalStackArgs, domain: RegionalDomain | undefined) {
    if (domain === undefined) {
      throw new Error(`RegionalStack ${args.region}: Fargate needs a domain; parseConfig should have rejected this config`);
    }
    const { config } = args;
    const service = new FargateService(name, {
      region: args.region,
      physicalPrefix: args.physicalPrefix,
      tableArn: args.tableArn,
      settings: config.fargate,
      healthCheck: config.healthCheck,
      throttle: config.throttle,
      logRetentionDays: config.logRetentionDays,
      environment: args.environment,
      domain,
    }, { parent: this });

    return {
      endpoint: service.endpoint,
      metrics: {
        kind: "fargate",
        clusterName: service.clusterName,
        serviceName: service.serviceName,
        loadBalancerArnSuffix: service.loadBalancerArnSuffix,
        targetGroupArnSuffix: service.targetGroupArnSuffix,
      } as const,
      aliasTargets: service.aliasTargets,
    };
  }
}
