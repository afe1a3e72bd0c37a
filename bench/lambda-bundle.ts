import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { lambdaBuildOptions } from "../infra/lambda-build.js";

export interface BundleSize {
  entry: string;
  /** Bytes of the minified bundle, without its source map. */
  rawBytes: number;
  /** The same bytes gzipped at the default level, roughly what a Lambda zip holds. */
  gzipBytes: number;
  sourceMapBytes: number;
  /** Output bytes by npm package (our own code is `(app)`), largest first. */
  byPackage: Record<string, number>;
}

export interface BundleVariant {
  /** Packages left out of the bundle, to be loaded from node_modules at run time. */
  external?: string[];
  /**
   * Builds with esbuild's defaults for Node instead: `main` before `module`, ASCII
   * output, all of zod's translations, the SDK's full credential chain and every
   * AuthHero schema. infra/bundle.ts built
   * that way before it took `lambdaBuildOptions`. The bench keeps this build to
   * measure what those options save, and as the fixed build of the cold-start baseline.
   */
  reference?: boolean;
}

/**
 * Bundles a Lambda entry with the options infra/bundle.ts uses
 * (`lambdaBuildOptions`: ESM for Node 20, minified, tree-shaken, external
 * source map) into `outdir/<name>.mjs`, or with the changes in `variant`.
 */
export async function bundleLambda(entry: string, outdir: string, name: string, variant: BundleVariant = {}): Promise<BundleSize & { file: string }> {
  const file = join(outdir, `${name}.mjs`);
  const options = lambdaBuildOptions(entry, file);
  if (variant.reference) {
    delete options.mainFields;
    delete options.charset;
    delete options.plugins;
  }
  const result = await build({ ...options, external: variant.external ?? [] });
  const code = await readFile(file);
  return {
    entry,
    file,
    rawBytes: code.length,
    gzipBytes: gzipSync(code).length,
    sourceMapBytes: (await stat(`${file}.map`)).size,
    byPackage: bytesByPackage(result.metafile!),
  };
}

function bytesByPackage(metafile: Metafile): Record<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((left, right) => right[1] - left[1]));
}

/** `node_modules/@scope/name/...` to `@scope/name`, other paths to `(app)`. */
function packageOf(path: string): string {
  const parts = path.split("node_modules/");
  if (parts.length < 2) return "(app)";
  const segments = parts[parts.length - 1]!.split("/");
  return segments[0]!.startsWith("@") ? `${segments[0]}/${segments[1]}` : segments[0]!;
}
