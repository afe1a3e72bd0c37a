import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { lambdaBuildOptions } from "../infra/lambda-build.js";
import { stopSharedEngine } from "../test/support/local-engine.js";
import { invokeCold, median, round, seededEnvironment } from "./cold-start.js";
import { bundleLambda } from "./lambda-bundle.js";

const RUNS = 10;
const INVOKE_CACHED = fileURLToPath(new URL("./cold-start/invoke-cached.cjs", import.meta.url));
const BUILD_ROOT = fileURLToPath(new URL("./.tmp/", import.meta.url));

/**
 * `tsx bench/code-cache.ts`: measures how much of the cold start V8's code
 * cache would remove, the mechanism behind `module.enableCompileCache()` in
 * Node 22. Node 20 has no compile cache, so the app bundle is built as
 * CommonJS and loaded through `vm.Script` with and without `cachedData`
 * that an earlier run produced. Each variant runs `RUNS` times, interleaved
 * with the app's ES module bundle and the cold-start baseline, and the
 * medians go into the `codeCache` section of bench/results.json.
 *
 * The deployment does not use a code cache (docs/performance.md explains why),
 * so this is not part of `npm run bench`.
 */
async function main(): Promise<void> {
  await mkdir(BUILD_ROOT, { recursive: true });
  const outdir = await mkdtemp(join(BUILD_ROOT, "code-cache-"));
  try {
    const baseline = await bundleLambda("bench/cold-start/baseline-lambda.ts", outdir, "baseline", { reference: true });
    const app = await bundleLambda("app/lambda.ts", outdir, "app");
    const appCommonJs = join(outdir, "app.cjs");
    await build({
      ...lambdaBuildOptions("app/lambda.ts", appCommonJs),
      format: "cjs",
      // A CommonJS bundle has require() of its own.
      banner: {},
      // Node 20 loses the callback for import() in functions restored from a code cache
      // ("A dynamic import callback was not specified"), so import() becomes require().
      supported: { "dynamic-import": false },
      // esbuild warns that import.meta is empty in CommonJS. Only app/login-assets.ts reads it, in a function Lambda never calls.
      logLevel: "error",
    });
    const cacheFile = join(outdir, "app.cjs.cache");

    const env = await seededEnvironment();
    await invokeCold(appCommonJs, env, INVOKE_CACHED, [cacheFile, "--write-cache"]);

    const variants = {
      baseline: () => invokeCold(baseline.file, env),
      app: () => invokeCold(app.file, env),
      appCommonJs: () => invokeCold(appCommonJs, env, INVOKE_CACHED),
      appCommonJsCached: () => invokeCold(appCommonJs, env, INVOKE_CACHED, [cacheFile]),
    };
    type Variant = keyof typeof variants;
    const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, { firstResponse: [] as number[], cpu: [] as number[] }])) as Record<Variant, { firstResponse: number[]; cpu: number[] }>;
    for (let run = 0; run < RUNS; run++) {
      for (const name of Object.keys(variants) as Variant[]) {
        const sample = await variants[name]();
        samples[name].firstResponse.push(sample.wallMs);
        samples[name].cpu.push(sample.cpuMs);
      }
    }

    const baselineFirstResponse = median(samples.baseline.firstResponse);
    const baselineCpu = median(samples.baseline.cpu);
    const codeCache = {
      generatedAt: new Date().toISOString(),
      runs: RUNS,
      cacheBytes: (await readFile(cacheFile)).length,
      variants: Object.fromEntries(
        (Object.keys(variants) as Variant[]).map((name) => {
          const firstResponseMs = median(samples[name].firstResponse);
          const cpuMs = median(samples[name].cpu);
          return [name, { firstResponseMs: round(firstResponseMs), cpuMs: round(cpuMs), firstResponseRatio: round(firstResponseMs / baselineFirstResponse), cpuRatio: round(cpuMs / baselineCpu) }];
        }),
      ),
    };
    console.table(codeCache.variants);

    const resultsFile = new URL("./results.json", import.meta.url);
    const results = JSON.parse(await readFile(resultsFile, "utf8")) as Record<string, unknown>;
    await writeFile(resultsFile, `${JSON.stringify({ ...results, codeCache }, null, 2)}\n`);
    console.log("updated the codeCache section of bench/results.json");
  } finally {
    await stopSharedEngine();
    await rm(outdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
