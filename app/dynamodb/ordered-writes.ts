import { randomUUID } from "node:crypto";
import { ConditionFailedAt, conflict } from "./errors.js";
import { isExpired, type ItemKey, type StoredItem } from "./item.js";
import { CLAIM_HOLDERS } from "./keys.js";
import type { ConflictMessages, DynamoTable, TransactItem } from "./table.js";
import { targetKey } from "./table.js";

/**
 * The lease of a claim, in milliseconds. A change interrupted between two
 * writes (the process died) leaves claims behind, and once the lease has
 * passed another writer may take over a claim its owner does not hold. It
 * must outlast any request, so an unfinished change is never overtaken.
 */
export const CLAIM_LEASE_MS = 60_000;

type Step = { write: TransactItem; index: number };

/** One adapter call's writes; `positions` places them in a larger change, for the error's ConditionFailedAt. */
export interface WriteGroup {
  writes: TransactItem[];
  conflictMessages: Array<string | undefined>;
  positions?: number[];
}

/** A step's change, kept so that a later failure can undo it. */
interface Applied {
  kind: "put" | "delete" | "update";
  key: ItemKey;
  before?: StoredItem;
  /** The marker written with a put; its undo only touches an item that still carries it. */
  writeId?: string;
}

/**
 * Applies a multi-item change as single-item conditional writes, for tables
 * that refuse TransactWriteItems (multi-Region strong consistency). The
 * first write is the change's primary item; the others are ordered so that
 * an interruption at any point leaves nothing a reader can reach:
 *
 * 1. condition checks, which write nothing;
 * 2. claims (uniqueness guards and lookups), each naming the primary as its
 *    owner, so a claim whose owner never arrived can be taken over later;
 * 3. other dependent writes, then the primary item itself;
 * 4. deletes of dependents (released claims), which only matter once the
 *    primary no longer refers to them.
 *
 * When a condition fails, the steps already applied are undone in reverse
 * and the change fails with a 409, as the transaction would have.
 */
export async function applyInOrder(table: DynamoTable, writes: TransactItem[], conflictMessages?: ConflictMessages): Promise<void> {
  const messages = writes.map((_write, index) => (typeof conflictMessages === "string" ? conflictMessages : conflictMessages?.[index]));
  await applyGroupsInOrder(table, [{ writes, conflictMessages: messages }]);
}

/**
 * Applies several multi-item changes, one after the other, each in the
 * order applyInOrder describes, as one unit: a failed condition in any of
 * them undoes every write applied so far. A transaction() commit in strong
 * mode uses it with one group per adapter call, so the calls apply in the
 * order the callback made them (a single-use token is marked used before
 * the client it pays for is written).
 */
export async function applyGroupsInOrder(table: DynamoTable, groups: WriteGroup[]): Promise<void> {
  const applied: Applied[] = [];
  for (const group of groups) {
    const owner = group.writes.length > 0 ? targetKey(group.writes[0]!) : undefined;
    for (const step of orderSteps(group.writes)) {
      const outcome = await applyStep(table, step.write, owner);
      if (outcome === "failed") {
        await undo(table, applied);
        throw conflict(group.conflictMessages[step.index] ?? "The item already exists or was changed concurrently.", new ConditionFailedAt(group.positions?.[step.index] ?? step.index));
      }
      if (outcome !== "checked") applied.push(outcome);
    }
  }
}

function orderSteps(writes: TransactItem[]): Step[] {
  const steps = writes.map((write, index) => ({ write, index }));
  const rank = ({ write, index }: Step): number => {
    if ("ConditionCheck" in write) return 0;
    if (index === 0) return 3;
    if ("Put" in write && isClaim(write.Put.Item)) return 1;
    if ("Delete" in write) return 4;
    return 2;
  };
  return steps.sort((left, right) => rank(left) - rank(right) || left.index - right.index);
}

function isClaim(item: StoredItem): boolean {
  return item.type in CLAIM_HOLDERS;
}

