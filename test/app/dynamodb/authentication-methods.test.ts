import assert from "node:assert/strict";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

describe("authenticationMethods adapter", () => {
  const fixture = useAdapterFixture();

  describe("create, get and list", () => {
    it("lists a user's methods", async () => {
      const { data } = fixture();
      const totp = await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "totp", totp_secret: "secret", confirmed: true });
      await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "passkey", credential_id: "cred-1", public_key: "pk", confirmed: true });
      await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|bob", type: "phone", phone_number: "+15550100", confirmed: false });

      assert.equal((await data.authenticationMethods.get(TENANT_A, totp.id))?.totp_secret, "secret");
      const methods = await data.authenticationMethods.list(TENANT_A, "auth2|alice");
      assert.deepEqual(methods.map((method) => method.type).sort(), ["passkey", "totp"]);
    });

    it("finds a passkey by credential id", async () => {
      const { data } = fixture();
      const passkey = await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "passkey", credential_id: "cred-1", public_key: "pk", confirmed: true });
      assert.equal((await data.authenticationMethods.getByCredentialId(TENANT_A, "cred-1"))?.id, passkey.id);
      assert.equal(await data.authenticationMethods.getByCredentialId(TENANT_A, "cred-2"), null);
    });
  });

  describe("update", () => {
    it("returns the updated method", async () => {
      const { data } = fixture();
      const passkey = await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "passkey", credential_id: "cred-1", public_key: "pk", sign_count: 1, confirmed: true });
      const updated = await data.authenticationMethods.update(TENANT_A, passkey.id, { sign_count: 2 });
      assert.equal(updated.sign_count, 2);
      assert.equal((await data.authenticationMethods.getByCredentialId(TENANT_A, "cred-1"))?.sign_count, 2);
    });

    it("rejects an unknown id with 404", async () => {
      const { data } = fixture();
      await assertHttpError(data.authenticationMethods.update(TENANT_A, "missing", { sign_count: 2 }), 404);
    });
  });

  describe("remove", () => {
    it("deletes the method", async () => {
      const { data } = fixture();
      const passkey = await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|alice", type: "passkey", credential_id: "cred-1", public_key: "pk", confirmed: true });
      assert.equal(await data.authenticationMethods.remove(TENANT_A, passkey.id), true);
      assert.equal(await data.authenticationMethods.getByCredentialId(TENANT_A, "cred-1"), null);
      assert.deepEqual(await data.authenticationMethods.list(TENANT_A, "auth2|alice"), []);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one user and credential apart in two tenants", async () => {
      const { data } = fixture();
      const inA = await data.authenticationMethods.create(TENANT_A, { user_id: "auth2|same", type: "passkey", credential_id: "cred-1", public_key: "a", confirmed: true });
      await data.authenticationMethods.create(TENANT_B, { user_id: "auth2|same", type: "passkey", credential_id: "cred-1", public_key: "b", confirmed: true });

      assert.equal((await data.authenticationMethods.getByCredentialId(TENANT_B, "cred-1"))?.public_key, "b");
      assert.equal(await data.authenticationMethods.get(TENANT_B, inA.id), null);
      assert.deepEqual((await data.authenticationMethods.list(TENANT_B, "auth2|same")).map((method) => method.public_key), ["b"]);
      assert.equal(await data.authenticationMethods.remove(TENANT_B, inA.id), false);
      assert.equal((await data.authenticationMethods.get(TENANT_A, inA.id))?.public_key, "a");
    });
  });
});
