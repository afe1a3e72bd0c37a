import { seedTenant } from "./local/seed.js";
import { createRuntime } from "./runtime.js";
import { readSettings } from "./settings.js";

export interface SeedEvent {
  tenantId: string;
  issuer: string;
  adminEmail: string;
  adminPassword: string;
  /** Defaults to `admin`; AuthHero rejects usernames containing `@`. */
  adminUsername?: string;
  clientCallbacks?: string[];
  allowedLogoutUrls?: string[];
}

const runtime = createRuntime(readSettings());

/**
 * Seeds the tenant, signing key, admin user and clients in this region's
 * table. Deployments invoke it on every `pulumi up`; it skips whatever
 * exists, so existing data is never overwritten. The result leaves out
 * secrets because the invoker stores it in plain state.
 */
export async function handler(event: SeedEvent): Promise<Record<string, string | undefined>> {
  const problems = ["tenantId", "issuer", "adminEmail", "adminPassword"].filter((field) => typeof event?.[field as keyof SeedEvent] !== "string" || event[field as keyof SeedEvent] === "");
  if (problems.length > 0) throw new Error(`Seed event is missing ${problems.map((field) => `\`${field}\``).join(", ")}; invoke it with { tenantId, issuer, adminEmail, adminPassword }.`);
  const result = await seedTenant(runtime.dataAdapter, {
    tenantId: event.tenantId,
    issuer: event.issuer,
    adminUsername: event.adminUsername ?? "admin",
    adminEmail: event.adminEmail,
    adminPassword: event.adminPassword,
    callbacks: event.clientCallbacks ?? [],
    allowedLogoutUrls: event.allowedLogoutUrls ?? [],
  });
  runtime.logger.log("info", "tenant seeded", { tenantId: result.tenantId, adminUserId: result.adminUserId });
  return { tenantId: result.tenantId, adminUserId: result.adminUserId, defaultClientId: result.defaultClientId, managementClientId: result.managementClientId };
}
