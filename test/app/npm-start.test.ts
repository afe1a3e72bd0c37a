import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { LoginDriver } from "../support/login-driver.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs the `npm start` entrypoint and resolves with its banner once it listens. */
function start(env: Record<string, string>, args: string[] = []): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/local/start.ts", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no banner within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Press Ctrl-C")) {
        clearTimeout(timer);
        resolve({ child, banner: output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
}

describe("npm start", function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;
  let banner: string;
  let origin: string;

  before(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    ({ child, banner } = await start({ PORT: String(port), AUTHHERO_ADMIN_PASSWORD: "Local-Admin-42!" }));
  });
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await exited(child);
    }
  });

  it("signs in through the printed login URL", async () => {
    const loginUrl = /Login:\s+(\S+)/.exec(banner)?.[1];
    assert.ok(loginUrl?.startsWith(`${origin}/authorize?`), banner);
    // The driver follows the redirect to the local callback page, which shows the code.
    const { url, response } = await new LoginDriver().signIn(loginUrl!, "admin", "Local-Admin-42!");
    assert.ok(url.startsWith(`${origin}/auth-callback?code=`), `ended at ${url}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Authorization code: \S+/);

    // The printed client secret completes the code exchange.
    const client = /Login client:\s+(\S+), secret (\S+)/.exec(banner);
    assert.ok(client, banner);
    const exchange = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code: new URL(url).searchParams.get("code")!, redirect_uri: `${origin}/auth-callback`, client_id: client[1]!, client_secret: client[2]! }),
    });
    assert.equal(exchange.status, 200, await exchange.clone().text());
    assert.ok(((await exchange.json()) as { id_token?: string }).id_token);
  });

  it("prints working management client credentials", async () => {
    const clientId = /-d client_id=(\S+)/.exec(banner)?.[1];
    const clientSecret = /-d client_secret=(\S+)/.exec(banner)?.[1];
    const token = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId!, client_secret: clientSecret!, audience: "urn:authhero:management" }),
    });
    assert.equal(token.status, 200);
    const { access_token } = (await token.json()) as { access_token: string };
    const users = await fetch(`${origin}/api/v2/users`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(users.status, 200);
  });

  it("stops on SIGINT", async () => {
    child!.kill("SIGINT");
    assert.equal(await exited(child!), 0);
    await assert.rejects(fetch(`${origin}/health`));
  });

  it("rejects an unknown argument before starting anything", async () => {
    await assert.rejects(start({}, ["--region", "us-east-1"]), /Unknown argument `--region`/);
  });

  it("rejects a bad PORT before starting anything", async () => {
    await assert.rejects(start({ PORT: "seventy" }), /`PORT` is `seventy`; it must be a TCP port number/);
  });
});
