import type { OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

import { KNOWN_REGIONS } from "../regions.js";
import type { EngineEvent } from "./workspace.js";

export const TABLE_TYPE = "aws:dynamodb/table:Table";
export const GLOBAL_TABLE_COMPONENT = "authhero-global:data:GlobalTable";

/** Steps that leave a resource as it is. */
const UNCHANGED_OPS: readonly OpType[] = ["same", "read", "refresh"];
/** Steps that delete a resource or replace it with a new one. */
const DESTRUCTIVE_OPS: readonly OpType[] = ["delete", "replace", "create-replacement", "delete-replaced", "discard", "discard-replaced", "read-replacement", "import-replacement"];

/**
 * Changes a region add or removal legitimately makes outside that region,
 * because these resources list every region: the table's replicas, the
 * app's AUTHHERO_REGION_ENDPOINTS, the dashboard and the replication-latency
 * alarms. An ECS task definition is immutable, so its new environment is a
 * new revision (a replacement) and the service moves to it. docs/deploying.md
 * describes the same set. test/infra/automation/fan-out.test.ts checks the
 * list against the input changes the program makes under mocks.
 */
const FAN_OUT_CHANGES: Readonly<Record<string, { readonly ops: readonly OpType[]; readonly keys: readonly string[] }>> = {
  [TABLE_TYPE]: { ops: ["update"], keys: ["replicas", "globalTableWitness"] },
  "aws:lambda/function:Function": { ops: ["update"], keys: ["environment"] },
  "aws:cloudwatch/dashboard:Dashboard": { ops: ["update"], keys: ["dashboardBody"] },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { ops: ["update"], keys: ["alarmDescription", "metricQueries"] },
  "aws:ecs/taskDefinition:TaskDefinition": { ops: ["replace", "create-replacement", "delete-replaced"], keys: ["containerDefinitions"] },
  "aws:ecs/service:Service": { ops: ["update"], keys: ["taskDefinition"] },
};

/** One planned step, reduced to what the checks and the summary need. */
export interface PlannedStep {
  readonly op: OpType;
  readonly urn: string;
  readonly type: string;
  /** Logical name, the last URN segment. */
  readonly name: string;
  /** Region from the logical name (see `regionOfName`), or undefined for global resources. */
  readonly region: string | undefined;
  /** Top-level properties that change. */
  readonly changedKeys: readonly string[];
  readonly isTable: boolean;
}

/** A region change: the region being added or removed. */
export interface RegionChange {
  readonly kind: "add" | "remove";
  readonly region: string;
}

/** Collects the steps of a preview from its resourcePreEvents, one per URN. */
export function plannedSteps(events: readonly EngineEvent[]): PlannedStep[] {
  const byUrn = new Map<string, PlannedStep>();
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata !== undefined) {
      byUrn.set(`${metadata.urn}\u0000${metadata.op}`, toStep(metadata));
    }
  }
  return [...byUrn.values()];
}

export function toStep(metadata: StepEventMetadata): PlannedStep {
  const name = nameOfUrn(metadata.urn);
  return {
    op: metadata.op,
    urn: metadata.urn,
    type: metadata.type,
    name,
    region: regionOfName(name),
    changedKeys: changedKeys(metadata),
    isTable: metadata.type === TABLE_TYPE || (metadata.urn.includes(`${GLOBAL_TABLE_COMPONENT}$`) && metadata.new?.custom !== false && metadata.old?.custom !== false),
  };
}

/**
 * Returns one sentence per step that a region change must not make: any
 * replacement or deletion of the table, and any change to another region's
 * resources (or to a global one) beyond FAN_OUT_CHANGES. An empty list means
 * the change is safe to apply.
 */
export function unsafeSteps(steps: readonly PlannedStep[], change: RegionChange): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    if (UNCHANGED_OPS.includes(step.op)) {
      continue;
    }
    if (step.isTable && DESTRUCTIVE_OPS.includes(step.op)) {
      problems.push(`The table ${step.name} would be ${describeOp(step.op)}${keysClause(step)}, and a region change must never replace or delete it.`);
      continue;
    }
    if (!step.isTable && step.region === change.region) {
      continue;
    }
    if (!isFanOutChange(step)) {
      problems.push(`${step.type} ${step.name} (${step.region ?? "global"}) would be ${describeOp(step.op)}${keysClause(step)}, but only ${change.region} is being ${change.kind === "add" ? "added" : "removed"}.`);
    }
  }
  // A replacement shows as several steps of one URN, so one sentence per distinct problem is enough.
  return [...new Set(problems)];
}

function isFanOutChange(step: PlannedStep): boolean {
  const allowed = FAN_OUT_CHANGES[step.type];
  if (allowed === undefined || !allowed.ops.includes(step.op) || step.changedKeys.length === 0) {
    return false;
  }
  return step.changedKeys.every((key) => allowed.keys.includes(key));
}

/**
 * Returns the region a logical name belongs to. `childName` in
 * infra/naming.ts joins component name, region and role with "-" (for
 * example `authhero-eu-west-1-function`), and providers are named after their
 * region, so the first known region bounded by "-" or the ends is the one.
 */
export function regionOfName(name: string): string | undefined {
  let best: { region: string; index: number } | undefined;
  for (const region of KNOWN_REGIONS) {
    const match = new RegExp(`(?:^|-)${region}(?=-|$|/)`).exec(name);
    if (match !== null && (best === undefined || match.index < best.index)) {
      best = { region, index: match.index };
    }
  }
  return best?.region;
}

/** Returns the logical name, the last segment of `urn:pulumi:<stack>::<project>::<type chain>::<name>`. */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.slice(3).join("::") || urn;
}

function changedKeys(metadata: StepEventMetadata): string[] {
  const keys = new Set<string>([...(metadata.diffs ?? []), ...(metadata.keys ?? [])]);
  for (const path of Object.keys(metadata.detailedDiff ?? {})) {
    keys.add(path.split(/[.[]/)[0] ?? path);
  }
  return [...keys].sort();
}

function describeOp(op: OpType): string {
  switch (op) {
    case "create":
      return "created";
    case "update":
      return "updated";
    case "delete":
    case "delete-replaced":
    case "discard":
    case "discard-replaced":
      return "deleted";
    case "import":
      return "imported";
    default:
      return "replaced";
  }
}

function keysClause(step: PlannedStep): string {
  return step.changedKeys.length === 0 ? "" : ` (changes ${step.changedKeys.join(", ")})`;
}
