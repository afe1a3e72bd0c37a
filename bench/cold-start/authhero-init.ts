import type { DataAdapters } from "@authhero/adapter-interfaces";
import { init } from "authhero";

/**
 * Evaluates AuthHero's module and builds its app with init(), as
 * app/create-app.ts does, to split the cost of constructing its routes and
 * schemas from the cost of evaluating the module. No adapter method runs.
 */
const { app } = init({ dataAdapter: {} as DataAdapters, allowedOrigins: [] });

export const handler = async () => ({ statusCode: 200, body: typeof app.fetch });
