import type { Context, MiddlewareHandler } from "hono";

/**
 * Request body checks that AuthHero 9.6.1 skips or reports as a 500, derived
 * from the body schemas its routes document.
 *
 * @hono/zod-openapi 1.6.3 validates a body only when the request has a
 * Content-Type. A POST, PUT, PATCH or DELETE with neither a body nor a
 * Content-Type therefore reaches the handler as an unvalidated `{}`, even
 * where the schema requires fields. Handlers then fail with a TypeError (a
 * 500), and create routes such as POST /api/v2/roles store an entity
 * without its required fields.
 *
 * Inside the login pages (`/u`, `/u2`), AuthHero's own error handler turns
 * every HTTPException from the other copy of Hono into a 500. The 415 for an
 * unsupported Content-Type and the 400 for a malformed body become 500s
 * there as well.
 */

/** A documented route that takes a request body. */
export interface BodyRoute {
  method: string;
  /** Matches the request path, base path included. */
  pattern: RegExp;
  /** The media types the route documents, such as `application/json`. */
  mediaTypes: string[];
  /** True when the schema rejects `{}` or the handler parses the raw body, so a request without a body must be rejected. */
  requiresBody: boolean;
  /** Error message for a request without a body, naming what to send. */
  missingBodyMessage: string;
  /** Error body format: `{statusCode, error, message}` for the management API, `{error, error_description}` as in RFC 6749 elsewhere. */
  family: "management" | "oauth";
  /** Whether the route is a login page, whose error handler turns 4xx HTTPExceptions into 500s. */
  loginPage: boolean;
}

/** One app returned by AuthHero's `init()`, as far as this file reads it. */
export interface DocumentedApp {
  /** Mount path of the app, such as `/api/v2`, or an empty string for the root. */
  base: string;
  app: { openAPIRegistry: { definitions: readonly unknown[] } };
  family: BodyRoute["family"];
  loginPages?: boolean;
}

interface RouteDefinition {
  type: string;
  route?: {
    method: string;
    path: string;
    request?: { body?: { content?: Record<string, { schema?: unknown }> } };
  };
}

interface SchemaIssue {
  code?: string;
  path?: PropertyKey[];
  expected?: string;
  errors?: SchemaIssue[][];
}

interface ParsableSchema {
  safeParse(value: unknown): { success: boolean; error?: { issues: SchemaIssue[] } };
}

/**
 * Routes whose schema accepts `{}` but whose handler parses the raw body
 * itself with `c.req.json()`, so that an empty body fails with "Unexpected
 * end of JSON input" (AuthHero 9.6.1).
 */
export const RAW_BODY_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: "PATCH", path: "/api/v2/attack-protection/breached-password-detection" },
  { method: "PATCH", path: "/api/v2/attack-protection/brute-force-protection" },
  { method: "PATCH", path: "/api/v2/attack-protection/suspicious-ip-throttling" },
  { method: "PUT", path: "/api/v2/prompts/{prompt}/custom-text/{language}" },
];

/**
 * Paths left to oauth-errors.ts, which already rejects a token or
 * revocation request without a body with an RFC 6749 error that names
 * `grant_type` or `token`.
 */
const OAUTH_ENDPOINTS = /^\/oauth\//;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Lists the routes of AuthHero's apps that document a JSON or form body. */
export function documentedBodyRoutes(apps: DocumentedApp[]): BodyRoute[] {
  const routes: BodyRoute[] = [];
  for (const { base, app, family, loginPages = false } of apps) {
    for (const definition of app.openAPIRegistry.definitions as RouteDefinition[]) {
      const content = definition.type === "route" ? definition.route?.request?.body?.content : undefined;
      if (!definition.route || !content) continue;
      const mediaTypes = Object.keys(content).filter((type) => isJsonMediaType(type) || isFormMediaType(type));
      const schema = mediaTypes.map((type) => content[type]?.schema).find(isParsable);
      if (!schema) continue;

      const method = definition.route.method.toUpperCase();
      const template = `${base}${definition.route.path}`;
      const emptyObject = schema.safeParse({});
      const parsesRawBody = RAW_BODY_ROUTES.some((route) => route.method === method && route.path === template);
      routes.push({
        method,
        pattern: pathPattern(template),
        mediaTypes,
        requiresBody: !emptyObject.success || parsesRawBody,
        missingBodyMessage: missingBodyMessage(mediaTypes, emptyObject.error?.issues ?? []),
        family,
        loginPage: loginPages,
      });
    }
  }
  return routes;
}

/**
 * Rejects requests to documented body routes before they reach AuthHero:
 * a missing body where one is needed, and on login pages a body with an
 * undocumented Content-Type or one that does not parse.
 */
