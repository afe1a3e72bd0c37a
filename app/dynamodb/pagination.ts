import type { ListParams, Totals } from "@authhero/adapter-interfaces";
import { decodeCursor, encodeCursor } from "./cursor.js";

export interface Page<T> {
  items: T[];
  totals: Totals;
}

const DEFAULT_PER_PAGE = 50;
const MAX_PER_PAGE = 1000;

/**
 * Sorts and slices an in-memory result with AuthHero's list semantics:
 * `page`/`per_page` offsets, or `from`/`take` with an opaque cursor whose
 * `next` is set only while more rows follow.
 */
export function paginate<T>(rows: T[], params: ListParams, tenantId: string): Page<T> {
  const sorted = sortRows(rows, params.sort);

  if (params.from !== undefined || params.take !== undefined) {
    const offset = params.from === undefined ? 0 : decodeCursor(params.from, tenantId).offset;
    const take = clamp(params.take ?? DEFAULT_PER_PAGE);
    const items = sorted.slice(offset, offset + take);
    const more = offset + take < sorted.length;
    return {
      items,
      totals: { start: offset, limit: take, length: items.length, total: sorted.length, ...(more ? { next: encodeCursor({ offset: offset + take }, tenantId) } : {}) },
    };
  }

  const perPage = clamp(params.per_page ?? DEFAULT_PER_PAGE);
  const page = Math.max(0, Math.floor(params.page ?? 0));
  const start = page * perPage;
  const items = sorted.slice(start, start + perPage);
  return { items, totals: { start, limit: perPage, length: items.length, total: sorted.length } };
}

function clamp(perPage: number): number {
  if (!Number.isFinite(perPage) || perPage < 1) return DEFAULT_PER_PAGE;
  return Math.min(Math.floor(perPage), MAX_PER_PAGE);
}

function sortRows<T>(rows: T[], sort: ListParams["sort"]): T[] {
  if (!sort?.sort_by) return rows;
  const direction = sort.sort_order === "desc" ? -1 : 1;
  const field = sort.sort_by;
  return [...rows].sort((left, right) => direction * compareValues((left as Record<string, unknown>)[field], (right as Record<string, unknown>)[field]));
}

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === undefined || left === null) return 1;
  if (right === undefined || right === null) return -1;
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left).localeCompare(String(right));
}
