// The confirmation rules over HTTP (issue 12 "Safe actions"): a typed write naming one record runs directly;
// a write reached through a suggestion, one naming several records, `all` or `pending`, and one that
// overwrites settings set before are previewed first, and run only on Confirm: once, by the person who
// asked, within 10 minutes, and only while the records are as previewed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/app/ports.js';
import { MAX_CONFIRMATION_RECORDS, renderConfirmationCard } from '../../../src/cards/index.js';
import { CONFIRMATION_TTL_MS } from '../../../src/domain/confirmation.js';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText, executeActions } from '../../cards/card-inspection.js';
import {
  ask,
  buttonsIn,
  buttonsOf,
  cancel,
  cardIn,
  choicesOf,
  choose,
  click,
  confirm,
  confirmationIdOf,
  domainSnapshot,
  expectWellFormed,
  invokeAction,
  isConfirmationCard,
  sayForCard,
} from './support.js';

class SettableClock implements Clock {
  current = Date.parse('2025-03-01T10:00:00Z');
  now(): Date {
    return new Date(this.current);
  }
}

const approvalOf = (t: TestBot, address: string): number | undefined => t.bot.services.store.mailboxByEmail(address)?.emailRouterAccessApproval;
const pendingAddresses = (t: TestBot): string[] =>
  t.bot.services.store
    .mailboxes()
    .filter((mailbox) => mailbox.active && mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval)
    .map((mailbox) => mailbox.emailAddress);

