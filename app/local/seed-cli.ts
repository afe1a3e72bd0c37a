import { createRuntime } from "../runtime.js";
import { readSettings, SettingsError, type AppSettings } from "../settings.js";
import { readAdminSettings, type AdminSettings } from "./admin-settings.js";
import { seedTenant } from "./seed.js";

/**
 * `npm run seed`: seeds a tenant into the table the environment names, the
 * same way a deployment's seed function does. Safe to repeat.
 */
async function main(): Promise<void> {
  // Both checks run before either error is reported, so one run lists every missing variable.
  const settings = attempt(() => readSettings());
  const origin = settings.value?.issuer.replace(/\/$/, "") ?? "https://issuer.invalid";
  const admin = attempt(() => readAdminSettings(process.env, { generatePassword: false, defaultCallback: `${origin}/auth-callback` }));
  if (settings.error || admin.error) {
    throw new SettingsError([...(settings.error?.problems ?? []), ...(admin.error?.problems ?? [])]);
  }
  await seed(settings.value!, admin.value!, origin);
}

async function seed(settings: AppSettings, admin: AdminSettings, origin: string): Promise<void> {
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

function attempt<T>(read: () => T): { value?: T; error?: SettingsError } {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof SettingsError) return { error };
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof SettingsError ? error.message : `Seeding failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});
