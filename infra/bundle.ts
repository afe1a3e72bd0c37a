import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";

/**
 * Repository root, found from this file rather than the working directory,
 * because the Pulumi CLI runs the program from the `main` folder.
 */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Lambda entry files, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  /** Exports `handler` (hono/aws-lambda) for API Gateway events. */
  api: "app/lambda.ts",
  /** Exports `handler(event)` that seeds a tenant, signing key and admin idempotently. */
  seed: "app/seed-lambda.ts",
  /** Exports `handler(event)` that removes expired items; scheduled only on strong-consistency tables, which have no TTL. */
  retention: "app/retention-lambda.ts",
} as const;

export type BundleName = keyof typeof LAMBDA_ENTRIES;

export interface AppBundle {
  /** Directory that contains `index.mjs`, so the Lambda handler is `index.handler`. */
  readonly directory: string;
  readonly bytes: number;
  readonly archive: pulumi.asset.Archive;
}

export type AppBundles = Readonly<Record<BundleName, AppBundle>>;

const cache = new Map<string, AppBundles>();

/**
 * Bundles every Lambda entry with esbuild into `.build/lambda/<name>/index.mjs`.
 * Runs while the program runs, so `pulumi up` always ships the current `app/`
 * code, and Pulumi redeploys a function only when its bundle's hash changes.
 * Results are cached per process.
 */
export function bundleApp(root: string = REPO_ROOT): AppBundles {
  const cached = cache.get(root);
  if (cached !== undefined) {
    return cached;
  }

  const bundles = Object.fromEntries(
    (Object.keys(LAMBDA_ENTRIES) as BundleName[]).map((name) => [name, bundleEntry(root, name)]),
  ) as Record<BundleName, AppBundle>;
  cache.set(root, bundles);
  return bundles;
}

/** Bundles one entry; `bundleApp` calls this for each entry. */
export function bundleEntry(root: string, name: BundleName): AppBundle {
  const entry = join(root, LAMBDA_ENTRIES[name]);
  if (!existsSync(entry)) {
    throw new Error(`bundleApp: the Lambda entry ${LAMBDA_ENTRIES[name]} does not exist under ${root}`);
  }

  const directory = join(root, ".build", "lambda", name);
  mkdirSync(directory, { recursive: true });
  const outfile = join(directory, "index.mjs");
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    // Dependencies published as CommonJS call require(), which an ES module lacks.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });

  return { directory, bytes: statSync(outfile).size, archive: new pulumi.asset.FileArchive(directory) };
}
