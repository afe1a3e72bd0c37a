import { HTTPException } from "hono/http-exception";

/**
 * Stable codes for failures at the DynamoDB boundary. Callers branch on the
 * code; the SDK error stays attached as `cause` for logs.
 */
export type AdapterErrorCode =
  | "adapter.conflict"
  | "adapter.throttled"
  | "adapter.unavailable"
  | "adapter.corrupt_item"
  | "adapter.invalid_cursor"
  | "adapter.invalid_query"
  | "adapter.invalid_key"
  | "adapter.not_implemented"
  | "adapter.failed";

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;

  constructor(code: AdapterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AdapterError";
    this.code = code;
  }
}

/**
 * The cause of a 409 from a multi-item change applied as ordered writes:
 * which write (by its position in the change) found its condition false.
 */
export class ConditionFailedAt extends Error {
  constructor(readonly index: number) {
    super(`The condition of write ${index} of the change did not hold.`);
    this.name = "ConditionFailedAt";
  }
}

/**
 * Returns the positions of the writes whose condition failed in a
 * multi-item change, whether DynamoDB cancelled a transaction or ordered
 * writes stopped. It is empty when the error carries no positions.
 */
export function failedWrites(error: unknown): Array<{ index: number; reason: string }> {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof ConditionFailedAt) return [{ index: cause.index, reason: "ConditionalCheckFailed" }];
  const reasons = (cause as { CancellationReasons?: Array<{ Code?: string }> } | undefined)?.CancellationReasons ?? [];
  return reasons.flatMap((reason, index) => (reason.Code !== undefined && reason.Code !== "None" ? [{ index, reason: reason.Code }] : []));
}

/**
 * AuthHero maps an `HTTPException` with status 409 to a conflict response, so
 * uniqueness violations must use Hono's class, from the same copy AuthHero uses.
 */
export function conflict(message: string, cause?: unknown): HTTPException {
  return new HTTPException(409, { message, cause });
}

/** AuthHero turns a 400 `HTTPException` into a client error with this message. */
export function badRequest(message: string, cause?: unknown): HTTPException {
  return new HTTPException(400, { message, cause });
}

/**
 * DynamoDB is unreachable, too slow or throttling. A 503 with Retry-After
 * tells clients and load balancers to come back, where a 500 would not; the
 * body is an RFC 6749 error so OAuth clients can parse it.
 */
export function unavailable(message: string, cause: unknown): HTTPException {
  const res = new Response(JSON.stringify({ error: "temporarily_unavailable", error_description: "The data store is temporarily unavailable; retry shortly." }), {
    status: 503,
    headers: { "content-type": "application/json", "retry-after": "1" },
  });
  return new HTTPException(503, { message, cause, res });
}

/** A write lost to concurrent writers; the caller may retry the same request. */
export function concurrentChange(message: string, cause?: unknown): HTTPException {
  const res = new Response(JSON.stringify({ error: "conflict", error_description: message }), { status: 409, headers: { "content-type": "application/json", "retry-after": "1" } });
  return new HTTPException(409, { message, cause, res });
}

export function notImplemented(method: string): AdapterError {
  return new AdapterError(
    "adapter.not_implemented",
    `DynamoDB adapter method \`${method}\` is not implemented yet; the feature that needs it cannot be used with this adapter.`,
  );
}
