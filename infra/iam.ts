import * as pulumi from "@pulumi/pulumi";

import { DYNAMODB_ACTIONS, type RETENTION_ACTIONS } from "../app/dynamodb/access.js";

/** A DynamoDB action that the app declares in app/dynamodb/access.ts. */
type TableAction = (typeof RETENTION_ACTIONS)[number];

/**
 * Rewrites a DynamoDB table ARN to the same table in another region. A global
 * table has one name everywhere, so a replica's ARN differs only in the
 * region field (the fourth colon-separated part).
 */
export function replicaArn(tableArn: string, region: string): string {
  const parts = tableArn.split(":");
  if (parts.length < 6 || parts[2] !== "dynamodb") {
    throw new Error(`replicaArn: ${JSON.stringify(tableArn)} is not a DynamoDB table ARN`);
  }
  parts[3] = region;
  return parts.join(":");
}

/**
 * Builds the least-privilege policy for one region's compute: only the actions the
 * adapter uses (DYNAMODB_ACTIONS, shared with the app's client boundary), on
 * only that region's replica and its indexes. Streams and other tables stay
 * out of reach. The retention sweep passes RETENTION_ACTIONS, which add Scan.
 */
export function tableAccessPolicy(tableArn: pulumi.Input<string>, region: string, actions: readonly TableAction[] = DYNAMODB_ACTIONS): pulumi.Output<string> {
  return pulumi.output(tableArn).apply((arn) => {
    const regionalArn = replicaArn(arn, region);
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AuthHeroTableAccess",
          Effect: "Allow",
          Action: [...actions],
          Resource: [regionalArn, `${regionalArn}/index/*`],
        },
      ],
    });
  });
}

/** Builds a trust policy that lets one AWS service assume a role. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** Lets the holder write to one log group and nothing else in CloudWatch Logs. */
export function logWritePolicy(logGroupArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(logGroupArn).apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arn, `${arn}:*`] }],
    }),
  );
}
