import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

/**
 * AuthHero's login pages and CSS load fonts, icons and a background image
 * from its vendor's hosts. Serving those from a third party would tell it
 * the IP address of everyone who signs in, and the pages break where that
 * host is blocked, so the pages and CSS are rewritten to use only our own
 * assets and the system font.
 */
const THIRD_PARTY_URL = /https:\/\/(?:assets|login2)\.sesamy\.com\/[^\s"'()]*/;

/** Icons of AuthHero's icon font, drawn with Unicode symbols in the page's own font. */
const ICON_SYMBOLS: Record<string, string> = {
  "arrow-right": "\\2192",
  "arrow-left": "\\2190",
  "arrow-up": "\\2191",
  "arrow-down": "\\2193",
  info: "\\24D8",
  "info-bubble": "\\24D8",
  // Brand logos and the spinner have no Unicode equivalent; their buttons carry text.
  apple: "",
  facebook: "",
  google: "",
  sesamy: "",
  "spinner-circle": "",
  "spinner-inner": "",
};

export function rewriteLoginCss(css: string): string {
  const withoutRemoteFonts = css.replace(/@font-face\{[^}]*\}/g, (rule) => (THIRD_PARTY_URL.test(rule) ? "" : rule));
  const icons = Object.entries(ICON_SYMBOLS).map(([name, symbol]) => `.uicon-${name}:before{content:"${symbol}"}`);
  return `${withoutRemoteFonts}\n[class*=" uicon-"],[class^=uicon-]{font-family:inherit!important}\n${icons.join("")}\n`;
}

export function rewriteLoginHtml(html: string): string {
  return html
    .replace(/<link\b[^>]*\brel="preload"[^>]*>/g, (tag) => (THIRD_PARTY_URL.test(tag) ? "" : tag))
    .replace(/url\((?:&quot;|["'])?(https:\/\/(?:assets|login2)\.sesamy\.com\/[^)"'&]*)(?:&quot;|["'])?\)/g, "none");
}

export interface LoginAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Widget chunks carry a content hash in their names, so they may be cached for good. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** The directory of AuthHero's built login assets (`u/css`, `u/js`, `u/widget`). */
export function authheroAssetsDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("authhero")), "assets");
}

/** Loads every asset under `u/`, rewritten, keyed by URL path such as `/u/css/tailwind.css`. */
export function loadLoginAssets(directory = authheroAssetsDirectory()): Map<string, LoginAsset> {
  const assets = new Map<string, LoginAsset>();
  for (const file of listFiles(join(directory, "u"))) {
    const urlPath = `/${relative(directory, file).split("\\").join("/")}`;
    const extension = file.slice(file.lastIndexOf("."));
    let body = readFileSync(file);
    if (extension === ".css") body = Buffer.from(rewriteLoginCss(body.toString("utf8")));
    assets.set(urlPath, {
      body,
      contentType: CONTENT_TYPES[extension] ?? "application/octet-stream",
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      immutable: /\/widget\/p-[\w-]+(\.entry)?\.js$/.test(urlPath),
    });
  }
  return assets;
}

/** Writes the rewritten assets to `outDirectory`, for upload to the asset bucket. */
export function writeLoginAssets(outDirectory: string, directory = authheroAssetsDirectory()): string[] {
  const written: string[] = [];
  for (const [urlPath, asset] of loadLoginAssets(directory)) {
    const target = join(outDirectory, urlPath);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, asset.body);
    written.push(urlPath);
  }
  return written;
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}
