import { settleHeldWrites } from "./held-writes.js";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { HTTPException } from "hono/http-exception";
import { applyInOrder } from "./ordered-writes.js";
import { appliedByEarlierAttempt } from "./retried-writes.js";
import { earlierOutage, recordOutage } from "./outage.js";
import { AdapterError, badRequest, concurrentChange, conflict, unavailable } from "./errors.js";
import type { ItemKey, StoredItem } from "./item.js";
import { TABLE_SCHEMA } from "./schema.js";

type SdkTransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

interface ExpressionParts {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** One write of a multi-item change, before the table name is added. */
export type TransactItem =
  | { Put: { Item: StoredItem } & ExpressionParts }
  | { Delete: { Key: ItemKey } & ExpressionParts }
  | { Update: { Key: ItemKey; UpdateExpression: string } & ExpressionParts }
  | { ConditionCheck: { Key: ItemKey; ConditionExpression: string } & Omit<ExpressionParts, "ConditionExpression"> };

/**
 * The 409 message for a failed multi-item change: one for the whole change,
 * or one per item (by position) so the caller learns which condition failed.
 */
export type ConflictMessages = string | ReadonlyArray<string | undefined>;

/** Returns the values a write stores: a put's item, an update's expression values. */
function storedValues(write: TransactItem): unknown {
  if ("Put" in write) return write.Put.Item;
  if ("Update" in write) return write.Update.ExpressionAttributeValues;
  return undefined;
}

/** Returns the name of the single-item operation that applies a write. */
function operationOf(write: TransactItem): string {
  if ("Put" in write) return "PutItem";
  if ("Delete" in write) return "DeleteItem";
  return "UpdateItem";
}

/** Returns the item key a write targets. */
export function targetKey(item: TransactItem): ItemKey {
  if ("Put" in item) return { pk: item.Put.Item.pk, sk: item.Put.Item.sk };
  if ("Delete" in item) return item.Delete.Key;
  if ("Update" in item) return item.Update.Key;
  return item.ConditionCheck.Key;
}

export interface QueryRequest {
  index?: "gsi1" | "gsi2";
  partitionKey: string;
  /** Only sort keys starting with this prefix. */
  sortKeyPrefix?: string;
  /** Only sort keys within these inclusive bounds; ignored when sortKeyPrefix is set. */
  sortKeyRange?: { from?: string; to?: string };
  /** Newest-first when false. Default true. */
  ascending?: boolean;
  limit?: number;
  startKey?: Record<string, unknown>;
  /** Server-side filter; expression values use the `:f_` prefix. */
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
}

export interface QueryPage {
  items: StoredItem[];
  lastKey?: Record<string, unknown>;
}

const MAX_BATCH_GET = 100;
const MAX_BATCH_WRITE = 25;

export interface UpdateOptions {
  /**
   * Inside a transaction, stage the update without first reading the item
   * to check that it exists. The update's own `attribute_exists(pk)`
   * condition is then checked at the commit, and a missing item fails the
   * whole transaction with a 409 carrying this message, instead of making
   * `update` return false.
   */
  missingAtCommitMessage?: string;
}

/**
 * The one boundary between the adapter and DynamoDB: every call goes through
 * here, so SDK errors are mapped in one place and keep the SDK error as cause.
 */
export class DynamoTable {
  /**
   * @param consistency "strong" for a multi-Region strongly consistent table:
   *   gets read with ConsistentRead and multi-item changes avoid transactions.
   */
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly consistency: "eventual" | "strong" = "eventual",
  ) {}

  /** True inside `transaction()`, where writes wait for the commit. */
  get stagesWrites(): boolean {
    return false;
  }

