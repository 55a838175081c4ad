// Cards that depend only on the requester and the organization's records (whoami, a mailbox, a page of
// mailboxes): rendered once per committed state of those records and reused until one of them changes,
// as mailbox-selection.ts does for the name index. The store replaces a record array when it commits a
// change to it, so comparing the arrays by identity tells whether anything a card shows may have changed.
import type { EmailConfigStore } from '../../app/ports.js';
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { DomainError } from '../../domain/errors.js';
import type { Organization, User } from '../../domain/model.js';
import { ok, type Result } from '../../domain/result.js';
import { LruCache } from '../../lru-cache.js';

/**
 * Cards kept per store. Each is at most CARD_BYTE_BUDGET (28 KB) and usually the very object the expanded-card
 * cache holds too, so this costs at most ~7 MB and covers the requesters active at the same time.
 */
export const STATE_CARD_ENTRIES = 256;

/** Every record set a cached card may show: a change to any of them starts over. */
interface StateSources {
  readonly organization: Organization;
  readonly users: readonly unknown[];
  readonly queues: readonly unknown[];
  readonly mailboxes: readonly unknown[];
  readonly profiles: readonly unknown[];
  readonly securityRoles: readonly unknown[];
  readonly businessUnits: readonly unknown[];
}

const sourcesOf = (store: EmailConfigStore): StateSources => ({
  organization: store.organization,
  users: store.users(),
  queues: store.queues(),
  mailboxes: store.mailboxes(),
  profiles: store.profiles(),
  securityRoles: store.securityRoles(),
  businessUnits: store.businessUnits(),
});

const sameSources = (a: StateSources, b: StateSources): boolean =>
  a.organization === b.organization &&
  a.users === b.users &&
  a.queues === b.queues &&
  a.mailboxes === b.mailboxes &&
  a.profiles === b.profiles &&
  a.securityRoles === b.securityRoles &&
  a.businessUnits === b.businessUnits;

interface CachedCard {
  /** The requester object the card was made for: a requester whose record changed is a different object. */
  readonly requester: User;
  readonly card: AdaptiveCardJson;
}

class StateCards {
  private sources: StateSources | undefined;
  private readonly cards: LruCache<CachedCard>;

  constructor(maxEntries: number) {
    this.cards = new LruCache(maxEntries);
  }

  get size(): number {
    return this.cards.size;
  }

  async getOrRender(
    store: EmailConfigStore,
    requester: User,
    key: string,
    render: () => Promise<Result<AdaptiveCardJson, DomainError>>,
  ): Promise<Result<AdaptiveCardJson, DomainError>> {
    const current = sourcesOf(store);
    if (this.sources === undefined || !sameSources(this.sources, current)) {
      this.sources = current;
      this.cards.clear();
    }
    const cached = this.cards.get(key);
    if (cached !== undefined && cached.requester === requester) return ok(cached.card);
    const rendered = await render();
    // Refusals and unknown names are answered afresh each time; a card made while a commit landed is not kept.
    const stillCurrent = this.sources !== undefined && sameSources(this.sources, current) && sameSources(current, sourcesOf(store));
    if (rendered.ok && stillCurrent) this.cards.set(key, { requester, card: rendered.value });
    return rendered;
  }
}

const cachesByStore = new WeakMap<EmailConfigStore, StateCards>();

/**
 * The card `render` makes for `requester` and `key` (what was asked, e.g. `mailbox pia@contoso.com`), reused
 * while the store's records are the same objects. `render` must read nothing but the requester and those
 * records (no clock, no alerts, no audit log, no jobs).
 */
export function cardForState(
  store: EmailConfigStore,
  requester: User,
  key: string,
  render: () => Promise<Result<AdaptiveCardJson, DomainError>>,
): Promise<Result<AdaptiveCardJson, DomainError>> {
  let cache = cachesByStore.get(store);
  if (cache === undefined) {
    cache = new StateCards(STATE_CARD_ENTRIES);
    cachesByStore.set(store, cache);
  }
  return cache.getOrRender(store, requester, `${requester.id}\u0000${key}`, render);
}

/** How many cards are kept for `store` (for tests of the bound). */
export function stateCardCount(store: EmailConfigStore): number {
  return cachesByStore.get(store)?.size ?? 0;
}
