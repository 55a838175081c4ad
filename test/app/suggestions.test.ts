import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from '../../src/app/suggestions.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('aprove', 'approve')).toBe(1);
    expect(editDistance('aad', 'ada')).toBe(1);
  });
});

describe('closestNames', () => {
  const known = ['Ada Admin', 'Evan Exchange', 'Sam Sysadmin', 'ada@contoso.com', 'Support'];

  it('offers the nearest names first, ignoring case', () => {
    expect(closestNames('ada admn', known)).toEqual(['Ada Admin']);
    expect(closestNames('SUPORT', known)).toEqual(['Support']);
  });

  it('offers names the typed text begins', () => {
    expect(closestNames('ada@', known)).toContain('ada@contoso.com');
  });

  it('offers nothing when every name is too far away to be a typo', () => {
    expect(closestNames('Zebra Crossing', known)).toEqual([]);
    expect(closestNames('   ', known)).toEqual([]);
  });

  it('offers at most the asked number of names', () => {
    expect(closestNames('a', ['ab', 'ac', 'ad', 'ae'], 2)).toHaveLength(2);
  });
});
