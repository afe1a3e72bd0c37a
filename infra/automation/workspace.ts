import type { EngineEvent, OpMap, OutputMap } from "@pulumi/pulumi/automation";

import type { ConfigEntries } from "./stack-config.js";

export type { EngineEvent, OpMap, OutputMap };

/** Receives each engine event of an operation as the CLI emits it. */
export type EngineEventListener = (event: EngineEvent) => void;

/** Program source: `inline` runs the program in this process, `project` runs `Pulumi.yaml`'s `main` from the project directory. */
export type ProgramSource = "inline" | "project";

export interface OpenOptions {
  /** Stack name, for example `prod` or `acme/authhero-global/prod`. */
  readonly stack: string;
  /** Create the stack when it does not exist; otherwise a missing stack throws StackNotFoundError. */
  readonly create: boolean;
}

/**
 * The small part of the Pulumi Automation API this tooling uses. The real
 * implementation wraps LocalWorkspace; tests use a fake that records calls
 * and replays engine events.
 */
export interface PulumiWorkspace {
  /** Selects the stack, or creates it when `create` is set. */
  open(options: OpenOptions): Promise<PulumiStack>;
}

/** One selected stack. */
export interface PulumiStack {
  readonly name: string;
  /** This project's config keys, without the project prefix. Secrets are returned decrypted. */
  getConfig(): Promise<ConfigEntries>;
  /**
   * Replaces this project's config keys with `entries`: keys absent from
   * `entries` are removed, and other namespaces (`aws:`, `pulumi:`) are kept.
   */
  setConfig(entries: ConfigEntries): Promise<void>;
  preview(onEvent: EngineEventListener): Promise<OpMap>;
  up(onEvent: EngineEventListener): Promise<OpMap>;
  refresh(onEvent: EngineEventListener): Promise<OpMap>;
  destroy(onEvent: EngineEventListener): Promise<OpMap>;
  outputs(): Promise<OutputMap>;
}