describe('confirmations of writes', () => {
  let t: TestBot;
  let clock: SettableClock;
  beforeEach(async () => {
    clock = new SettableClock();
    t = await startTestBot({ clock });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('runs a typed write that names exactly one record directly', async () => {
    const { card } = await sayForCard(t, t.user('ada'), 'approve mailbox pia@contoso.com');
    expect(isConfirmationCard(card)).toBe(false);
    expect(cardText(card)).toContain('1 succeeded');
    expect(approvalOf(t, 'pia@contoso.com')).toBe(EmailApprovalStatus.Approved);
  });

  it('offers no one-click approval of other mailboxes for an unknown one: a choice previews, Cancel changes nothing, Confirm approves', async () => {
    const ada = t.user('ada');
    const before = domainSnapshot(t.bot.services.store);
    const codyBefore = approvalOf(t, 'cody@contoso.com');
    const { card } = await sayForCard(t, ada, 'approve mailbox nobody@contoso.com');
    expect(cardText(card)).toContain('Not found');
    // No button carries an approve command: the corrections are choices behind opaque ids.
    expect(buttonsOf(card).filter((button) => button.command.startsWith('approve'))).toEqual([]);
    const choices = choicesOf(card);
    expect(choices.length).toBeGreaterThan(0);
    for (const action of executeActions(card)) expect(JSON.stringify(action.data)).not.toContain('approve');
    const cody = choices.find((choice) => choice.title.includes('cody@contoso.com'));
    if (cody === undefined) throw new Error(`no choice for Cody among ${choices.map((choice) => choice.title).join(', ')}`);

    const chosen = await choose(t, ada, cody);
    expect(chosen.replacement).toBeUndefined();
    const preview = cardIn(chosen.replies[0]);
    expectWellFormed(preview);
    expect(isConfirmationCard(preview)).toBe(true);
    expect(cardText(preview)).toContain('Confirm: approve mailbox cody@contoso.com');
    expect(cardText(preview)).toContain('you chose it on a card');
    expect(cardText(preview)).toContain('Email Address Status');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);

    const cancelled = await cancel(t, ada, preview);
    expect(cardText(cancelled.replacement ?? preview)).toContain('Cancelled');
    expect(cancelled.replies).toEqual([]);
    expect(approvalOf(t, 'cody@contoso.com')).toBe(codyBefore);
    expect(domainSnapshot(t.bot.services.store)).toBe(before);

    const again = await choose(t, ada, cody);
    const second = cardIn(again.replies[0]);
    const confirmed = await confirm(t, ada, second);
    expect(cardText(confirmed.replacement ?? second)).toContain('Confirmed: approve mailbox cody@contoso.com');
    expect(textOf(confirmed.replies[0])).toContain('1 succeeded');
    expect(approvalOf(t, 'cody@contoso.com')).toBe(EmailApprovalStatus.Approved);
  });

  it('answers a misspelt "reject mailbox pending" with a choice: without a reason it says how many and asks why; with one it previews the count, and rejects on Confirm', async () => {
    const ada = t.user('ada');
    const pending = pendingAddresses(t);
    expect(pending.length).toBeGreaterThan(1);
    const withoutReason = choicesOf(cardIn((await ask(t, ada, 'rejct mailbox pending'))[0]));
    const bare = withoutReason.find((candidate) => candidate.title === 'reject mailbox pending');
    if (bare === undefined) throw new Error('no reject mailbox pending choice');
    const asked = await choose(t, ada, bare);
    expect(asked.replies[0]?.text).toContain(`every mailbox Pending Approval (${pending.length} mailboxes now)? Nothing was rejected`);
    for (const address of pending) expect(approvalOf(t, address)).toBe(EmailApprovalStatus.PendingApproval);

    const replies = await ask(t, ada, 'rejct mailbox pending because the addresses are retired');
    const didYouMean = cardIn(replies[0]);
    expect(buttonsOf(didYouMean)).toEqual([]);
    const choice = choicesOf(didYouMean).find((candidate) => candidate.title.startsWith('reject mailbox pending because'));
    if (choice === undefined) throw new Error('no reject mailbox pending choice');

    const chosen = await choose(t, ada, choice);
    const preview = cardIn(chosen.replies[0]);
    expectWellFormed(preview);
    expect(cardText(preview)).toContain(`${pending.length} mailboxes will change.`);
    expect(cardText(preview)).toContain('Pending Approval → Rejected');
    for (const address of pending) expect(approvalOf(t, address)).toBe(EmailApprovalStatus.PendingApproval);

    const confirmed = await confirm(t, ada, preview);
    expect(textOf(confirmed.replies[0])).toContain(`${pending.length} succeeded`);
    for (const address of pending) expect(approvalOf(t, address)).toBe(EmailApprovalStatus.Rejected);
  });

  it('previews a typed "reject mailbox pending" with the count before anything changes', async () => {
    const pending = pendingAddresses(t);
    const before = domainSnapshot(t.bot.services.store);
    const { card } = await sayForCard(t, t.user('ada'), 'reject mailbox pending because the addresses are retired');
    expect(isConfirmationCard(card)).toBe(true);
    expect(cardText(card)).toContain(`${pending.length} mailboxes will change.`);
    expect(cardText(card)).toContain('it names several mailboxes, all or pending');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('lists what "apply default settings to all" overwrites, old and new value, before changing anything', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const sales = t.bot.services.store.mailboxByEmail('sales@contoso.com');
    const { card } = await sayForCard(t, t.user('ada'), 'apply default settings to all');
    const text = cardText(card);
    expect(isConfirmationCard(card)).toBe(true);
    expect(text).toContain('This overwrites');
    expect(text).toContain('it replaces values that were set before');
    expect(text).toContain('Then Test & Enable runs for');
    // Every mailbox whose own methods differ from the defaults is named with its old and new value.
    expect(sales?.actDeliveryMethod).not.toBe(t.bot.services.store.organization.settings.defaultActDeliveryMethod);
    expect(text).toMatch(/Sales Inbox \(sales@contoso\.com\): Appointments, Contacts, and Tasks \S.* → Server-Side Synchronization/);
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('asks before a single mailbox whose own settings apply default settings would overwrite, not before one that has the defaults', async () => {
    const ada = t.user('ada');
    const overwriting = await sayForCard(t, ada, 'apply default settings to "Sales Inbox" without test');
    expect(isConfirmationCard(overwriting.card)).toBe(true);
    expect(cardText(overwriting.card)).toContain('This overwrites');
    const same = await sayForCard(t, ada, 'apply default settings to ada@contoso.com without test');
    expect(isConfirmationCard(same.card)).toBe(false);
    expect(cardText(same.card)).toContain('skipped');
  });

  it('uses a confirmation once: a second Confirm changes nothing more and says it was used', async () => {
    const ada = t.user('ada');
    const { card } = await sayForCard(t, ada, 'approve mailbox pending');
    const approvals = (): number => t.bot.services.store.recentAudit(1_000).filter((entry) => entry.action === 'mailbox.approveEmail').length;
    const first = await confirm(t, ada, card);
    expect(first.replies).toHaveLength(1);
    const approvedOnce = approvals();
    expect(approvedOnce).toBeGreaterThan(0);
    // (The approvals start Test & Enable jobs in the background, so mailbox statuses may still move: count decisions.)
    const second = await confirm(t, ada, card);
    expect(cardText(second.replacement ?? card)).toContain('already used');
    expect(second.replies).toEqual([]);
    expect(approvals()).toBe(approvedOnce);
  });

  it('refuses the confirmation to anyone but the person who asked, and leaves it open for them', async () => {
    const ada = t.user('ada');
    const evan = t.user('evan');
    const before = domainSnapshot(t.bot.services.store);
    const { card } = await sayForCard(t, ada, 'approve mailbox pending');
    // Evan clicks the same card (for example in a shared chat): identity comes from his activity, not the card.
    const refused = await invokeAction(t, evan, { verb: 'confirmation.confirm', data: { confirmationId: confirmationIdOf(card) } }, { conversationId: t.personalChatOf(ada) });
    expect(refused.replacement).toBeUndefined();
    expect(refused.message).toContain('Only the person who asked');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
    const cancelledByEvan = await invokeAction(t, evan, { verb: 'confirmation.cancel', data: { confirmationId: confirmationIdOf(card) } }, { conversationId: t.personalChatOf(ada) });
    expect(cancelledByEvan.message).toContain('Only the person who asked');
    const confirmed = await confirm(t, ada, card);
    expect(textOf(confirmed.replies[0])).toContain('succeeded');
    expect(pendingAddresses(t)).toEqual([]);
  });

  it('expires after 10 minutes: Confirm then changes nothing and says so', async () => {
    const ada = t.user('ada');
    const before = domainSnapshot(t.bot.services.store);
    const { card } = await sayForCard(t, ada, 'approve mailbox pending');
    clock.current += CONFIRMATION_TTL_MS;
    const late = await confirm(t, ada, card);
    expect(cardText(late.replacement ?? card)).toContain('expired');
    expect(late.replies).toEqual([]);
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('still confirms just before the 10 minutes are over', async () => {
    const ada = t.user('ada');
    const { card } = await sayForCard(t, ada, 'approve mailbox pending');
    clock.current += CONFIRMATION_TTL_MS - 1_000;
    const confirmed = await confirm(t, ada, card);
    expect(textOf(confirmed.replies[0])).toContain('succeeded');
  });

  it('previews again when the records changed after the preview, and runs only the new preview', async () => {
    const ada = t.user('ada');
    const pending = pendingAddresses(t);
    const [first] = pending;
    if (first === undefined) throw new Error('no pending mailbox');
    const { card } = await sayForCard(t, ada, 'reject mailbox pending because the addresses are retired');
    expect(cardText(card)).toContain(`${pending.length} mailboxes will change.`);
    // Meanwhile one of them is approved by a typed command.
    await sayForCard(t, ada, `approve mailbox ${first}`);
    const stale = await confirm(t, ada, card);
    const again = stale.replacement;
    if (again === undefined) throw new Error('no new preview');
    expectWellFormed(again);
    expect(isConfirmationCard(again)).toBe(true);
    expect(cardText(again)).toContain('The records changed since the last preview');
    expect(cardText(again)).toContain(`${pending.length - 1} ${pending.length - 1 === 1 ? 'mailbox' : 'mailboxes'} will change.`);
    expect(stale.replies).toEqual([]);
    expect(approvalOf(t, first)).toBe(EmailApprovalStatus.Approved);
    const confirmed = await confirm(t, ada, again);
    expect(textOf(confirmed.replies[0])).toContain('succeeded');
    expect(approvalOf(t, first)).toBe(EmailApprovalStatus.Approved);
    for (const address of pending.slice(1)) expect(approvalOf(t, address)).toBe(EmailApprovalStatus.Rejected);
  });

  it('confirms through the Action.Submit fallback as well, with the identity of the activity', async () => {
    const ada = t.user('ada');
    const { card } = await sayForCard(t, ada, 'approve mailbox pending');
    const answer = await t.post(t.activityFrom(ada, { type: 'message', value: { verb: 'confirmation.confirm', confirmationId: confirmationIdOf(card) } }));
    expect(answer.status).toBe(200);
    expect(pendingAddresses(t)).toEqual([]);
  });

  it('previews a write from a next-step button too, and a navigation button posts a new card without replacing its own', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'mailbox sales@contoso.com');
    const alerts = buttonsIn(activity).find((button) => button.title === 'Alerts');
    if (alerts === undefined) throw new Error('no Alerts button');
    const navigated = await invokeAction(t, ada, { verb: 'command', data: { command: alerts.command } });
    expect(navigated.replacement).toBeUndefined();
    expect(cardText(cardIn(navigated.replies[0]))).toContain('Sales Inbox');
    const before = domainSnapshot(t.bot.services.store);
    const preview = await click(t, ada, { title: 'Test & Enable', command: 'test mailbox sales@contoso.com' });
    expect(isConfirmationCard(preview)).toBe(true);
    expect(cardText(preview)).toContain('Test & Enable runs for 1 mailbox.');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses an unknown, forged or malformed confirmation id without changing anything', async () => {
    const ada = t.user('ada');
    const before = domainSnapshot(t.bot.services.store);
    const unknown = await invokeAction(t, ada, { verb: 'confirmation.confirm', data: { confirmationId: 'C-00000000-0000-4000-8000-000000000000' } });
    if (unknown.replacement === undefined) throw new Error('an unknown confirmation left its card as it was');
    expect(cardText(unknown.replacement)).toContain('no longer know');
    const malformed = await t.invoke(ada, { verb: 'confirmation.confirm', data: { confirmationId: 'approve mailbox all' } });
    expect(malformed.body).toMatchObject({ statusCode: 400 });
    const aSuggestionId = await invokeAction(t, ada, { verb: 'suggestion.choose', data: { suggestionId: 'S-00000000-0000-4000-8000-000000000000' } });
    expect(aSuggestionId.message).toContain('no longer know');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });
});

describe('the confirmation card', () => {
  it('lists the first records and says how many more, with each field old → new', () => {
    const records = Array.from({ length: MAX_CONFIRMATION_RECORDS + 7 }, (_, index) => ({
      name: `Mailbox ${index + 1}`,
      changes: [{ field: 'Email Address Status', from: 'Pending Approval', to: 'Rejected' }],
    }));
    const card = renderConfirmationCard({
      title: 'Confirm: reject mailbox pending',
      summary: `${records.length} mailboxes will change.`,
      reasons: ['it names several mailboxes, all or pending'],
      records,
      overwritten: [],
      notes: [],
      expiry: 'Expires at 2025-03-01 10:10 UTC.',
      confirmTitle: 'Confirm',
      confirmationId: 'C-1',
    });
    expectWellFormed(card);
    const text = cardText(card);
    expect(text).toContain(`Mailbox ${MAX_CONFIRMATION_RECORDS}`);
    expect(text).not.toContain(`Mailbox ${MAX_CONFIRMATION_RECORDS + 1}`);
    expect(text).toContain('and 7 more');
    expect(text).toContain('Pending Approval → Rejected');
    expect(confirmationIdOf(card)).toBe('C-1');
    // Its buttons carry the opaque id and nothing else: not the command, not who asked.
    expect(executeActions(card).map((action) => action.data)).toEqual([{ confirmationId: 'C-1' }, { confirmationId: 'C-1' }]);
  });

  it('refuses to carry anything but an opaque id', () => {
    const view = { title: 't', summary: 's', reasons: [], records: [], overwritten: [], notes: [], expiry: 'e', confirmTitle: 'Confirm' };
    expect(() => renderConfirmationCard({ ...view, confirmationId: 'approve mailbox all' })).toThrow('confirmationId');
  });
});

describe('the Reject button of a mailbox card', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('is last, and a click asks for a reason instead of rejecting Otto’s approved address', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'mailbox otto@contoso.com');
    const buttons = buttonsIn(activity);
    expect(buttons.at(-1)?.title).toBe('Reject');
    expect(buttons[0]?.title).not.toBe('Reject');
    const reject = buttons.at(-1);
    if (reject === undefined) throw new Error('no Reject button');
    const before = approvalOf(t, 'otto@contoso.com');
    const clicked = await invokeAction(t, ada, { verb: 'command', data: { command: reject.command } });
    expect(clicked.replacement).toBeUndefined();
    expect(clicked.replies[0]?.text).toContain('Nothing was rejected');
    expect(approvalOf(t, 'otto@contoso.com')).toBe(before);
    // With a reason, a click-like choice is previewed first.
    const preview = await click(t, ada, { title: 'Reject', command: `${reject.command} because the address is retired` });
    expect(isConfirmationCard(preview)).toBe(true);
    expect(cardText(preview)).toContain('Approved → Rejected');
    expect(approvalOf(t, 'otto@contoso.com')).toBe(before);
  });
});
