import type { Context } from "hono";

/**
 * Replaces the response a middleware sees after `next()`. Assigning `c.res`
 * directly makes Hono copy every header of the old response onto the new
 * one, which would restore a rewritten Location or a stale Content-Length;
 * clearing it first keeps exactly the new headers.
 */
export function replaceResponse(c: Context, response: Response): void {
  c.res = undefined;
  c.res = response;
}
