import assert from "node:assert/strict";
import { HTTPException } from "hono/http-exception";
import { decodeCursor, encodeCursor } from "../../../app/dynamodb/cursor.js";

function assertInvalidCursor(run: () => unknown): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof HTTPException);
    assert.equal(error.status, 400);
    assert.match(error.message, /^Cursor `.*` is invalid for this tenant/);
    return true;
  });
}

describe("cursor", () => {
  describe("encodeCursor and decodeCursor", () => {
    it("round-trips an offset for one tenant", () => {
      const cursor = encodeCursor({ offset: 42 }, "tenant-a");
      assert.deepEqual(decodeCursor(cursor, "tenant-a"), { offset: 42 });
    });

    it("produces base64url text", () => {
      const cursor = encodeCursor({ offset: 7 }, "tenant/with+odd=chars");
      assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    });

    it("rejects another tenant's cursor with 400", () => {
      const cursor = encodeCursor({ offset: 3 }, "tenant-a");
      assertInvalidCursor(() => decodeCursor(cursor, "tenant-b"));
    });

    it("rejects text that is not base64url JSON", () => {
      assertInvalidCursor(() => decodeCursor("not a cursor!", "tenant-a"));
      assertInvalidCursor(() => decodeCursor(Buffer.from("{broken", "utf8").toString("base64url"), "tenant-a"));
      assertInvalidCursor(() => decodeCursor("", "tenant-a"));
    });

    it("rejects JSON of the wrong shape", () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
      assertInvalidCursor(() => decodeCursor(encode(null), "tenant-a"));
      assertInvalidCursor(() => decodeCursor(encode({ t: "tenant-a" }), "tenant-a"));
      assertInvalidCursor(() => decodeCursor(encode({ t: "tenant-a", o: -1 }), "tenant-a"));
      assertInvalidCursor(() => decodeCursor(encode({ t: "tenant-a", o: 1.5 }), "tenant-a"));
      assertInvalidCursor(() => decodeCursor(encode({ t: "tenant-a", o: "3" }), "tenant-a"));
    });
  });
});
