import { baseConfig, run } from "../test/infra/harness.js";

/**
 * Evaluates the Pulumi program under the test mocks (test/setup/pulumi-mocks.ts,
 * which this import chain installs) for 1, 3 and 8 regions, and prints, as
 * one JSON line, the median evaluation time and the resources declared per
 * region count. Run it as its own process (`tsx bench/program-evaluation.ts`),
 * because Pulumi's mocks are global to the process.
 */
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1", "ca-central-1"];
const REGION_COUNTS = [1, 3, 8];
const RUNS = 3;

export interface ProgramEvaluation {
  regions: number;
  /** Median milliseconds from declaring the deployment until every resource is registered. */
  medianMs: number;
  resources: number;
  /** Resources the mocks recorded with no region of their own or of their provider. */
  globalResources: number;
}

async function main(): Promise<void> {
  // The first evaluation builds the Lambda bundles with esbuild; later ones reuse them.
  await run(baseConfig({ regions: REGIONS.slice(0, 1), homeRegion: REGIONS[0] }));

  const results: ProgramEvaluation[] = [];
  for (const count of REGION_COUNTS) {
    const config = baseConfig({ regions: REGIONS.slice(0, count), homeRegion: REGIONS[0] });
    const timings: number[] = [];
    let resources = 0;
    let globalResources = 0;
    for (let attempt = 0; attempt < RUNS; attempt++) {
      const started = performance.now();
      const result = await run(config);
      timings.push(performance.now() - started);
      resources = result.resources.length;
      globalResources = result.resources.filter((resource) => resource.region === undefined).length;
    }
    timings.sort((left, right) => left - right);
    results.push({ regions: count, medianMs: Math.round(timings[Math.floor(RUNS / 2)]!), resources, globalResources });
  }
  process.stdout.write(`\nprogram-evaluation ${JSON.stringify(results)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
