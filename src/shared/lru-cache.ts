// A bounded least-recently-used map with string keys, shared by the caches on the chat path (expanded
// cards, cards per organization state, the parser's near-miss memo): each bounds its memory, none goes stale
// by time, and a Map already iterates in insertion order, so re-inserting on a hit keeps the least recently
// used entry first.

export class LruCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`A cache needs room for at least one entry; got ${maxEntries}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used, dropping the least recently used entry beyond the bound. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** The cached value for `key`, or the one `create` makes (then cached). */
  getOrCreate(key: string, create: () => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = create();
    this.set(key, value);
    return value;
  }

  /** Forgets `key` (a value that turned out unusable). */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
