import assert from "node:assert/strict";
import { TtlCache } from "../../../app/cache/ttl-cache.js";

describe("TtlCache", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it("returns a stored value until it expires", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: clock });
    assert.equal(cache.set("k", "g", "v", cache.generation("g")), true);
    assert.deepEqual(cache.get("k"), { value: "v" });

    now += 999;
    assert.deepEqual(cache.get("k"), { value: "v" });
    now += 1;
    assert.equal(cache.get("k"), undefined);
    assert.equal(cache.size, 0);
  });

  it("stores null as a value, unlike a miss", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: clock });
    cache.set("k", "g", null, 0);
    assert.deepEqual(cache.get("k"), { value: null });
    assert.equal(cache.get("other"), undefined);
  });

  it("drops the least recently used entry when full", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 2, now: clock });
    cache.set("a", "g", 1, 0);
    cache.set("b", "g", 2, 0);
    cache.get("a");
    cache.set("c", "g", 3, 0);

    assert.equal(cache.size, 2);
    assert.equal(cache.get("b"), undefined);
    assert.deepEqual(cache.get("a"), { value: 1 });
    assert.deepEqual(cache.get("c"), { value: 3 });
  });

  it("evicts a whole group and no other", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: clock });
    cache.set("a1", "A", 1, 0);
    cache.set("a2", "A", 2, 0);
    cache.set("b1", "B", 3, 0);
    cache.evictGroup("A");

    assert.equal(cache.get("a1"), undefined);
    assert.equal(cache.get("a2"), undefined);
    assert.deepEqual(cache.get("b1"), { value: 3 });
  });

  it("rejects a value read before its group was evicted", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: clock });
    const before = cache.generation("A");
    cache.evictGroup("A");
    assert.equal(cache.set("a1", "A", "stale", before), false);
    assert.equal(cache.get("a1"), undefined);
    assert.equal(cache.set("a1", "A", "fresh", cache.generation("A")), true);
  });

  it("rejects values read before clear", () => {
    const cache = new TtlCache({ ttlMs: 1000, maxEntries: 10, now: clock });
    const before = cache.generation("never-stored");
    cache.clear();
    assert.equal(cache.set("k", "never-stored", "stale", before), false);
  });

  it("rejects a lifetime or size that is not positive", () => {
    assert.throws(() => new TtlCache({ ttlMs: 0, maxEntries: 1 }), /`ttlMs` is 0; it must be positive\./);
    assert.throws(() => new TtlCache({ ttlMs: 1, maxEntries: 0 }), /`maxEntries` is 0; it must be a positive integer\./);
  });
});
