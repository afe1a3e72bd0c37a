import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

async function memberships(data: DataAdapters, tenantId: string, q: string): Promise<string[]> {
  const { userOrganizations } = await data.userOrganizations.list(tenantId, { q });
  return userOrganizations.map((membership) => `${membership.user_id} ${membership.organization_id}`).sort();
}

describe("userOrganizations adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores a membership", async () => {
      const { data } = fixture();
      const created = await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      assert.ok(created.id.startsWith("uor_"));
      assert.equal((await data.userOrganizations.get(TENANT_A, created.id))?.organization_id, "org_1");
    });

    it("returns the existing membership for a repeat", async () => {
      const { data } = fixture();
      const first = await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      const second = await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      assert.equal(second.id, first.id);
      assert.deepEqual(await memberships(data, TENANT_A, "user_id:auth2|alice"), ["auth2|alice org_1"]);
    });
  });

  describe("list", () => {
    it("reports the match count as length", async () => {
      const { data } = fixture();
      for (const userId of ["auth2|u1", "auth2|u2", "auth2|u3"]) await data.userOrganizations.create(TENANT_A, { user_id: userId, organization_id: "org_1" });

      const page = await data.userOrganizations.list(TENANT_A, { q: "organization_id:org_1", page: 1, per_page: 2, include_totals: true });
      assert.equal(page.userOrganizations.length, 1);
      assert.equal(page.start, 2);
      assert.equal(page.limit, 2);
      assert.equal(page.length, 3);

      const cursorPage = await data.userOrganizations.list(TENANT_A, { q: "organization_id:org_1", take: 2 });
      assert.equal(cursorPage.length, 2);
      assert.ok(cursorPage.next);
    });

    it("lists by user_id or organization_id", async () => {
      const { data } = fixture();
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_2" });
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|bob", organization_id: "org_1" });

      assert.deepEqual(await memberships(data, TENANT_A, "user_id:auth2|alice"), ["auth2|alice org_1", "auth2|alice org_2"]);
      assert.deepEqual(await memberships(data, TENANT_A, "organization_id:org_1"), ["auth2|alice org_1", "auth2|bob org_1"]);
      assert.deepEqual(await memberships(data, TENANT_A, "user_id:auth2|bob organization_id:org_2"), []);
    });

    it("lists every membership of the tenant's organizations without a term", async () => {
      const { data } = fixture();
      for (const [tenantId, id] of [[TENANT_A, "org_1"], [TENANT_A, "org_2"], [TENANT_B, "org_3"]] as const) {
        await data.organizations.create(tenantId, { id, name: id });
      }
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|bob", organization_id: "org_2" });
      await data.userOrganizations.create(TENANT_B, { user_id: "auth2|carol", organization_id: "org_3" });

      const { userOrganizations } = await data.userOrganizations.list(TENANT_A, {});
      const listed = userOrganizations.map((membership) => `${membership.user_id} ${membership.organization_id}`).sort();

      assert.deepEqual(listed, ["auth2|alice org_1", "auth2|bob org_2"]);
    });
  });

  describe("listUserOrganizations", () => {
    it("returns the user's organizations", async () => {
      const { data } = fixture();
      const first = await data.organizations.create(TENANT_A, { name: "first" });
      const second = await data.organizations.create(TENANT_A, { name: "second" });
      await data.organizations.create(TENANT_A, { name: "third" });
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: first.id });
      await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: second.id });

      const { organizations } = await data.userOrganizations.listUserOrganizations(TENANT_A, "auth2|alice");
      assert.deepEqual(organizations.map((organization) => organization.name).sort(), ["first", "second"]);
    });
  });

  describe("remove", () => {
    it("deletes the membership", async () => {
      const { data } = fixture();
      const created = await data.userOrganizations.create(TENANT_A, { user_id: "auth2|alice", organization_id: "org_1" });
      assert.equal(await data.userOrganizations.remove(TENANT_A, created.id), true);
      assert.equal(await data.userOrganizations.get(TENANT_A, created.id), null);
      assert.deepEqual(await memberships(data, TENANT_A, "user_id:auth2|alice"), []);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one user and organization apart in two tenants", async () => {
      const { data } = fixture();
      const inA = await data.userOrganizations.create(TENANT_A, { user_id: "auth2|same", organization_id: "org_1" });
      await data.userOrganizations.create(TENANT_B, { user_id: "auth2|same", organization_id: "org_2" });

      assert.equal(await data.userOrganizations.get(TENANT_B, inA.id), null);
      assert.deepEqual(await memberships(data, TENANT_B, "user_id:auth2|same"), ["auth2|same org_2"]);
      assert.deepEqual(await memberships(data, TENANT_B, "organization_id:org_1"), []);
      assert.equal(await data.userOrganizations.remove(TENANT_B, inA.id), false);
      assert.deepEqual(await memberships(data, TENANT_A, "user_id:auth2|same"), ["auth2|same org_1"]);
    });
  });
});
