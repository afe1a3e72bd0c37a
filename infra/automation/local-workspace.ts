import { LocalWorkspace, type ConfigMap, type LocalWorkspaceOptions, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

import { deployment } from "../authhero-global.js";
import { REPO_ROOT } from "../bundle.js";
import { readStackConfig } from "../config.js";
import { decodeStoredValue, type ConfigEntries, type ConfigValue } from "./stack-config.js";
import type { EngineEventListener, OpenOptions, OpMap, OutputMap, ProgramSource, PulumiStack, PulumiWorkspace } from "./workspace.js";

/** The `name` in Pulumi.yaml, which stack config keys carry as their namespace. */
export const PROJECT_NAME = "authhero-global";

export interface LocalWorkspaceSettings {
  /** `inline` runs `inlineProgram` in this process, and `project` runs Pulumi.yaml's `main` (infra/index.ts). Default `inline`. */
  readonly program?: ProgramSource;
  /** Directory holding Pulumi.yaml and the Pulumi.<stack>.yaml files. Default: the repository root. */
  readonly workDir?: string;
  /** Environment for every Pulumi command, such as PULUMI_BACKEND_URL or PULUMI_CONFIG_PASSPHRASE. */
  readonly envVars?: Readonly<Record<string, string>>;
  /** Secrets provider for a new stack, for example `passphrase`. Default: the backend's default. */
  readonly secretsProvider?: string;
  /** Replaces `inlineProgram` when `program` is `inline`, for tests that must not reach AWS. */
  readonly inlineProgram?: PulumiFn;
}

/**
 * Reads and validates the stack config, then declares the deployment, exactly
 * as `infra/index.ts` does. Both program sources therefore declare the same
 * resources and export the same outputs.
 */
export async function inlineProgram(): Promise<Record<string, unknown>> {
  return { ...deployment(readStackConfig()) };
}

/** Returns a workspace backed by the Pulumi CLI through LocalWorkspace. */
export function createLocalWorkspace(settings: LocalWorkspaceSettings = {}): PulumiWorkspace {
  const workDir = settings.workDir ?? REPO_ROOT;
  const options: LocalWorkspaceOptions = {
    workDir,
    ...(settings.envVars !== undefined ? { envVars: { ...settings.envVars } } : {}),
    ...(settings.secretsProvider !== undefined ? { secretsProvider: settings.secretsProvider } : {}),
  };

  return {
    async open({ stack, create }: OpenOptions): Promise<PulumiStack> {
      const selected = settings.program === "project"
        ? await (create ? LocalWorkspace.createOrSelectStack({ stackName: stack, workDir }, options) : LocalWorkspace.selectStack({ stackName: stack, workDir }, options))
        : await openInline(stack, create, options, settings.inlineProgram ?? inlineProgram);
      return new LocalStack(selected);
    },
  };
}

function openInline(stack: string, create: boolean, options: LocalWorkspaceOptions, program: PulumiFn): Promise<Stack> {
  const args = { stackName: stack, projectName: PROJECT_NAME, program };
  return create ? LocalWorkspace.createOrSelectStack(args, options) : LocalWorkspace.selectStack(args, options);
}

/** A PulumiStack over an Automation API Stack. */
export class LocalStack implements PulumiStack {
  constructor(private readonly stack: Stack) {}

  get name(): string {
    return this.stack.name;
  }

  async getConfig(): Promise<ConfigEntries> {
    const prefix = `${PROJECT_NAME}:`;
    const entries: Record<string, { value: ConfigValue; secret: boolean }> = {};
    for (const [fullKey, stored] of Object.entries(await this.stack.getAllConfig())) {
      if (fullKey.startsWith(prefix)) {
        entries[fullKey.slice(prefix.length)] = { value: decodeStoredValue(stored.value), secret: stored.secret === true };
      }
    }
    return entries;
  }

  async setConfig(entries: ConfigEntries): Promise<void> {
    const current = await this.getConfig();
    // Setting `regions[0..n]` leaves any old `regions[n+1]` behind, so lists and maps are removed before they are set.
    const isStructured = (value: ConfigValue | undefined): boolean => typeof value === "object";
    const stale = Object.keys(current).filter((key) => entries[key] === undefined || isStructured(entries[key]?.value) || isStructured(current[key]?.value));
    if (stale.length > 0) {
      await this.stack.workspace.removeAllConfig(this.stack.name, stale);
    }
    const pathEntries = toPathConfig(entries);
    if (Object.keys(pathEntries).length > 0) {
      await this.stack.setAllConfig(pathEntries, true);
    }
  }

  async preview(onEvent: EngineEventListener): Promise<OpMap> {
    return (await this.stack.preview({ onEvent })).changeSummary;
  }

  async up(onEvent: EngineEventListener): Promise<OpMap> {
    return (await this.stack.up({ onEvent })).summary.resourceChanges ?? {};
  }

  async refresh(onEvent: EngineEventListener): Promise<OpMap> {
    return (await this.stack.refresh({ onEvent })).summary.resourceChanges ?? {};
  }

  async destroy(onEvent: EngineEventListener): Promise<OpMap> {
    return (await this.stack.destroy({ onEvent })).summary.resourceChanges ?? {};
  }

  outputs(): Promise<OutputMap> {
    return this.stack.outputs();
  }
}

/**
 * Flattens entries into `--path` keys (`regions[0]`, `lambda.memoryMb`), the
 * form `pulumi config set --path` writes, so the stack file stays editable by
 * hand. Scalars become text, which `parseConfig` accepts for numbers and
 * booleans. Empty lists and maps produce no key, which reads as unset.
 */
export function toPathConfig(entries: ConfigEntries): ConfigMap {
  const config: ConfigMap = {};
  const visit = (path: string, value: ConfigValue, isSecret: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item: ConfigValue, index: number) => visit(`${path}[${index}]`, item, isSecret));
    } else if (typeof value === "object") {
      for (const [key, child] of Object.entries(value as Record<string, ConfigValue>)) {
        visit(/^[A-Za-z0-9_-]+$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, child, isSecret);
      }
    } else {
      config[path] = { value: String(value), secret: isSecret };
    }
  };
  for (const [key, entry] of Object.entries(entries)) {
    visit(key, entry.value, entry.secret);
  }
  return config;
}
