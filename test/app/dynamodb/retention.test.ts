import assert from "node:assert/strict";
import type { CodeInsert, DataAdapters, SessionInsert } from "@authhero/adapter-interfaces";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { RETENTION_ACTIONS } from "../../../app/dynamodb/access.js";
import { createDynamoDbAdapter } from "../../../app/dynamodb/adapter.js";
import { createDocumentClient } from "../../../app/dynamodb/client.js";
import type { ItemKey } from "../../../app/dynamodb/item.js";
import { sweepExpired } from "../../../app/dynamodb/retention.js";
import { DynamoTable, type QueryPage } from "../../../app/dynamodb/table.js";
import { createRetentionJob } from "../../../app/retention.js";
import { readSettings } from "../../../app/settings.js";
import { freshTable, TEST_REGION } from "../../support/local-engine.js";
import { DEVICE, isoIn, loginSessionInsert, TENANT_A, TENANT_B } from "./helpers.js";

function codeInsert(codeId: string, expiresAt: string): CodeInsert {
  return { code_id: codeId, login_id: "login-1", code_type: "authorization_code", expires_at: expiresAt };
}

function sessionInsert(id: string, userId: string, expiresAt: string): SessionInsert {
  return { id, user_id: userId, login_session_id: "login-1", device: DEVICE, clients: ["app-1"], expires_at: expiresAt };
}

interface RetentionFixture {
  endpoint: string;
  tableName: string;
  /** The request-path adapter, whose client rejects Scan. */
  data: DataAdapters;
  /** A client with the retention job's actions. */
  sweeper: DynamoDBDocumentClient;
}

async function retentionFixture(): Promise<RetentionFixture> {
  const { endpoint, tableName } = await freshTable("retention");
  const data = createDynamoDbAdapter({ client: createDocumentClient({ region: TEST_REGION, endpoint }), tableName });
  const sweeper = createDocumentClient({ region: TEST_REGION, endpoint, allowedActions: RETENTION_ACTIONS });
  return { endpoint, tableName, data, sweeper };
}

/** Fills one tenant with two expired and two live items of the kinds TTL would remove, plus a user. */
async function fillTenant(data: DataAdapters, tenantId: string): Promise<void> {
  await data.codes.create(tenantId, codeInsert("expired-code", isoIn(-60)));
  await data.codes.create(tenantId, codeInsert("live-code", isoIn(600)));
  await data.sessions.create(tenantId, sessionInsert("expired-session", "auth2|alice", isoIn(-60)));
  await data.sessions.create(tenantId, sessionInsert("live-session", "auth2|alice", isoIn(600)));
  await data.users.create(tenantId, { user_id: "auth2|alice", email: "alice@example.com", connection: "Username-Password-Authentication", email_verified: true } as never);
}

async function present(data: DataAdapters, tenantId: string): Promise<Record<string, boolean>> {
  // Reads ignore expired items, so only the raw table shows whether they are still stored.
  return {
    liveCode: (await data.codes.get(tenantId, "live-code", "authorization_code")) !== null,
    liveSession: (await data.sessions.get(tenantId, "live-session")) !== null,
    user: (await data.users.get(tenantId, "auth2|alice")) !== null,
  };
}

async function storedKeys(client: DynamoDBDocumentClient, tableName: string, keys: ItemKey[]): Promise<number> {
  return (await new DynamoTable(client, tableName).batchGet(keys)).length;
}

