import { isDeepStrictEqual } from "node:util";

/** One request and its response, with the target's base URL replaced by `{base}`. */
export interface Exchange {
  label: string;
  status: number;
  contentType: string;
  location: string | undefined;
  /** Names of the cookies the response sets, sorted; their values are random. */
  cookieNames: string[];
  /** The parsed JSON body, or the text of any other body. */
  body: unknown;
}

export interface Difference {
  label: string;
  /** Where the responses differ: `status`, `location`, or a JSON path under `body`. */
  path: string;
  source: string;
  bundle: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any;
  text: string;
}

/**
 * A server under test, seen through plain HTTP with a cookie jar. Every
 * call is recorded as an `Exchange`, so two targets that run the same
 * scenario can be compared call by call.
 */
export class Target {
  readonly exchanges: Exchange[] = [];
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly baseUrl: string,
  ) {}

  clearCookies(): void {
    this.cookies.clear();
  }

  /** Sends a request to a path or absolute URL on this target without following redirects. */
  async call(label: string, method: string, pathOrUrl: string, init: { headers?: Record<string, string>; body?: string | URLSearchParams } = {}): Promise<CallResult> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(url, { method, headers, body: init.body, redirect: "manual" });
    const cookieNames = new Set<string>();
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(";")[0]!;
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      cookieNames.add(name);
      this.cookies.set(name, pair.slice(separator + 1).trim());
    }

    const text = await response.text();
    const contentType = response.headers.get("content-type") ?? "";
    let json: unknown;
    if (contentType.includes("json") && text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const location = response.headers.get("location") ?? undefined;
    this.exchanges.push({
      label,
      status: response.status,
      contentType: contentType.split(";")[0]!.trim(),
      location: location === undefined ? undefined : this.normalize(location),
      cookieNames: [...cookieNames].sort(),
      body: json === undefined ? this.normalize(text) : this.normalizeJson(json),
    });
    return { status: response.status, headers: response.headers, json, text };
  }

  /** Sends JSON, or no body when `body` is undefined. */
  json(label: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<CallResult> {
    return this.call(label, method, path, {
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Sends an `application/x-www-form-urlencoded` body. */
  form(label: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
    return this.call(label, "POST", path, { headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
  }

  private normalize(text: string): string {
    const host = new URL(this.baseUrl).host;
    return text
      .replaceAll(this.baseUrl, "{base}")
      .replaceAll(encodeURIComponent(this.baseUrl), "{base}")
      .replaceAll(host, "{host}")
      .replaceAll(encodeURIComponent(host), "{host}");
  }

  private normalizeJson(value: unknown): unknown {
    if (typeof value === "string") return this.normalize(value);
    if (Array.isArray(value)) return value.map((item) => this.normalizeJson(item));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.normalizeJson(item)]));
    }
    return value;
  }
}

/**
 * Compares the bundle's exchanges with the source's, using a second run of
 * the source to tell deterministic parts of a response from random ones.
 * A part that both source runs return identically must be identical in the
 * bundle's run too. Where the two source runs differ (ids, timestamps,
 * tokens), only the bundle's value's kind is checked. The bundle's run
 * should happen between the two source runs, so that values derived from
 * the clock, such as dates at one-second precision, are equal in all three
 * when they are equal in the first and last.
 */
export function compareRuns(source: Exchange[], bundle: Exchange[], sourceAgain: Exchange[]): { differences: Difference[]; unstable: string[] } {
  const differences: Difference[] = [];
  const unstable: string[] = [];
  const count = Math.max(source.length, bundle.length, sourceAgain.length);

  for (let index = 0; index < count; index++) {
    const a = source[index];
    const c = bundle[index];
    const b = sourceAgain[index];
    if (!a || !b || !c || a.label !== c.label || a.label !== b.label) {
      differences.push({ label: a?.label ?? c?.label ?? "(end)", path: "sequence", source: a?.label ?? "(none)", bundle: c?.label ?? "(none)" });
      break;
    }

    const report: Reporter = (path, sourceValue, bundleValue) => differences.push({ label: a.label, path, source: show(sourceValue), bundle: show(bundleValue) });
    report.uncompared = (path) => unstable.push(`${a.label}: ${path} has a different shape in the two source runs, so it was not compared`);
    if (a.status !== b.status) unstable.push(`${a.label}: the source returned ${a.status} and then ${b.status}`);
    else if (a.status !== c.status) report("status", a.status, c.status);
    if (a.contentType === b.contentType && a.contentType !== c.contentType) report("content-type", a.contentType, c.contentType);
    if (isDeepStrictEqual(a.cookieNames, b.cookieNames) && !isDeepStrictEqual(a.cookieNames, c.cookieNames)) report("set-cookie names", a.cookieNames, c.cookieNames);
    compareText("location", a.location ?? "", c.location ?? "", b.location ?? "", report);
    compareValue("body", a.body, c.body, b.body, report);
  }
  return { differences, unstable };
}

interface Reporter {
  (path: string, source: unknown, bundle: unknown): void;
  /** Notes a part that the two source runs return in different shapes, so that it cannot be compared. */
  uncompared?: (path: string) => void;
}

function compareValue(path: string, a: unknown, c: unknown, b: unknown, report: Reporter): void {
  if (isDeepStrictEqual(a, b)) {
    if (isDeepStrictEqual(a, c)) return;
    // Both source runs agree, so any difference is the bundle's; descend to name the smallest differing part.
    if (isPlainObject(a) && isPlainObject(c)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(c)])) compareValue(`${path}.${key}`, a[key], c[key], a[key], report);
      return;
    }
    if (Array.isArray(a) && Array.isArray(c) && a.length === c.length) {
      a.forEach((item, index) => compareValue(`${path}[${index}]`, item, c[index], item, report));
      return;
    }
    if (typeof a === "string" && typeof c === "string" && a.length > 200) {
      compareText(path, a, c, a, report);
      return;
    }
    report(path, a, c);
    return;
  }

  if (isPlainObject(a) && isPlainObject(b)) {
    if (!isPlainObject(c)) return report(path, a, c);
    for (const key of new Set([...Object.keys(a), ...Object.keys(b), ...Object.keys(c)])) {
      const inSource = key in a && key in b;
      const inNeither = !(key in a) && !(key in b);
      if (inSource && !(key in c)) report(`${path}.${key}`, a[key], undefined);
      else if (inNeither && key in c) report(`${path}.${key}`, undefined, c[key]);
      else if (inSource) compareValue(`${path}.${key}`, a[key], c[key], b[key], report);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (!Array.isArray(c)) return report(path, a, c);
    if (a.length !== b.length) return report.uncompared?.(`${path}.length`);
    if (c.length !== a.length) return report(`${path}.length`, a.length, c.length);
    a.forEach((item, index) => compareValue(`${path}[${index}]`, item, c[index], b[index], report));
    return;
  }
  if (typeof a === "string" && typeof b === "string" && typeof c === "string") return compareText(path, a, c, b, report);
  if (kind(a) !== kind(b)) return report.uncompared?.(path);
  if (kind(a) !== kind(c)) report(path, a, c);
}

