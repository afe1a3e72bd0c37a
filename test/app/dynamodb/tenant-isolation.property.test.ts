import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import fc from "fast-check";
import { HTTPException } from "hono/http-exception";
import { createAdapterFixture } from "../../support/adapter-fixture.js";
import { TENANT_A, TENANT_B } from "./helpers.js";

const TENANTS = [TENANT_A, TENANT_B];
const USER_IDS = ["auth2|u0", "auth2|u1", "auth2|u2"];
const EMAILS = ["one@example.com", "two@example.com", "ONE@example.com"];
const CONNECTIONS = ["Username-Password-Authentication", "email"];
const CLIENT_IDS = ["app-0", "app-1", "app-2"];

type Command =
  | { kind: "createUser"; tenant: number; user: number; email: number; connection: number }
  | { kind: "updateUser"; tenant: number; user: number; email?: number; name?: string }
  | { kind: "removeUser"; tenant: number; user: number }
  | { kind: "createClient"; tenant: number; client: number; name: string }
  | { kind: "updateClient"; tenant: number; client: number; name: string }
  | { kind: "removeClient"; tenant: number; client: number };

const tenant = fc.integer({ min: 0, max: TENANTS.length - 1 });
const user = fc.integer({ min: 0, max: USER_IDS.length - 1 });
const client = fc.integer({ min: 0, max: CLIENT_IDS.length - 1 });
const name = fc.constantFrom("Ann", "Ben", "Cy");

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("createUser" as const), tenant, user, email: fc.integer({ min: 0, max: EMAILS.length - 1 }), connection: fc.integer({ min: 0, max: CONNECTIONS.length - 1 }) }),
  fc.record({ kind: fc.constant("updateUser" as const), tenant, user, email: fc.option(fc.integer({ min: 0, max: EMAILS.length - 1 }), { nil: undefined }), name: fc.option(name, { nil: undefined }) }),
  fc.record({ kind: fc.constant("removeUser" as const), tenant, user }),
  fc.record({ kind: fc.constant("createClient" as const), tenant, client, name }),
  fc.record({ kind: fc.constant("updateClient" as const), tenant, client, name }),
  fc.record({ kind: fc.constant("removeClient" as const), tenant, client }),
);

interface ModelUser {
  email: string;
  connection: string;
  name?: string;
}

/** The expected state: users per tenant, and clients with their owning tenant (client ids are global). */
class Model {
  readonly users = new Map<string, Map<string, ModelUser>>(TENANTS.map((id) => [id, new Map()]));
  readonly clients = new Map<string, { tenant: string; name: string }>();

  emailTaken(tenantId: string, email: string, connection: string, exceptUserId?: string): boolean {
    return [...this.users.get(tenantId)!.entries()].some(
      ([userId, existing]) => userId !== exceptUserId && existing.connection === connection && existing.email.toLowerCase() === email.toLowerCase(),
    );
  }
}

/** Runs a call and returns its result, or "409" when it raised an HTTP conflict. */
async function outcome<T>(call: Promise<T>): Promise<T | "409"> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof HTTPException && error.status === 409) return "409";
    throw error;
  }
}

