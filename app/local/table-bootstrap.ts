import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { KEY_ATTRIBUTES, TABLE_SCHEMA } from "../dynamodb/schema.js";

/**
 * Creates the table from the shared schema if it does not exist. Table
 * management is not among the app's DynamoDB actions, so this uses its own
 * client; in AWS, Pulumi creates the table instead.
 */
export async function ensureTable(options: { endpoint?: string; region: string; tableName: string }): Promise<"created" | "exists"> {
  // Bounded like the app's client, so an endpoint that never answers fails instead of hanging.
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000, throwOnRequestTimeout: true },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: options.tableName,
        BillingMode: TABLE_SCHEMA.billingMode,
        AttributeDefinitions: KEY_ATTRIBUTES.map(({ name, type }) => ({ AttributeName: name, AttributeType: type })),
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: "HASH" },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: "HASH" },
            { AttributeName: index.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      }),
    );
    await waitForActive(client, options.tableName);
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: options.tableName, TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true } }),
    );
    return "created";
  } catch (error) {
    if (error instanceof ResourceInUseException) return "exists";
    throw error;
  } finally {
    client.destroy();
  }
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Table \`${tableName}\` did not become ACTIVE within 5 seconds.`);
}
