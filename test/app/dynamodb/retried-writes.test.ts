import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createDocumentClient } from "../../../app/dynamodb/client.js";
import type { StoredItem } from "../../../app/dynamodb/item.js";
import { DynamoTable } from "../../../app/dynamodb/table.js";
import { freshTable, TEST_REGION } from "../../support/local-engine.js";
import { assertHttpError } from "./helpers.js";

const REQUEST_TIMEOUT_MS = 300;

function storedItem(pk: string, sk: string, type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}): StoredItem {
  return { pk, sk, type, v: 1, tenant_id: "t", data, ...extra };
}

/**
 * Starts a loopback proxy to the engine that forwards every request but
 * holds back the response to the first request of `operation` until after
 * the client's request timeout, as a slow network would. The engine has
 * applied that request by then, so the SDK's retry meets its own write.
 */
async function startLateFirstResponse(target: string, operation: string): Promise<{ endpoint: string; sent: () => number; close(): Promise<void> }> {
  let sent = 0;
  const server: Server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const matches = String(incoming.headers["x-amz-target"]).endsWith(`.${operation}`);
    if (matches) sent++;
    const response = await fetch(`${target}${incoming.url}`, { method: incoming.method, headers: incoming.headers as Record<string, string>, body: Buffer.concat(chunks) });
    const body = Buffer.from(await response.arrayBuffer());
    if (matches && sent === 1) await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS * 3));
    if (outgoing.destroyed) return;
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    outgoing.writeHead(response.status, headers);
    outgoing.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("writes retried after a late response", function () {
  this.timeout(30_000);
  let proxy: Awaited<ReturnType<typeof startLateFirstResponse>> | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  async function tableBehindProxy(operation: string): Promise<{ table: DynamoTable; direct: DynamoTable }> {
    const { endpoint, tableName } = await freshTable("retried-writes");
    proxy = await startLateFirstResponse(endpoint, operation);
    const client = createDocumentClient({ region: TEST_REGION, endpoint: proxy.endpoint, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxAttempts: 2 });
    return { table: new DynamoTable(client, tableName), direct: new DynamoTable(createDocumentClient({ region: TEST_REGION, endpoint }), tableName) };
  }

  it("treats a create its first attempt stored as done", async () => {
    const { table, direct } = await tableBehindProxy("PutItem");
    const item = storedItem("t#log#1", "log", "log", { id: "1", description: "login" });

    await table.put(item, { ifAbsent: true, conflictMessage: "A log with id `1` already exists." });

    assert.equal(proxy!.sent(), 2, "the SDK should have retried once");
    assert.deepEqual(await direct.get({ pk: item.pk, sk: item.sk }), item);
  });

  it("still rejects a create of another writer's item", async () => {
    const { table, direct } = await tableBehindProxy("PutItem");
    await direct.put(storedItem("t#log#2", "log", "log", { id: "2", description: "first" }));

    await assertHttpError(table.put(storedItem("t#log#2", "log", "log", { id: "2", description: "second" }), { ifAbsent: true, conflictMessage: "A log with id `2` already exists." }), 409, /already exists/);
    assert.equal(proxy!.sent(), 2);
  });

  it("treats a transaction its first attempt applied as done", async () => {
    const { table, direct } = await tableBehindProxy("TransactWriteItems");
    const user = storedItem("t#user#auth2|1", "user", "user", { user_id: "auth2|1", email: "a@example.com" }, { rev: 1 });
    const lookup = storedItem("t#user-email#a@example.com", "lookup", "user-email", { user_id: "auth2|1" });

    await table.transactWrite(
      [
        { Put: { Item: user, ConditionExpression: "attribute_not_exists(pk)" } },
        { Put: { Item: lookup, ConditionExpression: "attribute_not_exists(pk)" } },
      ],
      ["User already exists", "User already exists"],
    );

    assert.equal(proxy!.sent(), 2, "the SDK should have retried once");
    assert.deepEqual(await direct.get({ pk: user.pk, sk: user.sk }), user);
    assert.deepEqual(await direct.get({ pk: lookup.pk, sk: lookup.sk }), lookup);
  });

  it("still rejects a transaction that meets another writer's item", async () => {
    const { table, direct } = await tableBehindProxy("TransactWriteItems");
    await direct.put(storedItem("t#user-email#b@example.com", "lookup", "user-email", { user_id: "auth2|other" }));

    const attempt = table.transactWrite(
      [
        { Put: { Item: storedItem("t#user#auth2|2", "user", "user", { user_id: "auth2|2" }, { rev: 1 }), ConditionExpression: "attribute_not_exists(pk)" } },
        { Put: { Item: storedItem("t#user-email#b@example.com", "lookup", "user-email", { user_id: "auth2|2" }), ConditionExpression: "attribute_not_exists(pk)" } },
      ],
      [undefined, "User already exists"],
    );

    await assertHttpError(attempt, 409, "User already exists");
    assert.equal(await direct.get({ pk: "t#user#auth2|2", sk: "user" }), undefined);
  });
});
