import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

/**
 * The cold-start baseline: a bare Hono app on the Lambda adapter whose one
 * route reads one item with the DynamoDB document client, as the app's
 * discovery route does. It sets the floor that Node, the SDK and Hono cost.
 */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION, endpoint: process.env.AUTHHERO_DYNAMODB_ENDPOINT }));
const app = new Hono();

app.get("*", async (c) => {
  const { Item } = await client.send(new GetCommand({ TableName: process.env.AUTHHERO_TABLE_NAME, Key: { pk: "baseline", sk: "baseline" } }));
  return c.json({ found: Item !== undefined });
});

export const handler = handle(app);
