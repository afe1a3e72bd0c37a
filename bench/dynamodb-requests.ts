import * as oidc from "openid-client";
import { LoginDriver } from "../test/support/login-driver.js";
import { stopSharedEngine, TEST_REGION } from "../test/support/local-engine.js";
import { ADMIN, RP } from "../test/support/test-server.js";
import { tally, type TracedCommand } from "./adapter-calls.js";
import { startBenchServer, type BenchServer } from "./bench-server.js";
import { seedUsers } from "./seed-users.js";

/**
 * Counts the DynamoDB requests each core flow sends: by operation, by the
 * adapter method that sent them, and the items the engine returned. Each
 * flow runs in a serving runtime of its own: "cold" is its first run, with
 * an empty cache, and "warm" the second. Counts include requests AuthHero
 * defers until after the response (audit logs), which the script waits for.
 */
export interface FlowCount {
  flow: string;
  /** AUTHHERO_CACHE_TTL_SECONDS of the run; 0 is no cache. */
  cacheTtlSeconds: number;
  run: "cold" | "warm";
  total: number;
  byOperation: Record<string, number>;
  byMethod: Record<string, number>;
  itemsRead: number;
  /** Every command in the order sent, as `step | adapter method | operation partition kinds`. */
  sequence: string[];
}

export interface LoginScaling {
  users: number;
  requests: number;
  itemsRead: number;
  itemsReturned: number;
}

type Flow = [name: string, prepare: (server: BenchServer) => Promise<() => Promise<unknown>>];

const FLOWS: Flow[] = [
  ["discovery", async (server) => () => fetchOk(`${server.baseUrl}/.well-known/openid-configuration`)],
  ["jwks", async (server) => () => fetchOk(`${server.baseUrl}/.well-known/jwks.json`)],
  [
    "client_credentials token",
    async (server) => {
      const management = await discover(server, server.seeded.managementClientId!, server.seeded.managementClientSecret!);
      return () => oidc.clientCredentialsGrant(management, { audience: server.seeded.managementAudience });
    },
  ],
  ["authorization-code login", async (server) => () => login(server)],
  [
    "refresh",
    // Only the refresh itself is counted, not the login that produces the token.
    async (server) => {
      const tokens = await login(server);
      return () => oidc.refreshTokenGrant(relyingParty(server), tokens.refresh_token!);
    },
  ],
];

export async function measureDynamoDbRequests(cacheTtlSeconds: number): Promise<FlowCount[]> {
  const server = await startBenchServer({ cacheTtlSeconds });
  const results: FlowCount[] = [];
  try {
    for (const [flow, prepare] of FLOWS) {
      for (const run of ["cold", "warm"] as const) {
        const step = await prepare(server);
        // Preparing (discovery, the login before a refresh) fills the cache, so a cold run starts after it.
        if (run === "cold") server.restart();
        const counted = await count(server, step);
        results.push({ flow, cacheTtlSeconds, run, ...counted });
      }
    }
  } finally {
    await server.close();
  }
  return results;
}

/**
 * Runs a warm login with only the admin user in the tenant, then again after
 * adding users through the adapter, and returns what each login read.
 */
export async function measureLoginScaling(cacheTtlSeconds: number, addedUsers: number): Promise<LoginScaling[]> {
  const server = await startBenchServer({ cacheTtlSeconds });
  try {
    await login(server);
    const before = await count(server, () => login(server));
    await seedUsers({ ...server.table, region: TEST_REGION, total: addedUsers });
    await login(server);
    const after = await count(server, () => login(server));
    return [
      { users: 1, requests: before.total, itemsRead: before.itemsRead, itemsReturned: before.itemsReturned },
      { users: 1 + addedUsers, requests: after.total, itemsRead: after.itemsRead, itemsReturned: after.itemsReturned },
    ];
  } finally {
    await server.close();
  }
}

async function count(server: BenchServer, step: () => Promise<unknown>) {
  await settle();
  server.recorder.reset();
  server.dynamodbCalls.length = 0;
  await step();
  await settle();
  const calls = server.dynamodbCalls;
  return {
    total: server.recorder.commandsByMethod.length,
    byOperation: tally(calls.map((call) => call.operation)),
    byMethod: tally(server.recorder.commandsByMethod),
    itemsRead: calls.reduce((sum, call) => sum + call.itemsRead, 0),
    itemsReturned: calls.reduce((sum, call) => sum + call.itemsReturned, 0),
    sequence: server.recorder.trace.map(describeCommand),
  };
}

function describeCommand(command: TracedCommand): string {
  return `${command.step} | ${command.method} | ${command.operation} ${command.partitions.join(",")}`;
}

/** Configures the test relying party without discovery, so that setting it up sends no request. */
function relyingParty(server: BenchServer): oidc.Configuration {
  const config = new oidc.Configuration(
    { issuer: `${server.baseUrl}/`, token_endpoint: `${server.baseUrl}/oauth/token`, authorization_endpoint: `${server.baseUrl}/authorize`, jwks_uri: `${server.baseUrl}/.well-known/jwks.json` },
    RP.clientId,
    RP.clientSecret,
    oidc.ClientSecretPost(RP.clientSecret),
  );
  oidc.allowInsecureRequests(config);
  return config;
}

/** Discovery through openid-client, done before counting so it is not charged to the flow. */
async function discover(server: BenchServer, clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(`${server.baseUrl}/`), clientId, secret, oidc.ClientSecretPost(secret), { execute: [oidc.allowInsecureRequests] });
}

async function login(server: BenchServer) {
  const config = relyingParty(server);
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
