import { AdapterError, concurrentChange, conflict, failedWrites } from "./errors.js";
import type { ItemKey, StoredItem } from "./item.js";
import { isRevisionCheck } from "./repository.js";
import { applyGroupsInOrder, type WriteGroup } from "./ordered-writes.js";
import { DynamoTable, targetKey, type TransactItem, type UpdateOptions } from "./table.js";

/** DynamoDB's limit on the writes of one TransactWriteItems call. */
const MAX_TRANSACTION_WRITES = 100;

interface StagedWrite {
  write: TransactItem;
  conflictMessage?: string;
  /** An unconditional delete from batchDelete: idempotent clean-up. */
  cleanup: boolean;
  /** The adapter call that staged it, counted from 0; strong mode applies calls in this order. */
  group: number;
}

/**
 * The table as seen inside `transaction(fn)`. Writes are staged instead of
 * sent, and `commit()` applies them all or none. If `fn` throws, nothing
 * was written, which is the rollback. Gets of a staged item return the
 * staged version, so a transaction reads its own writes by key. Queries read
 * the table and do not see staged writes.
 *
 * Conditional writes cannot report their outcome until the commit: `putIf`
 * and `update` answer true, and a condition that fails at the commit fails
 * the whole transaction with a 409. `update` and `delete` first read the
 * item, so a missing item still answers false at once, except an `update`
 * given `missingAtCommitMessage`, which skips that read.
 */
export class TransactionTable extends DynamoTable {
  private readonly staged = new Map<string, StagedWrite>();
  private groups = 0;

  constructor(private readonly base: DynamoTable) {
    super(base.client, base.tableName, base.consistency);
  }

  override get stagesWrites(): boolean {
    return true;
  }

  override async get(key: ItemKey, options: { consistent?: boolean; signal?: AbortSignal } = {}): Promise<StoredItem | undefined> {
    const staged = this.staged.get(keyOf(key));
    if (staged) return stagedImage(staged.write);
    return this.base.get(key, { ...options, consistent: true });
  }

  override async batchGet(keys: ItemKey[]): Promise<StoredItem[]> {
    const unstaged = keys.filter((key) => !this.staged.has(keyOf(key)));
    // Consistent, as get() reads inside a transaction.
    const found = unstaged.length > 0 ? await this.base.batchGet(unstaged, { consistent: true }) : [];
    for (const key of keys) {
      const staged = this.staged.get(keyOf(key));
      const image = staged ? stagedImage(staged.write) : undefined;
      if (image) found.push(image);
    }
    return found;
  }

  override async put(item: StoredItem, options: { ifAbsent?: boolean; conflictMessage?: string } = {}): Promise<void> {
    this.groups++;
    this.stage(
      { Put: { Item: item, ConditionExpression: options.ifAbsent ? "attribute_not_exists(pk)" : undefined } },
      options.ifAbsent ? (options.conflictMessage ?? "An item with this id already exists.") : undefined,
    );
  }

  override async putIf(item: StoredItem, condition: string, values?: Record<string, unknown>): Promise<boolean> {
    this.groups++;
    this.stage({ Put: { Item: item, ConditionExpression: condition, ExpressionAttributeValues: values } });
    return true;
  }

  override async update(input: Parameters<DynamoTable["update"]>[0], options: UpdateOptions = {}): Promise<{ applied: boolean; attributes?: StoredItem }> {
    const key = input.Key as ItemKey;
    if (input.ReturnValues !== undefined && input.ReturnValues !== "NONE") {
      throw new AdapterError("adapter.failed", `An update of \`${key.pk}\` asks for ReturnValues inside a transaction, where writes are applied only at the commit; call it outside transaction().`);
    }
    const checkedAtCommit = options.missingAtCommitMessage !== undefined && requiresExistence(input.ConditionExpression);
    if (!checkedAtCommit && requiresExistence(input.ConditionExpression) && !(await this.get(key))) return { applied: false };
    this.groups++;
    this.stage(
      {
        Update: {
          Key: key,
          UpdateExpression: String(input.UpdateExpression),
          ConditionExpression: input.ConditionExpression,
          ExpressionAttributeNames: input.ExpressionAttributeNames,
          ExpressionAttributeValues: input.ExpressionAttributeValues,
        },
      },
      checkedAtCommit ? options.missingAtCommitMessage : undefined,
    );
    return { applied: true };
  }

