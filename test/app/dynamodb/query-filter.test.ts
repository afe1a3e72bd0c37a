import assert from "node:assert/strict";
import fc from "fast-check";
import { HTTPException } from "hono/http-exception";
import { matchesFilter, parseQuery, requiredEquality } from "../../../app/dynamodb/query-filter.js";

const alice = {
  user_id: "auth2|alice",
  email: "alice@example.com",
  name: "Alice Liddell",
  connection: "Username-Password-Authentication",
  provider: "auth2",
  nickname: 'the "white" rabbit',
  app_metadata: { plan: "pro", tags: ["beta", "staff"] },
};

const bob = {
  user_id: "google-oauth2|bob",
  email: "Bob@Example.com",
  name: "Bob",
  connection: "google-oauth2",
  provider: "google-oauth2",
  linked_to: "auth2|alice",
  app_metadata: { plan: "free" },
};

function matches(q: string, entity: Record<string, unknown>): boolean {
  return matchesFilter(entity, parseQuery(q));
}

function assertInvalid(q: string, reason: RegExp): void {
  assert.throws(
    () => parseQuery(q),
    (error: unknown) => {
      assert.ok(error instanceof HTTPException, `expected an HTTPException for ${q}`);
      assert.equal(error.status, 400);
      assert.ok(error.message.startsWith(`Search query \`${q}\` is invalid: `), error.message);
      assert.match(error.message, reason);
      return true;
    },
  );
}

