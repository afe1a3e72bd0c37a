import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "../logger.js";
import type { ForwardFailurePolicy } from "../settings.js";
import { readRegionTag, tagWithRegion } from "./region-tag.js";
import { replaceResponse } from "../replace-response.js";
import { parseTokenRequestBody } from "../token-request.js";

export interface RegionRoutingOptions {
  region: string;
  /** Base URL of every region's own host, this region included. */
  regionEndpoints: Record<string, string>;
  failurePolicy: { codes: ForwardFailurePolicy; refreshTokens: ForwardFailurePolicy };
  logger: Logger;
  /** Milliseconds to wait for the issuing region. Default 2000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Marks a request one region sent to another, so it is never sent on again. */
export const FORWARDED_HEADER = "x-authhero-forwarded-from";

/** The request AuthHero should see, when routing changed it. */
export const ROUTED_REQUEST = "routedRequest";

type Grant = { kind: "code" | "refresh_token"; field: "code" | "refresh_token"; value: string; region?: string };

/**
 * Keeps codes and refresh tokens single-use on an eventually consistent
 * global table. Each region checks conditions only against its own replica,
 * so two regions could both redeem one code. Instead, every code and refresh
 * token is tagged with its issuing region. A token request for another
 * region's grant is forwarded there and redeemed with a conditional write.
 */
export function regionRouting(options: RegionRoutingOptions): MiddlewareHandler {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 2000;

  return async function routeByRegion(c, next) {
    if (c.req.method === "POST" && c.req.path === "/oauth/token") {
      const body = await c.req.raw.clone().text();
      const contentType = c.req.header("content-type") ?? "";
      const grant = readGrant(body, contentType);
      if (grant?.region && grant.region !== options.region) {
        // A forwarded request reaches the issuing region only; anything else is misrouted or forged.
        if (c.req.header(FORWARDED_HEADER)) {
          return c.json({ error: "invalid_grant", error_description: `This grant was issued in ${grant.region}; send it to that region.` }, 400);
        }
        const forwarded = await forward(c, grant, body);
        if (forwarded) return forwarded;
      }
      if (grant?.region) c.set(ROUTED_REQUEST as never, withBody(c.req.raw, replaceGrant(body, contentType, grant)) as never);
    }

    await next();
    await tagResponse(c, options.region);
  };

  async function forward(c: Context, grant: Grant, body: string): Promise<Response | undefined> {
    const endpoint = options.regionEndpoints[grant.region!];
    const policy = grant.kind === "code" ? options.failurePolicy.codes : options.failurePolicy.refreshTokens;
    const logger = (c.get("logger" as never) as Logger | undefined) ?? options.logger;
    let failure: string;
    if (!endpoint) {
      failure = `no endpoint is configured for region ${grant.region}`;
    } else {
      try {
        const response = await send(`${endpoint.replace(/\/$/, "")}/oauth/token`, {
          method: "POST",
          headers: forwardHeaders(c.req.raw.headers, options.region),
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.status < 500) {
          logger.log("info", "token request forwarded", { grant: grant.kind, issuedIn: grant.region, status: response.status });
          return new Response(response.body, { status: response.status, headers: passThroughHeaders(response.headers) });
        }
        failure = `the region answered ${response.status}`;
      } catch (error) {
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    if (policy === "local") {
      logger.log("warn", "issuing region unavailable; redeeming locally", { grant: grant.kind, issuedIn: grant.region, failure });
      return undefined;
    }
    logger.log("error", "issuing region unavailable; request rejected", { grant: grant.kind, issuedIn: grant.region, failure });
    return Response.json(
      { error: "temporarily_unavailable", error_description: `The ${grant.kind === "code" ? "authorization code" : "refresh token"} was issued in ${grant.region}, which cannot be reached; retry shortly.` },
      { status: 503, headers: { "retry-after": "2" } },
    );
  }
}

function readGrant(body: string, contentType: string): Grant | undefined {
  const fields = parseTokenRequestBody(body, contentType);
  let field: Grant["field"];
  if (fields.grant_type === "authorization_code") field = "code";
  else if (fields.grant_type === "refresh_token") field = "refresh_token";
  else return undefined;

  const raw = fields[field];
  if (typeof raw !== "string") return undefined;
  const { value, region } = readRegionTag(raw);
  return { kind: field, field, value, region };
}

/** Returns the body with the grant's region tag removed, in its original encoding. */
function replaceGrant(body: string, contentType: string, grant: Grant): string {
  if (contentType.includes("json")) return JSON.stringify({ ...parseTokenRequestBody(body, contentType), [grant.field]: grant.value });
  const params = new URLSearchParams(body);
  params.set(grant.field, grant.value);
  return params.toString();
}

function withBody(request: Request, body: string): Request {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return new Request(request.url, { method: request.method, headers, body });
}

function forwardHeaders(incoming: Headers, region: string): Headers {
  const headers = new Headers();
  for (const name of ["content-type", "authorization", "accept", "user-agent", "x-request-id", "auth0-client"]) {
    const value = incoming.get(name);
    if (value) headers.set(name, value);
  }
  headers.set(FORWARDED_HEADER, region);
  return headers;
}

function passThroughHeaders(incoming: Headers): Headers {
  const headers = new Headers();
  for (const name of ["content-type", "cache-control", "pragma", "www-authenticate", "retry-after"]) {
    const value = incoming.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
}

/** Tags codes in redirects and form posts, and refresh tokens in token responses. */
async function tagResponse(c: Context, region: string): Promise<void> {
  const location = c.res.headers.get("location");
  if (location && c.res.status >= 300 && c.res.status < 400) {
    const tagged = tagCodeInUrl(location, region);
    if (tagged !== location) {
      const headers = new Headers(c.res.headers);
      headers.set("location", tagged);
      replaceResponse(c, new Response(c.res.body, { status: c.res.status, headers }));
    }
    return;
  }
  const contentType = c.res.headers.get("content-type") ?? "";
  if (contentType.includes("text/html")) {
    const html = await c.res.clone().text();
    if (!html.includes('name="code"')) return;
    const tagged = html.replace(/(<input type="hidden" name="code" value=")([^"]*)(")/g, (_match, start: string, code: string, end: string) => `${start}${readRegionTag(code).region ? code : tagWithRegion(code, region)}${end}`);
    replaceResponse(c, new Response(tagged, { status: c.res.status, headers: withoutLength(c.res.headers) }));
    return;
  }
  if (c.req.path === "/oauth/token" && c.res.status === 200 && contentType.includes("json")) {
    const tokens = (await c.res.clone().json()) as Record<string, unknown>;
    if (typeof tokens.refresh_token !== "string" || readRegionTag(tokens.refresh_token).region) return;
    replaceResponse(c, new Response(JSON.stringify({ ...tokens, refresh_token: tagWithRegion(tokens.refresh_token, region) }), { status: 200, headers: withoutLength(c.res.headers) }));
  }
}

function tagCodeInUrl(location: string, region: string): string {
  let url: URL;
  try {
    url = new URL(location, "http://relative.invalid");
  } catch {
    return location;
  }
  let changed = false;
  const code = url.searchParams.get("code");
  if (code && !readRegionTag(code).region) {
    url.searchParams.set("code", tagWithRegion(code, region));
    changed = true;
  }
  if (url.hash.length > 1) {
    const fragment = new URLSearchParams(url.hash.slice(1));
    const fragmentCode = fragment.get("code");
    if (fragmentCode && !readRegionTag(fragmentCode).region) {
      fragment.set("code", tagWithRegion(fragmentCode, region));
      url.hash = fragment.toString();
      changed = true;
    }
  }
  if (!changed) return location;
  return url.origin === "http://relative.invalid" ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}

function withoutLength(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("content-length");
  return copy;
}
