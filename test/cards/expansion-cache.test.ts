import { describe, expect, it } from 'vitest';
import type { AdaptiveCardJson } from '../../src/cards/card-json.js';
import { EXPANDED_CARD_CACHE_ENTRIES, ExpandedCardCache, deepFreeze } from '../../src/cards/expansion-cache.js';
import { renderMailboxListCard, renderWhoAmICard } from '../../src/cards/index.js';
import { sampleMailboxListPage, sampleWhoAmI } from '../../src/cards/samples.js';
import { expandedCards } from '../../src/cards/template-store.js';

const cardSaying = (text: string): AdaptiveCardJson => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  fallbackText: text,
  body: [{ type: 'TextBlock', text }],
});

describe('ExpandedCardCache', () => {
  it('expands a key once and answers later requests with the same card', () => {
    const cache = new ExpandedCardCache(4);
    let expansions = 0;
    const expand = (): AdaptiveCardJson => {
      expansions += 1;
      return cardSaying('one');
    };
    const first = cache.getOrExpand('a', expand);
    const second = cache.getOrExpand('a', expand);
    expect(second).toBe(first);
    expect(second).toEqual(cardSaying('one'));
    expect(expansions).toBe(1);
  });

  it('gives another key its own card', () => {
    const cache = new ExpandedCardCache(4);
    const one = cache.getOrExpand('a', () => cardSaying('one'));
    const two = cache.getOrExpand('b', () => cardSaying('two'));
    expect(two).not.toEqual(one);
    expect(two.fallbackText).toBe('two');
  });

  it('holds at most its bound, evicting the least recently used card', () => {
    const cache = new ExpandedCardCache(3);
    for (const key of ['a', 'b', 'c']) cache.getOrExpand(key, () => cardSaying(key));
    cache.getOrExpand('a', () => cardSaying('a again')); // a becomes the most recently used
    cache.getOrExpand('d', () => cardSaying('d'));
    expect(cache.size).toBe(3);
    const expanded: string[] = [];
    for (const key of ['a', 'c', 'd', 'b']) cache.getOrExpand(key, () => (expanded.push(key), cardSaying(key)));
    // b was the oldest when d came in; a, c and d were still cached.
    expect(expanded).toEqual(['b']);
    for (let index = 0; index < 50; index += 1) cache.getOrExpand(`key ${index}`, () => cardSaying(`${index}`));
    expect(cache.size).toBe(3);
  });

  it('refuses a bound below one card', () => {
    expect(() => new ExpandedCardCache(0)).toThrow(RangeError);
  });

  it('freezes cached cards all the way down, so a reply cannot change what the next one sends', () => {
    const card = new ExpandedCardCache(2).getOrExpand('a', () => cardSaying('one'));
    expect(Object.isFrozen(card)).toBe(true);
    expect(Object.isFrozen(card.body)).toBe(true);
    expect(() => {
      (card.body[0] as Record<string, unknown>).text = 'changed';
    }).toThrow(TypeError);
  });

  it('deepFreeze leaves primitives alone and freezes nested arrays', () => {
    expect(deepFreeze(3)).toBe(3);
    const nested = deepFreeze({ rows: [{ cells: [{ text: 'x' }] }] });
    expect(Object.isFrozen(nested.rows[0]?.cells[0])).toBe(true);
  });

});

describe('renderers through the cache', () => {
  it('return the same card for the same view model and a different one when the view model changes', () => {
    const page = renderMailboxListCard(sampleMailboxListPage(3));
    expect(renderMailboxListCard(sampleMailboxListPage(3))).toBe(page);
    const nextPage = renderMailboxListCard(sampleMailboxListPage(4));
    expect(nextPage).not.toEqual(page);
    expect(JSON.stringify(nextPage)).toContain('61 - 80');
  });

  it('reflect a changed field of an otherwise equal view model', () => {
    const before = renderWhoAmICard(sampleWhoAmI);
    const after = renderWhoAmICard({ ...sampleWhoAmI, fullName: 'Renamed Person' });
    expect(after).not.toBe(before);
    expect(after.fallbackText).toContain('Renamed Person');
    expect(before.fallbackText).not.toContain('Renamed Person');
  });

  it('share one cache that stays within its bound however many distinct cards are rendered', () => {
    for (let page = 1; page <= EXPANDED_CARD_CACHE_ENTRIES + 20; page += 1) renderMailboxListCard(sampleMailboxListPage(page));
    expect(expandedCards.maxEntries).toBe(EXPANDED_CARD_CACHE_ENTRIES);
    expect(expandedCards.size).toBe(EXPANDED_CARD_CACHE_ENTRIES);
  });
});
