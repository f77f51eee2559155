/**
 * In-memory caches are bounded by the memory they hold, not by a number of entries: one entry may
 * be a few bytes or a megabyte, and a key (a URL) may be as long as a client likes. What is counted
 * is every key (two bytes a character, as JavaScript keeps strings), every value, and a fixed cost
 * per entry for the map itself.
 */
export const ENTRY_OVERHEAD_BYTES = 64;
export const stringBytes = (s: string) => 2 * s.length;

/** A least-recently-used map of at most `maxBytes`; a value larger than that alone is not kept. */
export class ByteLru<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    public maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** The bytes held now, keys and per-entry cost included. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Refresh its place in the LRU order.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = stringBytes(key) + this.sizeOf(value) + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes) return;
    while (this.used + bytes > this.maxBytes) this.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, bytes });
    this.used += bytes;
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.used -= old.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
