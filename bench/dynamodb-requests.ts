import * as oidc from "openid-client";
import { LoginDriver } from "../test/support/login-driver.js";
import { stopSharedEngine } from "../test/support/local-engine.js";
import { ADMIN, RP, startTestServer } from "../test/support/test-server.js";

/**
 * Counts the DynamoDB requests each core flow sends, by operation, with an
 * SDK middleware on the server's client. "cold" is the first run of a flow
 * in a fresh process, "warm" the second. Counts include requests AuthHero
 * defers until after the response (audit logs), which the script waits for.
 */
export interface FlowCount {
  flow: string;
  run: "cold" | "warm";
  total: number;
  byOperation: Record<string, number>;
}

export async function measureDynamoDbRequests(): Promise<FlowCount[]> {
  let recorded: string[] = [];
  const server = await startTestServer({ onCommand: (name) => recorded.push(name.replace(/Command$/, "")) });
  const config = await oidc.discovery(new URL(`${server.baseUrl}/`), RP.clientId, RP.clientSecret, oidc.ClientSecretPost(RP.clientSecret), { execute: [oidc.allowInsecureRequests] });
  const management = await oidc.discovery(new URL(`${server.baseUrl}/`), server.seeded.managementClientId!, server.seeded.managementClientSecret!, oidc.ClientSecretPost(server.seeded.managementClientSecret!), { execute: [oidc.allowInsecureRequests] });

  const flows: Array<[string, () => Promise<unknown>]> = [
    ["discovery", () => fetchOk(`${server.baseUrl}/.well-known/openid-configuration`)],
    ["jwks", () => fetchOk(`${server.baseUrl}/.well-known/jwks.json`)],
    ["client_credentials token", () => oidc.clientCredentialsGrant(management, { audience: server.seeded.managementAudience })],
    ["authorization-code login", () => login(config)],
    ["refresh", async () => oidc.refreshTokenGrant(config, (await login(config)).refresh_token!)],
  ];

  const results: FlowCount[] = [];
  for (const [flow, run] of flows) {
    for (const phase of ["cold", "warm"] as const) {
      let baseline = 0;
      if (flow === "refresh") {
        // Only the refresh itself is counted, not the login that produces the token.
        const tokens = await login(config);
        await settle();
        recorded = [];
        await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      } else {
        recorded = [];
        await run();
      }
      await settle();
      baseline = recorded.length;
      const byOperation: Record<string, number> = {};
      for (const operation of recorded) byOperation[operation] = (byOperation[operation] ?? 0) + 1;
      results.push({ flow, run: phase, total: baseline, byOperation });
    }
  }
  await server.close();
  return results;
}

async function login(config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: RP.redirectUri,
    scope: "openid profile email offline_access",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const { url: callback } = await new LoginDriver().signIn(url.toString(), ADMIN.username, ADMIN.password);
  return oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
}

async function fetchOk(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} returned status ${response.status}`);
  await response.arrayBuffer();
}

/** Lets writes AuthHero defers past the response land before counting stops. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

export async function shutdown(): Promise<void> {
  await stopSharedEngine();
}
