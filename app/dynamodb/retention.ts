import type { SessionCleanupParams } from "@authhero/adapter-interfaces";
import { nowSeconds } from "./repository.js";
import type { DynamoTable } from "./table.js";

/** The scope of a sweep: the expired items it removes. */
export interface SweepScope {
  tenantId?: string;
  /** Only items whose entity names this user (`data.user_id`). */
  userId?: string;
  /** Only these item types, such as `code` or `session`. Default every type. */
  types?: readonly string[];
  /** Epoch seconds: items that expired at or before it are removed. Default now. */
  expiredBefore?: number;
}

/** The item types AuthHero's `sessionCleanup` covers. */
export const SESSION_TYPES = ["login-session", "session", "refresh-token", "refresh-token-pointer"] as const;

/**
 * Removes expired items, the work TTL does on an eventually consistent
 * table. A strongly consistent (MRSC) table has no TTL, so a schedule runs
 * this sweep there. It reads the table with Scan, which is why it runs only
 * from the retention job and never on a request path. Each delete is
 * conditional on the item still being expired, so an item extended since
 * the Scan read it stays. Returns the number of items removed.
 */
export async function sweepExpired(table: DynamoTable, scope: SweepScope = {}): Promise<number> {
  const cutoff = scope.expiredBefore ?? nowSeconds();
  // A damaged item may hold a non-number expiresAt; comparing it would fail the Scan on some engines.
  const clauses = ["attribute_type(#expiresAt, :number)", "#expiresAt <= :cutoff"];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":cutoff": cutoff, ":number": "N" };
  if (scope.tenantId !== undefined) {
    clauses.push("tenant_id = :tenant");
    values[":tenant"] = scope.tenantId;
  }
  if (scope.userId !== undefined) {
    clauses.push("#data.#userId = :user");
    Object.assign(names, { "#data": "data", "#userId": "user_id" });
    values[":user"] = scope.userId;
  }
  if (scope.types !== undefined && scope.types.length > 0) {
    const placeholders = scope.types.map((type, index) => {
      values[`:type${index}`] = type;
      return `:type${index}`;
    });
    clauses.push(`#type IN (${placeholders.join(", ")})`);
  }

  let removed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.scanPage({ filter: { expression: clauses.join(" AND "), names, values }, startKey });
    for (const item of page.items) {
      if (await table.delete({ pk: item.pk, sk: item.sk }, "expiresAt <= :cutoff", { values: { ":cutoff": cutoff } })) removed++;
    }
    startKey = page.lastKey;
  } while (startKey);
  return removed;
}

/** AuthHero's `sessionCleanup`: expired login sessions, sessions and refresh tokens, optionally of one tenant or user. */
export function sessionCleanup(table: DynamoTable): (params?: SessionCleanupParams) => Promise<void> {
  return async (params = {}) => {
    await sweepExpired(table, { tenantId: params.tenant_id, userId: params.user_id, types: SESSION_TYPES });
  };
}

/** AuthHero's `codes.cleanup`: removes codes that expired before `olderThan` and returns how many. */
export function codesCleanup(table: DynamoTable): (olderThan: string) => Promise<number> {
  return async (olderThan) => {
    const cutoff = Date.parse(olderThan);
    if (Number.isNaN(cutoff)) throw new Error(`codes.cleanup needs an ISO timestamp, got \`${olderThan}\`.`);
    return sweepExpired(table, { types: ["code"], expiredBefore: Math.floor(cutoff / 1000) });
  };
}
