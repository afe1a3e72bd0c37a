import { randomBytes } from "node:crypto";

/** Generates a random id such as `rol_4Xk2...`: 128 bits, base64url. */
export function newId(prefix?: string): string {
  const random = randomBytes(16).toString("base64url");
  return prefix ? `${prefix}_${random}` : random;
}

export function nowIso(): string {
  return new Date().toISOString();
}
