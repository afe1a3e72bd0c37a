import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as pulumi from "@pulumi/pulumi";

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

/** The script that builds one bundle with the options in `lambda-build.ts`, run as a child process (its header gives the reason). */
const BUILD_CLI = join(REPO_ROOT, "infra", "lambda-build-cli.ts");

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
  try {
    execFileSync(process.execPath, ["--import", "tsx", BUILD_CLI, entry, outfile], { cwd: REPO_ROOT, stdio: "inherit" });
  } catch (error) {
    throw new Error(`bundleApp: esbuild failed to bundle ${LAMBDA_ENTRIES[name]}; its messages are printed above`, { cause: error });
  }
  // The source map moves out of the archive, so Lambda does not download it on every cold start. Its
  // new directory is as deep as the old one, so the relative source paths inside it still resolve.
  const mapDirectory = join(root, ".build", "lambda-source-maps", name);
  mkdirSync(mapDirectory, { recursive: true });
  renameSync(`${outfile}.map`, join(mapDirectory, "index.mjs.map"));

  return { directory, bytes: statSync(outfile).size, archive: new pulumi.asset.FileArchive(directory) };
}
