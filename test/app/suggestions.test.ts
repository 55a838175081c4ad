import { describe, expect, it } from 'vitest';
import { closestNames } from '../../src/app/suggestions.js';

describe('closestNames', () => {
  const known = ['Ada Admin', 'Evan Exchange', 'Sam Sysadmin', 'ada@contoso.com', 'Support'];

  it('offers the nearest names first, ignoring case', () => {
    expect(closestNames('ada admn', known)).toEqual(['Ada Admin']);
    expect(closestNames('SUPORT', known)).toEqual(['Support']);
  });

  it('offers names the typed text begins, however short the typed text', () => {
    expect(closestNames('ada@', known)).toContain('ada@contoso.com');
    expect(closestNames('ev', known)).toEqual(['Evan Exchange']);
  });

  it('offers nothing when every name is too far away to be a typo', () => {
    expect(closestNames('Zebra Crossing', known)).toEqual([]);
    expect(closestNames('   ', known)).toEqual([]);
  });

  it('offers at most the asked number of names', () => {
    expect(closestNames('a', ['ab', 'ac', 'ad', 'ae'], 2)).toHaveLength(2);
  });
});
