import assert from "node:assert/strict";
import { assertHttpError, useAdapterFixture } from "./helpers.js";

const TENANT_A = "tenant-a";
const TENANT_B = "tenant-b";

describe("email templates, organization connections and action history", () => {
  const fixture = useAdapterFixture();

  describe("emailTemplates", () => {
    const template = { template: "reset_email", body: "<p>Reset</p>", from: "no-reply@example.com", subject: "Reset your password", syntax: "liquid", enabled: true, includeEmailInRedirect: false } as const;

    it("creates, reads, lists, updates and removes", async () => {
      const { data } = fixture();
      await data.emailTemplates.create(TENANT_A, template as never);
      assert.equal((await data.emailTemplates.get(TENANT_A, "reset_email"))?.subject, "Reset your password");
      assert.deepEqual((await data.emailTemplates.list(TENANT_A)).map((entry) => entry.template), ["reset_email"]);

      assert.equal(await data.emailTemplates.update(TENANT_A, "reset_email", { subject: "New subject" }), true);
      const updated = await data.emailTemplates.get(TENANT_A, "reset_email");
      assert.equal(updated?.subject, "New subject");
      assert.equal(updated?.body, "<p>Reset</p>");

      assert.equal(await data.emailTemplates.remove(TENANT_A, "reset_email"), true);
      assert.equal(await data.emailTemplates.get(TENANT_A, "reset_email"), null);
    });

    it("rejects a second create of one template with 409", async () => {
      const { data } = fixture();
      await data.emailTemplates.create(TENANT_A, template as never);
      await assertHttpError(data.emailTemplates.create(TENANT_A, template as never), 409);
    });

    it("keeps tenants apart", async () => {
      const { data } = fixture();
      await data.emailTemplates.create(TENANT_A, template as never);
      assert.equal(await data.emailTemplates.get(TENANT_B, "reset_email"), null);
      assert.deepEqual(await data.emailTemplates.list(TENANT_B), []);
      assert.equal(await data.emailTemplates.update(TENANT_B, "reset_email", { subject: "x" }), false);
    });
  });

  describe("organizationConnections", () => {
    it("creates with defaults, lists, updates and removes", async () => {
      const { data } = fixture();
      const created = await data.organizationConnections.create(TENANT_A, "org_1", { connection_id: "con_1" } as never);
      assert.equal(created.show_as_button, true);
      assert.deepEqual((await data.organizationConnections.list(TENANT_A, "org_1")).map((entry) => entry.connection_id), ["con_1"]);

      const updated = await data.organizationConnections.update(TENANT_A, "org_1", "con_1", { assign_membership_on_login: true });
      assert.equal(updated?.assign_membership_on_login, true);
      assert.equal((await data.organizationConnections.get(TENANT_A, "org_1", "con_1"))?.assign_membership_on_login, true);

      assert.equal(await data.organizationConnections.remove(TENANT_A, "org_1", "con_1"), true);
      assert.deepEqual(await data.organizationConnections.list(TENANT_A, "org_1"), []);
    });

    it("returns null when updating a missing connection", async () => {
      const { data } = fixture();
      assert.equal(await data.organizationConnections.update(TENANT_A, "org_1", "missing", { show_as_button: false }), null);
    });

    it("keeps organizations and tenants apart", async () => {
      const { data } = fixture();
      await data.organizationConnections.create(TENANT_A, "org_1", { connection_id: "con_1" } as never);
      assert.deepEqual(await data.organizationConnections.list(TENANT_A, "org_2"), []);
      assert.equal(await data.organizationConnections.get(TENANT_B, "org_1", "con_1"), null);
    });
  });

  describe("actionVersions", () => {
    it("numbers versions from 1 and lists newest first", async () => {
      const { data } = fixture();
      const first = await data.actionVersions.create(TENANT_A, { action_id: "act_1", code: "v1" } as never);
      const second = await data.actionVersions.create(TENANT_A, { action_id: "act_1", code: "v2" } as never);
      assert.deepEqual([first.number, second.number], [1, 2]);

      const { versions } = await data.actionVersions.list(TENANT_A, "act_1");
      assert.deepEqual(versions.map((version) => version.code), ["v2", "v1"]);
      assert.equal((await data.actionVersions.get(TENANT_A, "act_1", first.id))?.code, "v1");
    });

    it("gives concurrent versions distinct numbers", async () => {
      const { data } = fixture();
      const created = await Promise.all(Array.from({ length: 4 }, (_, index) => data.actionVersions.create(TENANT_A, { action_id: "act_1", code: `v${index}` } as never)));
      assert.deepEqual(created.map((version) => version.number).sort(), [1, 2, 3, 4]);
    });

    it("removes every version of an action", async () => {
      const { data } = fixture();
      await data.actionVersions.create(TENANT_A, { action_id: "act_1", code: "v1" } as never);
      await data.actionVersions.create(TENANT_A, { action_id: "act_1", code: "v2" } as never);
      await data.actionVersions.create(TENANT_B, { action_id: "act_1", code: "other tenant" } as never);
      assert.equal(await data.actionVersions.removeForAction(TENANT_A, "act_1"), 2);
      assert.deepEqual((await data.actionVersions.list(TENANT_A, "act_1")).versions, []);
      assert.equal((await data.actionVersions.list(TENANT_B, "act_1")).versions.length, 1);
    });
  });

  describe("actionExecutions", () => {
    it("stores and reads an execution per tenant", async () => {
      const { data } = fixture();
      const execution = await data.actionExecutions.create(TENANT_A, { trigger_id: "post-login", status: "success", results: [] } as never);
      assert.equal((await data.actionExecutions.get(TENANT_A, execution.id))?.trigger_id, "post-login");
      assert.equal(await data.actionExecutions.get(TENANT_B, execution.id), null);
    });
  });
});
