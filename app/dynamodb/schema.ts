/**
 * The single-table layout shared by the app, the local bootstrap and the Pulumi
 * global table. Changing an attribute or index name here changes all three, so
 * a deployed table must be migrated before such a change ships.
 */
export const TABLE_SCHEMA = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Epoch seconds. DynamoDB deletes expired items lazily, so reads filter too. */
  ttlAttribute: "expiresAt",
  billingMode: "PAY_PER_REQUEST",
  indexes: [
    { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
    { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  ],
} as const;

export type IndexName = (typeof TABLE_SCHEMA.indexes)[number]["name"];

/** Every key attribute, all strings; the form CreateTable and Pulumi both take. */
export const KEY_ATTRIBUTES: ReadonlyArray<{ name: string; type: "S" }> = [
  TABLE_SCHEMA.partitionKey,
  TABLE_SCHEMA.sortKey,
  ...TABLE_SCHEMA.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
].map((name) => ({ name, type: "S" as const }));

/** The default table name when none is configured. */
export const DEFAULT_TABLE_NAME = "authhero";
