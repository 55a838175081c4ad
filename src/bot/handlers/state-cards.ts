// Cards that depend only on the requester and the organization's records (whoami, a mailbox, a page of
// mailboxes): rendered once per revision of those records and reused until one of them changes, as
// mailbox-selection.ts does for the name index. An adapter that cannot tell its revision gets no caching.
import type { OrganizationRecords } from '../../app/ports.js';
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/model.js';
import { ok, type Result } from '../../domain/result.js';
import { LruCache } from '../../shared/lru-cache.js';

/**
 * Cards kept per records port. Each is at most CARD_BYTE_BUDGET (28 KB) and usually the very object the expanded-card
 * cache holds too, so this costs at most ~7 MB and covers the requesters active at the same time.
 */
export const STATE_CARD_ENTRIES = 256;

interface CachedCard {
  /** The requester object the card was made for: a requester whose record changed is a different object. */
  readonly requester: User;
  readonly card: AdaptiveCardJson;
}

class StateCards {
  private revision: string | undefined;
  private readonly cards: LruCache<CachedCard>;

  constructor(maxEntries: number) {
    this.cards = new LruCache(maxEntries);
  }

  get size(): number {
    return this.cards.size;
  }

  async getOrRender(
    records: OrganizationRecords,
    requester: User,
    key: string,
    render: () => Promise<Result<AdaptiveCardJson, DomainError>>,
  ): Promise<Result<AdaptiveCardJson, DomainError>> {
    const current = await records.revision();
    if (current === undefined) return render();
    if (this.revision !== current) {
      this.revision = current;
      this.cards.clear();
    }
    const cached = this.cards.get(key);
    if (cached !== undefined && cached.requester === requester) return ok(cached.card);
    const rendered = await render();
    // Refusals and unknown names are answered afresh each time; a card made while a commit landed is not kept.
    const stillCurrent = this.revision === current && (await records.revision()) === current;
    if (rendered.ok && stillCurrent) this.cards.set(key, { requester, card: rendered.value });
    return rendered;
  }
}

const cachesByRecords = new WeakMap<OrganizationRecords, StateCards>();

/**
 * The card `render` makes for `requester` and `key` (what was asked, e.g. `mailbox pia@contoso.com`), reused
 * while the records are at the same revision. `render` must read nothing but the requester and those
 * records (no clock, no alerts, no audit log, no jobs).
 */
export function cardForState(
  records: OrganizationRecords,
  requester: User,
  key: string,
  render: () => Promise<Result<AdaptiveCardJson, DomainError>>,
): Promise<Result<AdaptiveCardJson, DomainError>> {
  let cache = cachesByRecords.get(records);
  if (cache === undefined) {
    cache = new StateCards(STATE_CARD_ENTRIES);
    cachesByRecords.set(records, cache);
  }
  return cache.getOrRender(records, requester, `${requester.id}\u0000${key}`, render);
}

/** How many cards are kept for `records` (for tests of the bound). */
export function stateCardCount(records: OrganizationRecords): number {
  return cachesByRecords.get(records)?.size ?? 0;
}
