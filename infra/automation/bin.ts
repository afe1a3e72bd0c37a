#!/usr/bin/env -S node --import tsx
/**
 * The `authhero-global` command. All logic lives in `main()` in cli.ts so
 * tests run it without a process; this file only connects it to the process.
 */
import { main } from "./cli.js";

const exitCode = await main(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
process.exitCode = exitCode;
