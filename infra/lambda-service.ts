import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { LambdaSettings, ThrottleSettings } from "./config.js";
import { assumeRolePolicy, logWritePolicy, tableAccessPolicy } from "./iam.js";
import { childName, physicalName, regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

/** One JSON line per request, with the HTTP API's own request id for tracing. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  time: "$context.requestTimeEpoch",
  method: "$context.httpMethod",
  path: "$context.path",
  status: "$context.status",
  latencyMs: "$context.responseLatency",
  integrationLatencyMs: "$context.integrationLatency",
  error: "$context.integrationErrorMessage",
});

/** A custom domain served by a regional compute stack. */
export interface RegionalDomain {
  /** The name shared by all regions, for example auth.example.com. */
  readonly sharedName: string;
  /** The name that reaches only this region, probed by its health check. */
  readonly regionalName: string;
  /** ACM certificate in this region that covers both names. */
  readonly certificateArn: pulumi.Input<string>;
}

/** Target of a Route 53 alias record: a DNS name and its hosted zone. */
export interface AliasTarget {
  readonly name: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;
}

export interface LambdaServiceArgs {
  readonly region: Region;
  /** Prefix for physical names, for example `authhero-prod`. Changing it replaces the function. */
  readonly physicalPrefix: string;
  /** Home-region table ARN; access is granted to this region's replica only. */
  readonly tableArn: pulumi.Input<string>;
  readonly settings: LambdaSettings;
  readonly throttle: ThrottleSettings;
  readonly logRetentionDays: number;
  /** Bundled `app/lambda.ts`; a new hash updates the function code. */
  readonly code: pulumi.asset.Archive;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly domain?: RegionalDomain;
}

/**
 * AuthHero on Lambda behind an API Gateway HTTP API in one region, with
 * stage throttling and, when a domain is set, custom domains for the shared
 * and the region-specific name.
 *
 * @example
 * new LambdaService("authhero", { region: "eu-west-1", physicalPrefix: "authhero-prod", ... },
 *   { providers: { aws: euWest1 } });
 */
export class LambdaService extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly api: aws.apigatewayv2.Api;
  readonly functionName: pulumi.Output<string>;
  /** https URL of the API's default endpoint. */
  readonly endpoint: pulumi.Output<string>;
  readonly apiId: pulumi.Output<string>;
  /** Alias targets for the shared and regional names, when a domain is set. */
  readonly aliasTargets?: { readonly shared: AliasTarget; readonly regional: AliasTarget };

  constructor(name: string, args: LambdaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:compute:LambdaService", regionalComponentName(name, args.region), {}, opts);

    const { region } = args;
    const functionName = physicalName(`${args.physicalPrefix}-${region}-api`, 64);

    // Created before the function so Lambda cannot create it first with infinite retention.
    const logGroup = new aws.cloudwatch.LogGroup(childName(name, region, "logs"), {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: args.logRetentionDays,
    }, { parent: this });

    const role = this.createRole(name, args, logGroup);
    this.function = new aws.lambda.Function(childName(name, region, "function"), {
      name: functionName,
      role: role.arn,
      code: args.code,
      handler: "index.handler",
      runtime: args.settings.runtime,
      /** Lambda bills arm64 (Graviton) at a lower GB-second price than x86_64. */
      architectures: [args.settings.architecture],
      memorySize: args.settings.memoryMb,
      timeout: args.settings.timeoutSeconds,
      reservedConcurrentExecutions: args.settings.reservedConcurrency ?? -1,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    }, { parent: this, dependsOn: [logGroup] });

    this.api = this.createApi(name, args);
    this.functionName = this.function.name;
    this.apiId = this.api.id;
    this.endpoint = this.api.apiEndpoint;
    if (args.domain !== undefined) {
      this.aliasTargets = this.createDomains(name, args.region, args.domain);
    }

    this.registerOutputs({ functionName: this.functionName, endpoint: this.endpoint, apiId: this.apiId });
  }

  private createRole(name: string, args: LambdaServiceArgs, logGroup: aws.cloudwatch.LogGroup): aws.iam.Role {
    const role = new aws.iam.Role(childName(name, args.region, "role"), {
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, args.region, "table-access"), {
      role: role.name,
      policy: tableAccessPolicy(args.tableArn, args.region),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, args.region, "log-write"), {
      role: role.name,
      policy: logWritePolicy(logGroup.arn),
    }, { parent: this });
    return role;
  }

  private createApi(name: string, args: LambdaServiceArgs): aws.apigatewayv2.Api {
    const { region } = args;
    // No corsConfiguration: API Gateway would then respond to preflight requests itself and drop the
    // app's CORS headers, so the app applies AUTHHERO_ALLOWED_ORIGINS on Lambda and Fargate alike.
    const api = new aws.apigatewayv2.Api(childName(name, region, "api"), { protocolType: "HTTP" }, { parent: this });

    const integration = new aws.apigatewayv2.Integration(childName(name, region, "integration"), {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: this.function.invokeArn,
      payloadFormatVersion: "2.0",
    }, { parent: this });

    new aws.apigatewayv2.Route(childName(name, region, "route"), {
      apiId: api.id,
      routeKey: "$default",
      target: pulumi.interpolate`integrations/${integration.id}`,
    }, { parent: this });

    const accessLogs = new aws.cloudwatch.LogGroup(childName(name, region, "access-logs"), {
      name: `/aws/apigateway/${args.physicalPrefix}-${region}-access`,
      retentionInDays: args.logRetentionDays,
    }, { parent: this });

    new aws.apigatewayv2.Stage(childName(name, region, "stage"), {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      // The path excludes the query string, so codes and tokens in it are never logged.
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      // Caps the whole API, so a flood gets 429s before it exhausts Lambda concurrency or the table.
      // NOTE: the cap is shared by all clients; HTTP APIs cannot use WAF, so there is no per-IP limit here.
      defaultRouteSettings: { throttlingBurstLimit: args.throttle.burstLimit, throttlingRateLimit: args.throttle.rateLimit },
    }, { parent: this });

    new aws.lambda.Permission(childName(name, region, "invoke"), {
      action: "lambda:InvokeFunction",
      function: this.function.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
    }, { parent: this });
    return api;
  }

  private createDomains(name: string, region: Region, domain: RegionalDomain): { shared: AliasTarget; regional: AliasTarget } {
    const targets = (["shared", "regional"] as const).map((kind) => {
      const domainName = new aws.apigatewayv2.DomainName(childName(name, region, `${kind}-domain`), {
        domainName: kind === "shared" ? domain.sharedName : domain.regionalName,
        domainNameConfiguration: { certificateArn: domain.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
      }, { parent: this });
      new aws.apigatewayv2.ApiMapping(childName(name, region, `${kind}-mapping`), {
        apiId: this.api.id,
        domainName: domainName.domainName,
        stage: "$default",
      }, { parent: this });
      return {
        name: domainName.domainNameConfiguration.targetDomainName,
        zoneId: domainName.domainNameConfiguration.hostedZoneId,
      };
    });
    return { shared: targets[0]!, regional: targets[1]! };
  }
}
