/**
 * Reads the parameters of a token endpoint request body, which clients send
 * as form parameters (RFC 6749) or, as Auth0 also accepts, as JSON. A body
 * that does not parse yields no parameters; AuthHero reports it.
 */
export function parseTokenRequestBody(body: string, contentType: string): Record<string, unknown> {
  try {
    if (contentType.includes("json")) {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    }
    return Object.fromEntries(new URLSearchParams(body));
  } catch {
    return {};
  }
}

/** Returns the parameter's value when it is a string, as form parameters always are. */
export function stringParameter(parameters: Record<string, unknown>, name: string): string | undefined {
  const value = parameters[name];
  return typeof value === "string" ? value : undefined;
}
