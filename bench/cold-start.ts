import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../app/dynamodb/client.js";
import { createRuntime } from "../app/runtime.js";
import { readSettings } from "../app/settings.js";
import { freshTable, TEST_REGION } from "../test/support/local-engine.js";
import { seedTestTenant } from "../test/support/test-server.js";
import { bundleLambda, type BundleSize } from "./lambda-bundle.js";

const ISSUER = "https://cold-start.example.test/";
const INVOKE = fileURLToPath(new URL("./cold-start/invoke.mjs", import.meta.url));
const BUILD_ROOT = fileURLToPath(new URL("./.tmp/", import.meta.url));

/**
 * The bundles measured. `baseline` is the cold-start reference, a bare Hono
 * app with the DynamoDB client. It keeps one fixed build (`reference`), so
 * ratios stay comparable when the app's build options change.
 * `baselineSameOptions` is the same code built like the app. `appReference`
 * is the app built the way infra/bundle.ts did before `lambdaBuildOptions`.
 * The others split the app's cost: AuthHero's module alone, AuthHero's
 * module plus init(), and the app with the AWS SDK left out of the bundle,
 * as Lambda's Node.js runtime provides one.
 */
const BUNDLES = {
  app: { entry: "app/lambda.ts" },
  baseline: { entry: "bench/cold-start/baseline-lambda.ts", reference: true },
  baselineSameOptions: { entry: "bench/cold-start/baseline-lambda.ts" },
  appReference: { entry: "app/lambda.ts", reference: true },
  authheroOnly: { entry: "bench/cold-start/authhero-only.ts" },
  authheroInit: { entry: "bench/cold-start/authhero-init.ts" },
  appSdkExternal: { entry: "app/lambda.ts", external: ["@aws-sdk/*", "@smithy/*"] },
} as const;

type BundleName = keyof typeof BUNDLES;

interface Ratios {
  firstResponse: number;
  loaded: number;
  cpu: number;
}

export interface ColdStart {
  runs: number;
  /** Median milliseconds from spawning `node` until the child exits after its first response. */
  processToFirstResponseMs: Record<BundleName, number>;
  /** Median milliseconds from process start until the bundle's module finished evaluating (handler built). */
  processToLoadedMs: Record<BundleName, number>;
  /** Median CPU milliseconds (user and system, all threads) the process used until its first response. */
  processCpuMs: Record<BundleName, number>;
  /** App over baseline (its fixed reference build), for each median. */
  ratios: Ratios;
  /** The same ratios against the baseline built with the app's options. */
  ratiosSameOptions: Ratios;
  /** The app built as before `lambdaBuildOptions`, over the baseline. */
  ratiosReferenceBuild: Ratios;
}

/**
 * Builds each bundle, then starts `runs` fresh Node processes per bundle,
 * interleaved so that drift in the machine's load hits all of them alike.
 * Each process loads its bundle and serves one discovery request against
 * the local engine, on a table seeded like `npm start`.
 */
