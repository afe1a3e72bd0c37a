import assert from "node:assert/strict";
import type { ClientInsert, ConnectionInsert, DataAdapters } from "@authhero/adapter-interfaces";
import { withReadThroughCache } from "../../../app/cache/cached-adapter.js";
import { NEVER_CACHED } from "../../../app/cache/cache-policy.js";
import { createAdapterFixture, type AdapterFixture } from "../../support/adapter-fixture.js";

const TENANT_A = "tenant-a";
const TENANT_B = "tenant-b";

function clientInsert(clientId: string, name = clientId): ClientInsert {
  return { client_id: clientId, name, callbacks: ["https://app.example.com/callback"] } as ClientInsert;
}

/** Runs `fn` and returns how many DynamoDB commands it sent. */
async function commandsDuring(fixture: AdapterFixture, fn: () => Promise<unknown>): Promise<number> {
  const before = fixture.commands.length;
  await fn();
  return fixture.commands.length - before;
}

describe("read-through cache on the DynamoDB adapter", () => {
  let fixture: AdapterFixture;
  let cached: DataAdapters;
  let now: number;

  beforeEach(async () => {
    fixture = await createAdapterFixture();
    now = Date.now();
    cached = withReadThroughCache(fixture.data, { ttlSeconds: 30, now: () => now });
  });

  describe("hits", () => {
    it("answers a repeated read from memory", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1", "App One"));
      assert.equal(await commandsDuring(fixture, () => cached.clients.get(TENANT_A, "app-1")), 1);
      assert.equal(await commandsDuring(fixture, () => cached.clients.get(TENANT_A, "app-1")), 0);
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "App One");
    });

    it("caches a read that found nothing", async () => {
      assert.equal(await commandsDuring(fixture, () => cached.branding.get(TENANT_A)), 1);
      assert.equal(await commandsDuring(fixture, () => cached.branding.get(TENANT_A)), 0);
      assert.equal(await cached.branding.get(TENANT_A), null);
    });

    it("shares one read between concurrent callers", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1"));
      const sent = await commandsDuring(fixture, () => Promise.all([cached.clients.get(TENANT_A, "app-1"), cached.clients.get(TENANT_A, "app-1")]));
      assert.equal(sent, 1);
    });

    it("returns copies that callers cannot corrupt", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1", "App One"));
      const first = await cached.clients.get(TENANT_A, "app-1");
      first!.name = "changed by a caller";
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "App One");
    });
  });

  describe("expiry", () => {
    it("reads the table again once the lifetime has passed", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1", "Before"));
      await cached.clients.get(TENANT_A, "app-1");
      // A write the cache cannot see, as from another process or region.
      await fixture.data.clients.update(TENANT_A, "app-1", { name: "After" });

      now += 29_999;
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "Before");
      now += 1;
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "After");
    });

    it("is off with a lifetime of 0", () => {
      assert.equal(withReadThroughCache(fixture.data, { ttlSeconds: 0 }), fixture.data);
    });
  });

  describe("invalidation on write", () => {
    it("evicts a client on update", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1", "Before"));
      await cached.clients.get(TENANT_A, "app-1");
      await cached.clients.update(TENANT_A, "app-1", { name: "After" });
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "After");
    });

    it("evicts list results on create and remove", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1"));
      assert.equal((await cached.clients.list(TENANT_A)).clients.length, 1);
      await cached.clients.create(TENANT_A, clientInsert("app-2"));
      assert.equal((await cached.clients.list(TENANT_A)).clients.length, 2);
      await cached.clients.remove(TENANT_A, "app-1");
      assert.deepEqual((await cached.clients.list(TENANT_A)).clients.map((client) => client.client_id), ["app-2"]);
    });

    it("evicts the lookup by client id, which names no tenant", async () => {
      assert.equal(await cached.clients.getByClientId("app-1"), null);
      await cached.clients.create(TENANT_A, clientInsert("app-1"));
      assert.equal((await cached.clients.getByClientId("app-1"))?.tenant_id, TENANT_A);
      await cached.clients.remove(TENANT_A, "app-1");
      assert.equal(await cached.clients.getByClientId("app-1"), null);
    });

    it("evicts a client's connections when a connection changes", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1"));
      const connection = await cached.connections.create(TENANT_A, { name: "Username-Password", strategy: "Username-Password-Authentication" } as ConnectionInsert);
      const connectionId = connection.id!;
      await cached.clientConnections.updateByClient(TENANT_A, "app-1", [connectionId]);
      assert.equal((await cached.clientConnections.listByClient(TENANT_A, "app-1"))[0]?.name, "Username-Password");

      await cached.connections.update(TENANT_A, connectionId, { name: "Renamed" });
      assert.equal((await cached.clientConnections.listByClient(TENANT_A, "app-1"))[0]?.name, "Renamed");
    });

    it("evicts signing keys on create", async () => {
      assert.equal((await cached.keys.list()).signingKeys.length, 0);
      await cached.keys.create({ kid: "k1", cert: "cert", pkcs7: "pkcs7", fingerprint: "fp", thumbprint: "tp", type: "jwt_signing" } as never);
      assert.equal((await cached.keys.list()).signingKeys.length, 1);
    });

    it("evicts writes made inside a transaction", async () => {
      await cached.clients.create(TENANT_A, clientInsert("app-1", "Before"));
      await cached.clients.get(TENANT_A, "app-1");
      await cached.transaction((transaction) => transaction.clients.update(TENANT_A, "app-1", { name: "After" }));
      assert.equal((await cached.clients.get(TENANT_A, "app-1"))?.name, "After");
    });

    it("drops a read that was in flight during a write", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let stored = "Before";
      const stub = {
        ...fixture.data,
        branding: {
          get: async () => {
            const seen = stored;
            await gate;
            return { colors: { primary: seen } };
          },
          set: async (_tenantId: string, value: { colors: { primary: string } }) => {
            stored = value.colors.primary;
          },
        },
      } as unknown as DataAdapters;
      const racing = withReadThroughCache(stub, { ttlSeconds: 30 });

      const slowRead = racing.branding.get(TENANT_A);
      await racing.branding.set(TENANT_A, { colors: { primary: "After" } } as never);
      release();
      assert.equal((await slowRead)?.colors?.primary, "Before");
      assert.equal((await racing.branding.get(TENANT_A))?.colors?.primary, "After");
    });
  });

  describe("tenant isolation", () => {
    it("keys entries by tenant", async () => {
      await cached.branding.set(TENANT_A, { colors: { primary: "#aa0000" } } as never);
      await cached.branding.set(TENANT_B, { colors: { primary: "#0000bb" } } as never);
      assert.equal((await cached.branding.get(TENANT_A))?.colors?.primary, "#aa0000");
      assert.equal((await cached.branding.get(TENANT_B))?.colors?.primary, "#0000bb");
      assert.equal((await cached.branding.get(TENANT_A))?.colors?.primary, "#aa0000");
    });

    it("keeps other tenants' entries on a write", async () => {
      await cached.branding.get(TENANT_A);
      await cached.branding.get(TENANT_B);
      await cached.branding.set(TENANT_A, { colors: { primary: "#aa0000" } } as never);
      assert.equal(await commandsDuring(fixture, () => cached.branding.get(TENANT_B)), 0);
      assert.equal(await commandsDuring(fixture, () => cached.branding.get(TENANT_A)), 1);
    });
  });

  describe("excluded entities", () => {
    it("passes per-login state and users through unwrapped", () => {
      const source = fixture.data as unknown as Record<string, unknown>;
      const wrapped = cached as unknown as Record<string, unknown>;
      for (const entity of NEVER_CACHED) assert.equal(wrapped[entity], source[entity], `${entity} must not be wrapped`);
    });

    const repeatedReads: Array<[string, (data: DataAdapters) => Promise<unknown>]> = [
      ["codes.get", (data) => data.codes.get(TENANT_A, "code-1", "authorization_code")],
      // A login session id is 22 base64url characters; a read of any other id sends nothing.
      ["loginSessions.get", (data) => data.loginSessions.get(TENANT_A, "loginSessionOne0000000")],
      ["sessions.get", (data) => data.sessions.get(TENANT_A, "session-1")],
      ["refreshTokens.get", (data) => data.refreshTokens.get(TENANT_A, "token-1")],
      ["passwords.get", (data) => data.passwords.get(TENANT_A, "auth2|user-1")],
      ["users.get", (data) => data.users.get(TENANT_A, "auth2|user-1")],
    ];
    for (const [name, read] of repeatedReads) {
      it(`sends ${name} to the table every time`, async () => {
        const first = await commandsDuring(fixture, () => read(cached));
        const second = await commandsDuring(fixture, () => read(cached));
        assert.ok(first >= 1, `${name} sent no command`);
        assert.equal(second, first);
      });
    }
  });
});
