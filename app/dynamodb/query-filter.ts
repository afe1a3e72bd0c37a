import type { HTTPException } from "hono/http-exception";
import { badRequest } from "./errors.js";

/**
 * The Lucene-like `q` syntax AuthHero and Auth0 clients send to list methods:
 * `field:value`, `field:"quoted value"`, `-field:value` or `NOT field:value`,
 * `_exists_:field`, `field:prefix*`, terms joined by whitespace or `AND`
 * (both mean AND) and `OR` (lower precedence), and a bare word that matches
 * any string field.
 */
export type Clause =
  | { kind: "match"; field: string; value: string; prefix: boolean; negate: boolean }
  | { kind: "exists"; field: string; negate: boolean }
  | { kind: "text"; value: string; negate: boolean };

/** A disjunction of conjunctions; an empty filter matches everything. */
export interface QueryFilter {
  anyOf: Clause[][];
}

export const MATCH_ALL: QueryFilter = { anyOf: [[]] };

export function parseQuery(q: string | undefined): QueryFilter {
  if (q === undefined || q.trim() === "") return MATCH_ALL;
  const groups: Clause[][] = [[]];
  let negateNext = false;
  let andPending = false;

  for (const token of tokenize(q)) {
    const operator = token.quoted || token.field !== undefined || token.negated ? undefined : token.text;
    if (negateNext && (operator === "OR" || operator === "AND")) throw invalid(q, "`NOT` needs a term after it");
    if (andPending && operator === "OR") throw invalid(q, "`AND` needs a term on both sides");
    if (operator === "OR") {
      groups.push([]);
      continue;
    }
    if (operator === "AND") {
      if (groups[groups.length - 1]!.length === 0 || andPending) throw invalid(q, "`AND` needs a term on both sides");
      andPending = true;
      continue;
    }
    if (operator === "NOT") {
      negateNext = true;
      continue;
    }
    const clause = toClause(token, negateNext, q);
    negateNext = false;
    andPending = false;
    groups[groups.length - 1]!.push(clause);
  }

  // A dangling operator would otherwise be dropped and change what the query means.
  if (negateNext) throw invalid(q, "`NOT` needs a term after it");
  if (andPending) throw invalid(q, "`AND` needs a term on both sides");
  if (groups.some((group) => group.length === 0) && groups.length > 1) {
    throw invalid(q, "`OR` needs a term on both sides");
  }
  return { anyOf: groups };
}

interface Token {
  text: string;
  field?: string;
  quoted: boolean;
  negated: boolean;
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < q.length) {
    while (index < q.length && /\s/.test(q[index]!)) index++;
    if (index >= q.length) break;

    let negated = false;
    if (q[index] === "-") {
      negated = true;
      index++;
    }
    let field: string | undefined;
    const fieldMatch = /^([A-Za-z_][\w.]*):/.exec(q.slice(index));
    if (fieldMatch) {
      field = fieldMatch[1];
      index += fieldMatch[0].length;
    }
    if (q[index] === '"') {
      const end = findClosingQuote(q, index + 1);
      if (end < 0) throw invalid(q, "a quoted value has no closing `\"`");
      tokens.push({ text: q.slice(index + 1, end).replace(/\\(.)/g, "$1"), field, quoted: true, negated });
      index = end + 1;
      continue;
    }
    const start = index;
    while (index < q.length && !/\s/.test(q[index]!)) index++;
    tokens.push({ text: q.slice(start, index), field, quoted: false, negated });
  }
  return tokens;
}

function findClosingQuote(q: string, from: number): number {
  for (let index = from; index < q.length; index++) {
    if (q[index] === "\\") index++;
    else if (q[index] === '"') return index;
  }
  return -1;
}

function toClause(token: Token, negateNext: boolean, q: string): Clause {
  const negate = token.negated !== negateNext;
  if (token.field === undefined) {
    if (token.text === "") throw invalid(q, "a term is empty");
    return { kind: "text", value: token.text, negate };
  }
  if (token.field === "_exists_") {
    if (token.text === "") throw invalid(q, "`_exists_:` needs a field name");
    return { kind: "exists", field: token.text, negate };
  }
  if (!token.quoted && token.text === "") throw invalid(q, `field \`${token.field}\` needs a value after \`:\``);
  const prefix = !token.quoted && token.text.endsWith("*") && token.text.length > 1;
  return { kind: "match", field: token.field, value: prefix ? token.text.slice(0, -1) : token.text, prefix, negate };
}

function invalid(q: string, reason: string): HTTPException {
  return badRequest(`Search query \`${q}\` is invalid: ${reason}. Use field:value terms joined by spaces, AND or OR.`);
}

/** Fields compared without regard to case, as Auth0 stores them lowercased. */
const CASE_INSENSITIVE_FIELDS = new Set(["email"]);

export function matchesFilter(entity: Record<string, unknown>, filter: QueryFilter): boolean {
  return filter.anyOf.some((group) => group.every((clause) => matchesClause(entity, clause)));
}

function matchesClause(entity: Record<string, unknown>, clause: Clause): boolean {
  let result: boolean;
  if (clause.kind === "exists") {
    const value = readPath(entity, clause.field);
    result = value !== undefined && value !== null && value !== "";
  } else if (clause.kind === "text") {
    const needle = clause.value.toLowerCase().replace(/\*$/, "");
    result = Object.values(entity).some((value) => typeof value === "string" && value.toLowerCase().includes(needle));
  } else {
    result = valuesOf(readPath(entity, clause.field)).some((candidate) => compare(candidate, clause));
  }
  return clause.negate ? !result : result;
}

function compare(candidate: string, clause: Extract<Clause, { kind: "match" }>): boolean {
  const ignoreCase = CASE_INSENSITIVE_FIELDS.has(clause.field);
  const left = ignoreCase ? candidate.toLowerCase() : candidate;
  const right = ignoreCase ? clause.value.toLowerCase() : clause.value;
  return clause.prefix ? left.startsWith(right) : left === right;
}

function valuesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(valuesOf);
  if (typeof value === "object") return [];
  return [String(value)];
}

function readPath(entity: Record<string, unknown>, path: string): unknown {
  let current: unknown = entity;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * The value of a positive, exact `field:value` term that every alternative
 * requires; list methods use it to pick an index instead of reading the
 * whole partition. Returns undefined when the filter has no such term.
 */
export function requiredEquality(filter: QueryFilter, field: string): string | undefined {
  if (filter.anyOf.length !== 1) return undefined;
  const clause = filter.anyOf[0]!.find((candidate) => candidate.kind === "match" && candidate.field === field && !candidate.negate && !candidate.prefix);
  return clause?.kind === "match" ? clause.value : undefined;
}