export function requestBodyGuard(apps: DocumentedApp[]): MiddlewareHandler {
  // The table is built at the first request with a body, because parsing `{}` against every schema took about 70 ms
  // under tsx on a 2-CPU VM, too much to add to every cold start.
  let routes: BodyRoute[] | undefined;
  return async function checkRequestBody(c, next) {
    if (!BODY_METHODS.has(c.req.method) || OAUTH_ENDPOINTS.test(c.req.path)) return next();
    routes ??= documentedBodyRoutes(apps);
    const matching = routes.filter((route) => route.method === c.req.method && route.pattern.test(c.req.path));
    const route = matching[0];
    if (!route) return next();

    const contentType = c.req.header("content-type");
    if (!contentType) {
      // A body without a Content-Type gets AuthHero's own 415, except on login pages, where that 415 would become a 500.
      const body = await c.req.raw.clone().text();
      if (body !== "" && !route.loginPage) return next();
      if (body !== "") return reject(c, route, 415, `The request has a body but no Content-Type. Send it as ${describeMediaTypes(route.mediaTypes)}.`);
      // Hono runs the first matching route, so POST /u2/screen/{id} without a body reaches /screen/:screenId, not /:screen{.+}.
      if (!route.requiresBody) return next();
      return reject(c, route, 400, route.missingBodyMessage);
    }

    if (!matching.some((candidate) => candidate.loginPage)) return next();
    const accepting = matching.filter((candidate) => candidate.mediaTypes.some((type) => matchesMediaType(contentType, type)));
    if (accepting.length === 0) {
      return reject(c, route, 415, `Content-Type \`${mediaTypeOf(contentType).slice(0, 80)}\` is not supported here. Send ${describeMediaTypes(route.mediaTypes)}.`);
    }
    const malformed = await describeMalformedBody(c, contentType);
    if (malformed) return reject(c, route, 400, malformed);
    return next();
  };
}

/**
 * Describes why a JSON or multipart/form-data body fails to parse the way
 * Hono's validator parses it, or returns undefined when it parses.
 * Non-empty JSON that does not parse is already rejected by oauth-errors.ts.
 */
async function describeMalformedBody(c: Context, contentType: string): Promise<string | undefined> {
  const mediaType = mediaTypeOf(contentType);
  if (isJsonMediaType(mediaType) && (await c.req.raw.clone().text()).trim() === "") {
    return "The request body is empty. Send a JSON object.";
  }
  if (mediaType === "multipart/form-data") {
    try {
      const body = await c.req.raw.clone().arrayBuffer();
      await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return "The multipart/form-data body is malformed. Check its boundary parameter and parts, or send application/x-www-form-urlencoded.";
    }
  }
  return undefined;
}

function reject(c: Context, route: BodyRoute, status: 400 | 415, message: string): Response {
  if (route.family === "management") {
    return c.json({ statusCode: status, error: status === 400 ? "Bad Request" : "Unsupported Media Type", message }, status);
  }
  return c.json({ error: "invalid_request", error_description: message }, status);
}

/** Builds the message for a request without a body from the issues the route's schema finds in `{}`. */
function missingBodyMessage(mediaTypes: string[], issues: SchemaIssue[]): string {
  const json = mediaTypes.some(isJsonMediaType);
  const format = json ? "a JSON object with Content-Type: application/json" : "form fields with Content-Type: application/x-www-form-urlencoded";
  const root = issues.find((issue) => (issue.path ?? []).length === 0 && issue.code === "invalid_type");
  if (root?.expected === "array") return "The request body is missing. Send a JSON array with Content-Type: application/json.";

  const union = issues.find((issue) => (issue.path ?? []).length === 0 && issue.code === "invalid_union" && issue.errors);
  if (union?.errors) {
    const alternatives = union.errors.map((branch) => `(${fieldNames(branch).join(", ")})`);
    return `The request body is missing. Send ${format} that contains one of these sets of fields: ${alternatives.join(", ")}.`;
  }
  const fields = fieldNames(issues);
  if (fields.length === 0) return `The request body is missing. Send ${format}.`;
  return `The request body is missing. Send ${format} that contains ${fields.join(", ")}.`;
}

function fieldNames(issues: SchemaIssue[]): string[] {
  const names = issues.map((issue) => issue.path?.[0]).filter((name) => name !== undefined);
  return [...new Set(names.map((name) => `\`${String(name)}\``))];
}

function describeMediaTypes(mediaTypes: string[]): string {
  return mediaTypes.join(" or ");
}

function isParsable(schema: unknown): schema is ParsableSchema {
  return typeof (schema as ParsableSchema | undefined)?.safeParse === "function";
}

/** Turns a route path such as `/users/{user_id}`, `/forms/:formId` or `/:screen{.+}` into an anchored pattern. */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\}|:[A-Za-z_]+(?:\{[^}]+\})?)/)
    .map((part, index) => {
      if (index % 2 === 0) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      const custom = /^:[A-Za-z_]+\{(.+)\}$/.exec(part);
      return custom ? `(?:${custom[1]})` : "[^/]+";
    })
    .join("");
  return new RegExp(`^${source}$`);
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

function isJsonMediaType(mediaType: string): boolean {
  return /^application\/([a-z-.]+\+)?json$/i.test(mediaTypeOf(mediaType));
}

function isFormMediaType(mediaType: string): boolean {
  return ["application/x-www-form-urlencoded", "multipart/form-data"].includes(mediaTypeOf(mediaType));
}

// The patterns @hono/zod-openapi 1.6.3 uses to accept a Content-Type for a documented media type.
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;
const MULTIPART_REQUEST = /^multipart\/form-data(;\s?boundary=[a-zA-Z0-9'"()+_,\-./:=?]+)?$/i;
const URLENCODED_REQUEST = /^application\/x-www-form-urlencoded(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

function matchesMediaType(contentType: string, mediaType: string): boolean {
  if (isJsonMediaType(mediaType)) return JSON_REQUEST.test(contentType);
  if (isFormMediaType(mediaType)) return MULTIPART_REQUEST.test(contentType) || URLENCODED_REQUEST.test(contentType);
  return mediaTypeOf(contentType) === mediaTypeOf(mediaType);
}
