import { ToolError } from "./errors.js";
import { guarded, previewWithEvents, runPhase, shortStackName, type OperationContext } from "./operations.js";
import { plannedSteps, unsafeSteps, type PlannedStep, type RegionChange } from "./plan-check.js";
import type { ProgressReporter } from "./progress.js";
import { validateEntries, type ConfigEntries, type ConfigEntry, type ConfigValue } from "./stack-config.js";
import type { OpMap, OutputMap } from "./workspace.js";

export interface RegionChangeOptions {
  /** The AWS region to add or remove, for example `eu-central-1`. */
  readonly region: string;
  /** Stop after the preview and restore the stored config. Default false. */
  readonly previewOnly?: boolean;
}

export interface RegionChangeResult {
  /** True when `up` ran. */
  readonly applied: boolean;
  /** The preview's counts by step kind. */
  readonly planned: OpMap;
  readonly steps: readonly PlannedStep[];
  /** The update's counts, when `up` ran. */
  readonly changes?: OpMap;
  readonly outputs?: OutputMap;
}

/** Adds `region` to the stack's `regions`; see `changeRegion` for the order of steps. */
export function addRegion(context: OperationContext, options: RegionChangeOptions): Promise<RegionChangeResult> {
  return changeRegion(context, { kind: "add", region: options.region }, options.previewOnly ?? false);
}

/**
 * Removes `region` from `regions`, along with its `regionOverrides` and
 * `alarms.topicArns` entries; see `changeRegion` for the order of steps.
 */
export function removeRegion(context: OperationContext, options: RegionChangeOptions): Promise<RegionChangeResult> {
  return changeRegion(context, { kind: "remove", region: options.region }, options.previewOnly ?? false);
}

/**
 * Changes one region in this order, stopping at the first failure:
 * 1. build the new config and validate it with the program's `parseConfig`;
 * 2. store it and run a preview, reporting what would change;
 * 3. reject the change, restoring the old config, when any step would
 *    replace or delete the table or touch a region other than `region`;
 * 4. run `up`.
 * When `up` itself fails, the new config stays stored, so running the same
 * command again continues the change.
 */
async function changeRegion(context: OperationContext, change: RegionChange, previewOnly: boolean): Promise<RegionChangeResult> {
  return guarded(context, async (progress) => {
    const stack = await context.workspace.open({ stack: context.stack, create: false });
    const saved = await stack.getConfig();
    const next = withRegionChanged(saved, change);
    validateEntries(next, shortStackName(context.stack));

    await stack.setConfig(next);
    let planned: OpMap;
    let steps: PlannedStep[];
    try {
      const preview = await previewWithEvents(progress, stack);
      planned = preview.changes;
      steps = plannedSteps(preview.events);
      reportPlan(progress, planned, steps, change);
      rejectUnsafe(steps, change, context.stack);
    } catch (error) {
      await stack.setConfig(saved);
      throw error;
    }

    if (previewOnly) {
      await stack.setConfig(saved);
      progress.info("Preview only: the stored config was restored and nothing was changed.", { applied: false });
      return { applied: false, planned, steps };
    }
    const changes = await runPhase(progress, stack, "up", (onEvent) => stack.up(onEvent));
    return { applied: true, planned, steps, changes, outputs: await stack.outputs() };
  });
}

/**
 * Returns `entries` with `change` applied to `regions`. Rejects adding a
 * region already listed or removing one that is not; `parseConfig` checks
 * everything else, such as unknown names and the home region.
 */
export function withRegionChanged(entries: ConfigEntries, change: RegionChange): ConfigEntries {
  const current = entries.regions?.value;
  const regions = Array.isArray(current) ? current.filter((item): item is string => typeof item === "string") : [];

  if (change.kind === "add") {
    if (regions.includes(change.region)) {
      throw new ToolError("invalidConfig", `\`regions\` already contains "${change.region}", so there is nothing to add. Nothing was changed.`);
    }
    return { ...entries, regions: keepSecret(entries.regions, [...regions, change.region]) };
  }

  if (!regions.includes(change.region)) {
    throw new ToolError("invalidConfig", `\`regions\` does not contain "${change.region}" (it lists ${regions.join(", ") || "nothing"}), so there is nothing to remove. Nothing was changed.`);
  }
  const next: Record<string, ConfigEntry> = { ...entries, regions: keepSecret(entries.regions, regions.filter((region) => region !== change.region)) };
  dropMapEntry(next, "regionOverrides", [], change.region);
  dropMapEntry(next, "alarms", ["topicArns"], change.region);
  return next;
}

function keepSecret(entry: ConfigEntry | undefined, value: ConfigValue): ConfigEntry {
  return { value, secret: entry?.secret ?? false };
}

/** Deletes `region` from the map at `key`.`path`, dropping maps that become empty. */
function dropMapEntry(entries: Record<string, ConfigEntry>, key: string, path: readonly string[], region: string): void {
  const entry = entries[key];
  if (entry === undefined) {
    return;
  }
  const without = (value: ConfigValue, depth: number): ConfigValue | undefined => {
    if (typeof value !== "object" || Array.isArray(value)) {
      return value;
    }
    const copy: Record<string, ConfigValue> = { ...(value as Record<string, ConfigValue>) };
    const segment = path[depth];
    if (segment === undefined) {
      delete copy[region];
    } else if (copy[segment] !== undefined) {
      const child = without(copy[segment], depth + 1);
      if (child === undefined) {
        delete copy[segment];
      } else {
        copy[segment] = child;
      }
    }
    return Object.keys(copy).length === 0 ? undefined : copy;
  };
  const value = without(entry.value, 0);
  if (value === undefined) {
    delete entries[key];
  } else {
    entries[key] = { value, secret: entry.secret };
  }
}

/** Writes the preview summary and, per region, how many resources each kind of step touches. */
function reportPlan(progress: ProgressReporter, planned: OpMap, steps: readonly PlannedStep[], change: RegionChange): void {
  progress.summary(planned);
  const counts = new Map<string, Map<string, number>>();
  for (const step of steps) {
    if (step.op === "same") {
      continue;
    }
    const where = step.region ?? "global";
    const byOp = counts.get(where) ?? new Map<string, number>();
    byOp.set(step.op, (byOp.get(step.op) ?? 0) + 1);
    counts.set(where, byOp);
  }
  for (const [where, byOp] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const text = [...byOp.entries()].map(([op, count]) => `${count} ${op}`).join(", ");
    const marker = where === change.region ? ` (the region being ${change.kind === "add" ? "added" : "removed"})` : "";
    progress.emit({ event: "plan", region: where, changes: Object.fromEntries(byOp) }, `   ${where}${marker}: ${text}`);
  }
}

function rejectUnsafe(steps: readonly PlannedStep[], change: RegionChange, stack: string): void {
  const problems = unsafeSteps(steps, change);
  if (problems.length === 0) {
    return;
  }
  const verb = change.kind === "add" ? "Adding" : "Removing";
  throw new ToolError(
    "rejected",
    `${verb} ${change.region} was rejected because the preview of stack "${stack}" shows ${problems.length === 1 ? "an unsafe step" : `${problems.length} unsafe steps`}:\n` +
      problems.map((problem) => `  - ${problem}`).join("\n") +
      "\nThe stored config was restored and nothing was changed. Review the change with `pulumi preview --diff` before applying it by hand.",
  );
}
