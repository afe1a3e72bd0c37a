import type {
  Branding,
  BrandingAdapter,
  CustomText,
  CustomTextAdapter,
  EmailProvider,
  EmailProvidersAdapter,
  PromptSetting,
  PromptSettingsAdapter,
  UniversalLoginTemplatesAdapter,
} from "@authhero/adapter-interfaces";
import { readEntity, SCHEMA_VERSION } from "../item.js";
import { customTextKey, settingsPartition, tenantSingletonKey } from "../keys.js";
import type { DynamoTable } from "../table.js";

/** Reads and writes one settings record per tenant. */
function singleton<T>(table: DynamoTable, type: string) {
  return {
    read: async (tenantId: string): Promise<T | null> => {
      const item = await table.get(tenantSingletonKey(tenantId, type));
      return item ? readEntity<T>(item, type) : null;
    },
    write: async (tenantId: string, value: T): Promise<void> => {
      await table.put({ ...tenantSingletonKey(tenantId, type), type, v: SCHEMA_VERSION, tenant_id: tenantId, data: value as Record<string, unknown> });
    },
    remove: async (tenantId: string): Promise<boolean> => table.delete(tenantSingletonKey(tenantId, type)),
  };
}

/**
 * Branding, merged field by field into what is stored: AuthHero 9.6.1's
 * PATCH /api/v2/branding passes only the sent fields to `set`, and the
 * fields it does not send must stay. Nested objects (colors, font,
 * page_background) merge the same way, and arrays are replaced.
 */
export function createBrandingAdapter(table: DynamoTable): BrandingAdapter {
  const store = singleton<Branding>(table, "branding");
  return {
    get: store.read,
    set: async (tenantId, branding) => store.write(tenantId, mergeFields((await store.read(tenantId)) ?? {}, branding) as Branding),
  };
}

/** Returns `base` with the defined fields of `patch` merged in, recursing into plain objects. */
function mergeFields(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[field];
    merged[field] = isPlainObject(value) && isPlainObject(current) ? mergeFields(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Prompt settings fall back to Auth0's defaults when a tenant never set them. */
export function createPromptSettingsAdapter(table: DynamoTable): PromptSettingsAdapter {
  const store = singleton<PromptSetting>(table, "prompt-settings");
  return {
    get: async (tenantId) => (await store.read(tenantId)) ?? { universal_login_experience: "new", identifier_first: true, password_first: false, webauthn_platform_first_factor: false } as PromptSetting,
    set: async (tenantId, patch) => store.write(tenantId, { ...((await store.read(tenantId)) ?? {}), ...patch } as PromptSetting),
  };
}

export function createEmailProvidersAdapter(table: DynamoTable): EmailProvidersAdapter {
  const store = singleton<EmailProvider>(table, "email-provider");
  return {
    get: store.read,
    create: async (tenantId, provider) => store.write(tenantId, provider),
    update: async (tenantId, patch) => store.write(tenantId, { ...((await store.read(tenantId)) ?? {}), ...patch } as EmailProvider),
    remove: async (tenantId) => {
      await store.remove(tenantId);
    },
  };
}

export function createUniversalLoginTemplatesAdapter(table: DynamoTable): UniversalLoginTemplatesAdapter {
  const store = singleton<Parameters<UniversalLoginTemplatesAdapter["set"]>[1]>(table, "universal-login-template");
  return {
    get: store.read,
    set: async (tenantId, template) => store.write(tenantId, template),
    delete: async (tenantId) => {
      await store.remove(tenantId);
    },
  };
}

export function createCustomTextAdapter(table: DynamoTable): CustomTextAdapter {
  const TYPE = "custom-text";
  return {
    get: async (tenantId, prompt, language) => {
      const item = await table.get(customTextKey(tenantId, prompt, language));
      return item ? (readEntity<{ text: CustomText }>(item, TYPE).text ?? null) : null;
    },
    set: async (tenantId, prompt, language, text) => {
      await table.put({ ...customTextKey(tenantId, prompt, language), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: { prompt, language, text } });
    },
    delete: async (tenantId, prompt, language) => {
      await table.delete(customTextKey(tenantId, prompt, language));
    },
    list: async (tenantId) => {
      const items = await table.queryAll({ partitionKey: settingsPartition(tenantId), sortKeyPrefix: "custom-text#" });
      return items.filter((item) => item.type === TYPE).map((item) => ({ prompt: item.data.prompt, language: String(item.data.language) }) as never);
    },
  };
}
