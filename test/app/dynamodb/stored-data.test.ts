import assert from "node:assert/strict";
import { composeKey } from "../../../app/dynamodb/item.js";
import { userModel } from "../../../app/dynamodb/keys.js";
import { assertHttpError, useAdapterFixture } from "./helpers.js";

const TENANT = "tenant-a";

function userInsert(name: string) {
  return { user_id: `auth2|${name}`, email: `${name}@example.com`, connection: "Username-Password-Authentication", provider: "auth2", email_verified: false, is_social: false };
}

describe("stored data", () => {
  const fixture = useAdapterFixture();

  describe("a corrupt item in a list partition", () => {
    it("is skipped so the other rows still list", async () => {
      const { data, table } = fixture();
      await data.users.create(TENANT, userInsert("ann"));
      await data.users.create(TENANT, userInsert("ben"));
      await table.put({ ...userModel.key(TENANT, "auth2|broken"), gsi1pk: composeKey(TENANT, "user"), gsi1sk: "0#auth2|broken", type: "user", v: 1, tenant_id: TENANT } as never);

      const { users } = await data.users.list(TENANT, {});
      assert.deepEqual(users.map((user) => user.user_id).sort(), ["auth2|ann", "auth2|ben"]);
    });

    it("names the missing data when read alone", async () => {
      const { data, table } = fixture();
      await table.put({ ...userModel.key(TENANT, "auth2|broken"), type: "user", v: 1, tenant_id: TENANT } as never);
      await assert.rejects(data.users.get(TENANT, "auth2|broken"), /has no `data` map; repair or delete it/);
    });
  });

  describe("audit log entries", () => {
    it("cap each string at 2,048 characters", async () => {
      const { data } = fixture();
      const log = await data.logs.create(TENANT, { type: "fce", date: new Date().toISOString(), description: "x".repeat(10_000), details: { code: "c".repeat(350_000) }, isMobile: false } as never);
      const stored = await data.logs.get(TENANT, log.log_id);
      assert.ok(stored!.description!.length < 2100, `description kept ${stored!.description!.length} characters`);
      assert.match(String((stored!.details as { code: string }).code), /\.\.\. \(350000 characters\)$/);
    });
  });

  describe("values DynamoDB cannot store", () => {
    it("reject an oversized key with 400", async () => {
      const { data } = fixture();
      await assertHttpError(data.users.create(TENANT, userInsert("x".repeat(2100))), 400, /cannot store/);
    });

    it("reject an empty field name with 400 and keep lists readable", async () => {
      const { data } = fixture();
      await data.users.create(TENANT, userInsert("fine"));
      await assertHttpError(data.users.create(TENANT, { ...userInsert("empty-key"), user_metadata: { "": "x" } } as never), 400, /empty field name in `data.user_metadata`/);
      await assertHttpError(data.users.update(TENANT, "auth2|fine", { app_metadata: { nested: { "": 1 } } } as never), 400, /empty field name/);
      await assertHttpError(data.clients.update(TENANT, "missing-or-not", { client_metadata: { "": "x" } } as never), 400, /empty field name/);
      assert.deepEqual((await data.users.list(TENANT)).users.map((user) => user.user_id), ["auth2|fine"]);
    });
  });
});