  override async delete(key: ItemKey, condition = "attribute_exists(pk)", expression: { names?: Record<string, string>; values?: Record<string, unknown> } = {}): Promise<boolean> {
    if (requiresExistence(condition) && !(await this.get(key))) return false;
    this.groups++;
    this.stage({ Delete: { Key: key, ConditionExpression: condition, ExpressionAttributeNames: expression.names, ExpressionAttributeValues: expression.values } });
    return true;
  }

  override async transactWrite(items: TransactItem[], conflictMessages?: string | ReadonlyArray<string | undefined>): Promise<void> {
    this.groups++;
    items.forEach((item, index) => this.stage(item, typeof conflictMessages === "string" ? conflictMessages : conflictMessages?.[index]));
  }

  override async batchDelete(keys: ItemKey[]): Promise<void> {
    this.groups++;
    for (const key of keys) this.stage({ Delete: { Key: key } }, undefined, true);
  }

  /** True when the transaction has staged nothing. */
  get isEmpty(): boolean {
    return this.staged.size === 0;
  }

  /**
   * Applies every staged write in one TransactWriteItems call. Past
   * DynamoDB's 100-write limit, the conditional writes that decide the
   * outcome are committed first and atomically, and the unconditional
   * clean-up deletes (such as a removed user's sessions) follow in batches,
   * so a commit that fails writes nothing.
   * NOTE: a process that dies between the two leaves the clean-up items, for example the sessions of a removed user.
   */
  async commit(): Promise<void> {
    if (this.staged.size === 0) return;
    let writes = [...this.staged.values()];
    let cleanup: StagedWrite[] = [];
    if (writes.length > MAX_TRANSACTION_WRITES) {
      cleanup = writes.filter((write) => write.cleanup);
      writes = writes.filter((write) => !write.cleanup);
      if (writes.length > MAX_TRANSACTION_WRITES) {
        throw new AdapterError(
          "adapter.failed",
          `A transaction staged ${writes.length} conditional writes; DynamoDB applies at most ${MAX_TRANSACTION_WRITES} atomically. Split the change into smaller requests.`,
        );
      }
    }
    try {
      if (this.base.consistency === "strong") {
        // Each adapter call's writes keep their own safe order, and the calls apply in the order the callback made them.
        await applyGroupsInOrder(this.base, groupWrites(writes));
      } else {
        await this.base.transactWrite(
          writes.map((write) => write.write),
          writes.map((write) => write.conflictMessage),
        );
      }
    } catch (error) {
      if (lostOnlyRevisionRaces(error, writes)) {
        throw concurrentChange("An item this transaction read was changed by another writer before the commit; retry the request.", new StaleRevision(error));
      }
      throw error;
    }
    if (cleanup.length > 0) await this.base.batchDelete(cleanup.map((write) => targetKey(write.write)));
  }

