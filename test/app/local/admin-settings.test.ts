import assert from "node:assert/strict";
import { readAdminSettings } from "../../../app/local/admin-settings.js";
import { readSettings } from "../../../app/settings.js";

describe("admin settings for npm start and npm run seed", () => {
  it("generates a password only when asked to", () => {
    const started = readAdminSettings({}, { generatePassword: true });
    assert.equal(started.password, started.generated);
    assert.ok(started.password.length >= 12);
    assert.throws(() => readAdminSettings({}, { generatePassword: false }), /`AUTHHERO_ADMIN_PASSWORD` is missing/);
  });

  it("reports every bad value at once, naming each variable", () => {
    assert.throws(
      () => readAdminSettings({ AUTHHERO_ADMIN_PASSWORD: "abc", AUTHHERO_ADMIN_EMAIL: "not-an-email", AUTHHERO_ADMIN_USERNAME: "a@b", AUTHHERO_CALLBACKS: "not a url,," }, { generatePassword: true }),
      (error: Error) =>
        error.message.includes("`AUTHHERO_ADMIN_PASSWORD` has 3 characters; set one of at least 12.") &&
        error.message.includes("`AUTHHERO_ADMIN_EMAIL` is `not-an-email`") &&
        error.message.includes("`AUTHHERO_ADMIN_USERNAME` is `a@b`") &&
        error.message.includes("`AUTHHERO_CALLBACKS` contains `not a url`"),
    );
  });

  it("accepts good values and a default callback", () => {
    const admin = readAdminSettings({ AUTHHERO_ADMIN_PASSWORD: "a-long-password", AUTHHERO_ADMIN_EMAIL: "ops@example.com" }, { generatePassword: false, defaultCallback: "http://localhost:3000/auth-callback" });
    assert.deepEqual(admin, { username: "admin", email: "ops@example.com", password: "a-long-password", generated: undefined, callbacks: ["http://localhost:3000/auth-callback"] });
  });
});

describe("AUTHHERO_TENANT_ID", () => {
  const base = { AWS_REGION: "us-east-1", AUTHHERO_ISSUER: "http://localhost:3000/" };

  it("rejects ids the deployment's tenantId would reject", () => {
    for (const value of ["$bad", "Has Space", "UPPER", "x".repeat(65)]) {
      assert.throws(() => readSettings({ ...base, AUTHHERO_TENANT_ID: value }), (error: Error) => error.message.includes(`\`AUTHHERO_TENANT_ID\` is \`${value}\`; it must be 1 to 64 lowercase letters`));
    }
    assert.equal(readSettings({ ...base, AUTHHERO_TENANT_ID: "tenant_1-a" }).tenantId, "tenant_1-a");
  });
});
