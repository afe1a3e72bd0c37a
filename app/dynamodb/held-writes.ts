import { AsyncLocalStorage } from "node:async_hooks";
import { requestLocal, runBeforeResponse } from "../cache/request-memo.js";
import { conflict, failedWrites } from "./errors.js";
import type { ItemKey, StoredItem } from "./item.js";
import type { DynamoTable, TransactItem } from "./table.js";

/**
 * Single-item writes of one HTTP request that the adapters hold back and
 * send together, in one TransactWriteItems call, before the request's
 * response is returned. A login saves a request for every write that goes
 * out with another one this way.
 *
 * The rules that keep this invisible to the request and to everyone else:
 * - A held write is sent before the response (runBeforeResponse), so a
 *   client never sees a response whose writes are not stored. If sending
 *   fails, the request fails instead of returning its response.
 * - Before any table read or write of the same request that could see a held
 *   item (same key, same base-table partition, or an index partition the
 *   item is in), every held write is sent first. So the request reads its
 *   own writes, and writes to one item keep their order.
 * - Only writes whose outcome the caller does not need at once are held:
 *   the adapters return what the write would return if it succeeds, and the
 *   held write's condition decides at the send, as in a transaction.
 * - Nothing is held outside a request, inside transaction(), or on a table
 *   in strong mode, which refuses transactions.
 * A held write's failure therefore surfaces at the end of the request, not
 * at the adapter call that made it.
 */

/** A write held back by an adapter, with what its failure means. */
export interface HeldWrite {
  write: TransactItem;
  /** The 409 message when the write's condition fails. */
  conflictMessage?: string;
  /** The error to throw when the write's condition fails, in place of a 409. */
  conditionError?: () => Error;
  /**
   * The write's condition may fail without failing the request: the write is
   * then dropped, as the immediate write would have returned false.
   */
  optional?: boolean;
  /** For an update of data fields, the fields it sets, so that a later update of the same item can merge with it. */
  fields?: Record<string, unknown>;
  /** Index partitions (by index name) that contain the item, for an update or delete; a put's come from its item. */
  indexPartitions?: Partial<Record<"gsi1" | "gsi2", string>>;
}

/** The items or partitions a table call is about to read or write. */
export type TableAccess = { keys: ItemKey[] } | { partition: string; index?: "gsi1" | "gsi2" } | "everything";

interface HeldState {
  table: DynamoTable;
  writes: Map<string, HeldWrite>;
  /** Whether a send before the response is registered and has not started. */
  flushRegistered: boolean;
  /** The send in progress; other calls of the request wait for it. */
  sending?: Promise<void>;
}

const HELD_STATE = Symbol("held writes");

/** Set while held writes are being sent, so their own table calls do not wait for themselves. */
const sendingContext = new AsyncLocalStorage<boolean>();

/**
 * Holds the write that `build` returns for the item at `key` until the
 * request's response or the request's next access to the item. `build`
 * receives the write already held for that key, to merge with it. Returns
 * false, holding nothing, where writes cannot be held; the caller then
 * writes at once.
 */
export function holdWrite(table: DynamoTable, key: ItemKey, build: (earlier: HeldWrite | undefined) => HeldWrite): boolean {
  if (table.stagesWrites || table.consistency === "strong" || sendingContext.getStore()) return false;
  const slot = requestLocal<{ state?: HeldState }>(HELD_STATE, () => ({}));
  if (!slot) return false;
  slot.state ??= { table, writes: new Map(), flushRegistered: false };
  const state = slot.state;
  if (state.table !== table) return false;
  if (!state.flushRegistered) {
    // Once the request has started responding, runBeforeResponse registers nothing and the write goes out at once.
    if (!runBeforeResponse(() => sendBeforeResponse(state))) return false;
    state.flushRegistered = true;
  }
  const id = keyId(key);
  state.writes.set(id, build(state.writes.get(id)));
  return true;
}

function stateOfRequest(): HeldState | undefined {
  return requestLocal<{ state?: HeldState }>(HELD_STATE, () => ({}))?.state;
}

/**
 * Sends the request's held writes first if `access` could see one of them,
 * and waits for a send already in progress. Every DynamoTable call runs it.
 */
export async function settleHeldWrites(access: TableAccess): Promise<void> {
  if (sendingContext.getStore()) return;
  const state = stateOfRequest();
  if (!state) return;
  while (state.sending) await state.sending;
  if (state.writes.size === 0 || !touchesHeld(state, access)) return;
  await sendHeld(state);
}

/** Removes and returns the request's held writes, for a caller that sends them in its own transaction. */
async function takeHeldWrites(): Promise<HeldWrite[]> {
  if (sendingContext.getStore()) return [];
  const state = stateOfRequest();
  if (!state) return [];
  while (state.sending) await state.sending;
  const taken = [...state.writes.values()];
  state.writes.clear();
  return taken;
}

