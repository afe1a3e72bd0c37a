import { requestLocal } from "../../cache/request-memo.js";
import type { StoredItem } from "../item.js";

/**
 * A login-session item attribute, outside its data, naming the user that a
 * username or phone-number search of the same login found. AuthHero searches
 * the same value again on the next step (the identifier POST, then the
 * password POST), and the hint lets that search read the user's partition
 * directly instead of querying the lookup index first. The hinted user is
 * used only if its item still carries the value, so a stale hint costs one
 * read, never a different user.
 */
export const USER_LOOKUP_HINT = "userLookupHint";

/** A username or phone-number search and the one user it found. */
export interface UserLookupHint {
  tenantId: string;
  field: string;
  value: string;
  userId: string;
}

const FOUND_LOOKUP = Symbol("user lookup found in this request");
const STORED_HINTS = Symbol("user lookup hints read in this request");

/** Notes that this request's search of `field` = `value` found exactly the user `userId` through the lookup index. */
export function recordFoundLookup(hint: UserLookupHint): void {
  requestLocal(FOUND_LOOKUP, () => ({ hint: undefined as UserLookupHint | undefined }))!.hint = hint;
}

/** Returns the lookup this request found through the index, for a login-session write to store; undefined outside a request. */
export function foundLookup(): UserLookupHint | undefined {
  return requestLocal(FOUND_LOOKUP, () => ({ hint: undefined as UserLookupHint | undefined }))?.hint;
}

/** Keeps, for the rest of the request, the hint stored on a login-session item that the request read. */
export function rememberStoredHint(item: StoredItem): void {
  const hint = item[USER_LOOKUP_HINT] as Partial<UserLookupHint> | undefined;
  if (!hint || typeof hint.tenantId !== "string" || typeof hint.field !== "string" || typeof hint.value !== "string" || typeof hint.userId !== "string") return;
  requestLocal(STORED_HINTS, () => new Map<string, string>())?.set(hintKey(hint.tenantId, hint.field, hint.value), hint.userId);
}

/** Returns the user that a login session read in this request names for the search, if any. */
export function hintedUserId(tenantId: string, field: string, value: string): string | undefined {
  return requestLocal(STORED_HINTS, () => new Map<string, string>())?.get(hintKey(tenantId, field, value));
}

function hintKey(tenantId: string, field: string, value: string): string {
  return JSON.stringify([tenantId, field, value]);
}
