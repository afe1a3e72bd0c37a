/**
 * The adapter reads the read-through cache may serve, by entity (the
 * DataAdapters property) and method. Everything else reaches DynamoDB on
 * every call. In a cached entity, every method not listed as a read is
 * treated as a write and evicts that entity's entries.
 */
export interface EntityCachePolicy {
  /** Reads whose first argument is the tenant id; their entries are grouped per tenant. */
  tenantReads?: readonly string[];
  /** Reads that take no tenant id (tenants, signing keys, lookups by client id or host). */
  globalReads?: readonly string[];
  /** Entities whose cached reads return this entity's data, so its writes evict them too. */
  dependents?: readonly string[];
}

/**
 * Configuration that changes only through the management API: tenants,
 * clients, connections, signing keys, branding, prompts and the like.
 *
 * Left out on purpose, so always read from the table: per-login state
 * (codes, login sessions, sessions, refresh tokens, passwords,
 * authentication methods), audit logs and invites. Users and their roles,
 * permissions and organizations are left out too, so blocking a user or
 * revoking a role takes effect on the next request in every region.
 */
export const CACHE_POLICY: Readonly<Record<string, EntityCachePolicy>> = {
  tenants: { globalReads: ["get", "list"] },
  keys: { globalReads: ["list"] },
  clients: { tenantReads: ["get", "list"], globalReads: ["getByClientId"], dependents: ["clientConnections"] },
  customDomains: { tenantReads: ["get", "list"], globalReads: ["getByDomain"] },
  // listByClient returns the connection records themselves, so a connection update must evict it.
  connections: { tenantReads: ["get", "list"], dependents: ["clientConnections"] },
  clientConnections: { tenantReads: ["listByClient", "listByConnection"] },
  clientGrants: { tenantReads: ["get", "list"] },
  resourceServers: { tenantReads: ["get", "list"] },
  roles: { tenantReads: ["get", "list"] },
  rolePermissions: { tenantReads: ["list"] },
  organizations: { tenantReads: ["get", "list"] },
  branding: { tenantReads: ["get"] },
  promptSettings: { tenantReads: ["get"] },
  themes: { tenantReads: ["get"] },
  customText: { tenantReads: ["get", "list"] },
  emailProviders: { tenantReads: ["get"] },
  universalLoginTemplates: { tenantReads: ["get"] },
  hooks: { tenantReads: ["get", "list"] },
  hookCode: { tenantReads: ["get"] },
  forms: { tenantReads: ["get", "list"] },
  flows: { tenantReads: ["get", "list"] },
  actions: { tenantReads: ["get", "list"] },
};

/**
 * Entities that hold per-login state or secrets. The decorator skips them
 * even if CACHE_POLICY lists them, and a test checks that it does.
 */
export const NEVER_CACHED: readonly string[] = ["codes", "loginSessions", "sessions", "refreshTokens", "passwords", "authenticationMethods", "users", "logs"];
