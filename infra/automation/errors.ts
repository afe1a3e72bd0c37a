import { CommandError, ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";

import { ConfigError } from "../config.js";

/**
 * Process exit codes of the `authhero-global` CLI. Library callers get the
 * same number as `ToolError.exitCode`.
 */
export const EXIT_CODES = {
  ok: 0,
  /** A Pulumi operation failed for a reason not listed below. */
  failed: 1,
  /** Unknown command or option, or a missing required option. */
  usage: 2,
  /** The stack config failed `parseConfig`; nothing was changed. */
  invalidConfig: 3,
  /** A region change or destroy was rejected before anything was changed. */
  rejected: 4,
  stackNotFound: 5,
  concurrentUpdate: 6,
  /** AWS credentials, the Pulumi backend login or the secrets passphrase is missing. */
  missingCredentials: 7,
  pulumiCliMissing: 8,
  /** `health` found at least one region unhealthy: a non-2xx status, a timeout or a connection error. */
  unhealthy: 9,
} as const;

export type ErrorCode = keyof typeof EXIT_CODES;

/**
 * An error the tooling expects. Its message states what failed and what to
 * do next, and `exitCode` is the CLI exit code for it.
 */
export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolError";
    this.code = code;
    this.exitCode = EXIT_CODES[code];
  }
}

/** Engine and CLI messages that mean a credential is missing, with the fix for each. */
const CREDENTIAL_PROBLEMS: readonly { readonly pattern: RegExp; readonly message: string }[] = [
  {
    pattern: /NoCredentialProviders|no valid credential sources|failed to refresh cached credentials|unable to validate AWS credentials|InvalidClientTokenId|ExpiredToken/i,
    message: "AWS credentials are missing or expired. Set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or run `aws sso login`), then run the command again.",
  },
  {
    pattern: /PULUMI_ACCESS_TOKEN must be set|not logged in|pulumi login/i,
    message: "The Pulumi CLI is not logged in to a backend. Run `pulumi login` (or `pulumi login file://<dir>` for a local backend), or set PULUMI_ACCESS_TOKEN, then run the command again.",
  },
  {
    pattern: /passphrase must be set|incorrect passphrase|PULUMI_CONFIG_PASSPHRASE/i,
    message: "The stack's secrets passphrase is missing or wrong. Set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE, then run the command again.",
  },
];

/**
 * Converts any error from an operation into a ToolError with a remedy. An
 * error it does not recognize becomes `failed`, keeping the original as cause.
 */
export function classifyError(error: unknown, stack: string): ToolError {
  if (error instanceof ToolError) {
    return error;
  }
  if (error instanceof ConfigError) {
    return new ToolError("invalidConfig", `${error.message}\nNothing was changed. Fix the config and run the command again.`, { cause: error });
  }
  if (error instanceof ConcurrentUpdateError || errorName(error) === "ConcurrentUpdateError") {
    return new ToolError("concurrentUpdate", `Stack "${stack}" is locked by another update. Wait for it to finish and run the command again. If no update is running, run \`pulumi cancel --stack ${stack}\` to release the lock.`, { cause: error });
  }
  if (error instanceof StackNotFoundError || errorName(error) === "StackNotFoundError") {
    return new ToolError("stackNotFound", `Stack "${stack}" was not found in the current Pulumi backend. Check the name with \`pulumi stack ls\`, or run \`deploy\` to create it.`, { cause: error });
  }

  const text = errorText(error);
  if (isPulumiCliMissing(error, text)) {
    return new ToolError("pulumiCliMissing", "The Pulumi CLI was not found on PATH. Install it (https://www.pulumi.com/docs/install/) and make sure `pulumi version` runs in this shell.", { cause: error });
  }
  for (const problem of CREDENTIAL_PROBLEMS) {
    if (problem.pattern.test(text)) {
      return new ToolError("missingCredentials", problem.message, { cause: error });
    }
  }
  if (/because it is protected/i.test(text)) {
    return new ToolError("rejected", `Deleting a protected resource of stack "${stack}" failed because Pulumi rejects deleting resources marked \`protect\`. Set \`protect\` to false and run \`deploy\` first, or run \`pulumi state unprotect\` for that resource.`, { cause: error });
  }
  return new ToolError("failed", `The Pulumi operation on stack "${stack}" failed: ${lastLines(commandStderr(text), 12)}`, { cause: error });
}

function isPulumiCliMissing(error: unknown, text: string): boolean {
  if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ENOENT") {
    return true;
  }
  // The Automation API runs `pulumi version` through execa and reports a missing binary as "spawn pulumi ENOENT".
  return /spawn \S*pulumi ENOENT|ENOENT: pulumi/.test(text);
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof CommandError || error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** Returns the stderr part of a CommandError message, which the SDK formats as `code: …\n stdout: …\n stderr: …\n err?: …`. */
function commandStderr(text: string): string {
  return /\n stderr: ([\s\S]*?)\n err\?:/.exec(text)?.[1] ?? text;
}

/** Returns the last `count` non-empty lines, where the CLI writes the actual error. */
function lastLines(text: string, count: number): string {
  return text.split("\n").map((line) => line.trimEnd()).filter((line) => line !== "").slice(-count).join("\n");
}
