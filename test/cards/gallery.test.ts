// Checks every card shape once: what the SDK says, size, leftover bindings, and the action contract.
import { describe, expect, it } from 'vitest';
import { parseExecuteAction, parseSubmitAction } from '../../src/cards/actions.js';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  ADAPTIVE_CARD_SCHEMA_URL,
  CARD_BYTE_BUDGET,
  toAdaptiveCardAttachment,
} from '../../src/cards/card-json.js';
import { CARD_TEMPLATE_NAMES } from '../../src/cards/template-store.js';
import { byteSize, cardProblems, collectNodes, executeActions, unboundBindings } from './card-inspection.js';
import { cardGallery } from './samples.js';

const gallery = cardGallery.map((entry) => ({ name: entry.name, card: entry.render() }));

describe.each(gallery)('the $name card', ({ card }) => {
  it('parses with the Adaptive Cards SDK as version 1.5 without errors, warnings or unknown properties', () => {
    expect(cardProblems(card)).toEqual([]);
  });

  it('declares version 1.5, the card schema and a plain-text fallback', () => {
    expect(card.version).toBe('1.5');
    expect(card.$schema).toBe(ADAPTIVE_CARD_SCHEMA_URL);
    expect(card.fallbackText.length).toBeGreaterThan(20);
    expect(card.fallbackText).not.toMatch(/\\[*_[\]<>]/);
  });

  it('stays under the 28 KB budget', () => {
    expect(byteSize(card)).toBeLessThan(CARD_BYTE_BUDGET);
  });

  it('leaves no template binding unbound', () => {
    expect(unboundBindings(card)).toEqual([]);
  });

  it('keeps every ActionSet at the top level of the body, where Teams mobile renders it reliably', () => {
    const actionSets = collectNodes(card.body).filter((node) => node.type === 'ActionSet');
    expect(actionSets.every((set) => card.body.includes(set))).toBe(true);
  });

  it('gives every Action.Execute a parsable verb and data, and an Action.Submit fallback with the same action', () => {
    for (const action of executeActions(card)) {
      const executed = parseExecuteAction({ verb: action.verb, data: action.data });
      expect(executed, `${action.title}`).toMatchObject({ ok: true });
      expect(action.fallback).toMatchObject({ type: 'Action.Submit', title: action.title });
      const fallbackData = collectNodes(action.fallback)[0]?.data;
      expect(fallbackData).toEqual({ verb: action.verb, ...(typeof action.data === 'object' ? action.data : {}) });
      expect(parseSubmitAction(fallbackData)).toEqual(executed);
    }
  });

  it('wraps into a botbuilder-free attachment with the Teams content type', () => {
    expect(toAdaptiveCardAttachment(card)).toEqual({ contentType: 'application/vnd.microsoft.card.adaptive', content: card });
    expect(ADAPTIVE_CARD_CONTENT_TYPE).toBe('application/vnd.microsoft.card.adaptive');
  });
});

describe('the card gallery', () => {
  it('renders the same card from the same view every time: no clock, no randomness, no shared state', () => {
    for (const entry of cardGallery) expect(entry.render(), entry.name).toEqual(entry.render());
  });

  it('renders every card template at least once', () => {
    expect(new Set(cardGallery.map((entry) => entry.template))).toEqual(new Set(CARD_TEMPLATE_NAMES));
  });
});