  async get(key: ItemKey, options: { consistent?: boolean; signal?: AbortSignal } = {}): Promise<StoredItem | undefined> {
    await settleHeldWrites({ keys: [key] });
    const output = await this.send("GetItem", key.pk, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: options.consistent ?? (this.consistency === "strong" || undefined) }),
        { abortSignal: options.signal },
      ),
    );
    return output.Item as StoredItem | undefined;
  }

  /** Reads every key in BatchGetItem requests of at most 100 keys; with `consistent`, each read is strongly consistent. */
  async batchGet(keys: ItemKey[], options: { consistent?: boolean } = {}): Promise<StoredItem[]> {
    await settleHeldWrites({ keys });
    const found: StoredItem[] = [];
    const unique = dedupeKeys(keys);
    for (let start = 0; start < unique.length; start += MAX_BATCH_GET) {
      let pending: Record<string, unknown>[] | undefined = unique.slice(start, start + MAX_BATCH_GET).map((key) => ({ ...key }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 5) throw new AdapterError("adapter.throttled", `BatchGetItem on \`${this.tableName}\` left keys unprocessed after 6 attempts; retry the request.`);
        const requestKeys: Record<string, unknown>[] = pending;
        const output = await this.send("BatchGetItem", "batch", () =>
          this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: requestKeys, ConsistentRead: options.consistent } } })),
        );
        found.push(...((output.Responses?.[this.tableName] ?? []) as StoredItem[]));
        pending = output.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  /** Writes an item; with `ifAbsent`, fails with 409 when the key exists. */
  async put(item: StoredItem, options: { ifAbsent?: boolean; conflictMessage?: string } = {}): Promise<void> {
    assertStorable(item);
    await settleHeldWrites({ keys: [item] });
    await this.send(
      "PutItem",
      item.pk,
      () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: options.ifAbsent ? "attribute_not_exists(pk)" : undefined,
            ReturnValuesOnConditionCheckFailure: options.ifAbsent ? "ALL_OLD" : undefined,
          }),
        ).then(() => undefined, (error: unknown) => recognizeEarlierAttempt(error, [item])),
      options.ifAbsent ? (options.conflictMessage ?? "An item with this id already exists.") : undefined,
    );
  }

  /** Writes an item only if `condition` holds; returns false when it did not. */
  async putIf(item: StoredItem, condition: string, values?: Record<string, unknown>): Promise<boolean> {
    assertStorable(item);
    await settleHeldWrites({ keys: [item] });
    try {
      await this.send("PutItem", item.pk, () =>
        this.client
          .send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }))
          .then(() => undefined, (error: unknown) => recognizeEarlierAttempt(error, [item])),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Runs an UpdateItem; returns false when its condition did not hold.
   * `options` matters only inside a transaction (see TransactionTable.update).
   */
  async update(input: Omit<UpdateCommandInput, "TableName">, _options: UpdateOptions = {}): Promise<{ applied: boolean; attributes?: StoredItem }> {
    assertStorable(input.ExpressionAttributeValues);
    await settleHeldWrites({ keys: [input.Key as ItemKey] });
    try {
      const output = await this.send("UpdateItem", String(input.Key?.pk), () =>
        this.client.send(new UpdateCommand({ ...input, TableName: this.tableName })),
      );
      return { applied: true, attributes: output.Attributes as StoredItem | undefined };
    } catch (error) {
      if (isConditionFailure(error)) return { applied: false };
      throw error;
    }
  }

  /** Deletes an item; returns false when it did not exist (or the condition failed). */
  async delete(key: ItemKey, condition = "attribute_exists(pk)", expression: { names?: Record<string, string>; values?: Record<string, unknown> } = {}): Promise<boolean> {
    await settleHeldWrites({ keys: [key] });
    try {
      await this.send("DeleteItem", key.pk, () =>
        this.client.send(
          new DeleteCommand({ TableName: this.tableName, Key: key, ConditionExpression: condition, ExpressionAttributeNames: expression.names, ExpressionAttributeValues: expression.values }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async query(request: QueryRequest): Promise<QueryPage> {
    await settleHeldWrites({ partition: request.partitionKey, index: request.index });
    const index = request.index ? TABLE_SCHEMA.indexes.find((candidate) => candidate.name === request.index) : undefined;
    const partitionAttribute = index?.partitionKey ?? TABLE_SCHEMA.partitionKey;
    const sortAttribute = index?.sortKey ?? TABLE_SCHEMA.sortKey;
    const sortKey = sortKeyCondition(request);
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index?.name,
      KeyConditionExpression: sortKey ? `#pk = :pk AND ${sortKey.expression}` : "#pk = :pk",
      ExpressionAttributeNames: { "#pk": partitionAttribute, ...(sortKey ? { "#sk": sortAttribute } : {}), ...request.filter?.names },
      ExpressionAttributeValues: { ":pk": request.partitionKey, ...sortKey?.values, ...request.filter?.values },
      FilterExpression: request.filter?.expression,
      // Global secondary indexes cannot be read consistently.
      ConsistentRead: this.consistency === "strong" && !index ? true : undefined,
      ScanIndexForward: request.ascending ?? true,
      Limit: request.limit,
      ExclusiveStartKey: request.startKey,
    };
    const output = await this.send("Query", request.partitionKey, () => this.client.send(new QueryCommand(input)));
    return { items: (output.Items ?? []) as StoredItem[], lastKey: output.LastEvaluatedKey };
  }

  /** Reads every page of a query; only for partitions known to stay small. */
  async queryAll(request: Omit<QueryRequest, "startKey">): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.query({ ...request, startKey });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    return items;
  }

  /**
   * Applies the writes all or none, as one TransactWriteItems call (at most
   * 100 writes). On a table in strong mode, which refuses transactions, the
   * writes are applied one by one in a safe order instead (ordered-writes.ts).
   */
  async transactWrite(items: TransactItem[], conflictMessages?: ConflictMessages): Promise<void> {
    await settleHeldWrites({ keys: items.map(targetKey) });
    if (items.length === 0) return;
    for (const item of items) assertStorable(storedValues(item));
    if (this.consistency === "strong") return applyInOrder(this, items, conflictMessages);
    const withTable = items.map((item) => withTableName(item, this.tableName));
    const puts = items.map((item) => ("Put" in item ? item.Put.Item : undefined));
    await this.send(
      "TransactWriteItems",
      "transaction",
      () => this.client.send(new TransactWriteCommand({ TransactItems: withTable })).then(() => undefined, (error: unknown) => recognizeEarlierAttempt(error, puts)),
      conflictMessages,
    );
  }

  /**
   * Reads one page of a Scan, projecting only keys, type and expiry. Only
   * the retention sweep calls it: the request-path client rejects Scan.
   */
  async scanPage(request: { filter: { expression: string; names?: Record<string, string>; values: Record<string, unknown> }; startKey?: Record<string, unknown> }): Promise<QueryPage> {
    await settleHeldWrites("everything");
    const output = await this.send("Scan", "table", () =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: request.filter.expression,
          ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk", "#type": "type", "#expiresAt": "expiresAt", ...request.filter.names },
          ExpressionAttributeValues: request.filter.values,
          ProjectionExpression: "#pk, #sk, #type, #expiresAt",
          ExclusiveStartKey: request.startKey,
        }),
      ),
    );
    return { items: (output.Items ?? []) as StoredItem[], lastKey: output.LastEvaluatedKey };
  }

  /**
   * Applies one write of a multi-item change on its own, returning the item
   * as it was before; `applied` is false when the write's condition failed.
   */
  async writeReturningOld(write: TransactItem): Promise<{ applied: boolean; before?: StoredItem }> {
    await settleHeldWrites({ keys: [targetKey(write)] });
    const key = targetKey(write);
    try {
      const output = await this.send(operationOf(write), key.pk, () => {
        if ("Put" in write) return this.client.send(new PutCommand({ ...write.Put, TableName: this.tableName, ReturnValues: "ALL_OLD" }));
        if ("Delete" in write) return this.client.send(new DeleteCommand({ ...write.Delete, TableName: this.tableName, ReturnValues: "ALL_OLD" }));
        if ("Update" in write) return this.client.send(new UpdateCommand({ ...write.Update, TableName: this.tableName, ReturnValues: "ALL_OLD" }));
        throw new AdapterError("adapter.failed", `A condition check on \`${key.pk}\` writes nothing and cannot be applied as a write.`);
      });
      return { applied: true, before: output.Attributes as StoredItem | undefined };
    } catch (error) {
      if (isConditionFailure(error)) return { applied: false };
      throw error;
    }
  }

  /** Deletes many keys without conditions, in batches of 25. */
  async batchDelete(keys: ItemKey[]): Promise<void> {
    await settleHeldWrites({ keys });
    const unique = dedupeKeys(keys);
    for (let start = 0; start < unique.length; start += MAX_BATCH_WRITE) {
      let pending = unique.slice(start, start + MAX_BATCH_WRITE).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 5) throw new AdapterError("adapter.throttled", `BatchWriteItem on \`${this.tableName}\` left items unprocessed after 6 attempts; retry the request.`);
        const requestItems = pending;
        const output = await this.send("BatchWriteItem", "batch", () =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requestItems } })),
        );
        pending = (output.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    }
  }

  protected async send<T>(operation: string, partition: string, call: () => Promise<T>, conflictMessage?: ConflictMessages): Promise<T> {
    const outage = earlierOutage();
    if (outage !== undefined) throw outage;
    try {
      return await call();
    } catch (error) {
      const mapped = mapError(error, operation, this.tableName, partition, conflictMessage);
      if ((mapped as { status?: unknown }).status === 503) recordOutage(mapped);
      throw mapped;
    }
  }
}