/** Splits text at whitespace, quotes, tag brackets and URL separators, so a random value stays one token. */
const TOKEN_SEPARATORS = /([\s"'<>&=?;,])/;

/** Compares two texts token by token where the two source runs have the same number of tokens. */
function compareText(path: string, a: string, c: string, b: string, report: Reporter): void {
  if (a === b) {
    if (a !== c) report(path, excerptAround(a, c), excerptAround(c, a));
    return;
  }
  const tokensA = a.split(TOKEN_SEPARATORS);
  const tokensB = b.split(TOKEN_SEPARATORS);
  const tokensC = c.split(TOKEN_SEPARATORS);
  if (tokensA.length !== tokensB.length) return report.uncompared?.(path);
  if (tokensC.length !== tokensA.length) return report(`${path} (token count)`, excerptAround(a, c), excerptAround(c, a));
  for (let index = 0; index < tokensA.length; index++) {
    if (tokensA[index] === tokensB[index] && tokensA[index] !== tokensC[index]) {
      return report(`${path} (token ${index})`, tokensA.slice(Math.max(0, index - 8), index + 8).join(""), tokensC.slice(Math.max(0, index - 8), index + 8).join(""));
    }
  }
}

/** Returns the part of `text` around the first character where it differs from `other`. */
function excerptAround(text: string, other: string): string {
  let index = 0;
  while (index < text.length && text[index] === other[index]) index++;
  return (index > 60 ? "…" : "") + text.slice(Math.max(0, index - 60), index + 140);
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function show(value: unknown): string {
  let text: string;
  if (value === undefined) text = "(absent)";
  else if (typeof value === "string") text = value;
  else text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
