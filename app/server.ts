import type { ServerType } from "@hono/node-server";
import type { Logger } from "./logger.js";
import { createServerRuntime, listen } from "./node-server.js";
import { readSettings } from "./settings.js";

/** Stops on SIGTERM (ECS) and SIGINT, letting in-flight requests finish. */
function closeOnSignals(server: ServerType, logger: Logger): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.log("info", "server stopping", { signal });
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
}

// The container entrypoint: settings come from the task definition's environment.
const settings = readSettings();
const runtime = createServerRuntime(settings);
const server = await listen(runtime.app, settings.port);
runtime.logger.log("info", "server listening", { port: settings.port });
closeOnSignals(server, runtime.logger);
