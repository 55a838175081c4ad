// Approve and reject mailboxes, request approval, and the approval requirement, over HTTP as the demo
// users under the seed's permission table (9.1.0.5805) and the 2025 one.
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { ask, buttonsIn, cardIn, choicesOf, choose, click, confirm, domainSnapshot, expectWellFormed, isConfirmationCard, sayAndConfirm, sayForCard } from './support.js';

const CONTOSO_2025 = resolve(import.meta.dirname, '../../../examples/contoso-2025.json');

const approvalOf = (t: TestBot, address: string) => t.bot.services.store.mailboxByEmail(address)?.emailRouterAccessApproval;

describe('approving and rejecting email addresses at 9.1.0.5805', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('lets Ada, Global administrator and System Administrator, approve Pia’s mailbox, with the rule in the audit log', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'approve mailbox pia@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Approve email');
    expect(text).toContain('1 succeeded · 0 failed · 0 skipped');
    expect(text).toContain('Email Address Status: Pending Approval → Approved');
    expect(buttonsIn(activity)).toEqual([{ title: 'Approved mailboxes', command: 'mailboxes approved' }]);
    expect(t.bot.services.store.mailboxByEmail('pia@contoso.com')).toMatchObject({ emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: true });
    expect(t.bot.services.store.recentAudit(1)[0]).toMatchObject({ actorName: 'Ada Admin', action: 'mailbox.approveEmail', rule: 'seed2019:ce-online/exchange-online:global-admin+system-admin' });
  });

  it('refuses Sam, a System Administrator alone, with the seed’s reason and rule, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('sam'), 'approve mailbox pia@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Approve the email address of pia@contoso.com');
    expect(text).toContain('Dynamics 365 System Administrator alone cannot approve email addresses for Customer Engagement (online) with Exchange Online');
    expect(text).toContain('seed2019:ce-online/exchange-online:system-admin');
    expect(text).toContain('9.1.0.5805 or later');
    expect(text).toContain('Microsoft 365 Global administrator together with Dynamics 365 System Administrator');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Erin, an Exchange administrator without System Administrator', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('erin'), 'approve mailbox "Pia Pending"');
    expect(textOf(activity)).toContain('Exchange administrator alone cannot approve email addresses');
    expect(textOf(activity)).toContain('seed2019:ce-online/exchange-online:exchange-admin');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Gus, a Global administrator without System Administrator', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('gus'), 'approve mailbox pending');
    expect(textOf(activity)).toContain('Microsoft 365 Global administrator alone cannot approve email addresses');
    expect(textOf(activity)).toContain('Approve the email address of every mailbox Pending Approval');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Cody, who may edit delivery methods but is in no approver column', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('cody'), 'approve mailbox sid@contoso.com');
    expect(textOf(activity)).toContain('seed2019:ce-online/exchange-online:no-approver-column');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('lets Evan approve every pending mailbox at once', async () => {
    const { activity, confirmation } = await sayAndConfirm(t, t.user('evan'), 'approve mailboxes pending');
    expect(cardText(confirmation)).toContain('2 mailboxes will change.');
    expect(textOf(activity)).toContain('2 succeeded · 0 failed · 0 skipped (2 mailboxes)');
    expect(approvalOf(t, 'pia@contoso.com')).toBe(EmailApprovalStatus.Approved);
    expect(approvalOf(t, 'sam@contoso.com')).toBe(EmailApprovalStatus.Approved);
    const again = await sayForCard(t, t.user('evan'), 'approve mailboxes pending');
    expect(textOf(again.activity)).toContain('Nothing to do');
    expect(textOf(again.activity)).toContain('No active mailbox is waiting for approval (Pending Approval).');
  });

  it('reports an already approved mailbox in a comma list as skipped next to the approved one', async () => {
    const { activity, confirmation } = await sayAndConfirm(t, t.user('ada'), 'approve mailbox pia@contoso.com, ada@contoso.com');
    expect(cardText(confirmation)).toContain('1 mailbox will change.');
    const text = textOf(activity);
    expect(text).toContain('1 succeeded · 0 failed · 1 skipped');
    expect(text).toContain('Its email address is already Approved.');
  });

  it('answers an unknown name in a list with the list corrected, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('ada'), 'approve mailbox "Pia Pendng", sam@contoso.com');
    expect(textOf(activity)).toContain('Not found: “Pia Pendng”');
    // The correction is a choice kept by the bot, never the approve command itself as a button.
    expect(buttonsIn(activity)).toEqual([]);
    const [correction] = choicesOf(cardIn(activity));
    expect(correction?.title).toBe('approve mailbox "Pia Pending", sam@contoso.com');
    if (correction === undefined) throw new Error('no correction');
    const chosen = await choose(t, t.user('ada'), correction);
    expect(chosen.replacement).toBeUndefined();
    const [preview] = chosen.replies;
    expect(isConfirmationCard(cardIn(preview))).toBe(true);
    expect(cardText(cardIn(preview))).toContain('Email Address Status');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('lets Ada reject the Sales Inbox queue mailbox by name and refuses Sam the same', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const refused = await sayForCard(t, t.user('sam'), 'reject mailbox "Sales Inbox" because the queue is retired');
    expect(textOf(refused.activity)).toContain('Reject the email address of Sales Inbox');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
    const { activity } = await sayForCard(t, t.user('ada'), 'reject mailbox "Sales Inbox" because the queue is retired');
    expect(textOf(activity)).toContain('Email Address Status: Approved → Rejected');
    expect(t.bot.services.store.recentAudit(1)[0]?.details).toMatch(/^Email Address Status: Approved → Rejected; .*Reason: the queue is retired$/);
    expect(approvalOf(t, 'sales@contoso.com')).toBe(EmailApprovalStatus.Rejected);
  });
});