describe("retention sweep", () => {
  let fixture: RetentionFixture;

  beforeEach(async () => {
    fixture = await retentionFixture();
  });

  it("removes every expired item and keeps live ones", async () => {
    const { data, sweeper, tableName } = fixture;
    await fillTenant(data, TENANT_A);
    const expiredKeys = [
      { pk: "tenant-a#code#expired-code", sk: "code" },
      { pk: "tenant-a#session#expired-session", sk: "session" },
    ];
    assert.equal(await storedKeys(sweeper, tableName, expiredKeys), 2, "moto keeps expired items until swept");

    const removed = await sweepExpired(new DynamoTable(sweeper, tableName));
    assert.equal(removed, 2);
    assert.equal(await storedKeys(sweeper, tableName, expiredKeys), 0);
    assert.deepEqual(await present(data, TENANT_A), { liveCode: true, liveSession: true, user: true });
  });

  it("sweeps only the tenant named in the event", async () => {
    const { data, sweeper, endpoint, tableName } = fixture;
    await fillTenant(data, TENANT_A);
    await fillTenant(data, TENANT_B);
    const settings = readSettings({ AWS_REGION: TEST_REGION, AUTHHERO_ISSUER: "http://127.0.0.1:3000/", AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName });
    const lines: string[] = [];
    const job = createRetentionJob(settings, { documentClient: sweeper, logger: { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) } });

    assert.deepEqual(await job({ tenantId: TENANT_B }), { removed: 2 });
    assert.equal(await storedKeys(sweeper, tableName, [{ pk: "tenant-a#code#expired-code", sk: "code" }]), 1);
    assert.match(lines[0] ?? "", /"removed":2/);
    assert.deepEqual(await job({}), { removed: 2 });
  });

  it("rejects a tenantId that is not a non-empty string", async () => {
    const { sweeper, endpoint, tableName } = fixture;
    const settings = readSettings({ AWS_REGION: TEST_REGION, AUTHHERO_ISSUER: "http://127.0.0.1:3000/", AUTHHERO_DYNAMODB_ENDPOINT: endpoint, AUTHHERO_TABLE_NAME: tableName });
    const job = createRetentionJob(settings, { documentClient: sweeper, logger: { log: () => {} } });
    for (const tenantId of [5, "", null]) {
      await assert.rejects(job({ tenantId } as never), /tenantId is .*; pass a tenant id string/);
    }
    assert.deepEqual(await job(null as never), { removed: 0 });
  });

  it("skips items whose expiresAt is not a number", async () => {
    const { data, sweeper, tableName } = fixture;
    await fillTenant(data, TENANT_A);
    const raw = new DynamoTable(sweeper, tableName);
    await raw.put({ pk: "tenant-a#session#odd", sk: "session", type: "session", v: 1, tenant_id: TENANT_A, data: {}, expiresAt: "soon" as never });
    assert.equal(await sweepExpired(raw), 2);
    assert.equal(await storedKeys(sweeper, tableName, [{ pk: "tenant-a#session#odd", sk: "session" }]), 1);
  });

  it("keeps an item that was extended after the Scan read it", async () => {
    const { data, sweeper, tableName } = fixture;
    await data.sessions.create(TENANT_A, sessionInsert("revived", "auth2|alice", isoIn(-60)));
    const revived = { pk: "tenant-a#session#revived", sk: "session" };
    const table = new (class extends DynamoTable {
      override async scanPage(request: Parameters<DynamoTable["scanPage"]>[0]): Promise<QueryPage> {
        const page = await super.scanPage(request);
        // Another writer gives the item a later expiry between the Scan and the delete.
        await this.update({ Key: revived, UpdateExpression: "SET expiresAt = :later", ExpressionAttributeValues: { ":later": Math.floor(Date.now() / 1000) + 600 } });
        return page;
      }
    })(sweeper, tableName);

    assert.equal(await sweepExpired(table), 0);
    assert.equal(await storedKeys(sweeper, tableName, [revived]), 1);
  });

  it("codes.cleanup removes codes expired before the given time", async () => {
    const { sweeper, tableName } = fixture;
    const data = createDynamoDbAdapter({ client: sweeper, tableName });
    await data.codes.create(TENANT_A, codeInsert("long-expired", isoIn(-7200)));
    await data.codes.create(TENANT_A, codeInsert("just-expired", isoIn(-60)));
    assert.equal(await data.codes.cleanup(isoIn(-3600)), 1);
    assert.equal(await storedKeys(sweeper, tableName, [{ pk: "tenant-a#code#just-expired", sk: "code" }]), 1);
    await assert.rejects(data.codes.cleanup("yesterday"), /ISO timestamp, got `yesterday`/);
  });

  it("sessionCleanup removes one user's expired sessions only", async () => {
    const { sweeper, tableName } = fixture;
    const data = createDynamoDbAdapter({ client: sweeper, tableName });
    await data.sessions.create(TENANT_A, sessionInsert("alice-old", "auth2|alice", isoIn(-60)));
    await data.sessions.create(TENANT_A, sessionInsert("bob-old", "auth2|bob", isoIn(-60)));
    await data.codes.create(TENANT_A, codeInsert("old-code", isoIn(-60)));
    await data.sessionCleanup?.({ tenant_id: TENANT_A, user_id: "auth2|alice" });
    const left = await storedKeys(sweeper, tableName, [
      { pk: "tenant-a#session#alice-old", sk: "session" },
      { pk: "tenant-a#session#bob-old", sk: "session" },
      { pk: "tenant-a#code#old-code", sk: "code" },
    ]);
    assert.equal(left, 2);
  });

  it("is rejected on the request-path client, which may not Scan", async () => {
    await assert.rejects(fixture.data.codes.cleanup(isoIn(0)), /`ScanCommand` is not in DYNAMODB_ACTIONS/);
  });
});
