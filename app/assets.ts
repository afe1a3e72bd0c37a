import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

/**
 * Serves AuthHero's login assets (`/u/css`, `/u/js`, `/u/widget`) from its
 * installed dist. Widget chunks carry a content hash in their name, so they
 * are cached for a year; the other files change with AuthHero's version
 * under a fixed name, so they are revalidated hourly.
 */
export function createAssetRoutes(): Hono {
  const require = createRequire(import.meta.url);
  const distAssets = join(dirname(require.resolve("authhero")), "assets");
  const root = relative(process.cwd(), distAssets) || ".";
  const app = new Hono();
  app.use("/u/css/*", cacheFor(3600), serveStatic({ root }));
  app.use("/u/js/*", cacheFor(3600), serveStatic({ root }));
  app.use("/u/widget/*", async (c, next) => {
    await next();
    if (c.res.ok) c.header("cache-control", /\/p-[\w-]+(\.entry)?\.js$/.test(c.req.path) ? "public, max-age=31536000, immutable" : "public, max-age=3600");
  }, serveStatic({ root }));
  return app;
}

function cacheFor(seconds: number) {
  return async (c: { res: Response; header: (name: string, value: string) => void }, next: () => Promise<void>) => {
    await next();
    if (c.res.ok) c.header("cache-control", `public, max-age=${seconds}`);
  };
}
