import assert from "node:assert/strict";
import type { DataAdapters, LogInsert } from "@authhero/adapter-interfaces";
import { SCHEMA_VERSION } from "../../../app/dynamodb/item.js";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const BASE = Date.parse("2026-03-01T00:00:00.000Z");

/** Builds a log dated `index` seconds after BASE, so the newest has the highest index. */
function logInsert(index: number, fields: Partial<LogInsert> = {}): LogInsert {
  return {
    log_id: `log-${String(index).padStart(4, "0")}`,
    type: "s",
    date: new Date(BASE + index * 1000).toISOString(),
    description: `event ${index}`,
    user_id: index % 3 === 0 ? "auth2|alice" : "auth2|bob",
    isMobile: false,
    ...fields,
  } as LogInsert;
}

async function seedLogs(data: DataAdapters, tenantId: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, (_, offset) => start + offset);
    await Promise.all(batch.map((index) => data.logs.create(tenantId, logInsert(index))));
  }
}

function indexes(logs: Array<{ log_id?: string }>): number[] {
  return logs.map((log) => Number(log.log_id?.slice(4)));
}

function range(from: number, to: number, step = 1): number[] {
  const values: number[] = [];
  if (step > 0) for (let value = from; value <= to; value += step) values.push(value);
  else for (let value = from; value >= to; value += step) values.push(value);
  return values;
}

describe("logs adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores and returns a log", async () => {
      const { data } = fixture();
      const created = await data.logs.create(TENANT_A, logInsert(1));
      assert.equal(created.log_id, "log-0001");
      const stored = await data.logs.get(TENANT_A, "log-0001");
      assert.equal(stored?.description, "event 1");
    });

    it("assigns an id and date when missing", async () => {
      const { data } = fixture();
      const { log_id: _id, date: _date, ...rest } = logInsert(1);
      const created = await data.logs.create(TENANT_A, rest as LogInsert);
      assert.ok(created.log_id);
      assert.ok(created.date);
      assert.equal((await data.logs.get(TENANT_A, created.log_id))?.description, "event 1");
    });

    it("returns null for an unknown id", async () => {
      const { data } = fixture();
      assert.equal(await data.logs.get(TENANT_A, "missing"), null);
    });
  });

  describe("list", () => {
    it("returns the newest first", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 5);
      const { logs, total } = await data.logs.list(TENANT_A);
      assert.deepEqual(indexes(logs), [4, 3, 2, 1, 0]);
      assert.equal(total, 5);
    });

    it("sorts oldest first on request", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 3);
      const { logs } = await data.logs.list(TENANT_A, { sort: { sort_by: "date", sort_order: "asc" } });
      assert.deepEqual(indexes(logs), [0, 1, 2]);
    });

    it("pages across the adapter's query pages", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 250);

      const third = await data.logs.list(TENANT_A, { page: 2, per_page: 100, include_totals: true });
      assert.deepEqual(indexes(third.logs), range(49, 0, -1));
      assert.equal(third.start, 200);
      assert.equal(third.limit, 100);
      assert.equal(third.total, 250);

      const second = await data.logs.list(TENANT_A, { page: 1, per_page: 100 });
      assert.deepEqual(indexes(second.logs), range(149, 50, -1));

      const beyond = await data.logs.list(TENANT_A, { page: 3, per_page: 100 });
      assert.deepEqual(beyond.logs, []);
    });

    it("filters with q across query pages", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 250);
      const { logs } = await data.logs.list(TENANT_A, { q: 'user_id:"auth2|alice"', page: 1, per_page: 50 });
      assert.deepEqual(indexes(logs), range(249, 0, -3).slice(50, 100));
    });

    it("filters by several user ids joined by OR", async () => {
      const { data } = fixture();
      await data.logs.create(TENANT_A, logInsert(1, { user_id: "auth2|alice" }));
      await data.logs.create(TENANT_A, logInsert(2, { user_id: "google-oauth2|alice" }));
      await data.logs.create(TENANT_A, logInsert(3, { user_id: "auth2|bob" }));
      const { logs } = await data.logs.list(TENANT_A, { q: 'user_id:"auth2|alice" OR user_id:"google-oauth2|alice"' });
      assert.deepEqual(indexes(logs), [2, 1]);
    });

    it("pages with from and take", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 7);
      const seen: number[] = [];
      let from: string | undefined;
      for (let round = 0; round < 10; round++) {
        const page = await data.logs.list(TENANT_A, { from, take: 3 });
        assert.ok(page.logs.length <= 3);
        seen.push(...indexes(page.logs));
        from = page.next;
        if (!from) break;
      }
      assert.deepEqual(seen, [6, 5, 4, 3, 2, 1, 0]);
    });

    it("rejects another tenant's cursor with 400", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 3);
      const page = await data.logs.list(TENANT_A, { take: 1 });
      assert.ok(page.next);
      await assertHttpError(data.logs.list(TENANT_B, { from: page.next, take: 1 }), 400);
    });

    it("keeps logs between from_date and to_date, inclusive", async () => {
      const { data } = fixture();
      await seedLogs(data, TENANT_A, 10);
      const seconds = (index: number) => Math.floor((BASE + index * 1000) / 1000);
      const { logs } = await data.logs.list(TENANT_A, { from_date: seconds(3), to_date: seconds(6) });
      assert.deepEqual(indexes(logs), [6, 5, 4, 3]);

      const fromOnly = await data.logs.list(TENANT_A, { from_date: seconds(8) });
      assert.deepEqual(indexes(fromOnly.logs), [9, 8]);
      const toOnly = await data.logs.list(TENANT_A, { to_date: seconds(1) });
      assert.deepEqual(indexes(toOnly.logs), [1, 0]);
      const inverted = await data.logs.list(TENANT_A, { from_date: seconds(6), to_date: seconds(3) });
      assert.deepEqual(inverted.logs, []);
    });
  });

  describe("expired logs", () => {
    it("are not returned by get or list", async () => {
      const { data, table } = fixture();
      await data.logs.create(TENANT_A, logInsert(1));
      const expired = logInsert(2);
      await table.put({
        pk: `${TENANT_A}#log#${expired.log_id}`,
        sk: "log",
        gsi1pk: `${TENANT_A}#log`,
        gsi1sk: `${expired.date}#${expired.log_id}`,
        type: "log",
        v: SCHEMA_VERSION,
        tenant_id: TENANT_A,
        data: expired as unknown as Record<string, unknown>,
        expiresAt: Math.floor(Date.now() / 1000) - 60,
      });

      assert.equal(await data.logs.get(TENANT_A, expired.log_id!), null);
      assert.deepEqual(indexes((await data.logs.list(TENANT_A)).logs), [1]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one log id apart in two tenants", async () => {
      const { data } = fixture();
      await data.logs.create(TENANT_A, logInsert(1, { description: "a" }));
      await data.logs.create(TENANT_B, logInsert(1, { description: "b" }));
      await data.logs.create(TENANT_B, logInsert(2, { description: "b2" }));

      assert.equal((await data.logs.get(TENANT_A, "log-0001"))?.description, "a");
      assert.equal(await data.logs.get(TENANT_A, "log-0002"), null);
      assert.deepEqual((await data.logs.list(TENANT_A)).logs.map((log) => log.description), ["a"]);
    });
  });
});
