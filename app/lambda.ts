import { handle } from "hono/aws-lambda";
import { createRuntime } from "./runtime.js";
import { readSettings, type AppSettings } from "./settings.js";

/** Builds the API Gateway HTTP API (payload 2.0) handler for the given settings. */
export function createLambdaHandler(settings: AppSettings) {
  return handle(createRuntime(settings).app);
}

// Built once per execution environment, during Lambda's init phase, and reused by every invocation.
export const handler = createLambdaHandler(readSettings());
