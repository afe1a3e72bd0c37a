import type { DataAdapters } from "@authhero/adapter-interfaces";
import type { MiddlewareHandler } from "hono";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * AuthHero validates management PATCH bodies with `schema.partial()`, and
 * under zod 4 that still fills in every `.default()`: a PATCH of a client's
 * name regenerated its secret and emptied its callbacks. This guard keeps
 * each update to the top-level fields the caller actually sent.
 */
const RESOURCE_ADAPTERS: Record<string, keyof DataAdapters> = {
  actions: "actions",
  "client-grants": "clientGrants",
  clients: "clients",
  connections: "connections",
  "custom-domains": "customDomains",
  flows: "flows",
  forms: "forms",
  hooks: "hooks",
  organizations: "organizations",
  "resource-servers": "resourceServers",
  roles: "roles",
  users: "users",
};

/** Fields AuthHero stamps itself, which the caller never sends. */
const SERVER_FIELDS = ["updated_at"];

interface SentFields {
  adapter: keyof DataAdapters;
  fields: ReadonlySet<string>;
}

const sentFields = new AsyncLocalStorage<SentFields>();

/** Records which fields a management PATCH body contains, for the adapter guard below. */
export function recordPatchFields(): MiddlewareHandler {
  return async function recordSentFields(c, next) {
    const match = /^\/api\/v2\/([a-z-]+)\/[^/]+$/.exec(c.req.path);
    const adapter = match ? RESOURCE_ADAPTERS[match[1]!] : undefined;
    if (c.req.method !== "PATCH" || !adapter) return next();
    let body: unknown;
    try {
      body = JSON.parse(await c.req.raw.clone().text());
    } catch {
      return next();
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return next();
    return sentFields.run({ adapter, fields: new Set([...Object.keys(body), ...SERVER_FIELDS]) }, next);
  };
}

/** Wraps each guarded adapter's `update(tenant, id, patch, ...)` to drop fields the request did not send. */
export function withPatchFieldGuard(data: DataAdapters): DataAdapters {
  const guarded: Record<string, unknown> = { ...data };
  for (const adapter of new Set(Object.values(RESOURCE_ADAPTERS))) {
    const original = data[adapter] as { update?: (...args: unknown[]) => Promise<unknown> } | undefined;
    if (!original?.update) continue;
    const update = original.update;
    guarded[adapter] = {
      ...original,
      update: (tenantId: unknown, id: unknown, patch: unknown, ...rest: unknown[]) => {
        const sent = sentFields.getStore();
        if (sent?.adapter === adapter && patch && typeof patch === "object") {
          patch = Object.fromEntries(Object.entries(patch).filter(([field]) => sent.fields.has(field)));
        }
        return update(tenantId, id, patch, ...rest);
      },
    };
  }
  // AuthHero runs some updates (PATCH /api/v2/users/:id among them) inside transaction().
  guarded.transaction = (fn: (transactionAdapters: DataAdapters) => Promise<unknown>) =>
    data.transaction((transactionAdapters) => fn(withPatchFieldGuard(transactionAdapters)));
  return guarded as unknown as DataAdapters;
}
