/**
 * Builds one Lambda bundle: `node --import tsx infra/lambda-build-cli.ts ENTRY OUTFILE`.
 * infra/bundle.ts runs this as a child process, because esbuild plugins
 * need its asynchronous API and the Pulumi program declares resources
 * synchronously.
 */
import { buildLambdaBundle } from "./lambda-build.js";

const [entry, outfile] = process.argv.slice(2);
if (entry === undefined || outfile === undefined) {
  console.error("usage: lambda-build-cli.ts ENTRY OUTFILE");
  process.exit(2);
}
await buildLambdaBundle(entry, outfile);