describe("query-filter", () => {
  describe("parseQuery", () => {
    it("matches everything when q is empty or blank", () => {
      assert.ok(matches("", alice));
      assert.ok(matches("   ", alice));
      assert.ok(matchesFilter(alice, parseQuery(undefined)));
    });

    it("parses field:value as an exact match", () => {
      assert.deepEqual(parseQuery("user_id:auth2|alice"), { anyOf: [[{ kind: "match", field: "user_id", value: "auth2|alice", prefix: false, negate: false }]] });
      assert.ok(matches("user_id:auth2|alice", alice));
      assert.ok(!matches("user_id:auth2|ali", alice));
    });

    it("keeps spaces inside a quoted value", () => {
      assert.ok(matches('name:"Alice Liddell"', alice));
      assert.ok(!matches('name:"Alice"', alice));
    });

    it("unescapes quotes inside a quoted value", () => {
      const [[clause]] = parseQuery('nickname:"the \\"white\\" rabbit"').anyOf as [[unknown]];
      assert.deepEqual(clause, { kind: "match", field: "nickname", value: 'the "white" rabbit', prefix: false, negate: false });
      assert.ok(matches('nickname:"the \\"white\\" rabbit"', alice));
    });

    it("treats AND and whitespace alike", () => {
      assert.deepEqual(parseQuery("provider:auth2 AND name:Bob"), parseQuery("provider:auth2 name:Bob"));
      assert.ok(matches("provider:auth2 AND connection:Username-Password-Authentication", alice));
      assert.ok(!matches("provider:auth2 AND name:Bob", alice));
      assert.ok(!matches("provider:auth2 name:Bob", alice));
    });

    it("gives OR lower precedence than AND", () => {
      const filter = parseQuery("provider:auth2 name:Nobody OR name:Bob");
      assert.equal(filter.anyOf.length, 2);
      assert.ok(!matchesFilter(alice, filter));
      assert.ok(matchesFilter(bob, filter));
      assert.ok(matches("name:Nobody OR provider:auth2", alice));
    });

    it("negates a term with a leading -", () => {
      assert.ok(matches("-provider:google-oauth2", alice));
      assert.ok(!matches("-provider:google-oauth2", bob));
      assert.ok(!matches('-name:"Alice Liddell"', alice));
    });

    it("negates a term after NOT", () => {
      assert.ok(matches("NOT provider:google-oauth2", alice));
      assert.ok(!matches("NOT provider:google-oauth2", bob));
      assert.ok(matches("name:Bob AND NOT provider:auth2", bob));
    });

    it("tests presence with _exists_", () => {
      assert.ok(matches("_exists_:linked_to", bob));
      assert.ok(!matches("_exists_:linked_to", alice));
      assert.ok(matches("_exists_:app_metadata.plan", alice));
      assert.ok(!matches("_exists_:app_metadata.missing", alice));
    });

    it("tests absence with -_exists_ and NOT _exists_", () => {
      assert.deepEqual(parseQuery("-_exists_:linked_to"), { anyOf: [[{ kind: "exists", field: "linked_to", negate: true }]] });
      assert.ok(matches("-_exists_:linked_to", alice));
      assert.ok(!matches("-_exists_:linked_to", bob));
      assert.ok(matches("NOT _exists_:linked_to", alice));
      assert.ok(matches("connection:google-oauth2 -_exists_:linked_to", { ...bob, linked_to: undefined }));
    });

    it("matches a prefix with a trailing *", () => {
      assert.ok(matches("email:alice@*", alice));
      assert.ok(!matches("email:bob@*", alice));
      assert.ok(matches("name:Ali*", alice));
    });

    it("treats * inside quotes literally", () => {
      assert.ok(!matches('name:"Ali*"', alice));
      assert.ok(matches('name:"Ali*"', { name: "Ali*" }));
    });

    it("matches a bare word against any top-level string field", () => {
      assert.ok(matches("liddell", alice));
      assert.ok(matches("EXAMPLE", bob));
      assert.ok(!matches("nobody", alice));
      assert.ok(matches('"Alice Lid"', alice));
      assert.ok(matches("-nobody", alice));
    });

    it("compares email without regard to case", () => {
      assert.ok(matches("email:ALICE@example.COM", alice));
      assert.ok(matches("email:bob@example.com", bob));
      assert.ok(matches("email:BOB@*", bob));
    });

    it("compares other fields with case", () => {
      assert.ok(!matches("name:alice*", alice));
      assert.ok(!matches("provider:AUTH2", alice));
    });

    it("reads nested fields by dotted path", () => {
      assert.ok(matches("app_metadata.plan:pro", alice));
      assert.ok(!matches("app_metadata.plan:pro", bob));
      assert.ok(!matches("app_metadata.plan.deeper:pro", alice));
    });

    it("matches any element of an array field", () => {
      assert.ok(matches("app_metadata.tags:staff", alice));
      assert.ok(!matches("app_metadata.tags:admin", alice));
    });

    it("does not match a missing field", () => {
      assert.ok(!matches("linked_to:auth2|alice", alice));
      assert.ok(matches("-linked_to:auth2|alice", alice));
    });

    it("treats AND, OR and NOT after a field name as values", () => {
      assert.ok(matches("name:OR", { name: "OR" }));
      assert.ok(!matches("name:OR", { name: "Bob" }));
      assert.ok(matches("name:AND", { name: "AND" }));
      assert.ok(matches('name:"NOT"', { name: "NOT" }));
    });

    it("keeps colons after the field name in the value", () => {
      assert.ok(matches("user_id:urn:x:1", { user_id: "urn:x:1" }));
    });
  });

  describe("parseQuery with invalid input", () => {
    it("rejects an unclosed quote with 400", () => {
      assertInvalid('name:"Alice', /closing/);
    });

    it("rejects OR without a term on each side", () => {
      assertInvalid("OR name:Bob", /`OR`/);
      assertInvalid("name:Bob OR", /`OR`/);
      assertInvalid("name:Bob OR OR name:Alice", /`OR`/);
    });

    it("rejects a lone -", () => {
      assertInvalid("name:Bob -", /empty/);
      assertInvalid("- name:Bob", /empty/);
    });

    it("rejects _exists_ without a field", () => {
      assertInvalid("_exists_:", /_exists_/);
    });

    it("rejects a field without a value", () => {
      assertInvalid("email:", /value/);
      assertInvalid("email: name:Bob", /value/);
    });

    it("rejects NOT without a term", () => {
      assertInvalid("name:Bob NOT", /`NOT`/);
    });

    it("rejects AND without a term on each side", () => {
      assertInvalid("AND name:Bob", /`AND`/);
      assertInvalid("name:Bob AND", /`AND`/);
      assertInvalid("name:Bob AND OR name:Alice", /`AND`|`OR`/);
    });
  });

  describe("parseQuery on arbitrary text", () => {
    it("returns a filter or raises a 400", () => {
      const queryText = fc.string();
      const pieces = fc.array(fc.constantFrom("email:", "name:", "-", "NOT ", " AND ", " OR ", "_exists_:", '"', "\\", "*", " ", "a", "b@c", "app_metadata.plan:", ":"), { maxLength: 12 });
      fc.assert(
        fc.property(fc.oneof(queryText, pieces.map((parts) => parts.join(""))), (q) => {
          try {
            const filter = parseQuery(q);
            matchesFilter(alice, filter);
          } catch (error) {
            assert.ok(error instanceof HTTPException, `parseQuery(${JSON.stringify(q)}) raised ${String(error)}`);
            assert.equal(error.status, 400);
          }
        }),
        { numRuns: 500 },
      );
    });
  });

  describe("requiredEquality", () => {
    it("returns the value of a positive exact term", () => {
      assert.equal(requiredEquality(parseQuery("email:alice@example.com"), "email"), "alice@example.com");
      assert.equal(requiredEquality(parseQuery('type:jwt_signing AND tenant_id:"tenant-a"'), "tenant_id"), "tenant-a");
      assert.equal(requiredEquality(parseQuery("-_exists_:linked_to username:alice"), "username"), "alice");
    });

    it("returns undefined when the field is absent", () => {
      assert.equal(requiredEquality(parseQuery("name:Alice"), "email"), undefined);
      assert.equal(requiredEquality(parseQuery(""), "email"), undefined);
    });

    it("ignores negated and prefix terms", () => {
      assert.equal(requiredEquality(parseQuery("-email:alice@example.com"), "email"), undefined);
      assert.equal(requiredEquality(parseQuery("NOT email:alice@example.com"), "email"), undefined);
      assert.equal(requiredEquality(parseQuery("email:alice*"), "email"), undefined);
      assert.equal(requiredEquality(parseQuery("_exists_:email"), "email"), undefined);
    });

    it("returns undefined when alternatives are joined by OR", () => {
      assert.equal(requiredEquality(parseQuery("email:a@example.com OR email:b@example.com"), "email"), undefined);
      assert.equal(requiredEquality(parseQuery("email:a@example.com OR name:Bob"), "email"), undefined);
    });
  });
});
