import assert from "node:assert/strict";
import type { CodeInsert } from "@authhero/adapter-interfaces";
import { assertHttpError, isoIn, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

function codeInsert(codeId: string, fields: Partial<CodeInsert> = {}): CodeInsert {
  return { code_id: codeId, login_id: "login-1", code_type: "authorization_code", expires_at: isoIn(600), ...fields };
}

describe("codes adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("returns a code of the requested type", async () => {
      const { data } = fixture();
      const created = await data.codes.create(TENANT_A, codeInsert("code-1", { redirect_uri: "https://app.example.com/cb" }));
      assert.ok(created.created_at);

      const stored = await data.codes.get(TENANT_A, "code-1", "authorization_code");
      assert.equal(stored?.code_id, "code-1");
      assert.equal(stored?.redirect_uri, "https://app.example.com/cb");
    });

    it("returns null for another code type", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      assert.equal(await data.codes.get(TENANT_A, "code-1", "otp"), null);
      assert.equal(await data.codes.get(TENANT_A, "code-1", "password_reset"), null);
    });

    it("returns null for an unknown code", async () => {
      const { data } = fixture();
      assert.equal(await data.codes.get(TENANT_A, "missing", "authorization_code"), null);
    });

    it("rejects a duplicate code id with 409", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      await assertHttpError(data.codes.create(TENANT_A, codeInsert("code-1")), 409);
    });
  });

  describe("consume", () => {
    it("succeeds once", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      assert.equal(await data.codes.consume(TENANT_A, "code-1"), true);
      assert.equal(await data.codes.consume(TENANT_A, "code-1"), false);
      assert.ok((await data.codes.get(TENANT_A, "code-1", "authorization_code"))?.used_at);
    });

    it("lets exactly one of many concurrent calls win", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      const results = await Promise.all(Array.from({ length: 12 }, () => data.codes.consume(TENANT_A, "code-1")));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it("returns false for an unknown code", async () => {
      const { data } = fixture();
      assert.equal(await data.codes.consume(TENANT_A, "missing"), false);
      assert.equal(await data.codes.get(TENANT_A, "missing", "authorization_code"), null);
    });

    it("returns false after used", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      assert.equal(await data.codes.used(TENANT_A, "code-1"), true);
      assert.equal(await data.codes.consume(TENANT_A, "code-1"), false);
    });
  });

  describe("expired codes", () => {
    it("are not returned by get or list", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("expired", { expires_at: isoIn(-60) }));
      await data.codes.create(TENANT_A, codeInsert("live"));

      assert.equal(await data.codes.get(TENANT_A, "expired", "authorization_code"), null);
      const { codes } = await data.codes.list(TENANT_A);
      assert.deepEqual(codes.map((code) => code.code_id), ["live"]);
    });

    it("cannot be consumed or marked used", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("expired", { expires_at: isoIn(-60) }));
      assert.equal(await data.codes.consume(TENANT_A, "expired"), false);
      assert.equal(await data.codes.used(TENANT_A, "expired"), false);
    });
  });

  describe("list", () => {
    it("filters with q", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      await data.codes.create(TENANT_A, codeInsert("code-2", { code_type: "otp" }));
      const { codes } = await data.codes.list(TENANT_A, { q: 'code_id:"code-2"' });
      assert.deepEqual(codes.map((code) => code.code_id), ["code-2"]);
    });
  });

  describe("remove", () => {
    it("deletes the code", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("code-1"));
      assert.equal(await data.codes.remove(TENANT_A, "code-1"), true);
      assert.equal(await data.codes.get(TENANT_A, "code-1", "authorization_code"), null);
      assert.equal(await data.codes.remove(TENANT_A, "code-1"), false);
    });
  });

  describe("tenant isolation", () => {
    it("keeps one code id apart in two tenants", async () => {
      const { data } = fixture();
      await data.codes.create(TENANT_A, codeInsert("same", { user_id: "auth2|a" }));
      await data.codes.create(TENANT_B, codeInsert("same", { user_id: "auth2|b" }));

      assert.equal((await data.codes.get(TENANT_B, "same", "authorization_code"))?.user_id, "auth2|b");
      assert.equal(await data.codes.consume(TENANT_B, "same"), true);
      assert.equal((await data.codes.get(TENANT_A, "same", "authorization_code"))?.used_at, undefined);
      assert.equal(await data.codes.consume(TENANT_A, "same"), true);

      await data.codes.remove(TENANT_B, "same");
      assert.equal((await data.codes.get(TENANT_A, "same", "authorization_code"))?.user_id, "auth2|a");
      assert.deepEqual((await data.codes.list(TENANT_B)).codes, []);
      assert.equal((await data.codes.list(TENANT_A)).codes.length, 1);
    });
  });
});
