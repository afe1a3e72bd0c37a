import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

import { classifyError, EXIT_CODES, ToolError } from "./errors.js";
import { createLocalWorkspace, type LocalWorkspaceSettings } from "./local-workspace.js";
import { deployStack, destroyStack, previewStack, refreshStack, stackHealth, stackOutputs, type OperationContext } from "./operations.js";
import { ProgressReporter } from "./progress.js";
import { addRegion, removeRegion } from "./region-change.js";
import { secret, type ConfigValue, type StackConfig } from "./stack-config.js";
import type { OpMap, PulumiWorkspace } from "./workspace.js";

export const USAGE = `Usage: authhero-global <command> --stack <name> [options]

Commands:
  deploy                 Create or select the stack, store --config if given, validate, run up
  preview                Preview an update; with --config, against that config (stored config is kept)
  outputs                Print the stack outputs
  health                 Request /health in every region of the \`endpoints\` output
  add-region <region>    Validate, preview and, when safe, apply adding a region
  remove-region <region> Validate, preview and, when safe, apply removing a region
  refresh                Refresh the stack's state from AWS
  destroy                Delete every resource; rejected for stacks with \`protect\` unless --force

Options:
  --stack <name>         Stack to operate on (required)
  --program <source>     inline (run the program in this process, default) or project (run Pulumi.yaml's main)
  --config <file>        JSON stack config for deploy and preview; write a secret as {"secret": "<value>"}
                         or {"secretEnv": "<environment variable>"}
  --json                 Print one JSON object per line instead of text
  --preview-only         add-region, remove-region: stop after the preview and keep the stored config
  --force                destroy: destroy a stack that sets \`protect\`
  --timeout <seconds>    health: timeout per region (default 5)
  --help                 Print this help

Exit codes: 0 ok, 1 operation failed, 2 usage error, 3 invalid config, 4 rejected as unsafe or protected,
5 stack not found, 6 concurrent update, 7 missing credentials, 8 Pulumi CLI not found, 9 a region is unhealthy.
`;

const COMMANDS = ["deploy", "preview", "outputs", "health", "add-region", "remove-region", "refresh", "destroy"] as const;
type Command = (typeof COMMANDS)[number];

export interface CliIo {
  /** Writes one line of normal output. */
  readonly stdout: (line: string) => void;
  /** Writes one line of error output. */
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Builds the workspace. Tests pass a fake, and the default is LocalWorkspace through the Pulumi CLI. */
  readonly createWorkspace?: (settings: LocalWorkspaceSettings) => PulumiWorkspace;
}

interface Invocation {
  readonly command: Command;
  readonly region: string | undefined;
  readonly stack: string;
  readonly program: "inline" | "project";
  readonly configFile: string | undefined;
  readonly json: boolean;
  readonly previewOnly: boolean;
  readonly force: boolean;
  readonly timeoutMs: number;
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let invocation: Invocation | "help";
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    io.stderr(error instanceof Error ? error.message : String(error));
    io.stderr("Run with --help for usage.");
    return EXIT_CODES.usage;
  }
  if (invocation === "help") {
    USAGE.trimEnd().split("\n").forEach((line) => io.stdout(line));
    return EXIT_CODES.ok;
  }

  const progress = new ProgressReporter({ write: io.stdout, json: invocation.json });
  const workspace = (io.createWorkspace ?? createLocalWorkspace)({ program: invocation.program });
  const context: OperationContext = { workspace, stack: invocation.stack, progress };
  try {
    return await runCommand(invocation, context, io);
  } catch (error) {
    const failure = classifyError(error, invocation.stack);
    if (invocation.json) {
      io.stdout(JSON.stringify({ event: "error", code: failure.code, exitCode: failure.exitCode, message: failure.message }));
    } else {
      io.stderr(`error: ${failure.message}`);
    }
    return failure.exitCode;
  }
}

async function runCommand(invocation: Invocation, context: OperationContext, io: CliIo): Promise<number> {
  const progress = context.progress as ProgressReporter;
  switch (invocation.command) {
    case "deploy": {
      const config = invocation.configFile === undefined ? undefined : await readConfigFile(invocation.configFile, io.env);
      const result = await deployStack(context, config === undefined ? {} : { config });
      printResult(progress, "deploy", result.changes);
      printOutputs(progress, result.outputs);
      return EXIT_CODES.ok;
    }
    case "preview": {
      const config = invocation.configFile === undefined ? undefined : await readConfigFile(invocation.configFile, io.env);
      await previewStack(context, config === undefined ? {} : { config });
      return EXIT_CODES.ok;
    }
    case "outputs":
      printOutputs(progress, await stackOutputs(context));
      return EXIT_CODES.ok;
    case "health":
      return printHealth(progress, await stackHealth(context, { timeoutMs: invocation.timeoutMs }));
    case "add-region":
    case "remove-region": {
      const change = invocation.command === "add-region" ? addRegion : removeRegion;
      const result = await change(context, { region: invocation.region ?? "", previewOnly: invocation.previewOnly });
      if (result.changes !== undefined) {
        printResult(progress, invocation.command, result.changes);
      }
      return EXIT_CODES.ok;
    }
    case "refresh":
      printResult(progress, "refresh", await refreshStack(context));
      return EXIT_CODES.ok;
    case "destroy":
      printResult(progress, "destroy", await destroyStack(context, { force: invocation.force }));
      return EXIT_CODES.ok;
  }
}

