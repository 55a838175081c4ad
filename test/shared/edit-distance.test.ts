import { describe, expect, it } from 'vitest';
import { editDistance, typoAllowance } from '../../src/shared/edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('whoami', 'whomai')).toBe(1);
    expect(editDistance('aprove', 'approve')).toBe(1);
    expect(editDistance('aad', 'ada')).toBe(1);
    expect(editDistance('halp', 'help')).toBe(1);
  });

  it('gives up above the limit', () => {
    expect(editDistance('approve', 'reject', 2)).toBe(3);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });
});

describe('typoAllowance', () => {
  it('allows more typos in longer texts, none in one or two letters', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 40].map(typoAllowance)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
});
