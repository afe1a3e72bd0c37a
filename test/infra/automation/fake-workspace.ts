/**
 * A PulumiWorkspace that needs no Pulumi CLI: it records every call, keeps
 * stack config in memory, replays scripted engine events to `onEvent` and
 * throws scripted errors.
 */
import { CommandError, ConcurrentUpdateError, StackNotFoundError, type EngineEvent, type OpMap, type OutputMap } from "@pulumi/pulumi/automation";

import type { ConfigEntries } from "../../../infra/automation/stack-config.js";
import type { EngineEventListener, OpenOptions, PulumiStack, PulumiWorkspace } from "../../../infra/automation/workspace.js";

export type Operation = "preview" | "up" | "refresh" | "destroy";

/** One recorded call: the method and a copy of its arguments. */
export interface Call {
  readonly method: "open" | "getConfig" | "setConfig" | Operation | "outputs";
  readonly stack: string;
  readonly args?: unknown;
}

export interface FakeStackState {
  config: ConfigEntries;
  outputs: OutputMap;
  /** Events each operation replays; a queue per operation, the last entry repeating. */
  events: Partial<Record<Operation, EngineEvent[][]>>;
  /** An error the next call of the operation throws after replaying its events. */
  errors: Partial<Record<Operation | "open", Error>>;
}

export class FakeWorkspace implements PulumiWorkspace {
  readonly calls: Call[] = [];
  readonly stacks = new Map<string, FakeStackState>();
  /** Thrown by every `open`, for example the missing-CLI error. */
  openError: Error | undefined;

  /** Adds a stack with `config`, as if `pulumi stack init` and `pulumi config set` had run. */
  addStack(name: string, config: ConfigEntries, state: Partial<Omit<FakeStackState, "config">> = {}): FakeStackState {
    const stack: FakeStackState = { config, outputs: state.outputs ?? {}, events: state.events ?? {}, errors: state.errors ?? {} };
    this.stacks.set(name, stack);
    return stack;
  }

  async open(options: OpenOptions): Promise<PulumiStack> {
    this.calls.push({ method: "open", stack: options.stack, args: { ...options } });
    if (this.openError !== undefined) {
      throw this.openError;
    }
    let state = this.stacks.get(options.stack);
    if (state === undefined) {
      if (!options.create) {
        throw commandError(StackNotFoundError, 255, `error: no stack named '${options.stack}' found`);
      }
      state = this.addStack(options.stack, {});
    }
    return new FakeStack(options.stack, state, this.calls);
  }

  /** Calls of `method`, in order. */
  callsOf(method: Call["method"]): Call[] {
    return this.calls.filter((call) => call.method === method);
  }
}

class FakeStack implements PulumiStack {
  constructor(readonly name: string, private readonly state: FakeStackState, private readonly calls: Call[]) {}

  async getConfig(): Promise<ConfigEntries> {
    this.calls.push({ method: "getConfig", stack: this.name });
    return structuredClone(this.state.config);
  }

  async setConfig(entries: ConfigEntries): Promise<void> {
    this.calls.push({ method: "setConfig", stack: this.name, args: structuredClone(entries) });
    this.state.config = structuredClone(entries);
  }

  preview(onEvent: EngineEventListener): Promise<OpMap> {
    return this.replay("preview", onEvent);
  }

  up(onEvent: EngineEventListener): Promise<OpMap> {
    return this.replay("up", onEvent);
  }

  refresh(onEvent: EngineEventListener): Promise<OpMap> {
    return this.replay("refresh", onEvent);
  }

  destroy(onEvent: EngineEventListener): Promise<OpMap> {
    return this.replay("destroy", onEvent);
  }

  async outputs(): Promise<OutputMap> {
    this.calls.push({ method: "outputs", stack: this.name });
    return structuredClone(this.state.outputs);
  }

  private async replay(operation: Operation, onEvent: EngineEventListener): Promise<OpMap> {
    this.calls.push({ method: operation, stack: this.name, args: { config: structuredClone(this.state.config) } });
    const queue = this.state.events[operation] ?? [];
    const events = (queue.length > 1 ? queue.shift() : queue[0]) ?? [];
    let changes: OpMap = {};
    for (const event of events) {
      onEvent(event);
      changes = event.summaryEvent?.resourceChanges ?? changes;
    }
    const error = this.state.errors[operation];
    if (error !== undefined) {
      delete this.state.errors[operation];
      throw error;
    }
    return changes;
  }
}

type CommandErrorClass = new (message?: string) => CommandError;

/**
 * Builds an Automation API error as LocalWorkspace throws it. The SDK's
 * constructor takes a CommandResult and stores `String(result)`, whose
 * format `code: …\n stdout: …\n stderr: …\n err?: …\n` this reproduces.
 */
export function commandError(type: CommandErrorClass, code: number, stderr: string, err = ""): CommandError {
  return new type(`code: ${code}\n stdout: \n stderr: ${stderr}\n err?: ${err}\n`);
}

export const ERRORS = {
  /** What `LocalWorkspace.create` threw on this machine, which has no `pulumi` on PATH. */
  cliMissing: () => commandError(CommandError, -2, "Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT", "Error: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT"),
  concurrentFileBackend: () => commandError(ConcurrentUpdateError, 255, "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`."),
  concurrentCloud: () => commandError(ConcurrentUpdateError, 255, "error: [409] Conflict: Another update is currently in progress."),
  stackNotFound: (stack: string) => commandError(StackNotFoundError, 255, `error: no stack named '${stack}' found`),
  awsCredentials: () => commandError(CommandError, 255, "error: pulumi:providers:aws resource 'us-east-1' has a problem: No valid credential sources found.\nPlease see https://www.pulumi.com/registry/packages/aws/installation-configuration/ for more information about providing credentials."),
  pulumiLogin: () => commandError(CommandError, 255, "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"),
  passphrase: () => commandError(CommandError, 255, "error: constructing secrets manager of type \"passphrase\": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables"),
  protectedResource: () => commandError(CommandError, 255, "error: resource \"urn:pulumi:prod::authhero-global::authhero-global:index:AuthHeroGlobal$authhero-global:data:GlobalTable$aws:dynamodb/table:Table::authhero-us-east-1-table\" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the command:\n`pulumi state unprotect 'urn:...'`"),
};
