import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

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

/**
 * Bundles a Lambda entry as infra/bundle.ts does (esbuild, ESM for Node 20,
 * minified, every dependency included unless named in `external`), with
 * tree shaking and an external source map, into `outdir/<name>.mjs`.
 */
export async function bundleLambda(entry: string, outdir: string, name: string, external: string[] = []): Promise<BundleSize & { file: string }> {
  const file = join(outdir, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    treeShaking: true,
    sourcemap: "external",
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
    external,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const code = await readFile(file);
  return {
    entry,
    file,
    rawBytes: code.length,
    gzipBytes: gzipSync(code).length,
    sourceMapBytes: (await stat(`${file}.map`)).size,
    byPackage: bytesByPackage(result.metafile),
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
