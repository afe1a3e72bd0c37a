import assert from "node:assert/strict";

import { AdapterError } from "../../../app/dynamodb/errors.js";
import { createDocumentClient } from "../../../app/dynamodb/client.js";
import { DynamoTable } from "../../../app/dynamodb/table.js";
import { freshTable, TEST_REGION } from "../../support/local-engine.js";

describe("a table that does not exist", () => {
  it("names the table and how to create it", async () => {
    const { endpoint } = await freshTable("missing-table");
    const table = new DynamoTable(createDocumentClient({ region: TEST_REGION, endpoint }), "no-such-table");

    const error = await table.get({ pk: "main#tenant", sk: "tenant" }).then(
      () => assert.fail("the read should fail"),
      (failure: unknown) => failure,
    );

    assert.ok(error instanceof AdapterError, String(error));
    assert.match(error.message, /DynamoDB found no table `no-such-table`/);
    assert.match(error.message, /AUTHHERO_TABLE_NAME and AWS_REGION/);
  });
});
