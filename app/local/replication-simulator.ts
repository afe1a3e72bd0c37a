import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Test and demo tooling, not product code: imitates a DynamoDB global table
 * on the local engine, which has no replicas. Each region gets its own
 * table; after every write the simulator copies the touched items to the
 * other regions' tables after `delayMs`, last writer wins, as global
 * tables do with eventual consistency.
 */
export interface SimulatedRegion {
  region: string;
  tableName: string;
  /** The region's client; its writes are observed and replicated. */
  client: DynamoDBDocumentClient;
}

type Key = { pk: string; sk: string };

export class ReplicationSimulator {
  private readonly lastWrite = new Map<string, Map<string, number>>();
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly regions: SimulatedRegion[],
    private delayMs: number,
  ) {
    for (const region of regions) {
      this.lastWrite.set(region.region, new Map());
      this.observe(region);
    }
  }

  /** Changes the replication delay for writes from now on. */
  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** Resolves once every replication scheduled so far has been applied. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
  }

  private observe(source: SimulatedRegion): void {
    const send = source.client.send.bind(source.client) as (command: unknown, options?: unknown) => Promise<unknown>;
    (source.client as { send: unknown }).send = async (command: unknown, options?: unknown) => {
      const output = await send(command, options);
      const keys = writtenKeys(command as { constructor: { name: string }; input: Record<string, unknown> }, source.tableName);
      if (keys.length > 0 && !this.stopped) this.schedule(source, keys, Date.now());
      return output;
    };
  }

  private schedule(source: SimulatedRegion, keys: Key[], writtenAt: number): void {
    for (const key of keys) this.lastWrite.get(source.region)!.set(keyId(key), writtenAt);
    const job = new Promise<void>((resolve) => setTimeout(resolve, this.delayMs))
      .then(() => this.copy(source, keys, writtenAt))
      .catch((error: unknown) => {
        process.stderr.write(`replication simulator: copy from ${source.region} failed: ${String(error)}\n`);
      });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  private async copy(source: SimulatedRegion, keys: Key[], writtenAt: number): Promise<void> {
    if (this.stopped) return;
    for (const key of keys) {
      const { Item } = (await (source.client.send as (command: unknown) => Promise<{ Item?: Record<string, unknown> }>)(
        new GetCommand({ TableName: source.tableName, Key: key, ConsistentRead: true }),
      ));
      for (const target of this.regions) {
        if (target === source) continue;
        const targetWrites = this.lastWrite.get(target.region)!;
        // Last writer wins: a newer write in the target region is kept.
        if ((targetWrites.get(keyId(key)) ?? 0) > writtenAt) continue;
        const command = Item ? new PutCommand({ TableName: target.tableName, Item }) : new DeleteCommand({ TableName: target.tableName, Key: key });
        await rawSend(target.client, command);
      }
    }
  }
}

/** Sends without being observed, so a replicated write is not replicated again. */
function rawSend(client: DynamoDBDocumentClient, command: unknown): Promise<unknown> {
  return (Object.getPrototypeOf(client) as { send: (command: unknown) => Promise<unknown> }).send.call(client, command);
}

function keyId(key: Key): string {
  return `${key.pk}\u0000${key.sk}`;
}

/** Keys of the items a write command changed in `tableName`. */
function writtenKeys(command: { constructor: { name: string }; input: Record<string, unknown> }, tableName: string): Key[] {
  const input = command.input ?? {};
  const pick = (value: unknown): Key[] => {
    const item = value as Partial<Key> | undefined;
    return item && typeof item.pk === "string" && typeof item.sk === "string" ? [{ pk: item.pk, sk: item.sk }] : [];
  };
  switch (command.constructor.name) {
    case "PutCommand":
      return pick(input.Item);
    case "UpdateCommand":
    case "DeleteCommand":
      return pick(input.Key);
    case "TransactWriteCommand":
      return ((input.TransactItems ?? []) as Array<Record<string, { Item?: unknown; Key?: unknown }>>).flatMap((entry) =>
        [entry.Put?.Item, entry.Update?.Key, entry.Delete?.Key].flatMap(pick),
      );
    case "BatchWriteCommand": {
      const requests = ((input.RequestItems ?? {}) as Record<string, Array<{ PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }>>)[tableName] ?? [];
      return requests.flatMap((request) => [request.PutRequest?.Item, request.DeleteRequest?.Key].flatMap(pick));
    }
    default:
      return [];
  }
}
