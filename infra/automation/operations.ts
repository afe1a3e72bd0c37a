import { classifyError, ToolError } from "./errors.js";
import { checkHealth, type HealthOptions, type RegionHealth } from "./health.js";
import { ProgressReporter } from "./progress.js";
import { toEntries, validateEntries, type ConfigEntries, type StackConfig } from "./stack-config.js";
import type { EngineEvent, EngineEventListener, OpMap, OutputMap, PulumiStack, PulumiWorkspace } from "./workspace.js";

/** Inputs of every operation: the workspace, the stack name and the progress output. */
export interface OperationContext {
  readonly workspace: PulumiWorkspace;
  /** Stack name in the backend, for example `prod` or `acme/authhero-global/prod`. */
  readonly stack: string;
  /** Progress lines; by default they are discarded. */
  readonly progress?: ProgressReporter;
}

export interface DeployResult {
  readonly changes: OpMap;
  readonly outputs: OutputMap;
}

/**
 * Creates or selects the stack, stores `config` (when given) and runs `up`.
 * The config is validated with the program's `parseConfig` before the stack
 * is touched; without `config` the stack's stored config is validated.
 */
export function deployStack(context: OperationContext, options: { readonly config?: StackConfig } = {}): Promise<DeployResult> {
  return guarded(context, async (progress) => {
    const entries = options.config === undefined ? undefined : toEntries(options.config);
    if (entries !== undefined) {
      validateEntries(entries, shortStackName(context.stack));
    }

    const stack = await context.workspace.open({ stack: context.stack, create: true });
    if (entries !== undefined) {
      await stack.setConfig(entries);
    } else {
      validateEntries(await stack.getConfig(), shortStackName(context.stack));
    }
    const changes = await runPhase(progress, stack, "up", (onEvent) => stack.up(onEvent));
    return { changes, outputs: await stack.outputs() };
  });
}

export interface PreviewResult {
  readonly changes: OpMap;
  /** Every engine event of the preview, in order. */
  readonly events: readonly EngineEvent[];
}

/**
 * Previews an update of an existing stack. With `config`, the preview runs
 * against that config and the stack's stored config is restored afterwards,
 * whatever the outcome.
 */
export function previewStack(context: OperationContext, options: { readonly config?: StackConfig } = {}): Promise<PreviewResult> {
  return guarded(context, async (progress) => {
    const stack = await context.workspace.open({ stack: context.stack, create: false });
    if (options.config === undefined) {
      validateEntries(await stack.getConfig(), shortStackName(context.stack));
      return previewWithEvents(progress, stack);
    }

    const entries = toEntries(options.config);
    validateEntries(entries, shortStackName(context.stack));
    return withTemporaryConfig(stack, entries, () => previewWithEvents(progress, stack));
  });
}

/** Returns the stack's outputs from its last update. */
export function stackOutputs(context: OperationContext): Promise<OutputMap> {
  return guarded(context, async () => (await context.workspace.open({ stack: context.stack, create: false })).outputs());
}

/**
 * Requests `/health` in every region listed in the stack's `endpoints`
 * output. Throws when the stack has no such output yet.
 */
export function stackHealth(context: OperationContext, options: HealthOptions = {}): Promise<RegionHealth[]> {
  return guarded(context, async () => {
    const outputs = await (await context.workspace.open({ stack: context.stack, create: false })).outputs();
    const endpoints = outputs.endpoints?.value as unknown;
    if (typeof endpoints !== "object" || endpoints === null || Object.keys(endpoints).length === 0) {
      throw new ToolError("failed", `Stack "${context.stack}" has no \`endpoints\` output yet. Run \`deploy\` first.`);
    }
    return checkHealth(endpoints as Record<string, string>, options);
  });
}

/** Refreshes the stack's state from the cloud; changes no resources. */
export function refreshStack(context: OperationContext): Promise<OpMap> {
  return guarded(context, async (progress) => {
    const stack = await context.workspace.open({ stack: context.stack, create: false });
    return runPhase(progress, stack, "refresh", (onEvent) => stack.refresh(onEvent));
  });
}

/**
 * Deletes every resource of the stack. A stack whose config sets `protect`
 * is rejected unless `force` is true. Forcing lifts only this check:
 * Pulumi still refuses to delete resources marked `protect` in its state,
 * and DynamoDB refuses to delete a table with deletion protection on.
 */
export function destroyStack(context: OperationContext, options: { readonly force?: boolean } = {}): Promise<OpMap> {
  return guarded(context, async (progress) => {
    const stack = await context.workspace.open({ stack: context.stack, create: false });
    const protect = (await stack.getConfig()).protect?.value;
    if (protect === true || protect === "true") {
      if (options.force !== true) {
        throw new ToolError("rejected", `Stack "${context.stack}" sets \`protect\` to true, so destroy was rejected and nothing was changed. Pass --force (library: \`force: true\`) to destroy it anyway.`);
      }
      progress.info(`Stack "${context.stack}" sets \`protect\` to true. Destroying it anyway because force was given.`, { forced: true });
    }
    return runPhase(progress, stack, "destroy", (onEvent) => stack.destroy(onEvent));
  });
}

/** Runs `body`, converting any error into a ToolError whose message states what to do. */
export async function guarded<T>(context: OperationContext, body: (progress: ProgressReporter) => Promise<T>): Promise<T> {
  const progress = context.progress ?? new ProgressReporter({ write: () => undefined });
  try {
    return await body(progress);
  } catch (error) {
    throw classifyError(error, context.stack);
  }
}

/** Runs one engine operation as a logged phase, with long steps reported while it runs. */
export async function runPhase(progress: ProgressReporter, stack: PulumiStack, name: string, operation: (onEvent: EngineEventListener) => Promise<OpMap>): Promise<OpMap> {
  const finish = progress.phase(name, stack.name);
  const stopTimer = progress.startTimer();
  try {
    const changes = await operation(progress.onEvent);
    finish("done");
    return changes;
  } catch (error) {
    finish("failed");
    throw error;
  } finally {
    stopTimer();
  }
}

/** Runs a preview, streaming its events to `progress` and returning them. */
export async function previewWithEvents(progress: ProgressReporter, stack: PulumiStack): Promise<PreviewResult> {
  const events: EngineEvent[] = [];
  const changes = await runPhase(progress, stack, "preview", (onEvent) => stack.preview((event) => {
    events.push(event);
    onEvent(event);
  }));
  return { changes, events };
}

/** Stores `entries`, runs `body`, then restores the config that was stored before. */
export async function withTemporaryConfig<T>(stack: PulumiStack, entries: ConfigEntries, body: () => Promise<T>): Promise<T> {
  const saved = await stack.getConfig();
  await stack.setConfig(entries);
  try {
    return await body();
  } finally {
    await stack.setConfig(saved);
  }
}

/** Returns the stack part of `org/project/stack`, the value `pulumi.getStack()` returns inside the program. */
export function shortStackName(stack: string): string {
  return stack.split("/").at(-1) ?? stack;
}
