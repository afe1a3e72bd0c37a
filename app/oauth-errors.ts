import type { MiddlewareHandler } from "hono";
import { replaceResponse } from "./replace-response.js";
import { parseTokenRequestBody, stringParameter } from "./token-request.js";

/** Paths whose clients expect RFC 6749 error bodies: `{ error, error_description }`. */
const OAUTH_PATHS = [/^\/oauth\//, /^\/authorize$/, /^\/userinfo$/, /^\/oidc\/logout$/, /^\/v2\/logout$/];

const SUPPORTED_GRANTS = ["authorization_code", "refresh_token", "client_credentials"];

/**
 * Rejects request bodies that claim JSON but do not parse, before AuthHero
 * turns them into a 500, and rewrites AuthHero's 4xx responses on OAuth
 * endpoints into RFC 6749 section 5.2 error bodies with the status it
 * prescribes: 401 for client authentication, 400 for the rest.
 */
export function oauthErrors(): MiddlewareHandler {
  return async function normalizeOAuthErrors(c, next) {
    const contentType = c.req.header("content-type") ?? "";
    if (contentType.includes("json") && c.req.method !== "GET" && c.req.method !== "HEAD") {
      const text = await c.req.raw.clone().text();
      if (text.trim() !== "" && !parsesAsJson(text)) {
        return c.json({ error: "invalid_request", error_description: "The request body is not valid JSON; send a JSON object or application/x-www-form-urlencoded parameters." }, 400);
      }
    }
    if (!OAUTH_PATHS.some((pattern) => pattern.test(c.req.path))) return next();

    const grantType = c.req.path === "/oauth/token" ? stringParameter(parseTokenRequestBody(await c.req.raw.clone().text(), contentType), "grant_type") : undefined;
    await next();
    // A 404 is a missing route or resource, not an OAuth error; 5xx bodies are already ours.
    if (c.res.status < 400 || c.res.status >= 500 || c.res.status === 404) return;
    // Login pages render their own errors for people; only machine-readable responses are rewritten.
    if (c.res.headers.get("content-type")?.includes("text/html")) return;

    const body = await c.res.clone().text();
    const parsed = parseObject(body);
    if (parsed && typeof parsed.error === "string") {
      const headers = new Headers(c.res.headers);
      headers.delete("content-length");
      replaceResponse(c, new Response(body, { status: statusFor(parsed.error), headers }));
      return;
    }
    const normalized = describe(parsed, body, c.req.path, grantType);
    const headers = new Headers(c.res.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    // RFC 6750 section 3: a rejected bearer token names the scheme and the error.
    if (normalized.error === "invalid_token") headers.set("www-authenticate", `Bearer error="invalid_token", error_description="${normalized.error_description.replace(/"/g, "'")}"`);
    replaceResponse(c, new Response(JSON.stringify(normalized), { status: statusFor(normalized.error, c.res.status), headers }));
  };
}

interface OAuthError {
  error: string;
  error_description: string;
}

function describe(parsed: Record<string, unknown> | undefined, body: string, path: string, grantType: string | undefined): OAuthError {
  const zod = parsed?.error as { name?: string; message?: string } | undefined;
  if (zod?.name === "ZodError") {
    const fields = zodIssuePaths(zod.message);
    if (path === "/oauth/token") {
      if (grantType === undefined) return { error: "invalid_request", error_description: "`grant_type` is missing; send authorization_code, refresh_token or client_credentials." };
      if (!SUPPORTED_GRANTS.includes(grantType)) {
        return { error: "unsupported_grant_type", error_description: `\`grant_type\` \`${grantType.slice(0, 80)}\` is not supported; use ${SUPPORTED_GRANTS.join(", ")}.` };
      }
    }
    const named = fields.length > 0 ? `: check ${fields.map((field) => `\`${field}\``).join(", ")}` : "";
    return { error: "invalid_request", error_description: `The request is missing a required parameter or has an invalid one${named}.` };
  }
  const message = typeof parsed?.message === "string" ? parsed.message : body.trim().slice(0, 300) || "The request was rejected.";
  if (path === "/userinfo") return { error: "invalid_token", error_description: message };
  if (/client/i.test(message) && /(not found|invalid|credentials|secret)/i.test(message)) return { error: "invalid_client", error_description: message };
  if (/(code|refresh token|grant)/i.test(message)) return { error: "invalid_grant", error_description: message };
  if (/token/i.test(message) && /(missing|invalid|expired)/i.test(message)) return { error: "invalid_token", error_description: message };
  return { error: "invalid_request", error_description: message };
}

/** Field names from a ZodError message (a JSON list of issues), without `grant_type` noise from union branches. */
function zodIssuePaths(message: string | undefined): string[] {
  const paths = new Set<string>();
  const visit = (issues: unknown): void => {
    if (!Array.isArray(issues)) return;
    for (const issue of issues as Array<{ path?: unknown[]; errors?: unknown[][] }>) {
      if (Array.isArray(issue.path) && issue.path.length > 0) paths.add(issue.path.join("."));
      // For a union such as the token request, only the branches for the grant that was sent are relevant.
      const branches = issue.errors ?? [];
      const matching = branches.filter((branch) => Array.isArray(branch) && branch.every((inner) => (inner as { path?: unknown[] }).path?.[0] !== "grant_type"));
      for (const branch of matching.length > 0 ? matching : branches) visit(branch);
    }
  };
  try {
    visit(JSON.parse(message ?? "[]"));
  } catch {
    return [];
  }
  paths.delete("grant_type");
  return [...paths].slice(0, 5);
}

function statusFor(error: string, fallback = 400): number {
  if (error === "invalid_client" || error === "invalid_token") return 401;
  if (["invalid_request", "invalid_grant", "unsupported_grant_type", "unauthorized_client", "invalid_scope"].includes(error)) return 400;
  return fallback;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
