import { dirname, join } from "node:path";

import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";

import { authheroPureSchemas } from "./pure-schema-annotations.js";

/**
 * esbuild options for a Lambda bundle: one minified, tree-shaken ES module
 * for Node 20 (the oldest runtime the stack config allows) with every
 * dependency inside it, an external source map and, when the inputs have
 * any, legal comments in `<outfile>.LEGAL.txt`.
 *
 * `mainFields` puts `module` first, so packages that ship both builds, such
 * as the AWS SDK, contribute their ES modules. esbuild can tree-shake ES
 * modules but not CommonJS, so this saves about 0.2 MB. The SDK packages
 * have no `exports` map, so Node itself loads their `main` (CommonJS)
 * build, and `npm start` and the tests run that build of the same versions.
 *
 * `charset: "utf8"` writes non-ASCII characters as they are, not as `\u`
 * escapes, which saves about 70 KB, mostly in AuthHero's translations.
 * Node reads ES modules as UTF-8.
 */
export function lambdaBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    sourcemap: "external",
    legalComments: "external",
    charset: "utf8",
    logLevel: "warning",
    metafile: true,
    plugins: [zodEnglishOnly, credentialsFromEnvironmentOnly, authheroPureSchemas],
    // Dependencies published as CommonJS call require(), which an ES module lacks.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  };
}

/** Builds one Lambda bundle with `lambdaBuildOptions` and returns esbuild's metafile. */
export async function buildLambdaBundle(entry: string, outfile: string): Promise<Metafile> {
  const result = await build(lambdaBuildOptions(entry, outfile));
  return result.metafile!;
}

/**
 * Keeps only zod's English error messages. zod 4 exports its 63
 * translations as `z.locales`, about 0.26 MB minified. They take effect only
 * through `z.config(z.locales.xx())`, which neither this app nor AuthHero
 * 9.6.1 nor @hono/zod-openapi calls. English stays the default, so error
 * messages are unchanged, but `z.locales` then contains only `en`.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/]/.test(args.importer)) return undefined;
      return { path: join(args.resolveDir, "..", "locales", "index.js"), namespace: "zod-english-only" };
    });
    esbuild.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Replaces the SDK's default credential chain with its first link, the
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
 * environment variables. Lambda sets these for every function from its
 * execution role, and the default chain reads them first unless
 * `AWS_PROFILE` is set, so on Lambda the other links (SSO, ini files,
 * credential processes, web identity, container and instance metadata)
 * never run. Dropping them saves about 0.14 MB. Only the Lambda bundles
 * use this: the container server keeps the full chain.
 */
const credentialsFromEnvironmentOnly: Plugin = {
  name: "credentials-from-environment-only",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
      // The nested resolve below passes through this callback too, and then gets esbuild's own result.
      if (args.pluginData?.real === true) return undefined;
      const real = await esbuild.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length > 0) return undefined;
      return { path: real.path, namespace: "credentials-from-environment-only" };
    });
    esbuild.onLoad({ filter: /.*/, namespace: "credentials-from-environment-only" }, (args) => ({
      contents: 'import { fromEnv } from "@aws-sdk/credential-provider-env"; export const defaultProvider = (init = {}) => fromEnv(init);',
      loader: "js",
      // Resolved from the real package, so the stub uses the credential-provider-env version it depends on.
      resolveDir: dirname(args.path),
    }));
  },
};