/**
 * Rejects a value with an empty field name inside a map. The local engine
 * stores such an item in a form it cannot read back, which fails every list
 * that reads it. A 400 at the write keeps the stored data readable on any
 * engine.
 */
function assertStorable(value: unknown, path = "", depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 32) return;
  if (Array.isArray(value)) {
    value.forEach((entry, index) => assertStorable(entry, `${path}[${index}]`, depth + 1));
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (key === "") throw badRequest(`The request contains an empty field name${path === "" ? "" : ` in \`${path.replace(/^\./, "")}\``}; give every field a name or remove it.`);
    assertStorable(entry, `${path}.${key}`, depth + 1);
  }
}

function sortKeyCondition(request: QueryRequest): { expression: string; values: Record<string, string> } | undefined {
  if (request.sortKeyPrefix !== undefined) return { expression: "begins_with(#sk, :sk)", values: { ":sk": request.sortKeyPrefix } };
  const { from, to } = request.sortKeyRange ?? {};
  if (from !== undefined && to !== undefined) return { expression: "#sk BETWEEN :skFrom AND :skTo", values: { ":skFrom": from, ":skTo": to } };
  if (from !== undefined) return { expression: "#sk >= :skFrom", values: { ":skFrom": from } };
  if (to !== undefined) return { expression: "#sk <= :skTo", values: { ":skTo": to } };
  return undefined;
}

/** Adds the table name, and for a put requests the item that fails its condition (see retried-writes.ts). */
function withTableName(item: TransactItem, tableName: string): SdkTransactItem {
  const [kind, body] = Object.entries(item)[0] as [string, object];
  const failureReturns = kind === "Put" ? { ReturnValuesOnConditionCheckFailure: "ALL_OLD" } : {};
  return { [kind]: { ...body, ...failureReturns, TableName: tableName } } as SdkTransactItem;
}

/** Treats a failure as success when an earlier attempt of the same request applied the write; rethrows it otherwise. */
function recognizeEarlierAttempt(error: unknown, puts: ReadonlyArray<StoredItem | undefined>): void {
  if (appliedByEarlierAttempt(error, puts)) return;
  throw error;
}

function dedupeKeys<K extends ItemKey>(keys: K[]): K[] {
  const seen = new Map<string, K>();
  for (const key of keys) seen.set(`${key.pk}\u0000${key.sk}`, key);
  return [...seen.values()];
}

export function isConditionFailure(error: unknown): boolean {
  const target = error instanceof AdapterError ? error.cause : error;
  return (target as { name?: string } | undefined)?.name === "ConditionalCheckFailedException";
}

function mapError(error: unknown, operation: string, tableName: string, partition: string, conflictMessages?: ConflictMessages): unknown {
  if (error instanceof AdapterError || error instanceof HTTPException) return error;
  const name = (error as { name?: string }).name ?? "Error";
  if (name === "ConditionalCheckFailedException") return typeof conflictMessages === "string" ? conflict(conflictMessages, error) : error;
  if (name === "TransactionCanceledException") {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    const failed = reasons.findIndex((reason) => reason.Code === "ConditionalCheckFailed");
    if (failed >= 0) {
      const message = typeof conflictMessages === "string" ? conflictMessages : conflictMessages?.[failed];
      return conflict(message ?? "The item already exists or was changed concurrently.", error);
    }
    if (reasons.some((reason) => reason.Code === "TransactionConflict")) {
      return concurrentChange(`${operation} on \`${tableName}\` conflicted with a concurrent transaction; retry the request.`, error);
    }
  }
  if (name === "ResourceNotFoundException") {
    return new AdapterError(
      "adapter.failed",
      `${operation} failed because DynamoDB found no table \`${tableName}\` (or no such index) in this region. Check AUTHHERO_TABLE_NAME and AWS_REGION, or create the table: \`pulumi up\` does in AWS, \`npm start\` does locally.`,
      { cause: error },
    );
  }
  if ((error as Error).message?.startsWith("Special numeric value")) {
    return badRequest(`The request contains a number DynamoDB cannot store (${(error as Error).message}); send finite numbers.`, error);
  }
  if (name === "ValidationException") {
    // Oversized keys or items and empty attribute names are caller input that DynamoDB cannot store.
    return badRequest(`The request contains a value DynamoDB cannot store (${(error as Error).message}); shorten the identifiers or data.`, error);
  }
  const httpStatus = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? (error as { $response?: { statusCode?: number } }).$response?.statusCode;
  if (httpStatus !== undefined && httpStatus >= 500) {
    // A server-side failure without a parsable DynamoDB error, as the local engine returns under concurrent transactions.
    return unavailable(`${operation} on \`${tableName}\` failed with HTTP ${httpStatus} from DynamoDB; retry the request.`, error);
  }
  const retryable = ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"];
  if (retryable.includes(name)) {
    return unavailable(`${operation} on \`${tableName}\` was throttled (${name}); retry the request.`, error);
  }
  const code = (error as { code?: string }).code;
  if (["TimeoutError", "RequestTimeout", "AbortError"].includes(name) || code === "ETIMEDOUT") {
    return unavailable(`${operation} on \`${tableName}\` failed because DynamoDB did not answer in time (${name}).`, error);
  }
  if (code !== undefined && ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE"].includes(code)) {
    return unavailable(`${operation} on \`${tableName}\` failed because DynamoDB could not be reached (${code}).`, error);
  }
  return new AdapterError("adapter.failed", `${operation} on \`${tableName}\` (partition \`${partition.split("#")[0]}\`) failed: ${name}: ${(error as Error).message}`, { cause: error });
}
