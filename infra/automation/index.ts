/**
 * Automation API tooling for authhero-global: deploy, preview, outputs,
 * health, region changes, refresh and destroy, over a small workspace
 * interface that LocalWorkspace (the Pulumi CLI) or a test fake implements.
 * docs/automation.md has an example.
 */
export { EXIT_CODES, ToolError, classifyError, type ErrorCode } from "./errors.js";
export { checkHealth, type HealthOptions, type RegionHealth } from "./health.js";
export { createLocalWorkspace, inlineProgram, PROJECT_NAME, type LocalWorkspaceSettings } from "./local-workspace.js";
export {
  deployStack,
  destroyStack,
  previewStack,
  refreshStack,
  stackHealth,
  stackOutputs,
  type DeployResult,
  type OperationContext,
  type PreviewResult,
} from "./operations.js";
export { plannedSteps, regionOfName, unsafeSteps, type PlannedStep, type RegionChange } from "./plan-check.js";
export { formatElapsed, ProgressReporter, type ProgressOptions } from "./progress.js";
export { addRegion, removeRegion, type RegionChangeOptions, type RegionChangeResult } from "./region-change.js";
export { secret, validateStackConfig, type ConfigEntries, type ConfigEntry, type ConfigValue, type SecretValue, type StackConfig } from "./stack-config.js";
export type { EngineEvent, EngineEventListener, OpenOptions, OpMap, OutputMap, ProgramSource, PulumiStack, PulumiWorkspace } from "./workspace.js";
