import type { EmailTemplate, EmailTemplatesAdapter } from "@authhero/adapter-interfaces";
import { readEntity, SCHEMA_VERSION } from "../item.js";
import { emailTemplateKey, settingsPartition } from "../keys.js";
import type { DynamoTable } from "../table.js";

const TYPE = "email-template";

/** Email templates by name (verify_email, reset_email, ...), one item each. */
export function createEmailTemplatesAdapter(table: DynamoTable): EmailTemplatesAdapter {
  const read = async (tenantId: string, name: string): Promise<EmailTemplate | null> => {
    const item = await table.get(emailTemplateKey(tenantId, name));
    return item ? readEntity<EmailTemplate>(item, TYPE) : null;
  };
  const write = (tenantId: string, template: EmailTemplate) =>
    table.put({ ...emailTemplateKey(tenantId, template.template), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: template as unknown as Record<string, unknown> });

  return {
    get: (tenantId, name) => read(tenantId, name),
    list: async (tenantId) => {
      const items = await table.queryAll({ partitionKey: settingsPartition(tenantId), sortKeyPrefix: "email-template#" });
      return items.filter((item) => item.type === TYPE).map((item) => readEntity<EmailTemplate>(item, TYPE));
    },
    create: async (tenantId, template) => {
      await table.put(
        { ...emailTemplateKey(tenantId, template.template), type: TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: template as unknown as Record<string, unknown> },
        { ifAbsent: true, conflictMessage: `Email template \`${template.template}\` already exists; update it instead.` },
      );
      return template;
    },
    update: async (tenantId, name, patch) => {
      const current = await read(tenantId, name);
      if (!current) return false;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      await write(tenantId, { ...current, ...defined, template: current.template });
      return true;
    },
    remove: (tenantId, name) => table.delete(emailTemplateKey(tenantId, name)),
  };
}
