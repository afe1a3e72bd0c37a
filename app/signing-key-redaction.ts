import type { MiddlewareHandler } from "hono";
import { replaceResponse } from "./replace-response.js";

/**
 * AuthHero keeps a signing key's PKCS#8 private key in its `pkcs7` field and
 * its management API returns stored keys as they are, so any holder of
 * `read:signing_keys` could sign tokens. This strips the field from every
 * `/api/v2/keys/signing` response; AuthHero reads keys from the adapter, so
 * signing is unaffected.
 */
export function redactSigningKeys(): MiddlewareHandler {
  return async function stripPrivateKeys(c, next) {
    await next();
    if (!c.res.headers.get("content-type")?.includes("application/json")) return;
    const body: unknown = await c.res.clone().json().catch(() => undefined);
    if (body === undefined) return;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    replaceResponse(c, new Response(JSON.stringify(withoutPrivateKeys(body)), { status: c.res.status, headers }));
  };
}

function withoutPrivateKeys(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(withoutPrivateKeys);
  if (body === null || typeof body !== "object") return body;
  const { pkcs7: _privateKey, ...rest } = body as Record<string, unknown>;
  // Paged responses wrap the keys in a `keys` array.
  if (Array.isArray(rest.keys)) rest.keys = rest.keys.map(withoutPrivateKeys);
  return rest;
}
