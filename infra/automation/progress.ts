import type { OpType, StepEventMetadata } from "@pulumi/pulumi/automation";

import { nameOfUrn, regionOfName } from "./plan-check.js";
import type { EngineEvent, OpMap } from "./workspace.js";

export interface ProgressOptions {
  /** Writes one line, without its newline. */
  readonly write: (line: string) => void;
  /** One JSON object per line instead of text. Default false. */
  readonly json?: boolean;
  /** Milliseconds since some fixed point; injectable for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** A step running at least this long is reported as still running, then again every interval. Default 30,000 ms. */
  readonly longStepMs?: number;
}

/** Pulumi's own symbols for each step kind, as `pulumi up` prints them. */
const OP_SYMBOLS: Partial<Record<OpType, string>> = {
  create: "+", update: "~", delete: "-", replace: "+-", "create-replacement": "++", "delete-replaced": "--",
  read: ">", refresh: "~", import: "=", "import-replacement": "=>", discard: "-", "discard-replaced": "--",
};

interface RunningStep {
  readonly metadata: StepEventMetadata;
  readonly startedAt: number;
  lastReportedAt: number;
}

/**
 * Turns engine events into one concise line per resource step, as text or
 * JSON lines, and marks phases (preview, up, ...) with their elapsed time.
 * Steps that run longer than `longStepMs` are reported again by `reportLongSteps`.
 */
export class ProgressReporter {
  private readonly write: (line: string) => void;
  private readonly json: boolean;
  private readonly now: () => number;
  private readonly longStepMs: number;
  private readonly running = new Map<string, RunningStep>();
  /** True during a preview phase, so steps print as planned even if an event lacks `planning`. */
  private dryRun = false;

  constructor(options: ProgressOptions) {
    this.write = options.write;
    this.json = options.json ?? false;
    this.now = options.now ?? Date.now;
    this.longStepMs = options.longStepMs ?? 30_000;
  }

  /** Handles one engine event; pass it as the workspace's `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    if (event.resourcePreEvent !== undefined) {
      this.onStepStart(event.resourcePreEvent.metadata, this.dryRun || event.resourcePreEvent.planning === true);
    } else if (event.resOutputsEvent !== undefined) {
      this.onStepEnd(event.resOutputsEvent.metadata, this.dryRun || event.resOutputsEvent.planning === true, "done");
    } else if (event.resOpFailedEvent !== undefined) {
      this.onStepEnd(event.resOpFailedEvent.metadata, false, "failed");
    } else if (event.diagnosticEvent !== undefined) {
      this.onDiagnostic(event.diagnosticEvent.severity, event.diagnosticEvent.message, event.diagnosticEvent.urn, event.diagnosticEvent.ephemeral === true);
    } else if (event.summaryEvent !== undefined) {
      this.summary(event.summaryEvent.resourceChanges, event.summaryEvent.durationSeconds * 1000);
    }
  };

  /**
   * Logs the start of a phase and returns a function that logs its end
   * with the elapsed time.
   */
  phase(name: string, stack: string): (status?: "done" | "failed") => void {
    const startedAt = this.now();
    this.dryRun = name === "preview";
    this.emit({ event: "phase", phase: name, stack, status: "started" }, `==> ${name} of stack ${stack}`);
    return (status = "done") => {
      this.dryRun = false;
      const elapsedMs = this.now() - startedAt;
      this.emit({ event: "phase", phase: name, stack, status, elapsedMs }, `==> ${name} ${status === "done" ? "finished" : "failed"} after ${formatElapsed(elapsedMs)}`);
    };
  }

  /** Reports every step that has run at least `longStepMs` since it started or was last reported. */
  reportLongSteps(): void {
    const now = this.now();
    for (const step of this.running.values()) {
      if (now - step.lastReportedAt >= this.longStepMs) {
        step.lastReportedAt = now;
        const elapsedMs = now - step.startedAt;
        this.emit({ ...this.stepFields(step.metadata), event: "resource", status: "running", elapsedMs }, `   ${symbol(step.metadata.op)} ${step.metadata.op} ${describe(step.metadata)} still running (${formatElapsed(elapsedMs)})`);
      }
    }
  }

