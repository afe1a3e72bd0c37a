import type { DailyStats, StatsAdapter } from "@authhero/adapter-interfaces";
import { logPartition, logSortKeyRange } from "../keys.js";
import { badRequest } from "../errors.js";
import type { StoredItem } from "../item.js";
import type { DynamoTable } from "../table.js";

/** The log types each daily figure counts, as AuthHero 9.6.1 writes them. */
const COUNTED = { logins: ["s"], signups: ["ss"], leaked_passwords: ["pwd_leak", "signup_pwd_leak", "reset_pwd_leak"] } as const;
const ACTIVE_DAYS = 30;
/** The maximum range /api/v2/stats/daily accepts, in days. Audit logs are kept far shorter by default. */
const MAX_RANGE_DAYS = 366;

/**
 * Daily and active-user figures for `/api/v2/stats`, counted from the
 * tenant's audit logs, as Auth0 derives them from its logs too. Each call
 * reads the log partition for the range, filtered to the counted types, so
 * its cost grows with the tenant's sign-ins in that range. Log retention
 * (30 days by default) bounds how far back the figures go.
 */
export function createStatsAdapter(table: DynamoTable): StatsAdapter {
  const readTenantLogs = (tenantId: string, fromSeconds: number, toSeconds: number, types: readonly string[]): Promise<StoredItem[]> => {
    const values = Object.fromEntries(types.map((type, index) => [`:f_type${index}`, type]));
    return table.queryAll({
      index: "gsi1",
      partitionKey: logPartition(tenantId),
      sortKeyRange: logSortKeyRange(fromSeconds, toSeconds),
      filter: { expression: `#data.#type IN (${Object.keys(values).join(", ")})`, names: { "#data": "data", "#type": "type" }, values },
    });
  };

  return {
    getDaily: async (tenantId, params = {}) => {
      const to = params.to ? dayStart(params.to) + 86_399 : Math.floor(Date.now() / 1000);
      const from = params.from ? dayStart(params.from) : to - ACTIVE_DAYS * 86_400;
      // AuthHero returns one row per day of the range, so the range bounds the response size.
      if (from > to) throw badRequest(`Stats range from \`${params.from}\` to \`${params.to}\` ends before it starts; swap the dates.`);
      if (to - from > MAX_RANGE_DAYS * 86_400) throw badRequest(`Stats range from \`${params.from}\` to \`${params.to}\` is longer than ${MAX_RANGE_DAYS} days; ask for a shorter range.`);
      const logs = await readTenantLogs(tenantId, from, to, [...COUNTED.logins, ...COUNTED.signups, ...COUNTED.leaked_passwords]);
      const days = new Map<string, DailyStats>();
      const now = new Date().toISOString();
      for (const log of logs) {
        const date = String(log.data?.date ?? "").slice(0, 10);
        const day = days.get(date) ?? { date, logins: 0, signups: 0, leaked_passwords: 0, created_at: `${date}T00:00:00.000Z`, updated_at: now };
        const type = String(log.data?.type);
        if ((COUNTED.logins as readonly string[]).includes(type)) day.logins++;
        else if ((COUNTED.signups as readonly string[]).includes(type)) day.signups++;
        else day.leaked_passwords++;
        days.set(date, day);
      }
      return [...days.values()].sort((left, right) => left.date.localeCompare(right.date));
    },
    getActiveUsers: async (tenantId) => {
      const to = Math.floor(Date.now() / 1000);
      const logins = await readTenantLogs(tenantId, to - ACTIVE_DAYS * 86_400, to, COUNTED.logins);
      return new Set(logins.map((log) => log.data?.user_id).filter((userId) => typeof userId === "string" && userId !== "")).size;
    },
  };
}

/** Epoch seconds of 00:00 UTC on a `YYYY-MM-DD` day. */
function dayStart(day: string): number {
  const millis = Date.parse(`${day}T00:00:00.000Z`);
  // Date.parse rolls 2026-02-31 over into March, so the day must read back unchanged.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== day || millis < 0) {
    throw badRequest(`Stats day \`${day.replaceAll("-", "")}\` is invalid; pass a real day from 1970 on as YYYYMMDD.`);
  }
  return Math.floor(millis / 1000);
}
