import assert from "node:assert/strict";

import { readSettings, SettingsError } from "../../app/settings.js";

const VALID = { AWS_REGION: "eu-west-1", AUTHHERO_ISSUER: "https://auth.example.com" };

/** Returns the problems `readSettings` reports for `env`, or fails when it accepts it. */
function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    readSettings(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return error.message;
  }
  assert.fail("readSettings accepted the environment");
}

describe("readSettings", () => {
  it("accepts the two required variables", () => {
    const settings = readSettings(VALID);

    assert.equal(settings.region, "eu-west-1");
    assert.equal(settings.issuer, "https://auth.example.com/");
    assert.equal(settings.cacheTtlSeconds, 30);
    assert.equal(settings.consistency, "eventual");
  });

  it("says an unset region is not set", () => {
    assert.match(problemsOf({ AUTHHERO_ISSUER: VALID.AUTHHERO_ISSUER }), /`AWS_REGION` is not set; set it to an AWS region name/);
  });

  it("names an invalid region", () => {
    assert.match(problemsOf({ ...VALID, AWS_REGION: "europe" }), /`AWS_REGION` is `europe`; it must be an AWS region name/);
  });

  it("says an unset issuer is not set", () => {
    assert.match(problemsOf({ AWS_REGION: VALID.AWS_REGION }), /`AUTHHERO_ISSUER` is not set; set it to the public http\(s\) URL/);
  });

  it("names an invalid issuer", () => {
    assert.match(problemsOf({ ...VALID, AUTHHERO_ISSUER: "auth.example.com" }), /`AUTHHERO_ISSUER` is `auth.example.com`; it must be the public http\(s\) URL/);
  });

  it("reports every problem at once", () => {
    const message = problemsOf({ AWS_REGION: "", AUTHHERO_CACHE_TTL_SECONDS: "301", PORT: "abc" });

    assert.match(message, /AWS_REGION/);
    assert.match(message, /AUTHHERO_ISSUER/);
    assert.match(message, /AUTHHERO_CACHE_TTL_SECONDS/);
    assert.match(message, /`PORT` is `abc`/);
  });
});
