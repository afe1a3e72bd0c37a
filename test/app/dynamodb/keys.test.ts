import assert from "node:assert/strict";
import type { DataAdapters, SigningKey } from "@authhero/adapter-interfaces";
import { assertHttpError, useAdapterFixture } from "./helpers.js";

function signingKey(kid: string, fields: Partial<SigningKey> = {}): SigningKey {
  return { kid, cert: `cert-${kid}`, fingerprint: `fp-${kid}`, thumbprint: `tp-${kid}`, type: "jwt_signing", ...fields };
}

async function kids(data: DataAdapters, q?: string): Promise<string[]> {
  const { signingKeys } = await data.keys.list(q === undefined ? {} : { q });
  return signingKeys.map((key) => key.kid).sort();
}

async function seed(data: DataAdapters): Promise<void> {
  await data.keys.create(signingKey("control-1"));
  await data.keys.create(signingKey("tenant-a-1", { tenant_id: "tenant-a" }));
  await data.keys.create(signingKey("tenant-a-saml", { tenant_id: "tenant-a", type: "saml_encryption" }));
  await data.keys.create(signingKey("tenant-b-1", { tenant_id: "tenant-b" }));
  await data.keys.create(signingKey("control-saml", { type: "saml_encryption" }));
}

describe("keys adapter", () => {
  const fixture = useAdapterFixture();

  describe("list", () => {
    it("returns a tenant's keys for type and tenant_id", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await kids(data, "type:jwt_signing AND tenant_id:tenant-a"), ["tenant-a-1"]);
      assert.deepEqual(await kids(data, "type:jwt_signing AND tenant_id:tenant-b"), ["tenant-b-1"]);
      assert.deepEqual(await kids(data, "type:jwt_signing AND tenant_id:tenant-c"), []);
    });

    it("returns control-plane keys for -_exists_:tenant_id", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await kids(data, "type:jwt_signing AND -_exists_:tenant_id"), ["control-1"]);
      assert.deepEqual(await kids(data, "-_exists_:tenant_id"), ["control-1", "control-saml"]);
    });

    it("returns every key of a type", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await kids(data, "type:jwt_signing"), ["control-1", "tenant-a-1", "tenant-b-1"]);
      assert.deepEqual(await kids(data, "type:saml_encryption"), ["control-saml", "tenant-a-saml"]);
      assert.deepEqual(await kids(data), ["control-1", "control-saml", "tenant-a-1", "tenant-a-saml", "tenant-b-1"]);
    });

    it("finds a key by kid", async () => {
      const { data } = fixture();
      await seed(data);
      assert.deepEqual(await kids(data, "type:jwt_signing AND kid:tenant-b-1"), ["tenant-b-1"]);
    });
  });

  describe("create", () => {
    it("rejects a duplicate kid with 409", async () => {
      const { data } = fixture();
      await data.keys.create(signingKey("key-1"));
      await assertHttpError(data.keys.create(signingKey("key-1", { tenant_id: "tenant-a" })), 409);
      assert.deepEqual(await kids(data, "-_exists_:tenant_id"), ["key-1"]);
    });

    it("stamps current_since when missing", async () => {
      const { data } = fixture();
      await data.keys.create(signingKey("key-1"));
      const [key] = (await data.keys.list()).signingKeys;
      assert.ok(key?.current_since);
    });
  });

  describe("update", () => {
    it("revokes a key", async () => {
      const { data } = fixture();
      await data.keys.create(signingKey("key-1", { tenant_id: "tenant-a" }));
      const revokedAt = new Date().toISOString();
      assert.equal(await data.keys.update("key-1", { revoked_at: revokedAt }), true);
      const [key] = (await data.keys.list({ q: "type:jwt_signing AND tenant_id:tenant-a" })).signingKeys;
      assert.equal(key?.revoked_at, revokedAt);
    });

    it("moves a key to another tenant's list", async () => {
      const { data } = fixture();
      await data.keys.create(signingKey("key-1", { tenant_id: "tenant-a" }));
      await data.keys.update("key-1", { tenant_id: "tenant-b" });
      assert.deepEqual(await kids(data, "type:jwt_signing AND tenant_id:tenant-a"), []);
      assert.deepEqual(await kids(data, "type:jwt_signing AND tenant_id:tenant-b"), ["key-1"]);
    });

    it("returns false for an unknown kid", async () => {
      const { data } = fixture();
      assert.equal(await data.keys.update("missing", { revoked_at: new Date().toISOString() }), false);
      assert.deepEqual(await kids(data), []);
    });
  });
});
