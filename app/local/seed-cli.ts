import { createRuntime } from "../runtime.js";
import { readSettings, SettingsError } from "../settings.js";
import { readAdminSettings } from "./admin-settings.js";
import { seedTenant } from "./seed.js";

/**
 * `npm run seed`: seeds a tenant into the table the environment names, the
 * same way a deployment's seed function does. Safe to repeat.
 */
async function main(): Promise<void> {
  const settings = readSettings();
  const origin = settings.issuer.replace(/\/$/, "");
  const admin = readAdminSettings(process.env, { generatePassword: false, defaultCallback: `${origin}/auth-callback` });
  const runtime = createRuntime(settings);
  const result = await seedTenant(runtime.dataAdapter, {
    tenantId: settings.tenantId ?? "main",
    issuer: settings.issuer,
    adminUsername: admin.username,
    adminEmail: admin.email,
    adminPassword: admin.password,
    callbacks: admin.callbacks ?? [],
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
