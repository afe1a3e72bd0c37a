/**
 * A bounded in-memory cache whose entries expire after a fixed lifetime and
 * belong to a group (one entity in one tenant), so a write can evict every
 * entry it could affect in one call.
 *
 * Each group has a generation that eviction increments. A read records the
 * generation before it goes to DynamoDB and stores its result only if the
 * generation is unchanged, so a read that raced a write cannot put the
 * pre-write value back after the write evicted it.
 */
export interface TtlCacheOptions {
  /** Lifetime of an entry in milliseconds. */
  ttlMs: number;
  /** Maximum number of entries. When full, the least recently used entry is dropped. */
  maxEntries: number;
  /** The clock in milliseconds, which tests replace. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  group: string;
}

export class TtlCache {
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  /** Added to every group's generation, so clear() invalidates every group at once by incrementing it. */
  private epoch = 0;
  private readonly now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError(`\`ttlMs\` is ${options.ttlMs}; it must be positive.`);
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError(`\`maxEntries\` is ${options.maxEntries}; it must be a positive integer.`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Returns `{ value }` for a live entry and marks it recently used, or undefined on a miss. */
  get(key: string): { value: unknown } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    // Re-inserting moves the key to the end of the Map's order, which is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  generation(group: string): number {
    return this.epoch + (this.generations.get(group) ?? 0);
  }

  /** Stores `value` unless `group` was evicted since `generation` was read. */
  set(key: string, group: string, value: unknown, generation: number): boolean {
    if (this.generation(group) !== generation) return false;
    this.delete(key);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs, group });
    let members = this.groups.get(group);
    if (!members) this.groups.set(group, (members = new Set()));
    members.add(key);
    return true;
  }

  /** Deletes every entry of `group` and makes reads already in flight for it discard their results. */
  evictGroup(group: string): void {
    this.generations.set(group, (this.generations.get(group) ?? 0) + 1);
    const members = this.groups.get(group);
    if (!members) return;
    for (const key of members) this.entries.delete(key);
    this.groups.delete(group);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.groups.clear();
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const members = this.groups.get(entry.group);
    members?.delete(key);
    if (members?.size === 0) this.groups.delete(entry.group);
  }
}
