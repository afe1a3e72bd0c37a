import { startLocalEngine, type LocalEngine } from "../../app/local/engine.js";
import { ensureTable } from "../../app/local/table-bootstrap.js";

let engine: Promise<LocalEngine> | undefined;
let tableCounter = 0;

/** Starts moto once for the whole run, on first use; stopped by the root hook. */
export function sharedEngine(): Promise<LocalEngine> {
  engine ??= startLocalEngine();
  return engine;
}

export async function stopSharedEngine(): Promise<void> {
  if (engine) await (await engine).stop();
  engine = undefined;
}

export const TEST_REGION = "us-east-1";

/** Creates a fresh table so tests never see each other's items. */
export async function freshTable(prefix = "test"): Promise<{ endpoint: string; tableName: string }> {
  const { endpoint } = await sharedEngine();
  const tableName = `${prefix}-${process.pid}-${++tableCounter}`;
  await ensureTable({ endpoint, region: TEST_REGION, tableName });
  return { endpoint, tableName };
}

// moto accepts any credentials; fixed ones keep the SDK from looking for real ones.
process.env.AWS_ACCESS_KEY_ID = "test";
process.env.AWS_SECRET_ACCESS_KEY = "test";
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
