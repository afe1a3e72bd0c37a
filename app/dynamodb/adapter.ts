import type {
  Action,
  ActionInsert,
  ClientGrant,
  Connection,
  DataAdapters,
  Flow,
  Form,
  FormInsert,
  Hook,
  HookInsert,
  HookCode,
  HookCodeInsert,
  Invite,
  InviteInsert,
  Organization,
  ResourceServer,
  Role,
} from "@authhero/adapter-interfaces";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createActionExecutionsAdapter, createActionVersionsAdapter } from "./adapters/actions-history.js";
import { createEmailTemplatesAdapter } from "./adapters/email-templates.js";
import { createOrganizationConnectionsAdapter } from "./adapters/organization-connections.js";
import { createAuthenticationMethodsAdapter } from "./adapters/authentication-methods.js";
import { createClientConnectionsAdapter } from "./adapters/client-connections.js";
import { createClientRegistrationTokensAdapter } from "./adapters/client-registration-tokens.js";
import { createClientsAdapter } from "./adapters/clients.js";
import { createCodesAdapter } from "./adapters/codes.js";
import { createCustomDomainsAdapter } from "./adapters/custom-domains.js";
import { createGrantsAdapter } from "./adapters/grants.js";
import { createLoginSessionsAdapter } from "./adapters/login-sessions.js";
import { createLogStreamsAdapter, createMigrationSourcesAdapter } from "./adapters/listed-entities.js";
import { createLogsAdapter } from "./adapters/logs.js";
import { createPasswordsAdapter } from "./adapters/passwords.js";
import { createRefreshTokensAdapter } from "./adapters/refresh-tokens.js";
import { createRolePermissionsAdapter } from "./adapters/role-permissions.js";
import { createSessionsAdapter } from "./adapters/sessions.js";
import { createStatsAdapter } from "./adapters/stats.js";
import {
  createBrandingAdapter,
  createCustomTextAdapter,
  createEmailProvidersAdapter,
  createPromptSettingsAdapter,
  createUniversalLoginTemplatesAdapter,
} from "./adapters/settings.js";
import { createKeysAdapter } from "./adapters/signing-keys.js";
import { createTenantsAdapter } from "./adapters/tenants.js";
import { createThemesAdapter } from "./adapters/themes.js";
import { createUserOrganizationsAdapter } from "./adapters/user-organizations.js";
import { createUserPermissionsAdapter } from "./adapters/user-permissions.js";
import { createUserRolesAdapter } from "./adapters/user-roles.js";
import { createUsersAdapter } from "./adapters/users.js";
import { createCrudAdapter } from "./crud.js";
import { sessionCleanup } from "./retention.js";
import { DynamoTable } from "./table.js";
import { removeTenantData } from "./tenant-removal.js";
import { isStaleRevision, TransactionTable } from "./transaction-table.js";

export interface DynamoDbAdapterOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days an audit log entry is kept before TTL removes it. Default 30. */
  logRetentionDays?: number;
  /**
   * "strong" for a multi-Region strongly consistent (MRSC) table, which
   * refuses transactions and has no TTL: multi-item changes become ordered
   * single-item writes, and expired items wait for the retention sweep.
   * Default "eventual".
   */
  consistency?: "eventual" | "strong";
}

