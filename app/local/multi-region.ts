import type { ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createDocumentClient } from "../dynamodb/client.js";
import type { Logger } from "../logger.js";
import { createServerRuntime, listen } from "../node-server.js";
import type { Runtime } from "../runtime.js";
import { readSettings } from "../settings.js";
import { ReplicationSimulator } from "./replication-simulator.js";
import { ensureTable } from "./table-bootstrap.js";

export interface LocalRegion {
  region: string;
  baseUrl: string;
  runtime: Runtime;
  /** Stops this region's server, as if the region were down. */
  stop(): Promise<void>;
}

export interface LocalRegions {
  regions: LocalRegion[];
  simulator: ReplicationSimulator;
  close(): Promise<void>;
}

export interface LocalRegionsOptions {
  regions: string[];
  /** The engine all regions' tables live in. */
  endpoint: string;
  /** Replication delay between regions, in milliseconds. */
  delayMs: number;
  /** Port of the first region; the others follow. 0 picks free ports. */
  firstPort?: number;
  /** Shared by every region, as the latency-routed name is in AWS. */
  issuer?: string;
  tenantId?: string;
  tablePrefix?: string;
  logger?: Logger;
}

/**
 * Test and demo tooling: one app per region on loopback, each on its own
 * table in one local engine, joined by the replication simulator and by
 * region endpoints, so codes and refresh tokens are forwarded as in AWS.
 */
export async function startLocalRegions(options: LocalRegionsOptions): Promise<LocalRegions> {
  const servers: ServerType[] = [];
  const handlers: Array<(request: Request) => Response | Promise<Response>> = [];
  const endpoints: Record<string, string> = {};
  for (const [index, region] of options.regions.entries()) {
    const port = options.firstPort ? options.firstPort + index : 0;
    const server = await listen({ fetch: (request: Request) => handlers[index]!(request) } as never, port, "127.0.0.1");
    servers.push(server);
    endpoints[region] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const issuer = options.issuer ?? `${endpoints[options.regions[0]!]}/`;

  const simulated = [];
  const regions: LocalRegion[] = [];
  for (const [index, region] of options.regions.entries()) {
    const tableName = `${options.tablePrefix ?? "authhero"}-${region}`;
    await ensureTable({ endpoint: options.endpoint, region, tableName });
    const settings = readSettings({
      AWS_REGION: region,
      AUTHHERO_DYNAMODB_ENDPOINT: options.endpoint,
      AUTHHERO_TABLE_NAME: tableName,
      AUTHHERO_ISSUER: issuer,
      AUTHHERO_TENANT_ID: options.tenantId ?? "main",
      AUTHHERO_REGION_ENDPOINTS: JSON.stringify(endpoints),
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
    });
    const documentClient = createDocumentClient({ region, endpoint: options.endpoint });
    simulated.push({ region, tableName, client: documentClient });
    const runtime = createServerRuntime(settings, { logger: options.logger, documentClient });
    handlers[index] = (request) => runtime.app.fetch(request);
    const server = servers[index]!;
    let stopped = false;
    regions.push({
      region,
      baseUrl: endpoints[region]!,
      runtime,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    });
  }

  const simulator = new ReplicationSimulator(simulated, options.delayMs);
  return {
    regions,
    simulator,
    close: async () => {
      await simulator.settle();
      simulator.stop();
      for (const region of regions) await region.stop();
    },
  };
}
