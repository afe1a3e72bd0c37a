import type { KeysAdapter, SigningKey } from "@authhero/adapter-interfaces";
import { composeKey, GLOBAL_SCOPE } from "../item.js";
import { signingKeyModel } from "../keys.js";
import { paginate } from "../pagination.js";
import { matchesFilter, parseQuery, requiredEquality } from "../query-filter.js";
import { liveFilter, Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

/**
 * Signing keys are few, so listing reads one partition: the tenant's keys
 * when the query names a tenant, the control-plane keys for
 * `-_exists_:tenant_id`, and every key otherwise.
 */
export function createKeysAdapter(table: DynamoTable): KeysAdapter {
  const keys = new Repository<SigningKey>(table, signingKeyModel);
  return {
    create: async (key) => {
      await keys.create(GLOBAL_SCOPE, { ...key, current_since: key.current_since ?? new Date().toISOString() }, `A signing key with kid \`${key.kid}\` already exists.`);
    },
    list: async (params = {}) => {
      const filter = parseQuery(params.q);
      const tenantId = requiredEquality(filter, "tenant_id");
      const controlPlaneOnly = filter.anyOf.length === 1 && filter.anyOf[0]!.some((clause) => clause.kind === "exists" && clause.field === "tenant_id" && clause.negate);
      const request = tenantId !== undefined
        ? { index: "gsi1" as const, partitionKey: composeKey(tenantId, "signing-key") }
        : controlPlaneOnly
          ? { index: "gsi1" as const, partitionKey: composeKey(GLOBAL_SCOPE, "signing-key") }
          : { index: "gsi2" as const, partitionKey: composeKey(GLOBAL_SCOPE, "signing-key-all") };
      const all = keys.entities(await table.queryAll({ ...request, filter: liveFilter() }));
      const page = paginate(all.filter((key) => matchesFilter(key as unknown as Record<string, unknown>, filter)), params, GLOBAL_SCOPE);
      return { signingKeys: page.items, ...page.totals };
    },
    update: (kid, patch) => keys.update(GLOBAL_SCOPE, kid, patch),
  };
}
