import { createRuntime } from "../runtime.js";
import { readSettings, SettingsError } from "../settings.js";
import { seedTenant } from "./seed.js";

/**
 * `npm run seed`: seeds a tenant into the table the environment names, the
 * same way a deployment's seed function does. Safe to repeat.
 */
async function main(): Promise<void> {
  const password = process.env.AUTHHERO_ADMIN_PASSWORD;
  if (!password) throw new SettingsError(["`AUTHHERO_ADMIN_PASSWORD` is missing; set it to the admin user's initial password (at least 8 characters)."]);
  const settings = readSettings();
  const runtime = createRuntime(settings);
  const origin = settings.issuer.replace(/\/$/, "");
  const result = await seedTenant(runtime.dataAdapter, {
    tenantId: settings.tenantId ?? "main",
    issuer: settings.issuer,
    adminUsername: process.env.AUTHHERO_ADMIN_USERNAME ?? "admin",
    adminEmail: process.env.AUTHHERO_ADMIN_EMAIL ?? "admin@example.com",
    adminPassword: password,
    callbacks: (process.env.AUTHHERO_CALLBACKS ?? `${origin}/auth-callback`).split(",").map((url) => url.trim()).filter(Boolean),
    allowedLogoutUrls: [origin],
  });
  process.stdout.write(
    [
      `Seeded tenant \`${result.tenantId}\` in table \`${settings.tableName}\` (${settings.region}).`,
      `  admin user id:        ${result.adminUserId}`,
      `  default client id:    ${result.defaultClientId}`,
      `  management client id: ${result.managementClientId ?? "(none)"}`,
      `  management secret:    ${result.managementClientSecret ?? "(none)"}`,
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SettingsError ? error.message : `Seeding failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});
