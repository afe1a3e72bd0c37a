import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { HealthCheckAlarms } from "./alarms.js";
import { buildLoginAssets, StaticAssets } from "./assets.js";
import { bundleApp, type AppBundles } from "./bundle.js";
import { Certificates } from "./certificates.js";
import type { DeploymentConfig } from "./config.js";
import { Dashboard } from "./dashboard.js";
import { GlobalTable } from "./global-table.js";
import { replicaArn } from "./iam.js";
import { RegionalStack } from "./regional-stack.js";
import { ROUTE53_METRICS_REGION, type Region } from "./regions.js";
import { RetentionSchedule } from "./retention-schedule.js";
import { SeedInvocation } from "./seed.js";

/** Inputs that come from the build rather than from stack config. */
export interface DeploymentOptions {
  /** Prebuilt Lambda bundles; by default `app/` is bundled with esbuild now. */
  readonly bundles?: AppBundles;
  /** Directory of static assets to upload. By default AuthHero's login assets are rewritten into `.build/assets` now. */
  readonly assetsDirectory?: string;
  /** Options for the top component, such as transforms from Automation API callers. */
  readonly componentOptions?: pulumi.ComponentResourceOptions;
}

/** The stack outputs. */
export interface DeploymentOutputs {
  /** https base URL of each region's own host. */
  readonly endpoints: pulumi.Output<Record<string, string>>;
  /** The latency-routed URL, or a sentence saying why there is none. */
  readonly sharedUrl: string;
  readonly dns: string;
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;
  readonly replicaArns: pulumi.Output<Record<string, string>>;
  readonly dashboardUrl: pulumi.Output<string>;
  readonly healthCheckIds: pulumi.Output<Record<string, string>>;
  readonly assetsUrl: pulumi.Output<string>;
}

/**
 * Declares the whole multi-region deployment. `infra/index.ts` calls this
 * with the stack config, and tests call it the same way under mocks.
 */
export function deployment(config: DeploymentConfig, options: DeploymentOptions = {}): DeploymentOutputs {
  const bundles = options.bundles ?? bundleApp();
  const global = new AuthHeroGlobal(
    "authhero",
    { config, bundles, assetsDirectory: options.assetsDirectory ?? buildLoginAssets() },
    options.componentOptions,
  );
  return global.outputs;
}

export interface AuthHeroGlobalArgs {
  readonly config: DeploymentConfig;
  readonly bundles: AppBundles;
  readonly assetsDirectory: string;
}

/** The top component: providers, the global table, assets, regions, DNS, alarms, dashboard, seed and, in strong mode, the retention sweep. */
export class AuthHeroGlobal extends pulumi.ComponentResource {
  readonly outputs: DeploymentOutputs;
  private readonly providers: Partial<Record<Region, aws.Provider>> = {};

  constructor(name: string, args: AuthHeroGlobalArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:index:AuthHeroGlobal", name, {}, opts);

    const { config } = args;
    const home = config.homeRegion;
    // Stack names may contain "_" and ".", which ALB, Lambda and dashboard names reject.
    const physicalPrefix = `${name}-${config.stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
    // Sorted so that every map and list built below is the same whatever the order of `regions`.
    const regions = [...config.regions].sort();
    for (const region of regions) {
      this.createProvider(region);
    }

    const table = new GlobalTable(name, {
      tableName: config.tableName,
      homeRegion: home,
      regions,
      consistency: config.consistency,
      witnessRegion: config.witnessRegion,
      protect: config.protect,
    }, { parent: this, providers: { aws: this.provider(home) } });
    const assets = new StaticAssets(name, { region: home, directory: args.assetsDirectory, protect: config.protect }, { parent: this, providers: { aws: this.provider(home) } });
    const certificates = config.domain === undefined
      ? undefined
      : new Certificates(name, { domain: config.domain, homeRegion: home, regions, providers: this.providers }, { parent: this });

    // Each region's app needs every region's endpoint, which exists only once all
    // regions are declared. A deferred output closes that loop without a cycle.
    const [endpoints, resolveEndpoints] = pulumi.deferredOutput<Record<string, string>>();
    const issuer = config.domain !== undefined
      ? pulumi.output(`https://${config.domain.name}/`)
      : endpoints.apply((byRegion) => `${byRegion[home]}/`);
    const environment = appEnvironment(config, { tableName: table.tableName, issuer, endpoints, assetsUrl: assets.assetsUrl });

    // Only a strong-consistency table lacks TTL. The sweep runs in the home region
    // alone, because its deletes replicate and a sweep per region would multiply the Scans.
    const retention = config.consistency === "strong"
      ? new RetentionSchedule(name, {
          region: home,
          physicalPrefix,
          tableArn: table.tableArn,
          code: args.bundles.retention.archive,
          lambda: config.lambda,
          logRetentionDays: config.logRetentionDays,
          environment,
          schedule: config.retentionSchedule,
        }, { parent: this, providers: { aws: this.provider(home) } })
      : undefined;

    const stacks = regions.map((region) => new RegionalStack(name, {
      region,
      physicalPrefix,
      config,
      tableArn: table.tableArn,
      tableName: table.tableName,
      environment,
      apiCode: args.bundles.api.archive,
      certificateArn: certificates?.certificateArns[region],
      retentionFunctionName: region === home ? retention?.functionName : undefined,
    }, { parent: this, providers: { aws: this.provider(region) } }));
    resolveEndpoints(pulumi.all(Object.fromEntries(stacks.map((stack) => [stack.region, stack.endpoint]))));

    const monitoring = this.createMonitoring(name, config, physicalPrefix, table, stacks);
    if (config.seed.enabled) {
      new SeedInvocation(name, {
        region: home,
        physicalPrefix,
        tableArn: table.tableArn,
        code: args.bundles.seed.archive,
        lambda: config.lambda,
        logRetentionDays: config.logRetentionDays,
        environment,
        event: { tenantId: config.tenantId, issuer, adminEmail: config.seed.adminEmail, adminPassword: config.seed.adminPassword, clientCallbacks: config.seed.clientCallbacks },
        dependsOn: [table.table],
      }, { parent: this, providers: { aws: this.provider(home) } });
    }

    this.outputs = {
      endpoints,
      sharedUrl: config.domain !== undefined ? `https://${config.domain.name}/` : "No domain is configured, so there is no shared URL; use a region's endpoint.",
      dns: config.domain !== undefined ? "Latency routing with health checks" : "Skipped: no domain, so no DNS records, certificates or health checks were created.",
      tableName: table.tableName,
      tableArn: table.tableArn,
      replicaArns: table.tableArn.apply((arn) => Object.fromEntries(regions.map((region) => [region, replicaArn(arn, region)]))),
      dashboardUrl: monitoring.dashboardUrl,
      healthCheckIds: monitoring.healthCheckIds,
      assetsUrl: assets.assetsUrl,
    };
    this.registerOutputs({ ...this.outputs });
  }

