import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

async function roleNames(data: DataAdapters, tenantId: string, userId: string, organizationId?: string): Promise<string[]> {
  return (await data.userRoles.list(tenantId, userId, undefined, organizationId)).map((role) => role.name).sort();
}

/** Creates roles named after their ids so results read plainly. */
async function createRoles(data: DataAdapters, tenantId: string, ...ids: string[]): Promise<void> {
  for (const id of ids) await data.roles.create(tenantId, { id, name: id } as never);
}

describe("userRoles adapter", () => {
  const fixture = useAdapterFixture();

  describe("list", () => {
    it("returns tenant-level roles for organization \"\"", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin", "org-admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "org-admin", "org_1");
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice", ""), ["admin"]);
    });

    it("returns one organization's roles for its id", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin", "org-admin", "org2-admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "org-admin", "org_1");
      await data.userRoles.create(TENANT_A, "auth2|alice", "org2-admin", "org_2");
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice", "org_1"), ["org-admin"]);
    });

    it("returns roles of every scope when no organization is given", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin", "org-admin", "org2-admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "org-admin", "org_1");
      await data.userRoles.create(TENANT_A, "auth2|alice", "org2-admin", "org_2");
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice"), ["admin", "org-admin", "org2-admin"]);
    });

    it("skips roles that no longer exist", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "deleted-role");
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice", ""), ["admin"]);
    });

    it("skips other items in the user's partition", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      await data.users.create(TENANT_A, { user_id: "auth2|alice", connection: "Username-Password-Authentication", email_verified: false, password: { hash: "h", algorithm: "bcrypt" } });
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice"), ["admin"]);
    });
  });

  describe("remove", () => {
    it("removes the role in one scope only", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin", "org_1");
      assert.equal(await data.userRoles.remove(TENANT_A, "auth2|alice", "admin", "org_1"), true);
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice", "org_1"), []);
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|alice", ""), ["admin"]);
      assert.equal(await data.userRoles.remove(TENANT_A, "auth2|alice", "admin", "org_1"), false);
    });
  });

  describe("listUsers", () => {
    it("returns distinct user ids in ascending order with the total", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      for (const userId of ["auth2|carol", "auth2|alice", "auth2|bob"]) await data.userRoles.create(TENANT_A, userId, "admin");
      await data.userRoles.create(TENANT_A, "auth2|alice", "admin", "org_1");

      const result = await data.userRoles.listUsers(TENANT_A, "admin", { page: 0, per_page: 2, include_totals: true });
      assert.deepEqual(result.userIds, ["auth2|alice", "auth2|bob"]);
      assert.equal(result.start, 0);
      assert.equal(result.limit, 2);
      assert.equal(result.length, 3);
      assert.equal(result.next, undefined);

      const second = await data.userRoles.listUsers(TENANT_A, "admin", { page: 1, per_page: 2 });
      assert.deepEqual(second.userIds, ["auth2|carol"]);
    });

    it("pages with from and take", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      for (const userId of ["auth2|u1", "auth2|u2", "auth2|u3", "auth2|u4", "auth2|u5"]) await data.userRoles.create(TENANT_A, userId, "admin");

      const seen: string[] = [];
      let from: string | undefined;
      for (let round = 0; round < 10; round++) {
        const page = await data.userRoles.listUsers(TENANT_A, "admin", { from, take: 2 });
        assert.ok(page.userIds.length <= 2);
        assert.equal(page.length, page.userIds.length);
        seen.push(...page.userIds);
        from = page.next;
        if (!from) break;
      }
      assert.deepEqual(seen, ["auth2|u1", "auth2|u2", "auth2|u3", "auth2|u4", "auth2|u5"]);
    });

    it("rejects another tenant's cursor with 400", async () => {
      const { data } = fixture();
      for (const userId of ["auth2|u1", "auth2|u2"]) await data.userRoles.create(TENANT_A, userId, "admin");
      const page = await data.userRoles.listUsers(TENANT_A, "admin", { take: 1 });
      assert.ok(page.next);
      await assertHttpError(data.userRoles.listUsers(TENANT_B, "admin", { from: page.next, take: 1 }), 400);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one user and role id apart in two tenants", async () => {
      const { data } = fixture();
      await createRoles(data, TENANT_A, "admin");
      await createRoles(data, TENANT_B, "admin");
      await data.userRoles.create(TENANT_A, "auth2|same", "admin");
      await data.userRoles.create(TENANT_B, "auth2|other", "admin");

      assert.deepEqual(await roleNames(data, TENANT_B, "auth2|same"), []);
      assert.deepEqual((await data.userRoles.listUsers(TENANT_B, "admin")).userIds, ["auth2|other"]);
      assert.equal(await data.userRoles.remove(TENANT_B, "auth2|same", "admin"), false);
      assert.deepEqual(await roleNames(data, TENANT_A, "auth2|same"), ["admin"]);
      assert.deepEqual((await data.userRoles.listUsers(TENANT_A, "admin")).userIds, ["auth2|same"]);
    });
  });
});
