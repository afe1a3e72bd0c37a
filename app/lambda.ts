import { handle } from "hono/aws-lambda";
import { createRuntime } from "./runtime.js";
import { readSettings, type AppSettings } from "./settings.js";

/** The maximum time a response waits for its audit log writes, in milliseconds: about one bounded DynamoDB attempt. */
const MAX_SETTLE_MS = 2_500;

/**
 * Builds the API Gateway HTTP API (payload 2.0) handler for the given
 * settings. Lambda freezes the environment when the handler returns, so the
 * audit-log writes AuthHero starts after responding are awaited first;
 * otherwise they could be lost or run during a later invocation.
 */
export function createLambdaHandler(settings: AppSettings, options: { maxSettleMs?: number } = {}) {
  const runtime = createRuntime(settings);
  const serve = handle(runtime.app);
  const maxSettleMs = options.maxSettleMs ?? MAX_SETTLE_MS;
  return async (...invocation: Parameters<typeof serve>) => {
    try {
      return await serve(...invocation);
    } finally {
      // During an outage the retries could hold the response for many seconds; past this the entries go to the process log.
      const remaining = (invocation[1] as { getRemainingTimeInMillis?: () => number } | undefined)?.getRemainingTimeInMillis?.();
      await runtime.settlePendingWrites({ maxWaitMs: Math.max(0, Math.min(maxSettleMs, remaining === undefined ? maxSettleMs : remaining - 500)) });
    }
  };
}


// Built once per execution environment, during Lambda's init phase, and reused by every invocation.
export const handler = createLambdaHandler(readSettings());