  /** Creates the Route 53 health check alarms (with a domain) and the stack's dashboard. */
  private createMonitoring(name: string, config: DeploymentConfig, physicalPrefix: string, table: GlobalTable, stacks: readonly RegionalStack[]) {
    const healthCheckIds = Object.fromEntries(stacks.flatMap((stack) => (stack.healthCheckId === undefined ? [] : [[stack.region, stack.healthCheckId]])));
    if (config.domain !== undefined) {
      new HealthCheckAlarms(name, { healthCheckIds, settings: config.alarms }, { parent: this, providers: { aws: this.provider(ROUTE53_METRICS_REGION) } });
    }

    const dashboard = new Dashboard(name, {
      homeRegion: config.homeRegion,
      dashboardName: physicalPrefix,
      tableName: table.tableName,
      computeByRegion: Object.fromEntries(stacks.map((stack) => [stack.region, stack.computeMetrics])),
    }, { parent: this, providers: { aws: this.provider(config.homeRegion) } });
    return { dashboardUrl: dashboard.dashboardUrl, healthCheckIds: pulumi.all(healthCheckIds) };
  }

  /** Creates the provider for `region`, named after it; its region never changes. */
  private createProvider(region: Region): aws.Provider {
    const provider = new aws.Provider(region, {
      region,
      /** Tags every taggable resource, so cost reports can be split by stack. */
      defaultTags: { tags: { "authhero:project": pulumi.getProject(), "authhero:stack": pulumi.getStack() } },
    }, { parent: this });
    this.providers[region] = provider;
    return provider;
  }

  /** Returns the provider for `region`, creating it for a region outside `regions` (us-east-1 for Route 53 metrics). */
  private provider(region: Region): aws.Provider {
    return this.providers[region] ?? this.createProvider(region);
  }
}

interface SharedValues {
  readonly tableName: pulumi.Output<string>;
  readonly issuer: pulumi.Output<string>;
  readonly endpoints: pulumi.Output<Record<string, string>>;
  readonly assetsUrl: pulumi.Output<string>;
}

/** Builds the environment `app/settings.ts` reads, the same in every region. Lambda sets AWS_REGION itself, and the task definition adds it. */
function appEnvironment(config: DeploymentConfig, shared: SharedValues): Record<string, pulumi.Input<string>> {
  return {
    AUTHHERO_TABLE_NAME: shared.tableName,
    AUTHHERO_ISSUER: shared.issuer,
    AUTHHERO_ALLOWED_ORIGINS: config.allowedOrigins.join(","),
    AUTHHERO_REGION_ENDPOINTS: shared.endpoints.apply((byRegion) => JSON.stringify(byRegion)),
    AUTHHERO_CONSISTENCY: config.consistency,
    AUTHHERO_ASSETS_URL: shared.assetsUrl,
    AUTHHERO_TENANT_ID: config.tenantId,
  };
}
