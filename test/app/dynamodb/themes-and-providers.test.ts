import assert from "node:assert/strict";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

describe("themes, email provider and template adapters", () => {
  const fixture = useAdapterFixture();

  describe("themes", () => {
    it("uses the positional theme id", async () => {
      const { data } = fixture();
      const created = await data.themes.create(TENANT_A, { displayName: "Dark" } as never, "theme-dark");
      assert.equal(created.themeId, "theme-dark");
      assert.equal((await data.themes.get(TENANT_A, "theme-dark"))?.displayName, "Dark");
    });

    it("prefers the import id over the positional id", async () => {
      const { data } = fixture();
      const created = await data.themes.create(TENANT_A, { displayName: "Dark" } as never, "theme-dark", { importMetadata: { id: "imported" } } as never);
      assert.equal(created.themeId, "imported");
      assert.equal(await data.themes.get(TENANT_A, "theme-dark"), null);
    });

    it("rejects a duplicate theme id with 409", async () => {
      const { data } = fixture();
      await data.themes.create(TENANT_A, { displayName: "Dark" } as never, "theme-dark");
      await assertHttpError(data.themes.create(TENANT_A, { displayName: "Other" } as never, "theme-dark"), 409);
    });

    it("updates and removes within the tenant", async () => {
      const { data } = fixture();
      await data.themes.create(TENANT_A, { displayName: "A" } as never, "same");
      await data.themes.create(TENANT_B, { displayName: "B" } as never, "same");
      assert.equal(await data.themes.update(TENANT_B, "same", { displayName: "B2" } as never), true);
      assert.equal(await data.themes.remove(TENANT_B, "same"), true);
      assert.equal(await data.themes.get(TENANT_B, "same"), null);
      assert.equal((await data.themes.get(TENANT_A, "same"))?.displayName, "A");
    });
  });

  describe("emailProviders", () => {
    it("creates, merges an update and removes", async () => {
      const { data } = fixture();
      assert.equal(await data.emailProviders.get(TENANT_A), null);
      await data.emailProviders.create(TENANT_A, { name: "mailgun", enabled: true, credentials: { api_key: "key" } } as never);
      await data.emailProviders.update(TENANT_A, { default_from_address: "login@example.com" } as never);

      const stored = await data.emailProviders.get(TENANT_A);
      assert.equal(stored?.name, "mailgun");
      assert.equal(stored?.default_from_address, "login@example.com");
      assert.equal(await data.emailProviders.get(TENANT_B), null);

      await data.emailProviders.remove(TENANT_A);
      assert.equal(await data.emailProviders.get(TENANT_A), null);
    });
  });

  describe("universalLoginTemplates", () => {
    it("sets, gets and deletes per tenant", async () => {
      const { data } = fixture();
      await data.universalLoginTemplates.set(TENANT_A, { body: "<html>{%- auth0:widget -%}</html>" } as never);
      assert.equal((await data.universalLoginTemplates.get(TENANT_A))?.body, "<html>{%- auth0:widget -%}</html>");
      assert.equal(await data.universalLoginTemplates.get(TENANT_B), null);
      await data.universalLoginTemplates.delete(TENANT_A);
      assert.equal(await data.universalLoginTemplates.get(TENANT_A), null);
    });
  });

  describe("flows", () => {
    it("returns the updated flow, or null for an unknown id", async () => {
      const { data } = fixture();
      const created = await data.flows.create(TENANT_A, { name: "verify", actions: [] } as never);
      const updated = await data.flows.update(TENANT_A, created.id, { name: "verify-email" } as never);
      assert.equal(updated?.name, "verify-email");
      assert.equal(await data.flows.update(TENANT_A, "missing", { name: "x" } as never), null);
    });
  });
});