describe('approving under the 2025 permission table', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ orgFile: CONTOSO_2025 });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('lets Dana, Delegated Mailbox Approver with System Administrator, approve Pia’s mailbox', async () => {
    const { activity } = await sayForCard(t, t.user('dana'), 'approve mailbox pia@contoso.com');
    expect(textOf(activity)).toContain('1 succeeded');
    expect(approvalOf(t, 'pia@contoso.com')).toBe(EmailApprovalStatus.Approved);
    expect(t.bot.services.store.recentAudit(1)[0]?.rule).toBe('current2025:ce-online/exchange-online:delegated-mailbox-approver+system-admin');
  });
});

describe('requesting approval', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('asks for a reason when a rejection has none, and rejects nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const answer = await t.say(t.user('ada'), 'reject mailbox otto@contoso.com');
    expect(textOf(answer[0])).toContain('Why do you reject the email address of otto@contoso.com? Nothing was rejected');
    expect(textOf(answer[0])).toContain('reject mailbox otto@contoso.com because <reason>');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
    const empty = await t.say(t.user('ada'), 'reject mailbox otto@contoso.com because');
    expect(textOf(empty[0])).toContain('Say why after because');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('tells Otto there is nothing to request while his mailbox is approved, and lets him ask again once it was rejected, which stays rejected', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const approved = await sayForCard(t, t.user('otto'), 'request approval otto@contoso.com');
    expect(textOf(approved.activity)).toContain('is already approved; there is nothing to request');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);

    await sayForCard(t, t.user('ada'), 'reject mailbox otto@contoso.com because it is a test address');
    const { activity } = await sayForCard(t, t.user('otto'), 'request approval otto@contoso.com');
    expect(textOf(activity)).toContain('Approval requested again for Otto Owner (otto@contoso.com)');
    expect(textOf(activity)).toContain('stays Rejected until an approver decides');
    expect(approvalOf(t, 'otto@contoso.com')).toBe(EmailApprovalStatus.Rejected);
    expect(buttonsIn(activity)).toEqual([{ title: 'Show mailbox', command: 'mailbox otto@contoso.com' }]);
  });

  it('refuses Pia a request for Otto’s mailbox, which is not hers', async () => {
    await sayForCard(t, t.user('ada'), 'reject mailbox otto@contoso.com because it is a test address');
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('pia'), 'request approval otto@contoso.com');
    expect(textOf(activity)).toContain('app:request-approval:owner-or-system-administrator');
    expect(textOf(activity)).toContain('The mailbox owner');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });
});

describe('the approval requirement', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('shows Ada both switches with buttons to turn them off, and a click turns queues off in place', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'approval required');
    expect(textOf(activity)).toContain('You may change these');
    const buttons = buttonsIn(activity);
    expect(buttons).toEqual([
      { title: 'Turn off for users', command: 'approval required users off' },
      { title: 'Turn off for queues', command: 'approval required queues off' },
    ]);
    const queuesOff = buttons[1];
    if (queuesOff === undefined) throw new Error('no button');
    // A write chosen on a card is previewed first, in a new message.
    const preview = await click(t, t.user('ada'), queuesOff);
    expectWellFormed(preview);
    expect(cardText(preview)).toContain('Require approval for queue email');
    expect(t.bot.services.store.organization.settings).toMatchObject({ requireApprovalForQueueEmail: true });
    const confirmed = await confirm(t, t.user('ada'), preview);
    const result = cardIn(confirmed.replies[0]);
    expectWellFormed(result);
    expect(cardText(result)).toContain('“Process emails only for approved queues” is now off');
    expect(cardText(result)).toContain('KB 4506139');
    expect(t.bot.services.store.organization.settings).toMatchObject({ requireApprovalForQueueEmail: false, requireApprovalForUserEmail: true });
  });

  it('shows Sam the switches without buttons, and refuses him a change, which changes nothing', async () => {
    const shown = await sayForCard(t, t.user('sam'), 'approval required');
    expect(textOf(shown.activity)).toContain('You may not change these');
    expect(buttonsIn(shown.activity)).toEqual([]);
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('sam'), 'approval required users off');
    expect(textOf(activity)).toContain('seed2019:ce-online/exchange-online:system-admin');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('says when the requirement already is as asked', async () => {
    const replies = await ask(t, t.user('evan'), 'approval required users on');
    expect(textOf(replies[0])).toContain('“Process emails only for approved users” already was on');
  });
});
