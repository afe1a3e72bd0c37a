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

/** Maps an SDK command name (`GetItemCommand`) to its IAM action. */
export function actionForCommand(commandName: string): string {
  return `dynamodb:${commandName.replace(/Command$/, "")}`;
}