const OPTIONS = {
  stack: { type: "string" },
  program: { type: "string", default: "inline" },
  config: { type: "string" },
  json: { type: "boolean", default: false },
  "preview-only": { type: "boolean", default: false },
  force: { type: "boolean", default: false },
  timeout: { type: "string", default: "5" },
  help: { type: "boolean", default: false },
} as const;

function parseInvocation(argv: readonly string[]): Invocation | "help" {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  if (values.help || positionals.length === 0) {
    return "help";
  }

  const { command, region } = parseCommand(positionals);
  if (values.stack === undefined || values.stack === "") {
    throw new Error("--stack is missing. Pass the stack name, for example --stack prod.");
  }
  if (values.program !== "inline" && values.program !== "project") {
    throw new Error(`--program must be inline or project, got "${values.program}".`);
  }
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new Error(`--timeout must be a positive number of seconds, got "${values.timeout}".`);
  }
  if (values.config !== undefined && command !== "deploy" && command !== "preview") {
    throw new Error("--config applies only to deploy and preview.");
  }

  return {
    command,
    region,
    stack: values.stack,
    program: values.program,
    configFile: values.config,
    json: values.json,
    previewOnly: values["preview-only"],
    force: values.force,
    timeoutMs: timeoutSeconds * 1000,
  };
}

/** Checks the positional arguments: a known command, plus a region for add-region and remove-region. */
function parseCommand(positionals: readonly string[]): { command: Command; region: string | undefined } {
  const [command, region, ...extra] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command ?? "")) {
    throw new Error(`Unknown command "${command}". Commands: ${COMMANDS.join(", ")}.`);
  }
  const takesRegion = command === "add-region" || command === "remove-region";
  if (takesRegion && region === undefined) {
    throw new Error(`${command} needs a region, for example \`${command} eu-central-1 --stack prod\`.`);
  }
  if ((!takesRegion && region !== undefined) || extra.length > 0) {
    throw new Error(`Unexpected argument "${takesRegion ? extra[0] : region}".`);
  }
  return { command: command as Command, region };
}

/**
 * Reads a JSON stack config file. A top-level value `{"secret": "<value>"}`
 * or `{"secretEnv": "<variable>"}` becomes a secret. The second form keeps
 * the secret out of the file.
 */
export async function readConfigFile(path: string, env: CliIo["env"]): Promise<StackConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ToolError("usage", `--config file ${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ToolError("usage", `--config file ${path} must contain a JSON object of config keys, such as {"regions": ["us-east-1"]}.`);
  }

  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, ConfigValue>)) {
    config[key] = decodeSecretMarker(key, value, path, env);
  }
  return config as StackConfig;
}

function decodeSecretMarker(key: string, value: ConfigValue, path: string, env: CliIo["env"]): unknown {
  if (typeof value !== "object" || Array.isArray(value)) {
    return value;
  }
  const fields = Object.keys(value);
  const marker = value as Record<string, ConfigValue>;
  if (fields.length === 1 && typeof marker.secret === "string") {
    return secret(marker.secret);
  }
  if (fields.length === 1 && typeof marker.secretEnv === "string") {
    const fromEnv = env[marker.secretEnv];
    if (fromEnv === undefined || fromEnv === "") {
      throw new ToolError("usage", `\`${key}\` in ${path} reads the environment variable ${marker.secretEnv}, which is not set. Export it and run the command again.`);
    }
    return secret(fromEnv);
  }
  return value;
}

function printResult(progress: ProgressReporter, command: string, changes: OpMap): void {
  progress.emit({ event: "result", command, changes }, `${command} finished.`);
}

function printOutputs(progress: ProgressReporter, outputs: Record<string, { value: unknown; secret: boolean }>): void {
  const plain = Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.secret ? "[secret]" : output.value]));
  const text = Object.entries(plain).map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`).join("\n");
  progress.emit({ event: "outputs", outputs: plain }, text === "" ? "The stack has no outputs." : text);
}

function printHealth(progress: ProgressReporter, results: Awaited<ReturnType<typeof stackHealth>>): number {
  for (const result of results) {
    const detail = result.healthy ? `status ${result.status}` : result.error ?? "unhealthy";
    progress.emit({ event: "health", ...result }, `${result.region.padEnd(15)} ${result.healthy ? "healthy  " : "UNHEALTHY"} ${detail} in ${result.elapsedMs} ms  ${result.url}`);
  }
  const unhealthy = results.filter((result) => !result.healthy).map((result) => result.region);
  if (unhealthy.length > 0) {
    progress.emit({ event: "result", command: "health", unhealthy }, `Unhealthy: ${unhealthy.join(", ")}.`);
    return EXIT_CODES.unhealthy;
  }
  return EXIT_CODES.ok;
}