/**
 * Writes `writes` and the request's held writes in one transaction, dropping
 * optional held writes whose condition failed and trying again without them.
 * A failed condition of a held write throws its own error.
 */
export async function transactWriteWithHeld(table: DynamoTable, writes: TransactItem[], conflictMessage: string): Promise<void> {
  const own = writes.map((write) => ({ write, conflictMessage }));
  const held = table.stagesWrites || table.consistency === "strong" ? [] : await takeHeldWrites();
  const ownKeys = new Set(writes.map((write) => keyId(targetKeyOf(write))));
  await sendingContext.run(true, async () => {
    // DynamoDB rejects a transaction that writes one item twice, so held writes to the same items go first.
    if (held.some((entry) => ownKeys.has(keyId(targetKeyOf(entry.write))))) {
      await sendTogether(table, [], held);
      await sendTogether(table, own, []);
      return;
    }
    await sendTogether(table, own, held);
  });
}

async function sendBeforeResponse(state: HeldState): Promise<void> {
  state.flushRegistered = false;
  while (state.sending) await state.sending;
  if (state.writes.size > 0) await sendHeld(state);
}

async function sendHeld(state: HeldState): Promise<void> {
  const held = [...state.writes.values()];
  state.writes.clear();
  const sending = sendingContext.run(true, () => sendTogether(state.table, [], held));
  state.sending = sending;
  try {
    await sending;
  } finally {
    if (state.sending === sending) state.sending = undefined;
  }
}

/**
 * Sends `own` writes (never optional) and `held` writes, all or none: a
 * single write as PutItem or UpdateItem, several as one TransactWriteItems.
 */
async function sendTogether(table: DynamoTable, own: HeldWrite[], held: HeldWrite[]): Promise<void> {
  let writes = [...own, ...held];
  for (;;) {
    if (writes.length === 0) return;
    try {
      if (writes.length === 1) await sendOne(table, writes[0]!);
      else await table.transactWrite(writes.map((entry) => entry.write), writes.map((entry) => entry.conflictMessage));
      return;
    } catch (error) {
      const failed = failedWrites(error).filter((failure) => failure.reason === "ConditionalCheckFailed");
      const failedEntries = failed.map((failure) => writes[failure.index]).filter((entry): entry is HeldWrite => entry !== undefined);
      const required = failedEntries.find((entry) => !entry.optional);
      if (failedEntries.length === 0) throw error;
      if (required?.conditionError) throw required.conditionError();
      if (required) throw error;
      // Only optional writes failed, and a cancelled transaction wrote nothing: send the rest again.
      writes = writes.filter((entry) => !failedEntries.includes(entry));
    }
  }
}

async function sendOne(table: DynamoTable, entry: HeldWrite): Promise<void> {
  const { write } = entry;
  let applied: boolean;
  if ("Put" in write) {
    const { Item, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = write.Put;
    if (ConditionExpression === undefined) {
      await table.put(Item);
      return;
    }
    if (ExpressionAttributeNames === undefined && ConditionExpression === "attribute_not_exists(pk)" && !entry.conditionError && !entry.optional) {
      await table.put(Item, { ifAbsent: true, conflictMessage: entry.conflictMessage });
      return;
    }
    applied = await table.putIf(Item, ConditionExpression, ExpressionAttributeValues);
  } else if ("Update" in write) {
    applied = (await table.update(write.Update)).applied;
  } else {
    await table.transactWrite([write], entry.conflictMessage);
    return;
  }
  if (applied || entry.optional) return;
  throw entry.conditionError?.() ?? conflict(entry.conflictMessage ?? "The item already exists or was changed concurrently.");
}

function touchesHeld(state: HeldState, access: TableAccess): boolean {
  if (access === "everything") return true;
  const writes = [...state.writes.values()];
  if ("keys" in access) {
    const ids = new Set(access.keys.map(keyId));
    return writes.some((entry) => ids.has(keyId(targetKeyOf(entry.write))));
  }
  if (!access.index) return writes.some((entry) => targetKeyOf(entry.write).pk === access.partition);
  const index = access.index;
  return writes.some((entry) => {
    if ("Put" in entry.write) return (entry.write.Put.Item as StoredItem)[`${index}pk`] === access.partition;
    return entry.indexPartitions?.[index] === access.partition;
  });
}

function targetKeyOf(write: TransactItem): ItemKey {
  if ("Put" in write) return { pk: write.Put.Item.pk, sk: write.Put.Item.sk };
  if ("Delete" in write) return write.Delete.Key;
  if ("Update" in write) return write.Update.Key;
  return write.ConditionCheck.Key;
}

function keyId(key: ItemKey): string {
  return `${key.pk}\u0000${key.sk}`;
}
