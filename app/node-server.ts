import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";
import { createAssetRoutes } from "./assets.js";
import type { Logger } from "./logger.js";
import { createRuntime, type RuntimeOptions } from "./runtime.js";
import type { AppSettings } from "./settings.js";

export class PortInUseError extends Error {}

/** Starts the Node server on loopback or all interfaces; resolves once it listens. */
export async function listen(app: Hono, port: number, hostname = "0.0.0.0"): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(`Port ${port} on ${hostname} is already in use; set PORT to a free port.`) : error);
    });
  });
}

/** Creates the runtime of the container and local server, which serve the login assets themselves. */
export function createServerRuntime(settings: AppSettings, options: Omit<RuntimeOptions, "assets"> = {}) {
  return createRuntime(settings, { ...options, assets: createAssetRoutes() });
}
