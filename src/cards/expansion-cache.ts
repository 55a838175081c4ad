// A bounded least-recently-used cache of expanded cards. Expanding a template with adaptivecards-templating
// costs hundreds of µs per card; the same data (the same mailbox, the same page, the same requester's whoami)
// comes back often, and serializing the data to a key costs a small fraction of an expansion.
import type { AdaptiveCardJson } from './card-json.js';

/**
 * Distinct cards kept. Cards are at most CARD_BYTE_BUDGET (28 KB) as JSON and typically 4–12 KB, so this
 * holds the recently shown mailboxes, list pages and whoami cards of a busy organization in at most ~7 MB.
 * Entries are never stale (the key is the whole data), so the bound is only about memory.
 */
export const EXPANDED_CARD_CACHE_ENTRIES = 256;

/** Freezes every object and array reachable from `value`, so a card shared between replies cannot be changed by one of them. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

export class ExpandedCardCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used entry first.
  private readonly cards = new Map<string, AdaptiveCardJson>();

  constructor(readonly maxEntries: number = EXPANDED_CARD_CACHE_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`The card cache needs room for at least one card; got ${maxEntries}`);
  }

  get size(): number {
    return this.cards.size;
  }

  /** The cached card for `key`, or the one `expand` makes (frozen, then cached). */
  getOrExpand(key: string, expand: () => AdaptiveCardJson): AdaptiveCardJson {
    const cached = this.cards.get(key);
    if (cached !== undefined) {
      this.cards.delete(key);
      this.cards.set(key, cached);
      return cached;
    }
    const card = deepFreeze(expand());
    this.cards.set(key, card);
    if (this.cards.size > this.maxEntries) {
      const oldest = this.cards.keys().next();
      if (oldest.done !== true) this.cards.delete(oldest.value);
    }
    return card;
  }

  clear(): void {
    this.cards.clear();
  }
}