async function apply(data: DataAdapters, model: Model, step: Command): Promise<void> {
  const tenantId = TENANTS[step.tenant]!;
  const users = model.users.get(tenantId)!;

  if (step.kind === "createUser") {
    const userId = USER_IDS[step.user]!;
    const fields = { email: EMAILS[step.email]!, connection: CONNECTIONS[step.connection]! };
    const expectConflict = users.has(userId) || model.emailTaken(tenantId, fields.email, fields.connection);
    const result = await outcome(data.users.create(tenantId, { user_id: userId, email_verified: false, ...fields }));
    assert.equal(result === "409", expectConflict, `create ${userId} in ${tenantId}`);
    if (!expectConflict) users.set(userId, fields);
  } else if (step.kind === "updateUser") {
    const userId = USER_IDS[step.user]!;
    const current = users.get(userId);
    const patch = { ...(step.email === undefined ? {} : { email: EMAILS[step.email]! }), ...(step.name === undefined ? {} : { name: step.name }) };
    const expectConflict = current !== undefined && patch.email !== undefined && model.emailTaken(tenantId, patch.email, current.connection, userId);
    const result = await outcome(data.users.update(tenantId, userId, patch));
    assert.equal(result, expectConflict ? "409" : current !== undefined, `update ${userId} in ${tenantId}`);
    if (current && !expectConflict) users.set(userId, { ...current, ...patch });
  } else if (step.kind === "removeUser") {
    const userId = USER_IDS[step.user]!;
    assert.equal(await data.users.remove(tenantId, userId), users.has(userId), `remove ${userId} in ${tenantId}`);
    users.delete(userId);
  } else if (step.kind === "createClient") {
    const clientId = CLIENT_IDS[step.client]!;
    const expectConflict = model.clients.has(clientId);
    const result = await outcome(data.clients.create(tenantId, { client_id: clientId, name: step.name } as never));
    assert.equal(result === "409", expectConflict, `create ${clientId} in ${tenantId}`);
    if (!expectConflict) model.clients.set(clientId, { tenant: tenantId, name: step.name });
  } else if (step.kind === "updateClient") {
    const clientId = CLIENT_IDS[step.client]!;
    const owned = model.clients.get(clientId)?.tenant === tenantId;
    assert.equal(await data.clients.update(tenantId, clientId, { name: step.name }), owned, `update ${clientId} in ${tenantId}`);
    if (owned) model.clients.set(clientId, { tenant: tenantId, name: step.name });
  } else {
    const clientId = CLIENT_IDS[step.client]!;
    const owned = model.clients.get(clientId)?.tenant === tenantId;
    assert.equal(await data.clients.remove(tenantId, clientId), owned, `remove ${clientId} in ${tenantId}`);
    if (owned) model.clients.delete(clientId);
  }
}

async function assertMatches(data: DataAdapters, model: Model): Promise<void> {
  for (const tenantId of TENANTS) {
    const expected = model.users.get(tenantId)!;
    const listed = (await data.users.list(tenantId)).users;
    assert.deepEqual(listed.map((stored) => stored.user_id).sort(), [...expected.keys()].sort(), `users of ${tenantId}`);

    for (const userId of USER_IDS) {
      const stored = await data.users.get(tenantId, userId);
      const want = expected.get(userId);
      assert.equal(stored?.email, want?.email, `email of ${userId} in ${tenantId}`);
      assert.equal(stored?.name, want?.name, `name of ${userId} in ${tenantId}`);
    }

    for (const email of EMAILS) {
      const found = (await data.users.list(tenantId, { q: `email:${email}` })).users.map((stored) => stored.user_id).sort();
      const want = [...expected.entries()].filter(([, entry]) => entry.email.toLowerCase() === email.toLowerCase()).map(([userId]) => userId).sort();
      assert.deepEqual(found, want, `users with ${email} in ${tenantId}`);
    }

    const clients = (await data.clients.list(tenantId)).clients;
    const wantClients = [...model.clients.entries()].filter(([, entry]) => entry.tenant === tenantId);
    assert.deepEqual(clients.map((stored) => [stored.client_id, stored.name]).sort(), wantClients.map(([clientId, entry]) => [clientId, entry.name]).sort(), `clients of ${tenantId}`);
  }

  for (const clientId of CLIENT_IDS) {
    const found = await data.clients.getByClientId(clientId);
    assert.equal(found?.tenant_id, model.clients.get(clientId)?.tenant, `tenant of ${clientId}`);
  }
}

describe("users and clients adapters", () => {
  describe("random create, update and remove in two tenants", () => {
    it("match an in-memory model", async function () {
      this.timeout(120_000);
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 14 }), async (steps) => {
          const { data, commands } = await createAdapterFixture();
          const model = new Model();
          for (const step of steps) await apply(data, model, step);
          await assertMatches(data, model);
          assert.deepEqual(commands.filter((commandName) => commandName.startsWith("Scan")), []);
        }),
        { numRuns: 15 },
      );
    });
  });
});
