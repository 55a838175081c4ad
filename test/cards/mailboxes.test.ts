import { describe, expect, it } from 'vitest';
import { MAX_MAILBOX_ROWS_PER_CARD, renderMailboxListCard } from '../../src/cards/mailbox-list-card.js';
import { renderMailboxDetailCard } from '../../src/cards/mailbox-detail-card.js';
import { MAX_OUTCOME_ROWS_PER_CARD } from '../../src/cards/mailbox-outcomes.js';
import { renderOperationResultCard } from '../../src/cards/operation-result-card.js';
import type { AdaptiveCardJson } from '../../src/cards/card-json.js';
import { MAX_LIST_CURSOR_LENGTH, parseSubmitAction } from '../../src/cards/actions.js';
import { byteSize, cardProblems, cardText, collectNodes, executeActions, unboundBindings, visibleTexts } from './card-inspection.js';
import {
  HOSTILE_TEXT,
  SAMPLE_MAILBOX_TOTAL,
  manyOutcomes,
  sampleMailboxDetail,
  sampleMailboxListPage,
  sampleMailboxRow,
  sampleOperationResult,
} from './samples.js';

const tableRows = (card: AdaptiveCardJson): Record<string, unknown>[] => collectNodes(card.body).filter((node) => node.type === 'TableRow');

function factValue(card: AdaptiveCardJson, title: string): string[] {
  return collectNodes(card.body)
    .filter((node) => node.title === title && typeof node.value === 'string')
    .map((node) => String(node.value));
}