export async function measureBundlesAndColdStart(runs = 10): Promise<{ bundles: Record<BundleName, BundleSize>; coldStart: ColdStart }> {
  // Inside the repository (and ignored by git), so a bundle with the SDK left out finds it in node_modules.
  await mkdir(BUILD_ROOT, { recursive: true });
  const outdir = await mkdtemp(join(BUILD_ROOT, "bundles-"));
  try {
    const built = {} as Record<BundleName, BundleSize & { file: string }>;
    for (const name of Object.keys(BUNDLES) as BundleName[]) {
      const bundle: { entry: string; external?: readonly string[]; reference?: boolean } = BUNDLES[name];
      built[name] = await bundleLambda(bundle.entry, outdir, name, { external: [...(bundle.external ?? [])], reference: bundle.reference });
    }

    const env = await seededEnvironment();
    const samples = { firstResponse: emptySamples(), loaded: emptySamples(), cpu: emptySamples() };
    for (let run = 0; run < runs; run++) {
      for (const name of Object.keys(BUNDLES) as BundleName[]) {
        const sample = await invokeCold(built[name].file, env);
        samples.firstResponse[name].push(sample.wallMs);
        samples.loaded[name].push(sample.loaded);
        samples.cpu[name].push(sample.cpuMs);
      }
    }

    const firstResponse = medians(samples.firstResponse);
    const loaded = medians(samples.loaded);
    const cpu = medians(samples.cpu);
    const ratio = (name: BundleName, base: BundleName): Ratios => ({
      firstResponse: round(firstResponse[name] / firstResponse[base]),
      loaded: round(loaded[name] / loaded[base]),
      cpu: round(cpu[name] / cpu[base]),
    });
    const bundles = Object.fromEntries(Object.entries(built).map(([name, { file: _file, ...size }]) => [name, size])) as Record<BundleName, BundleSize>;
    return {
      bundles,
      coldStart: {
        runs,
        processToFirstResponseMs: firstResponse,
        processToLoadedMs: loaded,
        processCpuMs: cpu,
        ratios: ratio("app", "baseline"),
        ratiosSameOptions: ratio("app", "baselineSameOptions"),
        ratiosReferenceBuild: ratio("appReference", "baseline"),
      },
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** Creates a table with the tenant seeded and returns the environment a Lambda would get for it. */
export async function seededEnvironment(): Promise<NodeJS.ProcessEnv> {
  const { endpoint, tableName } = await freshTable("cold-start");
  const env = {
    AWS_REGION: TEST_REGION,
    AUTHHERO_DYNAMODB_ENDPOINT: endpoint,
    AUTHHERO_TABLE_NAME: tableName,
    AUTHHERO_ISSUER: ISSUER,
    AUTHHERO_TENANT_ID: "main",
  };
  const seeding = createRuntime({ ...readSettings(env), cacheTtlSeconds: 0 });
  await seedTestTenant(seeding.dataAdapter, ISSUER.slice(0, -1));
  // The item the baseline reads, so both handlers respond after one GetItem that finds an item.
  await createDocumentClient({ region: TEST_REGION, endpoint }).send(new PutCommand({ TableName: tableName, Item: { pk: "baseline", sk: "baseline" } }));
  return { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1", NODE_NO_WARNINGS: "1", ...env };
}

/**
 * Runs `runner` (by default invoke.mjs) on `bundle` in a fresh Node process
 * and returns its wall time and the report line it prints.
 */
export async function invokeCold(bundle: string, env: NodeJS.ProcessEnv, runner = INVOKE, runnerArgs: string[] = []): Promise<{ wallMs: number; loaded: number; cpuMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [runner, bundle, ...runnerArgs], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`Cold start of ${bundle} failed with exit code ${code}: ${stderr.slice(-2000)}`);
  const line = stdout.split("\n").find((candidate) => candidate.startsWith("cold-start-report "));
  if (!line) throw new Error(`Cold start of ${bundle} printed no report: ${stdout.slice(-2000)}`);
  const report = JSON.parse(line.slice("cold-start-report ".length)) as { status: number; loaded: number; responded: number; cpuMs: number; cacheRejected?: boolean };
  if (report.status !== 200) throw new Error(`Cold start of ${bundle} returned status ${report.status}, expected 200.`);
  if (report.cacheRejected === true) throw new Error(`Cold start of ${bundle}: V8 rejected the code cache, so the run measured no cache.`);
  return { wallMs, loaded: report.loaded, cpuMs: report.cpuMs };
}

function emptySamples(): Record<BundleName, number[]> {
  return Object.fromEntries(Object.keys(BUNDLES).map((name) => [name, []])) as unknown as Record<BundleName, number[]>;
}

function medians(samples: Record<BundleName, number[]>): Record<BundleName, number> {
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, round(median(values))])) as Record<BundleName, number>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