  /** Calls `reportLongSteps` every second until the returned function is called. */
  startTimer(): () => void {
    const timer = setInterval(() => this.reportLongSteps(), 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Writes a preview or update summary: counts by step kind. */
  summary(changes: OpMap, durationMs?: number): void {
    const parts = Object.entries(changes).filter(([, count]) => (count ?? 0) > 0).map(([op, count]) => `${count} ${op === "same" ? "unchanged" : op}`);
    const text = `Summary: ${parts.length === 0 ? "no changes" : parts.join(", ")}${durationMs === undefined ? "" : ` (${formatElapsed(durationMs)})`}`;
    this.emit({ event: "summary", changes, ...(durationMs === undefined ? {} : { durationMs }) }, text);
  }

  /** Writes a free-form line, with `fields` as its JSON form. */
  info(text: string, fields: Record<string, unknown> = {}): void {
    this.emit({ event: "info", message: text, ...fields }, text);
  }

  /** Writes a structured record; text mode prints `text`. */
  emit(record: Record<string, unknown>, text: string): void {
    this.write(this.json ? JSON.stringify(record) : text);
  }

  private onStepStart(metadata: StepEventMetadata, planning: boolean): void {
    if (metadata.op === "same") {
      return;
    }
    if (planning) {
      this.emit({ ...this.stepFields(metadata), event: "resource", status: "planned" }, `   ${symbol(metadata.op)} ${metadata.op} ${describe(metadata)}${diffClause(metadata)}`);
      return;
    }
    const now = this.now();
    this.running.set(stepKey(metadata), { metadata, startedAt: now, lastReportedAt: now });
  }

  private onStepEnd(metadata: StepEventMetadata, planning: boolean, status: "done" | "failed"): void {
    if (planning || metadata.op === "same") {
      return;
    }
    const started = this.running.get(stepKey(metadata));
    this.running.delete(stepKey(metadata));
    const elapsedMs = started === undefined ? undefined : this.now() - started.startedAt;
    const elapsed = elapsedMs === undefined || elapsedMs < 1000 ? "" : ` (${formatElapsed(elapsedMs)})`;
    const mark = status === "failed" ? "failed" : pastTense(metadata.op);
    this.emit({ ...this.stepFields(metadata), event: "resource", status, ...(elapsedMs === undefined ? {} : { elapsedMs }) }, `   ${symbol(metadata.op)} ${mark} ${describe(metadata)}${elapsed}`);
  }

  private onDiagnostic(severity: string, message: string, urn: string | undefined, ephemeral: boolean): void {
    if (ephemeral || (severity !== "warning" && severity !== "error")) {
      return;
    }
    const subject = urn === undefined ? "" : `${nameOfUrn(urn)}: `;
    // Diagnostics may carry ANSI colour codes depending on the CLI's colour setting.
    const plain = message.replace(/\u001b\[[0-9;]*m/g, "").trim();
    this.emit({ event: "diagnostic", severity, urn, message: plain }, `   ${severity}: ${subject}${plain}`);
  }

  private stepFields(metadata: StepEventMetadata): Record<string, unknown> {
    const name = nameOfUrn(metadata.urn);
    return { op: metadata.op, type: metadata.type, name, region: regionOfName(name), urn: metadata.urn };
  }
}

/** Formats milliseconds as `850ms`, `12s` or `3m 05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds}s`;
  }
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

function stepKey(metadata: StepEventMetadata): string {
  return `${metadata.urn}\u0000${metadata.op}`;
}

function symbol(op: OpType): string {
  return (OP_SYMBOLS[op] ?? "*").padEnd(2);
}

function describe(metadata: StepEventMetadata): string {
  return `${metadata.type} ${nameOfUrn(metadata.urn)}`;
}

function diffClause(metadata: StepEventMetadata): string {
  const keys = metadata.diffs ?? metadata.keys ?? [];
  return keys.length === 0 ? "" : ` [${keys.join(", ")}]`;
}

function pastTense(op: OpType): string {
  switch (op) {
    case "create":
    case "create-replacement":
      return "created";
    case "update":
      return "updated";
    case "delete":
    case "delete-replaced":
    case "discard":
    case "discard-replaced":
      return "deleted";
    case "replace":
      return "replaced";
    case "refresh":
      return "refreshed";
    case "read":
    case "read-replacement":
      return "read";
    default:
      return `${op} done`;
  }
}
