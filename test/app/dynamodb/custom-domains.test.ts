import assert from "node:assert/strict";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

describe("customDomains adapter", () => {
  const fixture = useAdapterFixture();

  describe("create and get", () => {
    it("stores a pending domain", async () => {
      const { data } = fixture();
      const created = await data.customDomains.create(TENANT_A, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      assert.ok(created.custom_domain_id);
      assert.equal(created.status, "pending");
      assert.equal((await data.customDomains.get(TENANT_A, created.custom_domain_id))?.domain, "login.acme.example");
    });

    it("rejects a domain another tenant uses with 409", async () => {
      const { data } = fixture();
      await data.customDomains.create(TENANT_A, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      await assertHttpError(data.customDomains.create(TENANT_B, { domain: "LOGIN.acme.example", type: "self_managed_certs" } as never), 409);
      assert.equal((await data.customDomains.getByDomain("login.acme.example"))?.tenant_id, TENANT_A);
      assert.deepEqual(await data.customDomains.list(TENANT_B), []);
    });
  });

  describe("getByDomain", () => {
    it("finds the domain and its tenant without regard to case", async () => {
      const { data } = fixture();
      const created = await data.customDomains.create(TENANT_B, { domain: "Login.Acme.Example", type: "self_managed_certs" } as never);
      const found = await data.customDomains.getByDomain("login.acme.EXAMPLE");
      assert.equal(found?.tenant_id, TENANT_B);
      assert.equal(found?.custom_domain_id, created.custom_domain_id);
    });

    it("returns null for an unknown domain", async () => {
      const { data } = fixture();
      assert.equal(await data.customDomains.getByDomain("unknown.example"), null);
    });

    it("follows a domain change", async () => {
      const { data } = fixture();
      const created = await data.customDomains.create(TENANT_A, { domain: "old.acme.example", type: "self_managed_certs" } as never);
      assert.equal(await data.customDomains.update(TENANT_A, created.custom_domain_id, { domain: "new.acme.example" }), true);
      assert.equal(await data.customDomains.getByDomain("old.acme.example"), null);
      assert.equal((await data.customDomains.getByDomain("new.acme.example"))?.custom_domain_id, created.custom_domain_id);

      await data.customDomains.create(TENANT_B, { domain: "old.acme.example", type: "self_managed_certs" } as never);
      await assertHttpError(data.customDomains.create(TENANT_B, { domain: "new.acme.example", type: "self_managed_certs" } as never), 409);
    });

    it("returns null after remove and frees the domain", async () => {
      const { data } = fixture();
      const created = await data.customDomains.create(TENANT_A, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      assert.equal(await data.customDomains.remove(TENANT_A, created.custom_domain_id), true);
      assert.equal(await data.customDomains.getByDomain("login.acme.example"), null);
      await data.customDomains.create(TENANT_B, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      assert.equal((await data.customDomains.getByDomain("login.acme.example"))?.tenant_id, TENANT_B);
    });
  });

  describe("update", () => {
    it("changes the status", async () => {
      const { data } = fixture();
      const created = await data.customDomains.create(TENANT_A, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      await data.customDomains.update(TENANT_A, created.custom_domain_id, { status: "ready" });
      assert.equal((await data.customDomains.getByDomain("login.acme.example"))?.status, "ready");
    });

    it("rejects a domain another tenant uses with 409", async () => {
      const { data } = fixture();
      await data.customDomains.create(TENANT_A, { domain: "login.acme.example", type: "self_managed_certs" } as never);
      const other = await data.customDomains.create(TENANT_B, { domain: "login.other.example", type: "self_managed_certs" } as never);
      await assertHttpError(data.customDomains.update(TENANT_B, other.custom_domain_id, { domain: "login.acme.example" }), 409);
      assert.equal((await data.customDomains.getByDomain("login.acme.example"))?.tenant_id, TENANT_A);
      assert.equal((await data.customDomains.get(TENANT_B, other.custom_domain_id))?.domain, "login.other.example");
    });
  });

  describe("tenant isolation", () => {
    it("keeps one domain id apart in two tenants", async () => {
      const { data } = fixture();
      await data.customDomains.create(TENANT_A, { custom_domain_id: "cd_same", domain: "a.example", type: "self_managed_certs" } as never);
      await data.customDomains.create(TENANT_B, { custom_domain_id: "cd_same", domain: "b.example", type: "self_managed_certs" } as never);

      assert.equal((await data.customDomains.get(TENANT_B, "cd_same"))?.domain, "b.example");
      assert.deepEqual((await data.customDomains.list(TENANT_B)).map((domain) => domain.domain), ["b.example"]);
      await data.customDomains.update(TENANT_B, "cd_same", { status: "ready" });
      await data.customDomains.remove(TENANT_B, "cd_same");

      const untouched = await data.customDomains.get(TENANT_A, "cd_same");
      assert.equal(untouched?.domain, "a.example");
      assert.equal(untouched?.status, "pending");
      assert.equal((await data.customDomains.getByDomain("a.example"))?.tenant_id, TENANT_A);
    });
  });
});
