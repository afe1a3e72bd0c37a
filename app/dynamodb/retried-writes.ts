import { marshall } from "@aws-sdk/util-dynamodb";

import type { StoredItem } from "./item.js";

/**
 * Recognises a conditional write whose condition failed only because an
 * earlier attempt of the same request had already succeeded.
 *
 * The SDK retries a request when the response does not arrive within the
 * client's request timeout (app/dynamodb/client.ts). If DynamoDB applied the
 * first attempt, the retry finds the item that attempt wrote, so an
 * `attribute_not_exists` condition fails and the write would be reported as
 * a conflict that never happened. For TransactWriteItems, DynamoDB makes a
 * retry idempotent through the ClientRequestToken that the SDK fills in, but
 * the local engine ignores that token. PutItem has no such token.
 *
 * The write was ours when the request was attempted more than once and the
 * item that failed the condition, as DynamoDB returned it with
 * `ReturnValuesOnConditionCheckFailure: "ALL_OLD"`, is exactly the item the
 * request puts. Every item this adapter writes carries a fresh id or
 * revision, so another writer cannot have stored an identical one. A
 * transaction applies all of its writes or none, so one such put is enough
 * to know that the whole transaction was applied.
 *
 * `puts` lists, by position in the request, the item each put writes, or
 * undefined for writes of other kinds.
 */
export function appliedByEarlierAttempt(error: unknown, puts: ReadonlyArray<StoredItem | undefined>): boolean {
  const attempts = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
  if (attempts < 2) return false;

  const name = (error as { name?: string }).name;
  if (name === "ConditionalCheckFailedException") {
    return puts.length === 1 && sameItem((error as { Item?: unknown }).Item, puts[0]);
  }
  if (name === "TransactionCanceledException") {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Item?: unknown }> }).CancellationReasons ?? [];
    return reasons.some((reason, index) => reason.Code === "ConditionalCheckFailed" && sameItem(reason.Item, puts[index]));
  }
  return false;
}

/** Compares an item returned by DynamoDB (attribute values) with the item a put sent. */
function sameItem(returned: unknown, sent: StoredItem | undefined): boolean {
  if (returned === undefined || returned === null || sent === undefined) return false;
  // The same options as the document client (app/dynamodb/client.ts), so both sides have the same form.
  const expected = marshall(sent, { removeUndefinedValues: true, convertClassInstanceToMap: false });
  return canonicalJson(returned) === canonicalJson(expected);
}

/** JSON with object keys sorted, so that attribute order does not matter. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry) || entry instanceof Uint8Array) return entry;
    const names = Object.keys(entry).sort();
    return Object.fromEntries(names.map((name) => [name, (entry as Record<string, unknown>)[name]]));
  });
}