describe('renderMailboxListCard', () => {
  it('holds one page of a 10,000-mailbox result and says which rows it shows', () => {
    const card = renderMailboxListCard(sampleMailboxListPage(2));
    expect(SAMPLE_MAILBOX_TOTAL).toBe(10_000);
    expect(tableRows(card)).toHaveLength(1 + 20);
    expect(visibleTexts(card)).toContain('Showing 21 - 40 of 10,000');
    expect(card.fallbackText).toContain('Showing 21 - 40 of 10,000');
    expect(byteSize(card)).toBeLessThan(28 * 1024);
  });

  it('writes nothing of its own beyond Latin-1, so that a page of Latin-1 names serializes one byte per character', () => {
    // The card is serialized on every send; one wider character makes V8 hold the whole JSON in two bytes each.
    const page = sampleMailboxListPage(2);
    const withButtons = { ...page, rows: page.rows.map((row) => ({ ...row, actions: [{ title: 'Approve', command: `approve mailbox ${row.emailAddress}` }] })) };
    const json = JSON.stringify(renderMailboxListCard(withButtons));
    expect(json).toContain('Approve: ');
    expect([...json].filter((character) => (character.codePointAt(0) ?? 0) > 0xff)).toEqual([]);
  });

  it('shows name, email address, approval status, mailbox status and profile for each row', () => {
    const card = renderMailboxListCard(sampleMailboxListPage(2));
    const row = sampleMailboxRow(21);
    const texts = visibleTexts(card);
    const at = texts.indexOf(row.name);
    expect(texts.slice(at, at + 5)).toEqual([row.name, row.emailAddress, 'Pending Approval', 'Failure', 'Microsoft Exchange Online']);
    const approval = collectNodes(card.body).find((node) => node.text === 'Pending Approval');
    expect(approval?.color).toBe('Default');
  });

  it('offers Previous and Next as command buttons, Next carrying where the list goes on', () => {
    const card = renderMailboxListCard(sampleMailboxListPage(2));
    const cursor = sampleMailboxListPage(2).nextPageCursor;
    expect(cursor).not.toBeNull();
    expect(executeActions(card).map((action) => [action.title, action.verb, action.data])).toEqual([
      ['Previous', 'command', { command: 'list mailboxes pending --page 1' }],
      ['Next', 'command', { command: 'list mailboxes pending --page 3', cursor }],
    ]);
    // Clients without Universal Actions send the fallback's data: it parses into the same action.
    const next = executeActions(card).find((action) => action.title === 'Next');
    const fallback = typeof next?.fallback === 'object' && next.fallback !== null && 'data' in next.fallback ? next.fallback.data : undefined;
    expect(parseSubmitAction(fallback)).toEqual({ ok: true, action: { verb: 'command', data: { command: 'list mailboxes pending --page 3', cursor } } });
    expect(unboundBindings(card)).toEqual([]);
  });

  it('refuses a list position that is not text or too long, in card data as anywhere else', () => {
    expect(parseSubmitAction({ verb: 'command', command: 'mailboxes page 2', cursor: 7 }).ok).toBe(false);
    expect(parseSubmitAction({ verb: 'command', command: 'mailboxes page 2', cursor: 'x'.repeat(MAX_LIST_CURSOR_LENGTH + 1) }).ok).toBe(false);
    expect(() => renderMailboxListCard({ ...sampleMailboxListPage(2), nextPageCursor: '' })).toThrow('cursor must not be empty');
  });

  it('has no Previous on the first page and no Next on the last', () => {
    expect(executeActions(renderMailboxListCard(sampleMailboxListPage(1))).map((action) => action.title)).toEqual(['Next']);
    const last = renderMailboxListCard(sampleMailboxListPage(500));
    expect(executeActions(last).map((action) => action.title)).toEqual(['Previous']);
    expect(visibleTexts(last)).toContain('Showing 9,981 - 10,000 of 10,000');
  });

  it('refuses the whole result instead of one page', () => {
    const everything = Array.from({ length: 10_000 }, (_, index) => sampleMailboxRow(index));
    expect(() => renderMailboxListCard({ ...sampleMailboxListPage(1), rows: everything })).toThrow(
      `one page of at most ${MAX_MAILBOX_ROWS_PER_CARD} rows; got 10000`,
    );
  });

  it('refuses a page that hides later rows without a way to reach them', () => {
    expect(() => renderMailboxListCard({ ...sampleMailboxListPage(1), nextPageCommand: null })).toThrow('shows rows up to 20 of 10000 but has no nextPageCommand');
    expect(() => renderMailboxListCard({ ...sampleMailboxListPage(3), previousPageCommand: null })).toThrow('needs a previousPageCommand');
    expect(() => renderMailboxListCard({ ...sampleMailboxListPage(1), total: 5 })).toThrow('exceed the total of 5');
  });

  it('says so when nothing matches, without an empty table', () => {
    const card = renderMailboxListCard({ filterDescription: 'Mailbox status: Failure', rows: [], offset: 0, total: 0, previousPageCommand: null, nextPageCommand: null, nextPageCursor: null });
    expect(visibleTexts(card)).toEqual(['Mailboxes', 'Mailbox status: Failure', 'Showing 0 of 0', 'No mailboxes on this page.']);
    expect(cardProblems(card)).toEqual([]);
  });

  it('shows mailbox names literally', () => {
    const card = renderMailboxListCard({ ...sampleMailboxListPage(1, 1), rows: [{ ...sampleMailboxRow(0), name: HOSTILE_TEXT }] });
    expect(cardText(card)).toContain('\\*\\*Urgent\\*\\* \\[click here\\]');
  });
});

