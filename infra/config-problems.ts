import * as pulumi from "@pulumi/pulumi";

/**
 * A stack configuration mistake. It extends RunError so the Pulumi CLI prints
 * only the message, without a stack trace, because the fix is in the stack
 * file and not in this program.
 */
export class ConfigError extends pulumi.RunError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const heading = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid stack configuration (${heading}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Renders a config value for a message: JSON, or "nothing" when unset. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }
  return JSON.stringify(value);
}

/** Returns the command that sets `key`, using `--path` for nested keys. */
export function setCommand(key: string, example: string): string {
  const isPath = key.includes(".") || key.includes("[");
  return isPath ? `pulumi config set --path '${key}' ${example}` : `pulumi config set ${key} ${example}`;
}

/**
 * Collects every configuration problem so the operator sees all of them in
 * one run, then throws once.
 */
export class ProblemList {
  private readonly problems: string[] = [];

  /** Records "`key` must be <expected>, got <value>. <fix>". */
  add(key: string, value: unknown, expected: string, fix: string): void {
    this.problems.push(`\`${key}\` must be ${expected}, got ${describeValue(value)}. ${fix}`);
  }

  /** Records a problem whose sentence does not fit the "must be" form. */
  addSentence(sentence: string): void {
    this.problems.push(sentence);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new ConfigError([...this.problems]);
    }
  }
}
