import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function daysAgo(days: number, hour = 12): string {
  const date = new Date(Date.now() - days * 86_400_000);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}

async function log(data: DataAdapters, tenantId: string, type: string, date: string, userId?: string): Promise<void> {
  await data.logs.create(tenantId, { type, date, description: type, isMobile: false, user_id: userId } as never);
}

describe("stats adapter", () => {
  const fixture = useAdapterFixture();

  it("counts logins, signups and leaked passwords per day", async () => {
    const { data } = fixture();
    await log(data, TENANT_A, "s", daysAgo(2), "auth2|a");
    await log(data, TENANT_A, "s", daysAgo(2, 13), "auth2|b");
    await log(data, TENANT_A, "ss", daysAgo(2), "auth2|b");
    await log(data, TENANT_A, "pwd_leak", daysAgo(1));
    await log(data, TENANT_A, "f", daysAgo(1));
    await log(data, TENANT_B, "s", daysAgo(2), "auth2|other");

    const days = await data.stats!.getDaily(TENANT_A, { from: daysAgo(3).slice(0, 10), to: daysAgo(0).slice(0, 10) });
    assert.deepEqual(
      days.map(({ date, logins, signups, leaked_passwords }) => ({ date, logins, signups, leaked_passwords })),
      [
        { date: daysAgo(2).slice(0, 10), logins: 2, signups: 1, leaked_passwords: 0 },
        { date: daysAgo(1).slice(0, 10), logins: 0, signups: 0, leaked_passwords: 1 },
      ],
    );
  });

  it("keeps to the requested days", async () => {
    const { data } = fixture();
    await log(data, TENANT_A, "s", daysAgo(5), "auth2|a");
    await log(data, TENANT_A, "s", daysAgo(1), "auth2|a");
    const days = await data.stats!.getDaily(TENANT_A, { from: daysAgo(2).slice(0, 10), to: daysAgo(1).slice(0, 10) });
    assert.deepEqual(days.map((day) => day.date), [daysAgo(1).slice(0, 10)]);
  });

  it("counts distinct users who signed in within 30 days", async () => {
    const { data } = fixture();
    await log(data, TENANT_A, "s", daysAgo(1), "auth2|a");
    await log(data, TENANT_A, "s", daysAgo(2), "auth2|a");
    await log(data, TENANT_A, "s", daysAgo(3), "auth2|b");
    await log(data, TENANT_A, "s", daysAgo(40), "auth2|old");
    await log(data, TENANT_A, "f", daysAgo(1), "auth2|failed");
    await log(data, TENANT_B, "s", daysAgo(1), "auth2|other");
    assert.equal(await data.stats!.getActiveUsers(TENANT_A), 2);
  });

  it("rejects bad days and ranges with 400", async () => {
    const { data } = fixture();
    for (const params of [{ from: "2026-02-31" }, { from: "0000-01-01" }, { from: "garb-ag-e" }, { from: "2026-03-02", to: "2026-03-01" }, { from: "1990-01-01", to: "2026-01-01" }]) {
      await assertHttpError(data.stats!.getDaily(TENANT_A, params), 400);
    }
  });
});