/** Builds AuthHero's data adapters on one DynamoDB table. */
export function createDynamoDbAdapter(options: DynamoDbAdapterOptions): DataAdapters {
  const table = new DynamoTable(options.client, options.tableName, options.consistency);
  return buildAdapters(table, options, async (fn) => {
    for (let attempt = 1; ; attempt++) {
      const scope = new TransactionTable(table);
      // A transaction started inside another one joins it, so both commit together.
      const transactionAdapters: DataAdapters = buildAdapters(scope, options, (inner) => inner(transactionAdapters));
      const result = await fn(transactionAdapters);
      try {
        await scope.commit();
        return result;
      } catch (error) {
        // A rewrite staged in the transaction meets its revision check only at the commit, where rewrite() cannot
        // retry it, so the whole callback runs again on fresh reads. A failed commit wrote nothing.
        if (!isStaleRevision(error) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      }
    }
  });
}

/**
 * How many times transaction() runs its callback when the commit loses a
 * race on a revision check, as rewrite() retries outside a transaction.
 * NOTE: the callback runs again from the start, so it must not have side
 * effects outside the adapters it is given; AuthHero 9.6.1's callbacks only
 * read and write through them.
 */
const MAX_TRANSACTION_ATTEMPTS = 3;

type Transaction = DataAdapters["transaction"];

function buildAdapters(table: DynamoTable, options: DynamoDbAdapterOptions, transaction: Transaction): DataAdapters {
  const flows = createCrudAdapter<Flow, Flow, "flows">(table, { type: "flow", idField: "id", idPrefix: "af", listKey: "flows" });

  const adapters: DataAdapters = {
    actions: createCrudAdapter<Action, ActionInsert, "actions">(table, { type: "action", idField: "id", idPrefix: "act", listKey: "actions" }),
    actionExecutions: createActionExecutionsAdapter(table),
    actionVersions: createActionVersionsAdapter(table),
    authenticationMethods: createAuthenticationMethodsAdapter(table),
    branding: createBrandingAdapter(table),
    clientConnections: createClientConnectionsAdapter(table),
    clientGrants: createCrudAdapter<ClientGrant, ClientGrant, "client_grants">(table, { type: "client-grant", idField: "id", idPrefix: "cgr", listKey: "client_grants" }),
    clientRegistrationTokens: createClientRegistrationTokensAdapter(table),
    clients: createClientsAdapter(table),
    codes: createCodesAdapter(table),
    connections: createCrudAdapter<Connection, Connection, "connections">(table, { type: "connection", idField: "id", idPrefix: "con", listKey: "connections" }),
    customDomains: createCustomDomainsAdapter(table),
    customText: createCustomTextAdapter(table),
    emailProviders: createEmailProvidersAdapter(table),
    emailTemplates: createEmailTemplatesAdapter(table),
    flows: {
      ...flows,
      update: async (tenantId, id, patch) => ((await flows.update(tenantId, id, patch)) ? flows.get(tenantId, id) : null),
    },
    forms: createCrudAdapter<Form, FormInsert, "forms">(table, { type: "form", idField: "id", idPrefix: "ap", listKey: "forms" }),
    grants: createGrantsAdapter(table),
    hookCode: createCrudAdapter<HookCode, HookCodeInsert, never>(table, { type: "hook-code", idField: "id", idPrefix: "hc", listKey: undefined as never }),
    hooks: createCrudAdapter<Hook, HookInsert, "hooks">(table, { type: "hook", idField: "hook_id", idPrefix: "h", listKey: "hooks" }),
    invites: createCrudAdapter<Invite, InviteInsert, "invites">(table, { type: "invite", idField: "id", idPrefix: "uinv", listKey: "invites" }),
    keys: createKeysAdapter(table),
    loginSessions: createLoginSessionsAdapter(table),
    logs: createLogsAdapter(table, options.logRetentionDays ?? 30),
    logStreams: createLogStreamsAdapter(table),
    migrationSources: createMigrationSourcesAdapter(table),
    organizationConnections: createOrganizationConnectionsAdapter(table),
    organizations: createCrudAdapter<Organization, Organization, "organizations">(table, { type: "organization", idField: "id", idPrefix: "org", listKey: "organizations" }),
    passwords: createPasswordsAdapter(table),
    promptSettings: createPromptSettingsAdapter(table),
    refreshTokens: createRefreshTokensAdapter(table),
    resourceServers: createCrudAdapter<ResourceServer, ResourceServer, "resource_servers">(table, { type: "resource-server", idField: "id", idPrefix: "rs", listKey: "resource_servers" }),
    rolePermissions: createRolePermissionsAdapter(table),
    roles: createCrudAdapter<Role, Role, "roles">(table, { type: "role", idField: "id", idPrefix: "rol", listKey: "roles" }),
    sessions: createSessionsAdapter(table),
    stats: createStatsAdapter(table),
    tenants: createTenantsAdapter(table, (tenantId) => removeTenantData(table, tenantId)),
    themes: createThemesAdapter(table),
    universalLoginTemplates: createUniversalLoginTemplatesAdapter(table),
    users: createUsersAdapter(table),
    userRoles: createUserRolesAdapter(table),
    userOrganizations: createUserOrganizationsAdapter(table),
    userPermissions: createUserPermissionsAdapter(table),
    transaction,
    sessionCleanup: sessionCleanup(table),
  };
  return adapters;
}
