import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { MiddlewareHandler } from "hono";

/**
 * Rejects POST /u/forgot-password for a login session without a username.
 * AuthHero 9.6.1 handles that request by sending a reset code to the
 * username stored in the login session, and ignores the form body. When
 * the identifier page was skipped there is no username yet, and AuthHero
 * failed with a TypeError (a 500).
 */
export function requireUsernameForPasswordReset(data: DataAdapters, defaultTenantId: string | undefined): MiddlewareHandler {
  return async function checkLoginSessionUsername(c, next) {
    if (c.req.method !== "POST") return next();
    const state = c.req.query("state");
    const tenantId = c.req.header("tenant-id") || defaultTenantId;
    // Without a state or a tenant, AuthHero's own checks reject the request.
    if (!state || !tenantId) return next();

    const loginSession = await data.loginSessions.get(tenantId, state);
    if (!loginSession || loginSession.authParams.username) return next();
    return c.json(
      {
        error: "invalid_request",
        error_description: `The login session has no email address yet. Enter it at /u/login/identifier?state=${encodeURIComponent(state)} before you request a password reset.`,
      },
      400,
    );
  };
}
