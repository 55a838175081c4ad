// Lists you can act on, over HTTP as the demo users: pending rows carry Approve and Reject and the list an
// "Approve all N"; failed rows carry their reason, their fix and Test again. Every write from a button is
// previewed and runs only on Confirm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMailboxListCard, cardByteSize, CARD_BYTE_BUDGET, MAX_MAILBOX_ROWS_PER_CARD } from '../../../src/cards/index.js';
import { AlertLevel, EmailApprovalStatus, TestStatus } from '../../../src/domain/options.js';
import { startTestBot, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { buttonsIn, click, confirm, isConfirmationCard, sayForCard } from './support.js';

describe('actionable lists', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  const approvalOf = (address: string): EmailApprovalStatus | undefined => t.bot.services.store.mailboxByEmail(address)?.emailRouterAccessApproval;

  it('previews "Approve all" with the count before it approves', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'mailboxes pending');
    const all = buttonsIn(activity).find((button) => button.command === 'approve mailbox pending');
    if (all === undefined) throw new Error('no Approve all');
    const preview = await click(t, ada, all);
    expect(isConfirmationCard(preview)).toBe(true);
    expect(cardText(preview)).toContain('Pending Approval → Approved');
    expect(approvalOf('sam@contoso.com')).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('approves one pending address from its row, after the preview', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'mailboxes pending');
    const buttons = buttonsIn(activity);
    expect(buttons.map((button) => button.command)).toEqual(expect.arrayContaining(['approve mailbox pia@contoso.com', 'reject mailbox pia@contoso.com', 'approve mailbox pending']));
    expect(buttons.find((button) => button.command === 'approve mailbox pending')?.title).toBe('Approve all 2');
    const approvePia = buttons.find((button) => button.command === 'approve mailbox pia@contoso.com');
    if (approvePia === undefined) throw new Error('no Approve on Pia’s row');
    const preview = await click(t, ada, approvePia);
    expect(isConfirmationCard(preview)).toBe(true);
    expect(approvalOf('pia@contoso.com')).toBe(EmailApprovalStatus.PendingApproval);
    await confirm(t, ada, preview);
    expect(approvalOf('pia@contoso.com')).toBe(EmailApprovalStatus.Approved);
  });

  it('shows no Approve to someone who may not approve', async () => {
    const { activity } = await sayForCard(t, t.user('pia'), 'mailboxes pending');
    expect(buttonsIn(activity).filter((button) => button.command.startsWith('approve'))).toEqual([]);
  });

  it('lists a failed mailbox with its reason, the bot’s fix and Test again', async () => {
    const store = t.bot.services.store;
    const otto = store.mailboxByEmail('otto@contoso.com');
    if (otto === undefined) throw new Error('no Otto');
    const committed = await store.commit({
      mailboxes: [{ ...otto, mailboxStatus: TestStatus.Failure, actStatus: TestStatus.Failure, version: otto.version + 1 }],
      alerts: [{ id: 'alert-otto-list', level: AlertLevel.Error, code: 'ActConfiguredWithAnotherOrganization', text: 'Configured with another organization.', regarding: { type: 'mailbox', id: otto.id }, createdOn: '2025-02-10T08:00:00Z' }],
    });
    if (!committed.ok) throw new Error('could not seed Otto’s failure');
    const { activity, card } = await sayForCard(t, t.user('ada'), 'mailboxes failed');
    expect(cardText(card)).toContain('Exchange synchronizes this mailbox with another Dynamics 365 organization.');
    const commands = buttonsIn(activity).map((button) => button.command);
    expect(commands).toEqual(expect.arrayContaining(['sync from this org only otto@contoso.com on', 'test mailbox otto@contoso.com']));
  });

  it('keeps a page within the card budget: row buttons while they fit, else a note on how to act on one mailbox', () => {
    const rows = Array.from({ length: MAX_MAILBOX_ROWS_PER_CARD }, (_, index) => ({
      name: `A rather long display name for person number ${index} of the organization`,
      emailAddress: `person.with.a.long.address.${index}@subsidiary.contoso.example.com`,
      approvalStatus: EmailApprovalStatus.PendingApproval,
      mailboxStatus: TestStatus.NotRun,
      profileName: 'Microsoft Exchange Online',
      actions: [
        { title: 'Approve', command: `approve mailbox person.with.a.long.address.${index}@subsidiary.contoso.example.com` },
        { title: 'Reject', command: `reject mailbox person.with.a.long.address.${index}@subsidiary.contoso.example.com` },
      ],
    }));
    const list = { filterDescription: 'Pending', offset: 0, total: 100, previousPageCommand: null, nextPageCommand: 'mailboxes pending page 2', nextPageCursor: null, listActions: [{ title: 'Approve all 100', command: 'approve mailbox pending' }] };
    const worst = renderMailboxListCard({ ...list, rows });
    expect(cardByteSize(worst)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(cardText(worst)).toContain('To approve, reject or test one of these, type mailbox and its address.');
    expect(JSON.stringify(worst)).toContain('approve mailbox pending');
    // A page of ordinary names keeps every row's buttons.
    const ordinary = rows.slice(0, 20).map((row, index) => ({ ...row, name: `Person ${index}`, emailAddress: `p${index}@contoso.com`, actions: [{ title: 'Approve', command: `approve mailbox p${index}@contoso.com` }, { title: 'Reject', command: `reject mailbox p${index}@contoso.com` }] }));
    const card = renderMailboxListCard({ ...list, rows: ordinary });
    expect(cardByteSize(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(JSON.stringify(card)).toContain('reject mailbox p19@contoso.com');
  });
});
