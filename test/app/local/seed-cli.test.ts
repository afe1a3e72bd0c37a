import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

import { REPO_ROOT } from "../../../infra/bundle.js";

describe("npm run seed", function () {
  this.timeout(30_000);

  it("lists every missing variable in one run", () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const result = spawnSync(process.execPath, ["--import", "tsx", "app/local/seed-cli.ts"], { cwd: REPO_ROOT, env, encoding: "utf8" });

    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /`AWS_REGION` is not set/);
    assert.match(result.stderr, /`AUTHHERO_ISSUER` is not set/);
    assert.match(result.stderr, /`AUTHHERO_ADMIN_PASSWORD` is missing/);
  });
});
