import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const API = "https://api.example.com";

function permission(roleId: string, name: string, resourceServer = API) {
  return { role_id: roleId, resource_server_identifier: resourceServer, permission_name: name };
}

async function names(data: DataAdapters, tenantId: string, roleId: string): Promise<string[]> {
  return (await data.rolePermissions.list(tenantId, roleId)).map((entry) => `${entry.resource_server_identifier} ${entry.permission_name}`).sort();
}

describe("rolePermissions adapter", () => {
  const fixture = useAdapterFixture();

  describe("assign and list", () => {
    it("lists the permissions assigned to a role", async () => {
      const { data } = fixture();
      assert.equal(await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:all"), permission("rol_1", "write:all"), permission("rol_1", "read:all", "https://other.example.com")]), true);
      assert.deepEqual(await names(data, TENANT_A, "rol_1"), [`${API} read:all`, `${API} write:all`, "https://other.example.com read:all"]);

      const [entry] = await data.rolePermissions.list(TENANT_A, "rol_1");
      assert.equal(entry?.role_id, "rol_1");
      assert.ok(entry?.created_at);
    });

    it("assigns a permission once however often it is assigned", async () => {
      const { data } = fixture();
      await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:all")]);
      await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:all")]);
      assert.deepEqual(await names(data, TENANT_A, "rol_1"), [`${API} read:all`]);
    });

    it("returns an empty list for a role without permissions", async () => {
      const { data } = fixture();
      await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:all")]);
      assert.deepEqual(await data.rolePermissions.list(TENANT_A, "rol_2"), []);
    });

    it("skips the role's own item in its partition", async () => {
      const { data } = fixture();
      const role = await data.roles.create(TENANT_A, { name: "admin" });
      await data.rolePermissions.assign(TENANT_A, role.id, [permission(role.id, "read:all")]);
      assert.deepEqual(await names(data, TENANT_A, role.id), [`${API} read:all`]);
    });
  });

  describe("remove", () => {
    it("removes only the named permissions", async () => {
      const { data } = fixture();
      await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:all"), permission("rol_1", "write:all")]);
      assert.equal(await data.rolePermissions.remove(TENANT_A, "rol_1", [{ resource_server_identifier: API, permission_name: "write:all" }]), true);
      assert.deepEqual(await names(data, TENANT_A, "rol_1"), [`${API} read:all`]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one role id apart in two tenants", async () => {
      const { data } = fixture();
      await data.rolePermissions.assign(TENANT_A, "rol_1", [permission("rol_1", "read:a")]);
      await data.rolePermissions.assign(TENANT_B, "rol_1", [permission("rol_1", "read:b")]);
      assert.deepEqual(await names(data, TENANT_B, "rol_1"), [`${API} read:b`]);

      await data.rolePermissions.remove(TENANT_B, "rol_1", [{ resource_server_identifier: API, permission_name: "read:a" }, { resource_server_identifier: API, permission_name: "read:b" }]);
      assert.deepEqual(await names(data, TENANT_B, "rol_1"), []);
      assert.deepEqual(await names(data, TENANT_A, "rol_1"), [`${API} read:a`]);
    });
  });
});