  /**
   * DynamoDB refuses two writes to one item in a transaction, so a second
   * write to an item replaces the first. The first write's condition is
   * kept: it was made against the stored item, while the second one's was
   * made against the staged version, which the table has not seen.
   */
  private stage(write: TransactItem, conflictMessage?: string, cleanup = false): void {
    const id = keyOf(targetKey(write));
    const earlier = this.staged.get(id);
    if (!earlier) {
      this.staged.set(id, { write, conflictMessage, cleanup, group: this.groups });
      return;
    }
    if ("Update" in write || "Update" in earlier.write || "ConditionCheck" in write || "ConditionCheck" in earlier.write) {
      throw new AdapterError(
        "adapter.failed",
        `A transaction writes \`${targetKey(write).pk}\` twice, once with an in-place update or condition check; DynamoDB cannot combine them. Read the item again outside the transaction instead.`,
      );
    }
    const createdHere = "Put" in earlier.write && earlier.write.Put.ConditionExpression === "attribute_not_exists(pk)";
    if (createdHere && "Put" in write && write.Put.ConditionExpression === "attribute_not_exists(pk)") {
      // The second create of one item in a transaction would fail against the table too.
      throw conflict(conflictMessage ?? "An item with this id already exists.");
    }
    if ("Delete" in write && createdHere) {
      // Created and deleted in the same transaction, so nothing reaches the table.
      this.staged.delete(id);
      return;
    }
    const kept = conditionOf(earlier.write);
    const merged: TransactItem = "Put" in write ? { Put: { ...write.Put, ...kept } } : { Delete: { ...write.Delete, ...kept } };
    this.staged.set(id, { write: merged, conflictMessage: earlier.conflictMessage ?? conflictMessage, cleanup: earlier.cleanup && cleanup, group: earlier.group });
  }
}

/**
 * The cause of a commit that failed only because items it rewrote changed
 * after the transaction read them. Nothing was written, so running the
 * transaction again on fresh reads can succeed.
 */
export class StaleRevision extends Error {
  constructor(cause: unknown) {
    super("A revision check of the transaction failed.", { cause });
    this.name = "StaleRevision";
  }
}

/** Returns whether `error` is a commit that failed only on revision checks (see StaleRevision). */
export function isStaleRevision(error: unknown): boolean {
  return (error as { cause?: unknown } | undefined)?.cause instanceof StaleRevision;
}

/**
 * Returns whether every write that failed in the commit was a revision
 * check that lost a race, or lost to a concurrent transaction on DynamoDB's
 * side. A uniqueness condition that failed is a real conflict and never
 * counts, nor is an error that names no failed write.
 */
function lostOnlyRevisionRaces(error: unknown, writes: StagedWrite[]): boolean {
  const failed = failedWrites(error);
  if (failed.length === 0) return false;
  return failed.every(({ index, reason }) => reason === "TransactionConflict" || (reason === "ConditionalCheckFailed" && isRevisionCheck(conditionOf(writes[index]!.write).ConditionExpression)));
}

function groupWrites(writes: StagedWrite[]): WriteGroup[] {
  const groups = new Map<number, WriteGroup & { positions: number[] }>();
  const inOrder = writes.map((staged, position) => ({ staged, position })).sort((left, right) => left.staged.group - right.staged.group);
  for (const { staged, position } of inOrder) {
    const group = groups.get(staged.group) ?? { writes: [], conflictMessages: [], positions: [] };
    group.writes.push(staged.write);
    group.conflictMessages.push(staged.conflictMessage);
    group.positions.push(position);
    groups.set(staged.group, group);
  }
  return [...groups.values()];
}

function keyOf(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

/** Returns the item as the staged write leaves it, or undefined when it deletes it. */
function stagedImage(write: TransactItem): StoredItem | undefined {
  if ("Put" in write) return structuredClone(write.Put.Item);
  if ("Delete" in write) return undefined;
  throw new AdapterError(
    "adapter.failed",
    `A transaction reads \`${targetKey(write).pk}\` after updating it in place, which cannot be shown before the commit. Read it before the update or outside the transaction.`,
  );
}

function conditionOf(write: TransactItem): { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  let body: { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> };
  if ("Put" in write) body = write.Put;
  else if ("Delete" in write) body = write.Delete;
  else if ("Update" in write) body = write.Update;
  else body = write.ConditionCheck;
  return { ConditionExpression: body.ConditionExpression, ExpressionAttributeNames: body.ExpressionAttributeNames, ExpressionAttributeValues: body.ExpressionAttributeValues };
}

function requiresExistence(condition: string | undefined): boolean {
  return condition !== undefined && /^attribute_exists\(pk\)/.test(condition.trim());
}
