import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { startSerialProxy } from "./serial-proxy.js";

export interface LocalEngine {
  endpoint: string;
  stop(): Promise<void>;
}

export class EngineMissingError extends Error {}

const INSTALL_HINT = "Install it with `pip install 'moto[server]'` (Python 3.9 or later) and make sure `moto_server` is on PATH.";

/**
 * Starts moto's DynamoDB server on a free loopback port, behind a proxy that
 * passes it one request at a time, and waits until it responds. moto is the
 * local engine because it is open source and supports transactions and
 * indexes. It does not replicate or expire items.
 */
export async function startLocalEngine(options: { command?: string; startupTimeoutMs?: number } = {}): Promise<LocalEngine> {
  const command = options.command ?? process.env.AUTHHERO_MOTO_COMMAND ?? "moto_server";
  const port = await freePort();
  const child = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));

  const spawnError = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "ENOENT" ? new EngineMissingError(`The local DynamoDB engine \`${command}\` was not found. ${INSTALL_HINT}`) : error);
    });
    child.once("exit", (code) => reject(new Error(`The local DynamoDB engine \`${command}\` exited with code ${code} before it was ready. Its output:\n${output}`)));
  });
  spawnError.catch(() => undefined);

  const engineEndpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilReady(engineEndpoint, options.startupTimeoutMs ?? 20_000), spawnError]);
  child.removeAllListeners("exit");
  const proxy = await startSerialProxy(engineEndpoint);
  return {
    endpoint: proxy.endpoint,
    stop: async () => {
      await proxy.close();
      await stopProcess(child);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("No free loopback port was assigned."))));
    });
  });
}

async function waitUntilReady(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`The local DynamoDB engine at ${endpoint} did not respond within ${timeoutMs} ms.`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
