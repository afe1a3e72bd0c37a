import type { DataAdapters } from "@authhero/adapter-interfaces";
import { init } from "authhero";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { selfHostedPages } from "./assets.js";
import { runWithRequestMemo } from "./cache/request-memo.js";
import { earlierOutage, runAsRequest } from "./dynamodb/outage.js";
import type { HealthProbe } from "./health.js";
import { describeError, type Logger } from "./logger.js";
import { requireConfidentialClientAuthentication } from "./client-authentication.js";
import { oauthErrors } from "./oauth-errors.js";
import { requireUsernameForPasswordReset } from "./password-reset-guard.js";
import { recordPatchFields } from "./patch-guard.js";
import { replaceResponse } from "./replace-response.js";
import { requestBodyGuard, type DocumentedApp } from "./request-body-guard.js";
import { redactSigningKeys } from "./signing-key-redaction.js";
import { regionRouting, ROUTED_REQUEST, type RegionRoutingOptions } from "./regions/forwarding.js";
import { createRequestContext, type RequestVariables } from "./request-context.js";

const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  dataAdapter: DataAdapters;
  /** The OIDC issuer, with a trailing slash. */
  issuer: string;
  allowedOrigins: string[];
  region: string;
  /** Served when a request names no tenant (no `tenant-id` header, host or query). */
  tenantId?: string;
  health: HealthProbe;
  logger: Logger;
  /** Cross-region routing of codes and refresh tokens; omitted with one region or strong consistency. */
  regionRouting?: Omit<RegionRoutingOptions, "logger">;
  /** Serves or redirects the `/u/...` login assets. */
  assets?: Hono;
}

/**
 * Builds the one Hono app that both entrypoints serve: the health route,
 * the guard on AuthHero's setup wizard, then AuthHero itself. Per-request
 * settings reach AuthHero through Hono's env bindings.
 */
export function createApp(options: AppOptions): Hono<{ Variables: RequestVariables }> {
  const { app: authhero, managementApp, oauthApp, universalApp, u2App } = init({ dataAdapter: options.dataAdapter, allowedOrigins: options.allowedOrigins });
  const documentedApps: DocumentedApp[] = [
    { base: "/api/v2", app: managementApp, family: "management" },
    { base: "", app: oauthApp, family: "oauth" },
    { base: "/u", app: universalApp, family: "oauth", loginPages: true },
    { base: "/u2", app: u2App, family: "oauth", loginPages: true },
  ];
  const bindings = {
    ISSUER: options.issuer,
    AUTH_URL: options.issuer,
    ENVIRONMENT: "production",
    JWKS_CACHE_TIMEOUT_IN_SECONDS: 300,
    ORGANIZATION_NAME: "AuthHero",
  };
  const app = new Hono<{ Variables: RequestVariables }>();

  app.use("*", createRequestContext(options.logger, options.region));
  // Bodies are read more than once (JSON checks, region routing); 1 MiB is far above any OAuth or management request.
  app.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: "invalid_request", error_description: `The request body exceeds ${MAX_BODY_BYTES} bytes.` }, 413) }));
  // After one DynamoDB call of a request finds the service unavailable the
  // rest fail at once, so an outage fails the request in under 3 seconds
  // however many calls AuthHero makes. Repeated reads of one item within
  // the request return the result memoized at the first.
  app.use("*", (c, next) =>
    runAsRequest(async () => {
      await runWithRequestMemo(next);
      // AuthHero turns any failure while it checks a bearer token, a failed key read included, into 401 or 403.
      // When DynamoDB was unavailable in this request, that status is wrong: the caller should retry, not re-authenticate.
      const outage = earlierOutage();
      if (outage !== undefined && (c.res.status === 401 || c.res.status === 403) && outage instanceof HTTPException) replaceResponse(c, outage.getResponse());
    }),
  );

  app.get("/health", async (c) => {
    try {
      await withTimeout(options.health(), 1800);
      return c.json({ status: "ok", region: options.region });
    } catch (error) {
      c.get("logger").log("warn", "health check failed", describeError(error));
      return c.json({ status: "unavailable", region: options.region }, 503);
    }
  });

  let tenantExists = false;
  app.all("/setup/*", async (c, next) => {
    // AuthHero's wizard creates an admin without authentication, so it must be
    // closed once any tenant exists; this deployment always seeds one.
    tenantExists ||= (await options.dataAdapter.tenants.list({ per_page: 1 })).tenants.length > 0;
    if (tenantExists) return c.json({ error: "not_found", error_description: "Setup is closed because a tenant already exists." }, 404);
    return next();
  });

  if (options.assets) app.route("/", options.assets);

  app.use("*", selfHostedPages());

  app.use("*", oauthErrors());
  app.use("*", requestBodyGuard(documentedApps));
  app.use("/u/forgot-password", requireUsernameForPasswordReset(options.dataAdapter, options.tenantId));
  app.use("/api/v2/*", recordPatchFields());
  app.use("/api/v2/keys/signing", redactSigningKeys());
  app.use("/api/v2/keys/signing/*", redactSigningKeys());
  app.use("/oauth/token", requireConfidentialClientAuthentication(options.dataAdapter));

  // AuthHero's own handler recognises only its bundled copy of Hono's
  // HTTPException, so the adapter's 400/409/503 errors would become 500s and
  // be logged unstructured. This one accepts any HTTPException-shaped error.
  authhero.onError((error, c) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && typeof (error as { getResponse?: unknown }).getResponse === "function") {
      if (status >= 500) {
        const cause = (error as { cause?: unknown }).cause;
        options.logger.log("error", error.message, { requestId: c.req.header("x-request-id"), region: options.region, status, ...(cause === undefined ? {} : describeError(cause)) });
      }
      return (error as unknown as { getResponse(): Response }).getResponse();
    }
    options.logger.log("error", "unhandled error", { requestId: c.req.header("x-request-id"), region: options.region, ...describeError(error) });
    return c.json({ error: "server_error", error_description: "The server failed to process the request; retry later." }, 500);
  });

  if (options.regionRouting) app.use("*", regionRouting({ ...options.regionRouting, logger: options.logger }));

  app.all("*", (c) => {
    const routed = (c.get(ROUTED_REQUEST as never) as Request | undefined) ?? c.req.raw;
    let request = withHeader(routed, "x-request-id", c.get("requestId"));
    if (options.tenantId && !c.req.header("tenant-id")) request = withHeader(request, "tenant-id", options.tenantId);
    return authhero.fetch(request, { ...(c.env as object), ...bindings });
  });

  app.onError((error, c) => {
    c.get("logger").log("error", "unhandled error", describeError(error));
    return c.json({ error: "server_error", error_description: "The server failed to process the request; retry later." }, 500);
  });

  return app;
}

function withHeader(request: Request, name: string, value: string): Request {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(request.url, { method: request.method, headers, body: hasBody ? request.body : undefined, redirect: "manual", ...(hasBody ? { duplex: "half" } : {}) } as RequestInit);
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
