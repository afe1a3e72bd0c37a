import type { DataAdapters } from "@authhero/adapter-interfaces";
import { createDynamoDbAdapter } from "../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../app/dynamodb/client.js";
import { DynamoTable } from "../../app/dynamodb/table.js";
import { freshTable, TEST_REGION } from "./local-engine.js";

export interface AdapterFixture {
  data: DataAdapters;
  table: DynamoTable;
  commands: string[];
  /** The engine's endpoint and the table, for tests that read the table behind the adapter's back. */
  endpoint: string;
  tableName: string;
}

/**
 * Creates an adapter on a fresh moto table that records every command it
 * sends. With `consistency: "strong"` it runs as on an MRSC table.
 */
export async function createAdapterFixture(options: { consistency?: "eventual" | "strong" } = {}): Promise<AdapterFixture> {
  const { endpoint, tableName } = await freshTable("adapter");
  const commands: string[] = [];
  const client = createDocumentClient({ region: TEST_REGION, endpoint, onCommand: (name) => commands.push(name) });
  return {
    data: createDynamoDbAdapter({ client, tableName, consistency: options.consistency }),
    table: new DynamoTable(client, tableName, options.consistency),
    commands,
    endpoint,
    tableName,
  };
}