describe('renderMailboxDetailCard', () => {
  const card = renderMailboxDetailCard(sampleMailboxDetail);

  it('shows every status field of the mailbox', () => {
    const expected: [string, string][] = [
      ['Email address', 'sales@contoso.com'],
      ['Owner', 'Otto Owner'],
      ['Regarding', 'Queue: Sales'],
      ['Server profile', 'Microsoft Exchange Online'],
      ['Status', 'Active'],
      ['Email address status', 'Approved'],
      ['Approved by an Office 365 administrator', 'Yes'],
      ['Incoming email status', 'Success'],
      ['Outgoing email status', 'Failure'],
      ['Appointments, contacts, and tasks status', 'Not Run'],
      ['Mailbox status', 'Failure'],
      ['Mailbox test completed on', '2025-03-01 10:15 UTC'],
      ['Test scheduled', 'Yes'],
      ['Test retry count', '3'],
      ['Next retry', '2025-03-01 10:20 UTC'],
      ['Sync items with Exchange from this org only', 'No'],
    ];
    for (const [title, value] of expected) expect(factValue(card, title), title).toEqual([value]);
  });

  it('labels the three delivery methods and the three enabled flags', () => {
    expect(factValue(card, 'Incoming email')).toEqual(['Server-Side Synchronization or Email Router', 'Yes']);
    expect(factValue(card, 'Outgoing email')).toEqual(['Server-Side Synchronization or Email Router', 'No']);
    expect(factValue(card, 'Appointments, contacts, and tasks')).toEqual(['None', 'No']);
  });

  it('leads with the overall status in the colour of its outcome', () => {
    const headline = collectNodes(card.body).find((node) => node.text === 'Mailbox status: Failure');
    expect(headline?.color).toBe('Attention');
  });

  it('shows a forward mailbox that has never been tested', () => {
    const forward = renderMailboxDetailCard({
      ...sampleMailboxDetail,
      regarding: null,
      profileName: null,
      testMailboxAccessCompletedOn: null,
      postponeTestEmailConfigurationUntil: null,
      mailboxStatus: 0,
      actions: [],
    });
    expect(factValue(forward, 'Regarding')).toEqual(['None (forward mailbox)']);
    expect(factValue(forward, 'Next retry')).toEqual(['—']);
    expect(visibleTexts(forward)).toContain('Mailbox status: Not Run (Test & Enable has not run)');
    expect(cardProblems(forward)).toEqual([]);
  });
});

describe('renderOperationResultCard', () => {
  it('counts outcomes and lists every mailbox, failures first, with the reason', () => {
    const card = renderOperationResultCard(sampleOperationResult);
    const texts = visibleTexts(card);
    expect(texts[1]).toBe('3 succeeded · 2 failed · 1 skipped (6 mailboxes)');
    expect(texts.indexOf('Failed (2)')).toBeLessThan(texts.indexOf('Skipped (1)'));
    expect(texts.indexOf('Skipped (1)')).toBeLessThan(texts.indexOf('Succeeded (3)'));
    const payroll = texts.indexOf('**Payroll** (payroll@contoso.com)');
    expect(texts[payroll + 1]).toBe('Someone else changed this mailbox while you were approving it; run the command again.');
    expect(cardText(card)).not.toContain('not shown');
  });

  it('shows a long result in part, states how many mailboxes are not shown and how to see them', () => {
    const rows = manyOutcomes(2_000, 4);
    const card = renderOperationResultCard({
      title: 'Test & Enable',
      rows,
      seeAllCommand: { title: 'List failed mailboxes', command: 'list mailboxes failed' },
    });
    const texts = visibleTexts(card);
    expect(texts[1]).toBe('1,500 succeeded · 500 failed · 0 skipped (2,000 mailboxes)');
    expect(texts.filter((text) => text.startsWith('**Mailbox '))).toHaveLength(MAX_OUTCOME_ROWS_PER_CARD);
    expect(texts).toContain('…and 480 more failed not shown.');
    expect(texts).toContain('…and 1,500 more succeeded not shown.');
    expect(texts).toContain('1,980 mailboxes are not shown. To see them, type **list mailboxes failed**.');
    expect(texts).toEqual(expect.arrayContaining(['Failures by reason', '167 mailboxes', 'Email address is not approved.']));
    expect(executeActions(card).map((action) => action.data)).toEqual([{ command: 'list mailboxes failed' }]);
    expect(byteSize(card)).toBeLessThan(28 * 1024);
    expect(cardProblems(card)).toEqual([]);
  });

  it('says how to see hidden rows even without a command to offer', () => {
    const card = renderOperationResultCard({ title: 'Approve email', rows: manyOutcomes(30, 100) });
    expect(cardText(card)).toContain('10 mailboxes are not shown. Run the command for fewer mailboxes at a time to see each one.');
  });
});
