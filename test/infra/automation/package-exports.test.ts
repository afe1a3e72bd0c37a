import assert from "node:assert/strict";

import * as automation from "authhero-global/automation";

describe("package exports", () => {
  it("exposes the library as authhero-global/automation", () => {
    assert.equal(typeof automation.deployStack, "function");
    assert.equal(typeof automation.addRegion, "function");
    assert.equal(typeof automation.createLocalWorkspace, "function");
    assert.equal(automation.EXIT_CODES.pulumiCliMissing, 8);
  });
});
