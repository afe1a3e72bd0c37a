import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { RETENTION_ACTIONS } from "../app/dynamodb/access.js";
import type { LambdaSettings } from "./config.js";
import { RETENTION_TIMEOUT_SECONDS } from "./config-sections.js";
import { assumeRolePolicy, logWritePolicy, tableAccessPolicy } from "./iam.js";
import { childName, physicalName, regionalComponentName } from "./naming.js";
import type { Region } from "./regions.js";

export interface RetentionScheduleArgs {
  /** The home region. The sweep's deletes replicate to every other replica, so one region is enough. */
  readonly region: Region;
  /** Prefix for physical names, for example `authhero-prod`. Changing it replaces the function. */
  readonly physicalPrefix: string;
  /** Home-region table ARN. Access is granted to this region's replica and its indexes only. */
  readonly tableArn: pulumi.Input<string>;
  /** Bundled `app/retention-lambda.ts`. */
  readonly code: pulumi.asset.Archive;
  /** Runtime and architecture come from here. Memory and timeout are fixed for the sweep. */
  readonly lambda: LambdaSettings;
  readonly logRetentionDays: number;
  /** The API function's environment, which `readSettings` in the retention job reads too. */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** EventBridge rate expression, validated by the config parser, for example `rate(1 hour)`. */
  readonly schedule: string;
}

/**
 * Runs the retention sweep (`app/retention-lambda.ts`) on an EventBridge
 * schedule in one region. A strong-consistency (MRSC) table has no TTL, so
 * this sweep is what removes expired codes, sessions, refresh tokens and
 * logs there. It reads the whole table with Scan, so each run costs read
 * capacity in proportion to the table's size, not to the number of expired
 * items.
 *
 * @example
 * new RetentionSchedule("authhero", { region: "us-east-1", physicalPrefix: "authhero-prod",
 *   tableArn, code, lambda, logRetentionDays: 30, environment, schedule: "rate(1 hour)" },
 *   { providers: { aws: usEast1 } });
 */
export class RetentionSchedule extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly functionName: pulumi.Output<string>;
  readonly ruleArn: pulumi.Output<string>;

  constructor(name: string, args: RetentionScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("authhero-global:data:RetentionSchedule", regionalComponentName(name, args.region), {}, opts);

    const { region } = args;
    const functionName = physicalName(`${args.physicalPrefix}-${region}-retention`, 64);

    // Created before the function so Lambda cannot create it first with infinite retention.
    const logGroup = new aws.cloudwatch.LogGroup(childName(name, region, "retention-logs"), {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: args.logRetentionDays,
    }, { parent: this });

    const role = new aws.iam.Role(childName(name, region, "retention-role"), {
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, region, "retention-table-access"), {
      role: role.name,
      policy: tableAccessPolicy(args.tableArn, region, RETENTION_ACTIONS),
    }, { parent: this });
    new aws.iam.RolePolicy(childName(name, region, "retention-log-write"), { role: role.name, policy: logWritePolicy(logGroup.arn) }, { parent: this });

    this.function = new aws.lambda.Function(childName(name, region, "retention-function"), {
      name: functionName,
      role: role.arn,
      code: args.code,
      handler: "index.handler",
      runtime: args.lambda.runtime,
      architectures: [args.lambda.architecture],
      // The sweep keeps one Scan page (at most 1 MB) in memory at a time.
      memorySize: 512,
      timeout: RETENTION_TIMEOUT_SECONDS,
      // One execution at a time, so a slow sweep and the next scheduled one never Scan the table together.
      reservedConcurrentExecutions: 1,
      environment: { variables: args.environment },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
    }, { parent: this, dependsOn: [logGroup] });

    // EventBridge invokes asynchronously, and Lambda retries a failed async
    // invocation twice by default. The next scheduled run retries anyway, so a
    // failing sweep Scans the table once per schedule instead of three times.
    new aws.lambda.FunctionEventInvokeConfig(childName(name, region, "retention-retries"), {
      functionName: this.function.name,
      maximumRetryAttempts: 0,
    }, { parent: this });

    const rule = new aws.cloudwatch.EventRule(childName(name, region, "retention-schedule"), {
      name: functionName,
      description: `Runs the AuthHero retention sweep, which removes expired items from the table (${args.schedule}).`,
      scheduleExpression: args.schedule,
    }, { parent: this });
    new aws.lambda.Permission(childName(name, region, "retention-invoke"), {
      action: "lambda:InvokeFunction",
      function: this.function.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    }, { parent: this });
    new aws.cloudwatch.EventTarget(childName(name, region, "retention-target"), {
      rule: rule.name,
      arn: this.function.arn,
      // An event without tenantId sweeps every tenant (app/retention.ts).
      input: JSON.stringify({}),
    }, { parent: this });

    this.functionName = this.function.name;
    this.ruleArn = rule.arn;
    this.registerOutputs({ functionName: this.functionName, ruleArn: this.ruleArn });
  }
}
