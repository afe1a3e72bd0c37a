import assert from "node:assert/strict";
import type { Logger } from "../../app/logger.js";
import { createRuntime } from "../../app/runtime.js";
import { readSettings } from "../../app/settings.js";
import { seedTenant } from "../../app/local/seed.js";
import { freshTable, TEST_REGION } from "../support/local-engine.js";
import { ADMIN } from "../support/test-server.js";

const quietLogger: Logger = { log: () => undefined };

describe("setup wizard guard", function () {
  this.timeout(30_000);

  async function runtimeOnFreshTable() {
    const { endpoint, tableName } = await freshTable("setup");
    const settings = readSettings({ AWS_REGION: TEST_REGION, AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName, AUTHHERO_ISSUER: "http://127.0.0.1:3000/" });
    return createRuntime(settings, { logger: quietLogger });
  }

  it("serves the wizard while no tenant exists", async () => {
    const runtime = await runtimeOnFreshTable();
    const response = await runtime.app.request("/setup");
    assert.notEqual(response.status, 404);
  });

  it("hides the wizard once a tenant exists", async () => {
    const runtime = await runtimeOnFreshTable();
    await seedTenant(runtime.dataAdapter, { tenantId: "main", issuer: "http://127.0.0.1:3000/", adminUsername: ADMIN.username, adminEmail: ADMIN.email, adminPassword: ADMIN.password, callbacks: [], allowedLogoutUrls: [] });
    for (const [method, path] of [["GET", "/setup"], ["POST", "/setup"], ["GET", "/setup/complete"]] as const) {
      const response = await runtime.app.request(path, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? JSON.stringify({ identifier: "evil", password: "password123", confirm_password: "password123" }) : undefined });
      assert.equal(response.status, 404, `${method} ${path}`);
    }
    const { users } = await runtime.dataAdapter.users.list("main", {});
    assert.deepEqual(users.map((user) => user.username), [ADMIN.username]);
  });

  it("seeding twice changes nothing", async () => {
    const runtime = await runtimeOnFreshTable();
    const options = { tenantId: "main", issuer: "http://127.0.0.1:3000/", adminUsername: ADMIN.username, adminEmail: ADMIN.email, adminPassword: ADMIN.password, callbacks: [], allowedLogoutUrls: [] };
    const first = await seedTenant(runtime.dataAdapter, options);
    const second = await seedTenant(runtime.dataAdapter, { ...options, adminPassword: "a-different-password" });
    assert.equal(first.adminCreated, true);
    assert.equal(second.adminCreated, false);
    assert.deepEqual({ ...second, adminCreated: true }, first);
    const { clients } = await runtime.dataAdapter.clients.list("main", {});
    assert.equal(clients.length, new Set(clients.map((client) => client.client_id)).size);
    const { signingKeys } = await runtime.dataAdapter.keys.list({ q: "type:jwt_signing" });
    assert.equal(signingKeys.length, 1);
  });
});
