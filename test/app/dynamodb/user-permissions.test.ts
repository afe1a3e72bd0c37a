import assert from "node:assert/strict";
import type { DataAdapters } from "@authhero/adapter-interfaces";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

const API = "https://api.example.com";

async function permissionNames(data: DataAdapters, tenantId: string, userId: string, organizationId?: string): Promise<string[]> {
  return (await data.userPermissions.list(tenantId, userId, undefined, organizationId)).map((entry) => entry.permission_name).sort();
}

describe("userPermissions adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and list", () => {
    it("lists tenant-level and organization permissions apart", async () => {
      const { data } = fixture();
      await data.userPermissions.create(TENANT_A, "auth2|alice", { user_id: "auth2|alice", resource_server_identifier: API, permission_name: "read:all" } as never);
      await data.userPermissions.create(TENANT_A, "auth2|alice", { user_id: "auth2|alice", resource_server_identifier: API, permission_name: "org:read" } as never, "org_1");

      assert.deepEqual(await permissionNames(data, TENANT_A, "auth2|alice", ""), ["read:all"]);
      assert.deepEqual(await permissionNames(data, TENANT_A, "auth2|alice", "org_1"), ["org:read"]);
    });
  });

  describe("remove", () => {
    it("removes one permission", async () => {
      const { data } = fixture();
      await data.userPermissions.create(TENANT_A, "auth2|alice", { user_id: "auth2|alice", resource_server_identifier: API, permission_name: "read:all" } as never);
      await data.userPermissions.create(TENANT_A, "auth2|alice", { user_id: "auth2|alice", resource_server_identifier: API, permission_name: "write:all" } as never);
      assert.equal(await data.userPermissions.remove(TENANT_A, "auth2|alice", { resource_server_identifier: API, permission_name: "write:all" }), true);
      assert.deepEqual(await permissionNames(data, TENANT_A, "auth2|alice"), ["read:all"]);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one user apart in two tenants", async () => {
      const { data } = fixture();
      await data.userPermissions.create(TENANT_A, "auth2|same", { user_id: "auth2|same", resource_server_identifier: API, permission_name: "read:a" } as never);
      assert.deepEqual(await permissionNames(data, TENANT_B, "auth2|same"), []);
      assert.equal(await data.userPermissions.remove(TENANT_B, "auth2|same", { resource_server_identifier: API, permission_name: "read:a" }), false);
      assert.deepEqual(await permissionNames(data, TENANT_A, "auth2|same"), ["read:a"]);
    });
  });
});
