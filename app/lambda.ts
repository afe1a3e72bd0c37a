import { handle } from "hono/aws-lambda";
import { createRuntime } from "./runtime.js";
import { readSettings } from "./settings.js";

// Built once per execution environment and reused by every invocation.
const runtime = createRuntime(readSettings());

/** The API Gateway HTTP API (payload 2.0) handler. */
export const handler = handle(runtime.app);
