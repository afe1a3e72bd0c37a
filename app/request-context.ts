import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "./logger.js";

export interface RequestVariables {
  requestId: string;
  logger: Logger;
}

/**
 * Assigns each request an id (API Gateway's when present), exposes a logger
 * bound to it and the region, and writes one access line per request. Only
 * the path is logged: query strings carry codes and state.
 */
export function createRequestContext(logger: Logger, region: string): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async function requestContext(c, next) {
    const lambdaEvent = (c.env as { event?: { requestContext?: { requestId?: string } } } | undefined)?.event;
    const requestId = lambdaEvent?.requestContext?.requestId ?? sanitizeId(c.req.header("x-request-id")) ?? randomUUID();
    const bound: Logger = { log: (level, message, fields) => logger.log(level, message, { requestId, region, ...fields }) };
    c.set("requestId", requestId);
    c.set("logger", bound);
    const started = performance.now();
    await next();
    c.header("x-request-id", requestId);
    const status = c.res.status;
    bound.log(status >= 500 ? "error" : "info", "request", { method: c.req.method, path: c.req.path, status, durationMs: Math.round(performance.now() - started) });
  };
}

function sanitizeId(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : undefined;
}
