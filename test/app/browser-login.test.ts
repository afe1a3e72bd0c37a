import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { createDynamoDbAdapter } from "../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../app/dynamodb/client.js";
import { loadLoginAssets } from "../../app/login-assets.js";
import { readSettings } from "../../app/settings.js";
import { startLambdaBridge, type HttpApiHandler } from "../support/lambda-bridge.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";
import { ADMIN, seedTestTenant, startTestServer } from "../support/test-server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

interface Target {
  baseUrl: string;
  data: DataAdapters;
  close(): Promise<void>;
}

/** The relying party of these tests: a real page on loopback, because browsers follow redirects without routing them. */
const BROWSER_CLIENT_ID = "browser-rp";

/** What a page did: requests that failed, console errors, and 5xx responses. */
interface PageRecord {
  page: Page;
  failedRequests: string[];
  consoleErrors: string[];
  serverErrors: string[];
  /** Status codes seen per asset path, on this server or the asset host it redirects to. */
  assetStatuses: Map<string, number[]>;
}

async function openPage(browser: Browser): Promise<PageRecord> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const record: PageRecord = { page, failedRequests: [], consoleErrors: [], serverErrors: [], assetStatuses: new Map() };
  // Nothing but loopback is reachable; a page that requests another host fails the test.
  await page.route((url) => !["127.0.0.1", "localhost"].includes(url.hostname), (route) => {
    record.failedRequests.push(`third-party request ${route.request().url()}`);
    return route.abort("blockedbyclient");
  });
  page.on("requestfailed", (request) => record.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on("console", (message) => {
    if (message.type() === "error") record.consoleErrors.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 500) record.serverErrors.push(`${response.status()} ${response.url()}`);
    const path = new URL(response.url()).pathname;
    if (/^\/u\/(css|js|widget)\//.test(path)) record.assetStatuses.set(path, [...(record.assetStatuses.get(path) ?? []), response.status()]);
  });
  return record;
}

function authorizeUrl(baseUrl: string, redirectUri: string): string {
  const params = new URLSearchParams({ client_id: BROWSER_CLIENT_ID, response_type: "code", redirect_uri: redirectUri, scope: "openid profile email", state: "browser-state" });
  return `${baseUrl}/authorize?${params}`;
}

async function startCallbackPage(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>callback</title><p>callback reached</p>"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function submitIdentifierAndPassword(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name="username"]').first().fill(username);
  await page.locator('input[name="username"]').first().press("Enter");
  await page.locator('input[name="password"]').waitFor();
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="password"]').press("Enter");
}

function assertCleanPage(record: PageRecord): void {
  assert.deepEqual(record.failedRequests, []);
  assert.deepEqual(record.consoleErrors, []);
  assert.deepEqual(record.serverErrors, []);
}

async function assertStylesAndScriptsLoaded(record: PageRecord): Promise<void> {
  assert.ok(record.assetStatuses.get("/u/css/tailwind.css")?.includes(200), "the login CSS should load");
  assert.ok(record.assetStatuses.get("/u/js/client.js")?.includes(200), "the login script should load");
  // The stylesheet may come from another origin, whose rules a page cannot read, so its effect is checked instead.
  const button = await record.page.locator("form button").first().evaluate((element) => {
    const style = getComputedStyle(element);
    return { background: style.backgroundColor, radius: style.borderRadius };
  });
  assert.notEqual(button.radius, "0px", "the submit button should be styled by the login CSS");
  assert.ok(!["rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgb(240, 240, 240)"].includes(button.background), `unstyled button background ${button.background}`);
}

