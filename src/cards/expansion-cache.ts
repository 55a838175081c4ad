// A bounded least-recently-used cache of expanded cards. Expanding a template with adaptivecards-templating
// costs hundreds of µs per card; the same data (the same mailbox, the same page, the same requester's whoami)
// comes back often, and serializing the data to a key costs a small fraction of an expansion.
import { LruCache } from '../shared/lru-cache.js';
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

/** Expanded cards by template path and data; each card is frozen before it is shared. */
export class ExpandedCardCache {
  readonly #cards: LruCache<AdaptiveCardJson>;

  constructor(readonly maxEntries: number = EXPANDED_CARD_CACHE_ENTRIES) {
    this.#cards = new LruCache(maxEntries);
  }

  get size(): number {
    return this.#cards.size;
  }

  /** The cached card for `key`, or the one `expand` makes (frozen, then cached). */
  getOrExpand(key: string, expand: () => AdaptiveCardJson): AdaptiveCardJson {
    return this.#cards.getOrCreate(key, () => deepFreeze(expand()));
  }

  clear(): void {
    this.#cards.clear();
  }
}
