import type { ActionExecution, ActionExecutionsAdapter, ActionVersion, ActionVersionsAdapter } from "@authhero/adapter-interfaces";
import { concurrentChange } from "../errors.js";
import { newId, nowIso } from "../ids.js";
import { isExpired, readEntity, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { actionExecutionIndexKeys, actionExecutionKey, actionPartition, actionVersionKey } from "../keys.js";
import { paginate } from "../pagination.js";
import { nowSeconds } from "../repository.js";
import type { DynamoTable } from "../table.js";

const VERSION_TYPE = "action-version";
const EXECUTION_TYPE = "action-execution";
/** Days an action execution record is kept; they are diagnostics, not state. */
const EXECUTION_RETENTION_DAYS = 30;

/**
 * Versions of an action, numbered from 1 in its partition. A new version
 * takes the next free number with a conditional write, retried when a
 * concurrent deploy took it first.
 */
export function createActionVersionsAdapter(table: DynamoTable): ActionVersionsAdapter {
  const versions = async (tenantId: string, actionId: string): Promise<StoredItem[]> =>
    (await table.queryAll({ partitionKey: actionPartition(tenantId, actionId), sortKeyPrefix: "version#" })).filter((item) => item.type === VERSION_TYPE);

  return {
    create: async (tenantId, insert, options) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const existing = await versions(tenantId, insert.action_id);
        const number = existing.length === 0 ? 1 : Math.max(...existing.map((item) => Number(item.data.number) || 0)) + 1;
        const now = nowIso();
        const version = {
          ...insert,
          deployed: insert.deployed ?? false,
          id: options?.importMetadata?.id ?? newId("ver"),
          tenant_id: tenantId,
          number,
          created_at: options?.importMetadata?.created_at ?? now,
          updated_at: options?.importMetadata?.updated_at ?? now,
        } as ActionVersion;
        const stored = await table.putIf(
          { ...actionVersionKey(tenantId, insert.action_id, number), type: VERSION_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: version as unknown as Record<string, unknown> },
          "attribute_not_exists(pk)",
        );
        if (stored) return version;
      }
      throw concurrentChange(`Action \`${insert.action_id}\` gained versions concurrently five times; retry the deploy.`);
    },
    get: async (tenantId, actionId, versionId) => {
      const match = (await versions(tenantId, actionId)).find((item) => item.data.id === versionId);
      return match ? readEntity<ActionVersion>(match, VERSION_TYPE) : null;
    },
    list: async (tenantId, actionId, params = {}) => {
      const all = (await versions(tenantId, actionId)).map((item) => readEntity<ActionVersion>(item, VERSION_TYPE)).reverse();
      const page = paginate(all, params, tenantId);
      return { versions: page.items, ...page.totals };
    },
    removeForAction: async (tenantId, actionId) => {
      const existing = await versions(tenantId, actionId);
      await table.batchDelete(existing.map(({ pk, sk }) => ({ pk, sk })));
      return existing.length;
    },
  };
}

/** Records of action runs, kept for a retention period by TTL. */
export function createActionExecutionsAdapter(table: DynamoTable): ActionExecutionsAdapter {
  return {
    create: async (tenantId, insert) => {
      const now = nowIso();
      const execution = { ...insert, id: (insert as Partial<ActionExecution>).id ?? newId("exe"), tenant_id: tenantId, created_at: now, updated_at: now } as ActionExecution;
      await table.put(
        {
          ...actionExecutionKey(tenantId, execution.id),
          ...actionExecutionIndexKeys(tenantId, execution.id),
          type: EXECUTION_TYPE,
          v: SCHEMA_VERSION,
          tenant_id: tenantId,
          data: execution as unknown as Record<string, unknown>,
          expiresAt: nowSeconds() + EXECUTION_RETENTION_DAYS * 86_400,
        },
        { ifAbsent: true, conflictMessage: `An action execution with id \`${execution.id}\` already exists.` },
      );
      return execution;
    },
    get: async (tenantId, executionId) => {
      const item = await table.get(actionExecutionKey(tenantId, executionId));
      return item && !isExpired(item) ? readEntity<ActionExecution>(item, EXECUTION_TYPE) : null;
    },
  };
}