async function applyStep(table: DynamoTable, write: TransactItem, owner: ItemKey | undefined): Promise<Applied | "checked" | "failed"> {
  if ("ConditionCheck" in write) {
    const current = await table.get(write.ConditionCheck.Key, { consistent: true });
    return checkExistence(write.ConditionCheck.ConditionExpression, current) ? "checked" : "failed";
  }
  const writeId = randomUUID();
  if ("Put" in write) {
    const claim = isClaim(write.Put.Item) && owner ? { claimedBy: owner, claimedAt: Date.now() } : {};
    const item = { ...write.Put.Item, ...claim, writeId };
    const result = await table.writeReturningOld({ Put: { ...write.Put, Item: item } });
    if (result.applied) return { kind: "put", key: targetKey(write), before: result.before, writeId };
    if (isClaim(item) && (await takeOverStaleClaim(table, item))) return { kind: "put", key: targetKey(write), writeId };
    return "failed";
  }
  if ("Update" in write) {
    // A SET update carries the marker too, so its undo cannot overwrite a later writer either.
    const marked = /^SET /i.test(write.Update.UpdateExpression)
      ? {
          Update: {
            ...write.Update,
            UpdateExpression: withMarker(write.Update.UpdateExpression),
            ExpressionAttributeValues: { ...write.Update.ExpressionAttributeValues, ":writeIdMarker": writeId },
          },
        }
      : write;
    const result = await table.writeReturningOld(marked);
    if (!result.applied) return "failed";
    return { kind: "update", key: targetKey(write), before: result.before, writeId: marked === write ? undefined : writeId };
  }
  const result = await table.writeReturningOld(write);
  if (!result.applied) return "failed";
  return { kind: "delete", key: targetKey(write), before: result.before };
}

/**
 * Replaces a claim left behind by an interrupted change: one older than
 * the lease whose owner is gone or no longer holds it. The replacement is
 * conditional on the claim being unchanged, so two writers cannot both win.
 */
async function takeOverStaleClaim(table: DynamoTable, item: StoredItem): Promise<boolean> {
  const existing = await table.get({ pk: item.pk, sk: item.sk }, { consistent: true });
  if (!existing) return false;
  const claimedAt = typeof existing.claimedAt === "number" ? existing.claimedAt : undefined;
  const claimedBy = existing.claimedBy as ItemKey | undefined;
  if (claimedAt === undefined || claimedBy === undefined || Date.now() - claimedAt < CLAIM_LEASE_MS) return false;
  const holder = await table.get(claimedBy, { consistent: true });
  const isHeldBy = CLAIM_HOLDERS[existing.type];
  if (holder && !isExpired(holder) && isHeldBy?.(holder, existing)) return false;
  const replaced = await table.writeReturningOld({
    Put: { Item: item, ConditionExpression: "claimedAt = :claimedAt", ExpressionAttributeValues: { ":claimedAt": claimedAt } },
  });
  return replaced.applied;
}

/** Adds the marker assignment at the end of an update expression's SET clause. */
function withMarker(expression: string): string {
  const clauseEnd = expression.search(/\s(REMOVE|ADD|DELETE)\s/i);
  const end = clauseEnd < 0 ? expression.length : clauseEnd;
  return `${expression.slice(0, end)}, writeId = :writeIdMarker${expression.slice(end)}`;
}

/**
 * Puts back what the applied steps changed, newest first. A put or SET
 * update is undone only while the item still carries its marker, and a
 * delete only while no one re-created the item, so an undo never overwrites
 * a later writer.
 */
async function undo(table: DynamoTable, applied: Applied[]): Promise<void> {
  for (const step of [...applied].reverse()) {
    const ours = { ConditionExpression: "writeId = :writeId", ExpressionAttributeValues: { ":writeId": step.writeId } };
    if (step.kind === "put") {
      await table.writeReturningOld(step.before ? { Put: { Item: step.before, ...ours } } : { Delete: { Key: step.key, ...ours } });
    } else if (step.kind === "delete" && step.before) {
      await table.writeReturningOld({ Put: { Item: step.before, ConditionExpression: "attribute_not_exists(pk)" } });
    } else if (step.kind === "update") {
      const guard = step.writeId === undefined ? {} : ours;
      await table.writeReturningOld(step.before ? { Put: { Item: step.before, ...guard } } : { Delete: { Key: step.key, ...guard } });
    }
  }
}

/** Condition checks in multi-item changes only test whether an item exists. */
function checkExistence(condition: string, current: StoredItem | undefined): boolean {
  const live = current !== undefined && !isExpired(current);
  if (/^attribute_exists\(pk\)$/.test(condition.trim())) return live;
  if (/^attribute_not_exists\(pk\)$/.test(condition.trim())) return !live;
  throw new Error(`The condition check \`${condition}\` cannot be evaluated without a transaction; only attribute_exists(pk) and attribute_not_exists(pk) can.`);
}
