/**
 * The DynamoDB actions the adapter performs. The client boundary refuses any
 * other command, and the infra grants exactly these to each region's role, so
 * the two cannot drift apart.
 */
export const DYNAMODB_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:Query",
  "dynamodb:TransactWriteItems",
  "dynamodb:ConditionCheckItem",
] as const;

export type DynamoDbAction = (typeof DYNAMODB_ACTIONS)[number];

/**
 * The actions of the scheduled retention sweep, which removes expired items
 * where TTL does not (strong-consistency tables have none). It alone may
 * Scan, because it runs on a schedule and never on a request path.
 */
export const RETENTION_ACTIONS = [...DYNAMODB_ACTIONS, "dynamodb:Scan"] as const;

/** Maps an SDK command name (`GetItemCommand`) to its IAM action. */
export function actionForCommand(commandName: string): string {
  return `dynamodb:${commandName.replace(/Command$/, "")}`;
}
