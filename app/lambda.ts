import { handle } from "hono/aws-lambda";
import { createRuntime } from "./runtime.js";
import { readSettings, type AppSettings } from "./settings.js";

/**
 * Builds the API Gateway HTTP API (payload 2.0) handler for the given
 * settings. Lambda freezes the environment when the handler returns, so the
 * audit-log writes AuthHero starts after responding are awaited first;
 * otherwise they could be lost or run during a later invocation.
 */
export function createLambdaHandler(settings: AppSettings) {
  const runtime = createRuntime(settings);
  const serve = handle(runtime.app);
  return async (...invocation: Parameters<typeof serve>) => {
    try {
      return await serve(...invocation);
    } finally {
      await runtime.settlePendingWrites();
    }
  };
}

// Built once per execution environment, during Lambda's init phase, and reused by every invocation.
export const handler = createLambdaHandler(readSettings());
