import { createRetentionJob } from "./retention.js";
import { readSettings } from "./settings.js";

/** The retention job for an EventBridge schedule; see app/retention.ts. */
export const handler = createRetentionJob(readSettings());
