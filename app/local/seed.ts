import type { DataAdapters } from "@authhero/adapter-interfaces";
import { seed } from "authhero";

export interface SeedOptions {
  tenantId: string;
  issuer: string;
  /** Sign-in name of the admin; AuthHero rejects usernames containing `@`. */
  adminUsername: string;
  adminEmail: string;
  adminPassword: string;
  /** Redirect URIs allowed for the default client. */
  callbacks: string[];
  allowedLogoutUrls: string[];
}

export interface SeedResult {
  tenantId: string;
  /** False when the admin user already existed, so its password was left as it was. */
  adminCreated: boolean;
  adminUserId: string;
  defaultClientId: string;
  defaultClientSecret: string;
  managementClientId?: string;
  managementClientSecret?: string;
  managementAudience: string;
}

/** The audience AuthHero's seed gives its management API resource server. */
export const MANAGEMENT_AUDIENCE = "urn:authhero:management";

/**
 * Refresh tokens rotate on every use and a reused one is rejected at once
 * (no leeway), so a stolen token is detected the first time the thief or
 * the client uses it after the other did.
 */
export const ROTATING_REFRESH_TOKENS = {
  rotation_type: "rotating",
  leeway: 0,
  expiration_type: "expiring",
  token_lifetime: 30 * 86_400,
  idle_token_lifetime: 7 * 86_400,
} as const;

/**
 * Creates the tenant, a signing key, the admin user, the default client and
 * the management API client through AuthHero's own seed, which skips
 * whatever already exists, so running it again changes nothing.
 */
export async function seedTenant(data: DataAdapters, options: SeedOptions): Promise<SeedResult> {
  const defaultClientId = `${options.tenantId}-default`;
  const owner = await data.clients.getByClientId(defaultClientId);
  if (owner && owner.tenant_id !== options.tenantId) {
    throw new Error(`Client id \`${defaultClientId}\` already belongs to tenant \`${owner.tenant_id}\`; choose another tenant id.`);
  }
  const { users: existingAdmins } = await data.users.list(options.tenantId, { q: `username:${options.adminUsername}` });
  const result = await seed(data, {
    clientId: defaultClientId,
    tenantId: options.tenantId,
    tenantName: options.tenantId,
    adminUsername: options.adminUsername,
    adminEmail: options.adminEmail,
    adminPassword: options.adminPassword,
    callbacks: options.callbacks,
    allowedLogoutUrls: options.allowedLogoutUrls,
    issuer: options.issuer,
    debug: false,
  });
  const { clients } = await data.clients.list(options.tenantId, { per_page: 100 });
  for (const client of clients) {
    // A client without a rotation type is as AuthHero's seed created it; one
    // that has one was set up by a person, whose choices are kept.
    if (client.app_type === "non_interactive" || client.refresh_token?.rotation_type) continue;
    await data.clients.update(options.tenantId, client.client_id, {
      refresh_token: { ...ROTATING_REFRESH_TOKENS },
      // AuthHero's newer login pages (`/u2`) render through the @authhero/widget
      // package, which the npm registry does not serve in a version AuthHero
      // accepts; without it they are blank, so seeded clients use `/u`.
      client_metadata: { ...client.client_metadata, universal_login_version: "1" },
      // These are the deployment's own applications; third-party clients would need the optional consent store.
      is_first_party: true,
    });
  }
  const management = clients.find((client) => client.app_type === "non_interactive" && client.grant_types?.includes("client_credentials"));
  return {
    tenantId: result.tenantId,
    adminCreated: existingAdmins.length === 0,
    adminUserId: result.userId,
    defaultClientId: result.clientId,
    defaultClientSecret: result.clientSecret,
    managementClientId: management?.client_id,
    managementClientSecret: management?.client_secret,
    managementAudience: MANAGEMENT_AUDIENCE,
  };
}
