import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { MiddlewareHandler } from "hono";
import { parseTokenRequestBody, stringParameter } from "./token-request.js";

/**
 * AuthHero checks a client secret only when one is sent, so a stolen
 * refresh token or code worked without the confidential client's secret.
 * RFC 6749 sections 4.1.3 and 6 require confidential clients to
 * authenticate at the token endpoint; this rejects such requests that
 * carry no credentials before they reach AuthHero.
 */
export function requireConfidentialClientAuthentication(data: DataAdapters): MiddlewareHandler {
  return async function checkClientCredentials(c, next) {
    if (c.req.method !== "POST" || c.req.path !== "/oauth/token") return next();
    if (c.req.header("authorization")) return next();

    const fields = parseTokenRequestBody(await c.req.raw.clone().text(), c.req.header("content-type") ?? "");
    const grantType = stringParameter(fields, "grant_type");
    if (grantType !== "refresh_token" && grantType !== "authorization_code") return next();
    if (stringParameter(fields, "client_secret") || stringParameter(fields, "client_assertion")) return next();

    const clientId = stringParameter(fields, "client_id");
    if (!clientId) return c.json({ error: "invalid_client", error_description: "`client_id` is missing; send it with the client's credentials." }, 401);
    const client = await data.clients.getByClientId(clientId);
    if (client && client.token_endpoint_auth_method !== "none") {
      return c.json({ error: "invalid_client", error_description: `Client \`${clientId}\` is confidential; authenticate with its client secret.` }, 401);
    }
    return next();
  };
}
