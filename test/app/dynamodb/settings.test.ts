import assert from "node:assert/strict";
import { TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

describe("settings adapters", () => {
  const fixture = useAdapterFixture();

  describe("branding", () => {
    it("returns null until set", async () => {
      const { data } = fixture();
      assert.equal(await data.branding.get(TENANT_A), null);
    });

    it("merges sent fields into the stored ones", async () => {
      const { data } = fixture();
      await data.branding.set(TENANT_A, { logo_url: "https://cdn.example.com/a.png", colors: { primary: "#000000", page_background: "#ffffff" } });
      await data.branding.set(TENANT_A, { logo_url: "https://cdn.example.com/b.png" });
      await data.branding.set(TENANT_A, { colors: { primary: "#111111" } });
      assert.deepEqual(await data.branding.get(TENANT_A), { logo_url: "https://cdn.example.com/b.png", colors: { primary: "#111111", page_background: "#ffffff" } });
    });

    it("keeps tenants apart", async () => {
      const { data } = fixture();
      await data.branding.set(TENANT_A, { logo_url: "https://cdn.example.com/a.png" });
      assert.equal(await data.branding.get(TENANT_B), null);
      await data.branding.set(TENANT_B, { logo_url: "https://cdn.example.com/b.png" });
      assert.equal((await data.branding.get(TENANT_A))?.logo_url, "https://cdn.example.com/a.png");
    });
  });

  describe("promptSettings", () => {
    it("returns defaults until set", async () => {
      const { data } = fixture();
      const settings = await data.promptSettings.get(TENANT_A);
      assert.equal(settings.universal_login_experience, "new");
      assert.equal(settings.identifier_first, true);
    });

    it("merges a partial set into the stored settings", async () => {
      const { data } = fixture();
      await data.promptSettings.set(TENANT_A, { identifier_first: false, password_first: true });
      await data.promptSettings.set(TENANT_A, { webauthn_platform_first_factor: true });

      const settings = await data.promptSettings.get(TENANT_A);
      assert.equal(settings.identifier_first, false);
      assert.equal(settings.password_first, true);
      assert.equal(settings.webauthn_platform_first_factor, true);
    });

    it("keeps tenants apart", async () => {
      const { data } = fixture();
      await data.promptSettings.set(TENANT_A, { identifier_first: false });
      assert.equal((await data.promptSettings.get(TENANT_B)).identifier_first, true);
    });
  });

  describe("customText", () => {
    it("returns null until set", async () => {
      const { data } = fixture();
      assert.equal(await data.customText.get(TENANT_A, "login", "en"), null);
    });

    it("stores text per prompt and language", async () => {
      const { data } = fixture();
      await data.customText.set(TENANT_A, "login", "en", { login: { title: "Welcome" } });
      await data.customText.set(TENANT_A, "login", "sv", { login: { title: "Välkommen" } });
      await data.customText.set(TENANT_A, "signup", "en", { signup: { title: "Join" } });

      assert.deepEqual(await data.customText.get(TENANT_A, "login", "sv"), { login: { title: "Välkommen" } });
      const entries = await data.customText.list(TENANT_A);
      assert.deepEqual(entries.map((entry) => `${entry.prompt}/${entry.language}`).sort(), ["login/en", "login/sv", "signup/en"]);
    });

    it("deletes one entry", async () => {
      const { data } = fixture();
      await data.customText.set(TENANT_A, "login", "en", { login: { title: "Welcome" } });
      await data.customText.set(TENANT_A, "login", "sv", { login: { title: "Välkommen" } });
      await data.customText.delete(TENANT_A, "login", "en");
      assert.equal(await data.customText.get(TENANT_A, "login", "en"), null);
      assert.deepEqual((await data.customText.list(TENANT_A)).map((entry) => entry.language), ["sv"]);
    });

    it("keeps tenants apart", async () => {
      const { data } = fixture();
      await data.customText.set(TENANT_A, "login", "en", { login: { title: "A" } });
      assert.equal(await data.customText.get(TENANT_B, "login", "en"), null);
      assert.deepEqual(await data.customText.list(TENANT_B), []);
      await data.customText.delete(TENANT_B, "login", "en");
      assert.deepEqual(await data.customText.get(TENANT_A, "login", "en"), { login: { title: "A" } });
    });

    it("is not listed with branding in the settings partition", async () => {
      const { data } = fixture();
      await data.branding.set(TENANT_A, { logo_url: "https://cdn.example.com/a.png" });
      await data.customText.set(TENANT_A, "login", "en", { login: { title: "A" } });
      assert.deepEqual((await data.customText.list(TENANT_A)).map((entry) => entry.prompt), ["login"]);
    });
  });
});
