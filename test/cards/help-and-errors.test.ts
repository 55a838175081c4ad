import { describe, expect, it } from 'vitest';
import { CardVerb, parseExecuteAction } from '../../src/cards/actions.js';
import { MAX_SUGGESTIONS, renderDidYouMeanCard } from '../../src/cards/did-you-mean-card.js';
import { renderHelpCard } from '../../src/cards/help-card.js';
import { renderRefusalCard } from '../../src/cards/refusal-card.js';
import { renderUsageErrorCard } from '../../src/cards/usage-error-card.js';
import { cardProblems, cardText, executeActions, visibleTexts } from './card-inspection.js';
import { HOSTILE_TEXT, sampleDidYouMean, sampleHelpCommand, sampleHelpOverview, sampleRefusal, sampleUsageError } from './samples.js';

/** The chat commands the card's buttons would run, in order. */
function buttonCommands(card: ReturnType<typeof renderHelpCard>): string[] {
  return executeActions(card).map((action) => {
    const parsed = parseExecuteAction({ verb: action.verb, data: action.data });
    if (!parsed.ok || parsed.action.verb !== CardVerb.Command) throw new Error(`"${action.title}" is not a command button`);
    return parsed.action.data.command;
  });
}

describe('renderHelpCard', () => {
  it('groups the commands by category, each with its usage and an example', () => {
    const texts = visibleTexts(renderHelpCard(sampleHelpOverview));
    const categoryTitles = sampleHelpOverview.kind === 'overview' ? sampleHelpOverview.categories.map((category) => category.title) : [];
    expect(categoryTitles).toHaveLength(5);
    for (const title of categoryTitles) expect(texts).toContain(title);
    expect(texts).toContain('approve mailbox \\<name or email address\\>');
    expect(texts).toContain('Example: approve mailbox sales@contoso.com');
    expect(texts.indexOf('Approval')).toBeLessThan(texts.indexOf('approve mailbox \\<name or email address\\>'));
    expect(texts.indexOf('Getting started')).toBeLessThan(texts.indexOf('Approval'));
  });

  it('tells how to get details of one command, with a command that is not help itself', () => {
    expect(cardText(renderHelpCard(sampleHelpOverview))).toContain('e.g. **help whoami**');
  });

  it('explains one command in detail: usage, example, other spellings, who may run it, and notes', () => {
    const card = renderHelpCard(sampleHelpCommand);
    const texts = visibleTexts(card);
    expect(texts.slice(0, 2)).toEqual(['approve mailbox', 'Approval']);
    expect(texts).toEqual(expect.arrayContaining(['Usage', 'approve mailbox \\<name or email address\\>', 'Example', 'approve mailbox sales@contoso.com']));
    expect(texts).toEqual(expect.arrayContaining(['Also written', 'approve email, approve', 'Who can run it']));
    expect(texts).toContain('You only need to approve an address again when it changed in Dynamics 365.');
    expect(buttonCommands(card)).toEqual(['list mailboxes pending', 'help']);
  });

  it('refuses to render an overview without a single command', () => {
    expect(() => renderHelpCard({ kind: 'overview', categories: [{ title: 'Empty', commands: [] }] })).toThrow('at least one command');
  });
});

describe('renderDidYouMeanCard', () => {
  it('echoes what was typed and offers one command button per suggestion', () => {
    const card = renderDidYouMeanCard(sampleDidYouMean);
    expect(visibleTexts(card)).toEqual(["I don't know “aprove mailbox sales@contoso.com”.", 'Did you mean one of these?']);
    expect(executeActions(card).map((action) => action.title)).toEqual(sampleDidYouMean.suggestions);
    expect(buttonCommands(card)).toEqual(['approve mailbox sales@contoso.com', 'remove mailbox sales@contoso.com']);
    expect(card.fallbackText).toBe('I don\'t know "aprove mailbox sales@contoso.com". Did you mean: approve mailbox sales@contoso.com | remove mailbox sales@contoso.com?');
  });

  it('asks about the single suggestion by name', () => {
    const card = renderDidYouMeanCard({ input: 'aprove mailbox', suggestions: ['approve mailbox'] });
    expect(visibleTexts(card)).toContain('Did you mean **approve mailbox**?');
  });

  it('points to help when nothing is close, without an empty button set', () => {
    const card = renderDidYouMeanCard({ input: 'make coffee', suggestions: [] });
    expect(visibleTexts(card)).toContain('Type **help** to see what I can do.');
    expect(executeActions(card)).toEqual([]);
    expect(cardProblems(card)).toEqual([]);
  });

  it('shows typed Markdown literally so nobody can plant a link in the bot’s reply', () => {
    const card = renderDidYouMeanCard({ input: HOSTILE_TEXT, suggestions: [] });
    const [unknown] = visibleTexts(card);
    expect(unknown).toContain('\\*\\*Urgent\\*\\* \\[click here\\](https://evil.example) \\<at\\>Bot\\</at\\>');
  });

  it('shows template syntax in what was typed as text, never evaluating it', () => {
    const card = renderDidYouMeanCard({ input: '${fallbackText} ${$root}', suggestions: [] });
    expect(visibleTexts(card)[0]).toBe("I don't know “${fallbackText} ${$root}”.");
  });

  it(`refuses more than ${MAX_SUGGESTIONS} suggestions rather than drop buttons unseen`, () => {
    const suggestions = Array.from({ length: MAX_SUGGESTIONS + 1 }, (_, index) => `command ${index}`);
    expect(() => renderDidYouMeanCard({ input: 'x', suggestions })).toThrow(`at most ${MAX_SUGGESTIONS} suggestions; got ${MAX_SUGGESTIONS + 1}`);
  });
});

describe('renderUsageErrorCard', () => {
  it('states the specific problem, then the usage line and an example', () => {
    const card = renderUsageErrorCard(sampleUsageError);
    expect(visibleTexts(card)).toEqual([
      'Check the list mailboxes command',
      '"--page" must be a whole number from 1 to 500; got "two".',
      'Usage',
      'list mailboxes \\[pending|failed|disabled\\] \\[--profile \\<name\\>\\] \\[--page \\<n\\>\\]',
      'Example',
      'list mailboxes pending --page 2',
    ]);
    expect(buttonCommands(card)).toEqual(['help list mailboxes']);
  });
});

describe('renderRefusalCard', () => {
  it('says what was refused, by which rule and why, under which edition, and what would allow it', () => {
    const card = renderRefusalCard(sampleRefusal);
    const texts = visibleTexts(card);
    expect(texts[0]).toBe('Not allowed');
    expect(texts).toContain('Approve the email address of Sales Inbox (sales@contoso.com)');
    expect(texts).toContain(sampleRefusal.reason);
    expect(texts).toEqual(expect.arrayContaining(['Rule', 'seed2019:ce-online/exchange-online:system-admin']));
    expect(texts).toEqual(expect.arrayContaining(['Permission model', '9.1.0.5805 or later: Global or Exchange administrator together with System Administrator']));
    expect(texts).toEqual(expect.arrayContaining(['What would allow it', '• Office 365 Global administrator together with System Administrator']));
    expect(card.fallbackText).toContain('rule seed2019:ce-online/exchange-online:system-admin');
  });

  it('leaves out the "what would allow it" section when nothing would', () => {
    const card = renderRefusalCard({ ...sampleRefusal, wouldAllow: [], actions: [] });
    expect(cardText(card)).not.toContain('What would allow it');
    expect(cardProblems(card)).toEqual([]);
  });
});
