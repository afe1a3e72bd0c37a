import { ProblemList, setCommand } from "./config-problems.js";

/** Stack config values after JSON decoding, keyed by name without the project prefix. */
export type RawConfig = Readonly<Record<string, unknown>>;

/**
 * Typed access to one level of raw config. Each reader returns a valid value
 * or the default, and records a problem instead of throwing, so one run
 * reports every mistake.
 */
export class FieldReader {
  constructor(
    private readonly raw: RawConfig,
    readonly problems: ProblemList,
    private readonly prefix = "",
  ) {}

  key(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  value(name: string): unknown {
    return this.raw[name];
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  /** Returns a reader for the nested object at `name`; an unset object reads as empty. */
  section(name: string, knownKeys: readonly string[]): FieldReader {
    const value = this.raw[name];
    const key = this.key(name);
    if (value === undefined) {
      return new FieldReader({}, this.problems, key);
    }
    if (!isPlainObject(value)) {
      this.problems.add(key, value, "an object", `Set its fields with \`${setCommand(`${key}.<field>`, "<value>")}\`.`);
      return new FieldReader({}, this.problems, key);
    }
    const reader = new FieldReader(value, this.problems, key);
    reader.rejectUnknownKeys(knownKeys);
    return reader;
  }

  rejectUnknownKeys(knownKeys: readonly string[]): void {
    for (const name of Object.keys(this.raw)) {
      if (!knownKeys.includes(name)) {
        this.problems.addSentence(
          `\`${this.key(name)}\` is not a known config key; the keys here are ${knownKeys.map((k) => `\`${this.key(k)}\``).join(", ")}. ` +
            `Remove it with \`pulumi config rm --path '${this.key(name)}'\` or correct its spelling.`,
        );
      }
    }
  }

  string(name: string, options: { fallback: string; pattern?: RegExp; expected: string; example: string }): string;
  string(name: string, options: { pattern?: RegExp; expected: string; example: string }): string | undefined;
  string(name: string, options: { fallback?: string; pattern?: RegExp; expected: string; example: string }): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === "") {
      return options.fallback;
    }
    if (typeof value !== "string" || (options.pattern !== undefined && !options.pattern.test(value))) {
      this.problems.add(this.key(name), value, options.expected, `Run \`${setCommand(this.key(name), options.example)}\`.`);
      return options.fallback;
    }
    return value;
  }

  oneOf<T extends string | number>(name: string, allowed: readonly T[], fallback: T): T {
    const value = normalizeScalar(this.raw[name]);
    if (value === undefined) {
      return fallback;
    }
    const match = allowed.find((candidate) => String(candidate) === String(value));
    if (match === undefined) {
      const expected = `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
      this.problems.add(this.key(name), value, expected, `Run \`${setCommand(this.key(name), String(fallback))}\`.`);
      return fallback;
    }
    return match;
  }

  integer(name: string, options: { fallback: number; min: number; max: number; unit: string }): number {
    const value = normalizeScalar(this.raw[name]);
    if (value === undefined) {
      return options.fallback;
    }
    const parsed = typeof value === "number" ? value : Number(value);
    if (!Number.isInteger(parsed) || parsed < options.min || parsed > options.max) {
      const expected = `an integer from ${options.min} to ${options.max} (${options.unit})`;
      this.problems.add(this.key(name), value, expected, `Run \`${setCommand(this.key(name), String(options.fallback))}\`.`);
      return options.fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = normalizeScalar(this.raw[name]);
    if (value === undefined) {
      return fallback;
    }
    if (value === true || value === "true") {
      return true;
    }
    if (value === false || value === "false") {
      return false;
    }
    this.problems.add(this.key(name), value, "true or false", `Run \`${setCommand(this.key(name), String(fallback))}\`.`);
    return fallback;
  }

  /** A list of strings, each checked by `isValid`; returns only the valid items. */
  stringList(name: string, options: { expectedItem: string; example: string; isValid: (item: string) => boolean }): string[] {
    const value = this.raw[name];
    if (value === undefined) {
      return [];
    }
    if (!Array.isArray(value)) {
      const fix = `Set items with \`${setCommand(`${this.key(name)}[0]`, options.example)}\`.`;
      this.problems.add(this.key(name), value, `a list of ${options.expectedItem}s`, fix);
      return [];
    }

    const items: string[] = [];
    value.forEach((item: unknown, index: number) => {
      const itemKey = `${this.key(name)}[${index}]`;
      if (typeof item !== "string" || !options.isValid(item)) {
        this.problems.add(itemKey, item, options.expectedItem, `Run \`${setCommand(itemKey, options.example)}\`.`);
        return;
      }
      items.push(item);
    });
    return items;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function normalizeScalar(value: unknown): unknown {
  return value === "" ? undefined : value;
}
