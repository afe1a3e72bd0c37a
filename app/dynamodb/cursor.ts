import type { HTTPException } from "hono/http-exception";
import { badRequest } from "./errors.js";

interface CursorState {
  offset: number;
}

/**
 * Encodes a list position as base64url JSON bound to the tenant, so a cursor
 * from one tenant is rejected by another instead of revealing its rows.
 */
export function encodeCursor(state: CursorState, tenantId: string): string {
  return Buffer.from(JSON.stringify({ t: tenantId, o: state.offset }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, tenantId: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw invalidCursor(cursor, error);
  }
  const candidate = parsed as { t?: unknown; o?: unknown } | null;
  if (!candidate || typeof candidate !== "object" || candidate.t !== tenantId || typeof candidate.o !== "number" || !Number.isInteger(candidate.o) || candidate.o < 0) {
    throw invalidCursor(cursor);
  }
  return { offset: candidate.o };
}

function invalidCursor(cursor: string, cause?: unknown): HTTPException {
  return badRequest(`Cursor \`${cursor.slice(0, 40)}\` is invalid for this tenant; pass the \`next\` value of the previous page unchanged.`, cause);
}
