import { describe, expect, it } from 'vitest';
import { renderDidYouMeanCard } from '../../src/cards/did-you-mean-card.js';
import { cardProblems } from './card-inspection.js';
import { sampleDidYouMean } from './samples.js';

const base = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', fallbackText: 'test' };

describe('cardProblems (the SDK check every card test relies on)', () => {
  it('finds nothing wrong with a valid card', () => {
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'Hello', wrap: true, color: 'Good' }] })).toEqual([]);
  });

  it('reports an element type the SDK does not know', () => {
    expect(cardProblems({ ...base, body: [{ type: 'TextBlok', text: 'Hello' }] })).toEqual([
      expect.stringMatching(/^UnknownElementType: .*TextBlok/),
    ]);
  });

  it('reports an action type the SDK does not know', () => {
    const problems = cardProblems({ ...base, body: [{ type: 'ActionSet', actions: [{ type: 'Action.Frobnicate', title: 'Go' }] }] });
    expect(problems).toEqual([expect.stringMatching(/^UnknownActionType: .*Action\.Frobnicate/)]);
  });

  it('reports a property value outside its enumeration', () => {
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'Hello', color: 'purple' }] })).toEqual([
      expect.stringMatching(/^InvalidPropertyValue: .*purple/),
    ]);
  });

  it('reports a misspelled property that the SDK itself would silently ignore', () => {
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'Hello', colour: 'Good' }] })).toEqual([
      'UnknownProperty: "colour" at card.body[0] (TextBlock)',
    ]);
  });

  it('reports a misspelled property inside a fact, a table column and the refresh definition', () => {
    const problems = cardProblems({
      ...base,
      refresh: { action: { type: 'Action.Execute', verb: 'v' }, userIDs: [] },
      body: [
        { type: 'FactSet', facts: [{ title: 'a', value: 'b', subtitle: 'c' }] },
        { type: 'Table', columns: [{ width: 1, widht: 2 }], rows: [] },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('"userIDs"'),
      expect.stringContaining('"subtitle"'),
      expect.stringContaining('"widht"'),
    ]);
  });

  it('reports a property newer than card version 1.5', () => {
    // Image.forceLoad arrived in 1.6; Teams renders 1.5.
    const problems = cardProblems({ ...base, body: [{ type: 'Image', url: 'https://contoso.example/logo.png', forceLoad: true }] });
    expect(problems).toEqual([expect.stringMatching(/^UnsupportedProperty: .*forceLoad/)]);
  });

  it('reports duplicate element ids', () => {
    const problems = cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'a', id: 'x' }, { type: 'TextBlock', text: 'b', id: 'x' }] });
    expect(problems).toEqual([expect.stringMatching(/^DuplicateId/)]);
  });

  it('checks the Action.Submit fallback, which the SDK skips when the primary action is known', () => {
    const card = renderDidYouMeanCard(sampleDidYouMean);
    const brokenBody: unknown = JSON.parse(JSON.stringify(card.body).replace('"type":"Action.Submit"', '"type":"Action.Sumbit"'));
    const broken: Record<string, unknown> = { ...card, body: brokenBody };
    expect(cardProblems(card)).toEqual([]);
    expect(cardProblems(broken)).toEqual([expect.stringMatching(/fallback of .*UnknownActionType: .*Action\.Sumbit/)]);
  });
});
