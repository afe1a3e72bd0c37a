import { randomBytes } from "node:crypto";
import { isHttpUrl, SettingsError } from "../settings.js";

/** The admin user and client callbacks that `npm start` and `npm run seed` create. */
export interface AdminSettings {
  username: string;
  email: string;
  password: string;
  /** The password when it was generated because none was set; shown once. */
  generated?: string;
  callbacks?: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD_LENGTH = 12;

/**
 * Reads the admin settings from the environment and reports every problem
 * at once, before anything starts. Without `AUTHHERO_ADMIN_PASSWORD`, a
 * password is generated when `generatePassword` is set and is an error
 * otherwise. The rules match the deployment's `adminPassword` and
 * `adminEmail` config checks.
 */
export function readAdminSettings(env: NodeJS.ProcessEnv, options: { generatePassword: boolean; defaultCallback?: string }): AdminSettings {
  const problems: string[] = [];
  const username = env.AUTHHERO_ADMIN_USERNAME ?? "admin";
  // AuthHero reads a login identifier with `@` as an email, so such a username could never sign in.
  if (username === "" || username.includes("@") || username.length > 128) {
    problems.push(`\`AUTHHERO_ADMIN_USERNAME\` is \`${username}\`; it must be 1 to 128 characters without \`@\`, such as \`admin\`.`);
  }
  const email = env.AUTHHERO_ADMIN_EMAIL ?? "admin@example.com";
  if (!EMAIL.test(email)) problems.push(`\`AUTHHERO_ADMIN_EMAIL\` is \`${email}\`; it must be an email address such as \`admin@example.com\`.`);

  let password = env.AUTHHERO_ADMIN_PASSWORD;
  let generated: string | undefined;
  if (password === undefined || password === "") {
    if (options.generatePassword) {
      generated = randomBytes(12).toString("base64url");
      password = generated;
    } else {
      problems.push(`\`AUTHHERO_ADMIN_PASSWORD\` is missing; set it to the admin user's initial password (at least ${MIN_PASSWORD_LENGTH} characters).`);
    }
  } else if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`\`AUTHHERO_ADMIN_PASSWORD\` has ${password.length} characters; set one of at least ${MIN_PASSWORD_LENGTH}.`);
  }

  let callbacks: string[] | undefined;
  if (env.AUTHHERO_CALLBACKS !== undefined || options.defaultCallback !== undefined) {
    callbacks = (env.AUTHHERO_CALLBACKS ?? options.defaultCallback ?? "").split(",").map((url) => url.trim()).filter(Boolean);
    for (const url of callbacks) {
      if (!isHttpUrl(url)) problems.push(`\`AUTHHERO_CALLBACKS\` contains \`${url}\`; each entry must be an http(s) URL such as \`https://app.example.com/callback\`.`);
    }
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return { username, email, password: password!, generated, callbacks };
}
