import { BatchWriteItemCommand, DynamoDBClient, type TransactWriteItemsCommandInput, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { createDynamoDbAdapter } from "../app/dynamodb/adapter.js";
import { createDocumentClient } from "../app/dynamodb/client.js";

/**
 * Creates `total` users in tenant `main` through the DynamoDB adapter, so
 * they have exactly the items and index keys the app writes.
 *
 * The local engine (moto 5.2) deep-copies the whole table for every
 * TransactWriteItems, so each user create takes longer as the table grows,
 * past the SDK's 1 s timeout at one to two hundred users. The SDK's retry then
 * failed with a 500, because two requests changed the table at once.
 * For seeding only, this client sends each transaction's puts as a
 * BatchWriteItem instead. That drops their conditions, which is harmless
 * for new users with distinct emails and usernames.
 */
export async function seedUsers(options: { endpoint: string; region: string; tableName: string; total: number }): Promise<void> {
  const client = createDocumentClient({ region: options.region, endpoint: options.endpoint });
  const batches = new DynamoDBClient({ region: options.region, endpoint: options.endpoint });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "TransactWriteItemsCommand") return next(args);
      // At the build step the document client has already marshalled the items.
      const { TransactItems = [] } = args.input as TransactWriteItemsCommandInput;
      const puts: WriteRequest[] = TransactItems.map((item) => {
        if (!item.Put) throw new Error("seedUsers can only turn transactions of puts into batch writes.");
        return { PutRequest: { Item: item.Put.Item } };
      });
      for (let start = 0; start < puts.length; start += 25) {
        await batches.send(new BatchWriteItemCommand({ RequestItems: { [options.tableName]: puts.slice(start, start + 25) } }));
      }
      return { output: { $metadata: {} }, response: {} } as never;
    },
    { step: "build", name: "benchTransactionAsBatchWrite" },
  );

  const data = createDynamoDbAdapter({ client, tableName: options.tableName });
  for (let index = 0; index < options.total; index++) {
    await data.users.create("main", {
      email: `user${index}@example.com`,
      username: `user${index}`,
      email_verified: true,
      connection: "Username-Password-Authentication",
      provider: "auth2",
    } as never);
  }
}
