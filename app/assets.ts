import { Hono } from "hono";
import type { MiddlewareHandler } from "hono";
import { loadLoginAssets, rewriteLoginHtml } from "./login-assets.js";
import { replaceResponse } from "./replace-response.js";

const ASSET_PATHS = ["/u/css/*", "/u/js/*", "/u/widget/*"];

/**
 * Serves AuthHero's login assets from memory, rewritten by login-assets.ts.
 * Hashed widget chunks are cached for a year; the other files keep their
 * names across AuthHero versions, so they are revalidated hourly by ETag.
 */
export function createAssetRoutes(): Hono {
  const assets = loadLoginAssets();
  const app = new Hono();
  for (const path of ASSET_PATHS) {
    app.get(path, (c) => {
      const asset = assets.get(c.req.path);
      if (!asset) return c.json({ error: "not_found", error_description: `No login asset at \`${c.req.path}\`.` }, 404);
      const headers = {
        "content-type": asset.contentType,
        etag: asset.etag,
        "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      };
      if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
      return c.body(new Uint8Array(asset.body), 200, headers);
    });
  }
  return app;
}

/**
 * Sends asset requests to the CDN that serves the rewritten assets (on
 * Lambda, where the function has no copy of them). A temporary redirect,
 * cached for an hour, so moving the CDN never strands browsers.
 */
export function redirectAssetRoutes(assetsUrl: string): Hono {
  const base = assetsUrl.replace(/\/$/, "");
  const app = new Hono();
  for (const path of ASSET_PATHS) {
    app.get(path, (c) => {
      const query = new URL(c.req.url).search;
      c.header("cache-control", "public, max-age=3600");
      return c.redirect(`${base}${c.req.path}${query}`, 302);
    });
  }
  return app;
}

/** Rewrites AuthHero's HTML pages so they load nothing from third-party hosts. */
export function selfHostedPages(): MiddlewareHandler {
  return async function rewritePages(c, next) {
    await next();
    if (!c.res.headers.get("content-type")?.includes("text/html")) return;
    const html = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    replaceResponse(c, new Response(rewriteLoginHtml(html), { status: c.res.status, headers }));
  };
}
