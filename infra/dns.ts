import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { HealthCheckSettings } from "./config.js";
import type { AliasTarget } from "./lambda-service.js";
import { childName, regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

export interface RegionDnsArgs {
  readonly region: Region;
  readonly hostedZoneId: string;
  /** The name shared by all regions. */
  readonly sharedName: string;
  /** The name that reaches only this region. */
  readonly regionalName: string;
  readonly targets: { readonly shared: AliasTarget; readonly regional: AliasTarget };
  readonly healthCheck: HealthCheckSettings;
}

/**
 * Route 53 records for one region: an alias for the region-specific name, an
 * HTTPS health check on it, and the latency record for the shared name that
 * Route 53 withdraws while that health check fails.
 */
export class RegionDns extends pulumi.ComponentResource {
  readonly healthCheckId: pulumi.Output<string>;

  constructor(name: string, args: RegionDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:dns:RegionDns", regionalComponentName(name, args.region), {}, opts);

    const { region } = args;
    new aws.route53.Record(childName(name, region, "regional-record"), {
      zoneId: args.hostedZoneId,
      name: args.regionalName,
      type: "A",
      aliases: [{ name: args.targets.regional.name, zoneId: args.targets.regional.zoneId, evaluateTargetHealth: false }],
    }, { parent: this });

    // Probing the region-specific name checks this region alone; probing the
    // shared name would follow latency routing to whichever region is nearest.
    const healthCheck = new aws.route53.HealthCheck(childName(name, region, "health"), {
      type: "HTTPS",
      fqdn: args.regionalName,
      port: 443,
      resourcePath: args.healthCheck.path,
      requestInterval: args.healthCheck.intervalSeconds,
      failureThreshold: args.healthCheck.failureThreshold,
      enableSni: true,
      measureLatency: true,
      tags: { Name: `${args.regionalName}${args.healthCheck.path}` },
    }, { parent: this });

    new aws.route53.Record(childName(name, region, "latency-record"), {
      zoneId: args.hostedZoneId,
      name: args.sharedName,
      type: "A",
      setIdentifier: region,
      latencyRoutingPolicies: [{ region }],
      healthCheckId: healthCheck.id,
      aliases: [{ name: args.targets.shared.name, zoneId: args.targets.shared.zoneId, evaluateTargetHealth: true }],
    }, { parent: this });

    this.healthCheckId = healthCheck.id;
    this.registerOutputs({ healthCheckId: this.healthCheckId });
  }
}
