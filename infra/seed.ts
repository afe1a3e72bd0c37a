import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { LambdaSettings } from "./config.js";
import { assumeRolePolicy, logWritePolicy, tableAccessPolicy } from "./iam.js";
import { childName, physicalName } from "./naming.js";
import type { Region } from "./regions.js";

/** The event `app/seed-lambda.ts` accepts. */
export interface SeedEvent {
  readonly tenantId: string;
  readonly issuer: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly clientCallbacks?: readonly string[];
}

export interface SeedArgs {
  readonly region: Region;
  readonly physicalPrefix: string;
  readonly tableArn: pulumi.Input<string>;
  /** Bundled `app/seed-lambda.ts`. */
  readonly code: pulumi.asset.Archive;
  readonly lambda: LambdaSettings;
  readonly logRetentionDays: number;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly event: { readonly [K in keyof SeedEvent]: pulumi.Input<SeedEvent[K]> };
  /** Resources that must exist before the seed runs, such as the table's replicas. */
  readonly dependsOn: pulumi.Input<pulumi.Resource[]>;
}

/**
 * Deploys the seed function in the home region and invokes it once, so the
 * first `pulumi up` leaves a tenant, a signing key and an admin user.
 * `aws.lambda.Invocation` runs again only when the event changes, and the
 * seed function itself skips anything that already exists.
 */
export class SeedInvocation extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  /** The seed function's JSON response. */
  readonly result: pulumi.Output<string>;

  constructor(name: string, args: SeedArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:data:SeedInvocation", name, {}, opts);

    const { region } = args;
    const functionName = physicalName(`${args.physicalPrefix}-${region}-seed`, 64);
    const logGroup = new aws.cloudwatch.LogGroup(childName(name, region, "seed-logs"), {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: args.logRetentionDays,
    }, { parent: this });

    const role = new aws.iam.Role(childName(name, region, "seed-role"), {
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, region, "seed-table-access"), { role: role.name, policy: tableAccessPolicy(args.tableArn, region) }, { parent: this });
    new aws.iam.RolePolicy(childName(name, region, "seed-log-write"), { role: role.name, policy: logWritePolicy(logGroup.arn) }, { parent: this });

    const seedFunction = new aws.lambda.Function(childName(name, region, "seed-function"), {
      name: functionName,
      role: role.arn,
      code: args.code,
      handler: "index.handler",
      runtime: args.lambda.runtime,
      architectures: [args.lambda.architecture],
      memorySize: 512,
      // Hashing the admin password dominates; 60 s leaves room for a cold start.
      timeout: 60,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    }, { parent: this, dependsOn: [logGroup] });

    const invocation = new aws.lambda.Invocation(childName(name, region, "seed-run"), {
      functionName: seedFunction.name,
      // The event contains the admin password, so the stored input must stay secret.
      input: pulumi.secret(pulumi.jsonStringify(pulumi.output(args.event))),
    }, { parent: this, dependsOn: args.dependsOn });

    this.functionName = seedFunction.name;
    this.result = invocation.result;
    this.registerOutputs({ functionName: this.functionName });
  }
}
