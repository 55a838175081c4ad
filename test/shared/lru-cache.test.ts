import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/shared/lru-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entry beyond its bound, a read counting as a use', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('creates a missing value once and returns the cached one afterwards', () => {
    const cache = new LruCache<{ readonly n: number }>(4);
    let created = 0;
    const make = () => ({ n: ++created });
    const first = cache.getOrCreate('k', make);
    expect(cache.getOrCreate('k', make)).toBe(first);
    expect(created).toBe(1);
    cache.clear();
    expect(cache.getOrCreate('k', make)).toEqual({ n: 2 });
  });

  it('refuses a bound that holds nothing', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(/at least one entry; got 1.5/);
  });
});