/** A loopback static server standing in for the CDN that serves the rewritten assets. */
async function startAssetHost(): Promise<{ url: string; close(): Promise<void> }> {
  const assets = loadLoginAssets();
  const server: Server = createServer((request, response) => {
    const asset = assets.get(new URL(request.url ?? "/", "http://cdn").pathname);
    if (!asset) {
      response.writeHead(404).end();
      return;
    }
    // Module scripts load in CORS mode, so a cross-origin asset host must allow it, as the CDN does.
    response.writeHead(200, { "content-type": asset.contentType, "access-control-allow-origin": "*" }).end(asset.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startNodeTarget(): Promise<Target> {
  return startTestServer();
}

async function startLambdaTarget(): Promise<Target> {
  const { endpoint, tableName } = await freshTable("browser-lambda");
  const cdn = await startAssetHost();
  let handler: HttpApiHandler | undefined;
  const bridge = await startLambdaBridge(() => handler!);
  const env = {
    AWS_REGION: TEST_REGION,
    AUTHHERO_DYNAMODB_ENDPOINT: endpoint,
    AUTHHERO_TABLE_NAME: tableName,
    AUTHHERO_ISSUER: `${bridge.baseUrl}/`,
    AUTHHERO_TENANT_ID: "main",
    AUTHHERO_ASSETS_URL: cdn.url,
  };
  // app/lambda.ts builds its default handler from the environment when first imported.
  Object.assign(process.env, env);
  const { createLambdaHandler } = await import("../../app/lambda.js");
  handler = createLambdaHandler(readSettings(env)) as unknown as HttpApiHandler;
  const data = createDynamoDbAdapter({ client: createDocumentClient({ region: TEST_REGION, endpoint }), tableName });
  await seedTestTenant(data, bridge.baseUrl);
  return {
    baseUrl: bridge.baseUrl,
    data,
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await bridge.close();
      await cdn.close();
    },
  };
}

describe("login pages in a browser", function () {
  this.timeout(90_000);
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: no Chromium at ${CHROMIUM}; install Debian's chromium package or set CHROMIUM_PATH`);
      this.skip();
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async () => browser?.close());

  for (const [entrypoint, start] of [["Node server", startNodeTarget], ["Lambda handler", startLambdaTarget]] as const) {
    describe(`served by the ${entrypoint}`, () => {
      let target: Target;
      let callback: { url: string; close(): Promise<void> };

      before(async function () {
        if (!browser) this.skip();
        target = await start();
        callback = await startCallbackPage();
        await target.data.clients.create("main", {
          client_id: BROWSER_CLIENT_ID,
          name: "Browser test app",
          app_type: "regular_web",
          is_first_party: true,
          callbacks: [callback.url],
          allowed_logout_urls: [callback.url],
          grant_types: ["authorization_code"],
        } as never);
      });
      after(async () => {
        await target?.close();
        await callback?.close();
      });

      it("signs in and redirects with a code", async () => {
        const record = await openPage(browser);
        await record.page.goto(authorizeUrl(target.baseUrl, callback.url));
        await assertStylesAndScriptsLoaded(record);
        if (process.env.AUTHHERO_SCREENSHOT_DIR && entrypoint === "Node server") {
          await record.page.screenshot({ path: join(process.env.AUTHHERO_SCREENSHOT_DIR, "login-page.png") });
        }
        await submitIdentifierAndPassword(record.page, ADMIN.username, ADMIN.password);
        await record.page.waitForURL(`${callback.url}**`);
        const redirect = new URL(record.page.url());
        assert.ok(redirect.searchParams.get("code"), "the redirect should carry a code");
        assert.equal(redirect.searchParams.get("state"), "browser-state");
        assertCleanPage(record);
        await record.page.context().close();
      });

      it("shows an error for a wrong password", async () => {
        const record = await openPage(browser);
        await record.page.goto(authorizeUrl(target.baseUrl, callback.url));
        await submitIdentifierAndPassword(record.page, ADMIN.username, "not-the-password");
        await record.page.waitForLoadState("networkidle");
        assert.ok(!record.page.url().startsWith(callback.url), "a wrong password must not reach the client");
        const text = await record.page.locator("body").innerText();
        assert.match(text, /wrong|invalid|incorrect/i);
        assert.deepEqual(record.serverErrors, []);
        await record.page.context().close();
      });

      it("logs out so the next authorize asks again", async () => {
        const record = await openPage(browser);
        await record.page.goto(authorizeUrl(target.baseUrl, callback.url));
        await submitIdentifierAndPassword(record.page, ADMIN.username, ADMIN.password);
        await record.page.waitForURL(`${callback.url}**`);

        await record.page.goto(authorizeUrl(target.baseUrl, callback.url));
        await record.page.waitForURL(`${callback.url}**`);

        const logout = new URLSearchParams({ client_id: BROWSER_CLIENT_ID, post_logout_redirect_uri: callback.url });
        await record.page.goto(`${target.baseUrl}/oidc/logout?${logout}`);
        await record.page.waitForURL(`${callback.url}**`);

        await record.page.goto(authorizeUrl(target.baseUrl, callback.url));
        await record.page.locator('input[name="username"]').first().waitFor();
        assert.deepEqual(record.serverErrors, []);
        await record.page.context().close();
      });
    });
  }
});
