import assert from "node:assert/strict";
import { managementToken, startTestServer, type TestServer } from "../support/test-server.js";

interface ApiResponse {
  status: number;
  json: any;
}

/**
 * The management API families that management-api.test.ts leaves out,
 * through /api/v2 with a management token: create, read, list with a filter
 * and paging, update and delete, as far as AuthHero 9.6.1 has routes for them.
 */
describe("management API families", function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer();
    token = await managementToken(server);
  });
  after(async () => server?.close());

  async function call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const response = await fetch(`${server.baseUrl}/api/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("json");
    return { status: response.status, json: isJson && text ? JSON.parse(text) : text };
  }

  /** Calls the route and asserts one of the expected statuses, showing the body when it differs. */
  async function expectStatus(method: string, path: string, expected: number | number[], body?: unknown): Promise<ApiResponse> {
    const response = await call(method, path, body);
    const allowed = Array.isArray(expected) ? expected : [expected];
    assert.ok(allowed.includes(response.status), `${method} ${path}: expected ${allowed.join(" or ")}, got ${response.status} ${JSON.stringify(response.json)}`);
    return response;
  }

  async function createUser(name: string): Promise<string> {
    const created = await expectStatus("POST", "/users", 201, { email: `${name}@example.com`, password: "Pass-word-123!", connection: "Username-Password-Authentication" });
    return created.json.user_id;
  }

  /**
   * Lists `path` page by page with include_totals and returns the ids seen,
   * checking the totals and that pages do not overlap.
   */
  async function collectPages(path: string, listKey: string, idField: string, perPage: number, expectedTotal: number): Promise<string[]> {
    const separator = path.includes("?") ? "&" : "?";
    const seen: string[] = [];
    const pageCount = Math.ceil(expectedTotal / perPage);
    for (let page = 0; page < pageCount; page++) {
      const listed = await expectStatus("GET", `${path}${separator}include_totals=true&per_page=${perPage}&page=${page}`, 200);
      const rows: Array<Record<string, unknown>> = listed.json[listKey];
      assert.ok(Array.isArray(rows), `${path}: no \`${listKey}\` array in ${JSON.stringify(listed.json)}`);
      assert.equal(rows.length, Math.min(perPage, expectedTotal - page * perPage), `${path} page ${page} size`);
      const total = listed.json.total ?? listed.json.length;
      assert.equal(total, expectedTotal, `${path} total`);
      seen.push(...rows.map((row) => String(row[idField])));
    }
    assert.equal(new Set(seen).size, expectedTotal, `${path}: pages must not overlap`);
    return seen;
  }

  interface Family {
    path: string;
    listKey: string;
    idField: string;
    /** Three bodies; the filter must match only the first. */
    create: Array<Record<string, unknown>>;
    /** A q value that selects the first created entity. */
    filter: string;
    patch: Record<string, unknown>;
  }

  const families: Family[] = [
    {
      path: "/hooks",
      listKey: "hooks",
      idField: "hook_id",
      create: [
        { trigger_id: "post-user-login", url: "https://hooks.example.com/login", enabled: true },
        { trigger_id: "post-user-registration", url: "https://hooks.example.com/registration", enabled: true },
        { trigger_id: "pre-user-registration", url: "https://hooks.example.com/pre", enabled: true },
      ],
      filter: "trigger_id:post-user-login",
      patch: { enabled: false },
    },
    {
      path: "/forms",
      listKey: "forms",
      idField: "id",
      create: [{ name: "signup-extra" }, { name: "survey" }, { name: "terms" }],
      filter: "name:signup-extra",
      patch: { name: "signup-extra-v2" },
    },
    {
      path: "/flows",
      listKey: "flows",
      idField: "id",
      create: [{ name: "verify-email" }, { name: "update-profile" }, { name: "notify" }],
      filter: "name:verify-email",
      patch: { name: "verify-email-v2" },
    },
    {
      path: "/actions/actions",
      listKey: "actions",
      idField: "id",
      create: [
        { name: "add-claims", code: "exports.onExecutePostLogin = async () => {};", supported_triggers: [{ id: "post-login", version: "v3" }] },
        { name: "deny-list", code: "exports.onExecutePostLogin = async () => {};", supported_triggers: [{ id: "post-login", version: "v3" }] },
        { name: "audit", code: "exports.onExecutePostLogin = async () => {};", supported_triggers: [{ id: "post-login", version: "v3" }] },
      ],
      filter: "name:add-claims",
      patch: { code: "exports.onExecutePostLogin = async (event, api) => { api.accessToken.setCustomClaim('x', 1); };" },
    },
  ];

  describe("/client-grants", () => {
    it("creates, reads, filters by client and audience, pages, updates and deletes", async () => {
      const client = await expectStatus("POST", "/clients", [200, 201], { name: "Reporting", app_type: "non_interactive" });
      const clientId: string = client.json.client_id;
      const audiences = ["https://reports.example.com", "https://exports.example.com", "https://metrics.example.com"];
      const ids: string[] = [];
      for (const audience of audiences) {
        await expectStatus("POST", "/resource-servers", [200, 201], { name: audience, identifier: audience, scopes: [{ value: "read:all" }, { value: "write:all" }] });
        const created = await expectStatus("POST", "/client-grants", 201, { client_id: clientId, audience, scope: ["read:all"] });
        ids.push(created.json.id);
      }

      const read = await expectStatus("GET", `/client-grants/${ids[0]}`, 200);
      assert.equal(read.json.client_id, clientId);
      assert.equal(read.json.audience, audiences[0]);

      const byClient = await expectStatus("GET", `/client-grants?client_id=${encodeURIComponent(clientId)}&include_totals=true`, 200);
      assert.deepEqual(byClient.json.client_grants.map((grant: { id: string }) => grant.id).sort(), [...ids].sort());
      const byAudience = await expectStatus("GET", `/client-grants?client_id=${encodeURIComponent(clientId)}&audience=${encodeURIComponent(audiences[1]!)}`, 200);
      assert.deepEqual(byAudience.json.map((grant: { id: string }) => grant.id), [ids[1]]);
      await collectPages(`/client-grants?client_id=${encodeURIComponent(clientId)}`, "client_grants", "id", 2, 3);

      await expectStatus("PATCH", `/client-grants/${ids[0]}`, 200, { scope: ["read:all", "write:all"] });
      assert.deepEqual((await expectStatus("GET", `/client-grants/${ids[0]}`, 200)).json.scope, ["read:all", "write:all"]);

      await expectStatus("DELETE", `/client-grants/${ids[0]}`, [200, 204]);
      await expectStatus("GET", `/client-grants/${ids[0]}`, 404);
      const remaining = await expectStatus("GET", `/client-grants?client_id=${encodeURIComponent(clientId)}`, 200);
      assert.equal(remaining.json.length, 2);
    });
  });

  describe("/grants", () => {
    it("lists by user and client, pages and deletes", async () => {
      const grants = server.data.grants;
      assert.ok(grants, "the adapter must provide grants");
      const alice = await createUser("grant-alice");
      const bob = await createUser("grant-bob");
      // /api/v2/grants has no POST route; consent creates grants, so the test stores them through the adapter.
      const aliceApp1 = await grants.create("main", { user_id: alice, clientID: "app-1", scope: ["read:orders"] });
      await grants.create("main", { user_id: alice, clientID: "app-2", scope: ["read:orders"] });
      await grants.create("main", { user_id: alice, clientID: "app-1", audience: "https://api.example.com", scope: ["write:orders"] });
      await grants.create("main", { user_id: bob, clientID: "app-1", scope: ["read:orders"] });

      const byUser = await expectStatus("GET", `/grants?user_id=${encodeURIComponent(alice)}&include_totals=true`, 200);
      assert.equal(byUser.json.grants.length, 3);
      assert.ok(byUser.json.grants.every((grant: { user_id: string }) => grant.user_id === alice));
      const byClient = await expectStatus("GET", "/grants?client_id=app-1", 200);
      assert.equal(byClient.json.length, 3);
      const exact = await expectStatus("GET", `/grants?user_id=${encodeURIComponent(alice)}&client_id=app-1&audience=${encodeURIComponent("https://api.example.com")}`, 200);
      assert.deepEqual(exact.json.map((grant: { scope: string[] }) => grant.scope), [["write:orders"]]);
      await collectPages(`/grants?user_id=${encodeURIComponent(alice)}`, "grants", "id", 2, 3);

      await expectStatus("DELETE", `/grants/${aliceApp1.id}`, 204);
      await expectStatus("DELETE", `/grants/${aliceApp1.id}`, 404);
      assert.equal((await expectStatus("GET", `/grants?user_id=${encodeURIComponent(alice)}`, 200)).json.length, 2);

      await expectStatus("DELETE", `/grants?user_id=${encodeURIComponent(alice)}`, 204);
      assert.deepEqual((await expectStatus("GET", `/grants?user_id=${encodeURIComponent(alice)}`, 200)).json, []);
      assert.equal((await expectStatus("GET", `/grants?user_id=${encodeURIComponent(bob)}`, 200)).json.length, 1);
    });

    it("go with a deleted user", async () => {
      const userId = await createUser("grant-leaver");
      await server.data.grants!.create("main", { user_id: userId, clientID: "app-1", scope: ["read:orders"] });
      await expectStatus("DELETE", `/users/${encodeURIComponent(userId)}`, [200, 204]);
      assert.deepEqual((await expectStatus("GET", `/grants?user_id=${encodeURIComponent(userId)}`, 200)).json, []);
    });
  });

  describe("/roles/{id}/permissions", () => {
    it("assigns, lists, pages and removes", async () => {
      await expectStatus("POST", "/resource-servers", [200, 201], { name: "Inventory", identifier: "https://inventory.example.com", scopes: ["read", "write", "delete"].map((value) => ({ value })) });
      const role = await expectStatus("POST", "/roles", [200, 201], { name: "inventory-admin" });
      const permissions = ["read", "write", "delete"].map((name) => ({ resource_server_identifier: "https://inventory.example.com", permission_name: name }));
      await expectStatus("POST", `/roles/${role.json.id}/permissions`, [201, 204], { permissions });

      const listed = await expectStatus("GET", `/roles/${role.json.id}/permissions`, 200);
      assert.deepEqual(listed.json.map((permission: { permission_name: string }) => permission.permission_name).sort(), ["delete", "read", "write"]);
      await collectPages(`/roles/${role.json.id}/permissions`, "permissions", "permission_name", 2, 3);

      await expectStatus("DELETE", `/roles/${role.json.id}/permissions`, [200, 204], { permissions: [permissions[2]] });
      const after = await expectStatus("GET", `/roles/${role.json.id}/permissions`, 200);
      assert.deepEqual(after.json.map((permission: { permission_name: string }) => permission.permission_name).sort(), ["read", "write"]);
      await expectStatus("GET", "/roles/rol_missing/permissions", 404);
    });
  });

  describe("/users/{id}/roles and permissions", () => {
    it("assigns, lists and removes roles", async () => {
      const userId = await createUser("roles-user");
      const roleIds: string[] = [];
      for (const name of ["viewer", "editor"]) roleIds.push((await expectStatus("POST", "/roles", [200, 201], { name })).json.id);

      await expectStatus("POST", `/users/${encodeURIComponent(userId)}/roles`, 201, { roles: roleIds });
      const listed = await expectStatus("GET", `/users/${encodeURIComponent(userId)}/roles`, 200);
      assert.deepEqual(listed.json.map((role: { name: string }) => role.name).sort(), ["editor", "viewer"]);
      const roleUsers = await expectStatus("GET", `/roles/${roleIds[0]}/users`, 200);
      const roleUserIds = (Array.isArray(roleUsers.json) ? roleUsers.json : roleUsers.json.users).map((user: { user_id: string }) => user.user_id);
      assert.deepEqual(roleUserIds, [userId]);

      await expectStatus("DELETE", `/users/${encodeURIComponent(userId)}/roles`, 200, { roles: [roleIds[0]] });
      const after = await expectStatus("GET", `/users/${encodeURIComponent(userId)}/roles`, 200);
      assert.deepEqual(after.json.map((role: { name: string }) => role.name), ["editor"]);
      await expectStatus("GET", "/users/auth2%7Cmissing/roles", 404);
    });

    it("assigns, lists and removes permissions", async () => {
      await expectStatus("POST", "/resource-servers", [200, 201], { name: "Tickets", identifier: "https://tickets.example.com", scopes: ["read", "close"].map((value) => ({ value })) });
      const userId = await createUser("permissions-user");
      const permissions = ["read", "close"].map((name) => ({ resource_server_identifier: "https://tickets.example.com", permission_name: name }));
      await expectStatus("POST", `/users/${encodeURIComponent(userId)}/permissions`, 201, { permissions });

      const listed = await expectStatus("GET", `/users/${encodeURIComponent(userId)}/permissions`, 200);
      assert.deepEqual(listed.json.map((permission: { permission_name: string }) => permission.permission_name).sort(), ["close", "read"]);

      await expectStatus("DELETE", `/users/${encodeURIComponent(userId)}/permissions`, [200, 204], { permissions: [permissions[1]] });
      const after = await expectStatus("GET", `/users/${encodeURIComponent(userId)}/permissions`, 200);
      assert.deepEqual(after.json.map((permission: { permission_name: string }) => permission.permission_name), ["read"]);
    });
  });

  describe("/organizations/{id} members, roles and invitations", () => {
    it("adds, lists, pages and removes members", async () => {
      const organization = await expectStatus("POST", "/organizations", [200, 201], { name: "initech", display_name: "Initech" });
      const organizationId: string = organization.json.id;
      const members: string[] = [];
      for (const name of ["peter", "samir", "michael"]) members.push(await createUser(`org-${name}`));

      await expectStatus("POST", `/organizations/${organizationId}/members`, 204, { members });
      // A repeated add must not create a second membership.
      await expectStatus("POST", `/organizations/${organizationId}/members`, 204, { members: [members[0]] });
      const seen = await collectPages(`/organizations/${organizationId}/members`, "members", "user_id", 2, 3);
      assert.deepEqual([...seen].sort(), [...members].sort());
      const userOrganizations = await expectStatus("GET", `/users/${encodeURIComponent(members[0]!)}/organizations`, 200);
      const organizationIds = (Array.isArray(userOrganizations.json) ? userOrganizations.json : userOrganizations.json.organizations).map((row: { id: string }) => row.id);
      assert.deepEqual(organizationIds, [organizationId]);

      await expectStatus("DELETE", `/organizations/${organizationId}/members`, [200, 204], { members: [members[0]] });
      const after = await expectStatus("GET", `/organizations/${organizationId}/members?include_totals=true`, 200);
      assert.deepEqual(after.json.members.map((member: { user_id: string }) => member.user_id).sort(), [members[1], members[2]].sort());
    });

    it("assigns, lists and removes member roles", async () => {
      const organization = await expectStatus("POST", "/organizations", [200, 201], { name: "hooli", display_name: "Hooli" });
      const organizationId: string = organization.json.id;
      const userId = await createUser("org-gavin");
      await expectStatus("POST", `/organizations/${organizationId}/members`, 204, { members: [userId] });
      const tenantRole = (await expectStatus("POST", "/roles", [200, 201], { name: "tenant-viewer" })).json.id;
      const orgRole = (await expectStatus("POST", "/roles", [200, 201], { name: "org-admin" })).json.id;
      await expectStatus("POST", `/users/${encodeURIComponent(userId)}/roles`, 201, { roles: [tenantRole] });

      const rolesPath = `/organizations/${organizationId}/members/${encodeURIComponent(userId)}/roles`;
      await expectStatus("POST", rolesPath, 204, { roles: [orgRole] });
      assert.deepEqual((await expectStatus("GET", rolesPath, 200)).json.map((role: { id: string }) => role.id), [orgRole]);
      // The organization role stays out of the user's tenant-level roles.
      assert.deepEqual((await expectStatus("GET", `/users/${encodeURIComponent(userId)}/roles`, 200)).json.map((role: { id: string }) => role.id), [tenantRole]);
      await expectStatus("POST", rolesPath, 400, { roles: ["rol_missing"] });

      await expectStatus("DELETE", rolesPath, [200, 204], { roles: [orgRole] });
      assert.deepEqual((await expectStatus("GET", rolesPath, 200)).json, []);
    });

    it("creates, reads, lists and deletes invitations", async () => {
      const organization = await expectStatus("POST", "/organizations", [200, 201], { name: "umbrella", display_name: "Umbrella" });
      const other = await expectStatus("POST", "/organizations", [200, 201], { name: "aperture", display_name: "Aperture" });
      const invitationsPath = `/organizations/${organization.json.id}/invitations`;
      const body = (email: string) => ({ inviter: { name: "Admin" }, invitee: { email }, client_id: server.seeded.managementClientId, send_invitation_email: false });
      const ids: string[] = [];
      for (const email of ["jill@example.com", "chris@example.com"]) ids.push((await expectStatus("POST", invitationsPath, 201, body(email))).json.id);
      await expectStatus("POST", `/organizations/${other.json.id}/invitations`, 201, body("glados@example.com"));

      const read = await expectStatus("GET", `${invitationsPath}/${ids[0]}`, 200);
      assert.equal(read.json.invitee.email, "jill@example.com");
      assert.equal(read.json.organization_id, organization.json.id);
      await expectStatus("GET", `/organizations/${other.json.id}/invitations/${ids[0]}`, 404);

      const listed = await expectStatus("GET", invitationsPath, 200);
      const listedRows = Array.isArray(listed.json) ? listed.json : listed.json.invitations;
      assert.deepEqual(listedRows.map((invitation: { id: string }) => invitation.id).sort(), [...ids].sort());

      await expectStatus("DELETE", `${invitationsPath}/${ids[0]}`, [200, 204]);
      await expectStatus("GET", `${invitationsPath}/${ids[0]}`, 404);
    });
  });

  for (const family of families) {
    describe(family.path, () => {
      it("creates, reads, filters, pages, updates and deletes", async () => {
        const ids: string[] = [];
        for (const body of family.create) {
          const created = await expectStatus("POST", family.path, [200, 201], body);
          ids.push(String(created.json[family.idField]));
        }

        const read = await expectStatus("GET", `${family.path}/${encodeURIComponent(ids[0]!)}`, 200);
        for (const [field, value] of Object.entries(family.create[0]!)) assert.deepEqual(read.json[field], value, `${family.path} read: ${field}`);

        const filtered = await expectStatus("GET", `${family.path}?q=${encodeURIComponent(family.filter)}&include_totals=true`, 200);
        assert.deepEqual(filtered.json[family.listKey].map((row: Record<string, unknown>) => String(row[family.idField])), [ids[0]]);

        const seen = await collectPages(family.path, family.listKey, family.idField, 2, 3);
        assert.deepEqual([...seen].sort(), [...ids].sort());

        await expectStatus("PATCH", `${family.path}/${encodeURIComponent(ids[0]!)}`, 200, family.patch);
        const reread = await expectStatus("GET", `${family.path}/${encodeURIComponent(ids[0]!)}`, 200);
        for (const [field, value] of Object.entries(family.patch)) assert.deepEqual(reread.json[field], value, `${family.path} update: ${field}`);

        for (const id of ids) await expectStatus("DELETE", `${family.path}/${encodeURIComponent(id)}`, [200, 204]);
        await expectStatus("GET", `${family.path}/${encodeURIComponent(ids[0]!)}`, 404);
        const emptied = await expectStatus("GET", `${family.path}?include_totals=true`, 200);
        assert.deepEqual(emptied.json[family.listKey], []);
      });
    });
  }
});
