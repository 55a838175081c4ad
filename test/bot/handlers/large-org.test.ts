// Contoso with 2,500 more mailboxes: answers about every mailbox still fit one card, and the list pages
// with Previous/Next buttons that work when clicked.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CARD_BYTE_BUDGET, cardByteSize } from '../../../src/cards/index.js';
import type { User } from '../../../src/domain/model.js';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import type { DataFileDocument } from '../../../src/store/schema.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { exampleDocument } from '../../support/fixtures.js';
import { mailboxRecord } from '../../store/documents.js';
import { cardText } from '../../cards/card-inspection.js';
import { buttonDataOf, buttonsIn, buttonsOf, cardIn, click, clickData, domainSnapshot, expectWellFormed, sayAndConfirm, sayForCard } from './support.js';

const EXTRA_MAILBOXES = 2_500;

/** Half the people in Contoso's root business unit, half in Sales; all pending approval; every third without a profile. */
async function largeContoso(): Promise<DataFileDocument> {
  const contoso = await exampleDocument();
  const users: User[] = [];
  const mailboxes = Array.from({ length: EXTRA_MAILBOXES }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    const user: User = {
      id: `user-person-${number}`,
      aadObjectId: `10000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      fullName: `Person ${number}`,
      primaryEmail: `person${number}@contoso.com`,
      userPrincipalName: `person${number}@contoso.com`,
      businessUnitId: index % 2 === 0 ? 'bu-contoso' : 'bu-sales',
      office365Roles: [],
      securityRoleIds: ['role-salesperson'],
      isServiceAdministrator: false,
      active: true,
    };
    users.push(user);
    return mailboxRecord(index + 1, {
      id: `mailbox-person-${number}`,
      name: user.fullName,
      emailAddress: user.primaryEmail,
      regarding: { type: 'systemuser', id: user.id },
      ownerId: user.id,
      emailServerProfileId: index % 3 === 0 ? null : 'profile-exchange-online',
      emailRouterAccessApproval: EmailApprovalStatus.PendingApproval,
    });
  });
  return {
    ...contoso,
    // Approvals here must not start thousands of background tests while the cards are checked.
    organization: { ...contoso.organization, settings: { ...contoso.organization.settings, testAndEnableAfterApproval: false } },
    users: [...contoso.users, ...users],
    mailboxes: [...contoso.mailboxes, ...mailboxes],
  };
}

/** Previous and Next: rows and the list carry their own buttons too. */
const pagingButtons = <B extends { readonly title: string }>(buttons: readonly B[]): B[] => buttons.filter((button) => button.title === 'Previous' || button.title === 'Next');

describe(`a Contoso with ${EXTRA_MAILBOXES.toLocaleString('en-US')} more mailboxes`, () => {
  let t: TestBot;
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailbox-bot-large-'));
    const dataFile = join(directory, 'db.json');
    await writeFile(dataFile, JSON.stringify(await largeContoso()));
    t = await startTestBot({ dataFile });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    await rm(directory, { recursive: true, force: true });
  });

  const pending = EXTRA_MAILBOXES + 2;

  it('pages the pending mailboxes 10 at a time (each row carries Approve and Reject), and Next and Previous replace the card with the neighbouring page', async () => {
    const first = await sayForCard(t, t.user('ada'), 'mailboxes pending');
    expect(textOf(first.activity)).toContain(`Showing 1 - 10 of ${pending.toLocaleString('en-US')}`);
    // Every row keeps its buttons, and the card stays well inside Teams' 28 KB.
    expect(buttonsIn(first.activity).filter((button) => button.title.startsWith('Approve: '))).toHaveLength(10);
    expect(cardByteSize(cardIn(first.activity))).toBeLessThan(CARD_BYTE_BUDGET / 2);
    expect(pagingButtons(buttonsIn(first.activity))).toEqual([{ title: 'Next', command: 'mailboxes pending page 2' }]);
    // The list's own action: approve every pending address, previewed with its count.
    expect(buttonsIn(first.activity)).toContainEqual({ title: `Approve all ${pending.toLocaleString('en-US')}`, command: 'approve mailbox pending' });

    const [next] = pagingButtons(buttonsIn(first.activity));
    if (next === undefined) throw new Error('no Next button');
    const second = await click(t, t.user('ada'), next, first.activity.activityId);
    expectWellFormed(second);
    expect(cardText(second)).toContain(`Showing 11 - 20 of ${pending.toLocaleString('en-US')}`);
    expect(pagingButtons(buttonsOf(second))).toEqual([
      { title: 'Previous', command: 'mailboxes pending' },
      { title: 'Next', command: 'mailboxes pending page 3' },
    ]);

    const previous = pagingButtons(buttonsOf(second))[0];
    if (previous === undefined) throw new Error('no Previous button');
    expect(cardText(await click(t, t.user('ada'), previous, first.activity.activityId))).toContain('Showing 1 - 10 of');
  });

  it('sends Next with where the list goes on, so the next page is read directly, and refuses a position that is not one', async () => {
    // Another listing than the test above, whose pages the state-card cache already holds.
    const first = await sayForCard(t, t.user('ada'), 'mailboxes all');
    const next = buttonDataOf(cardIn(first.activity), 'Next');
    expect(next.command).toMatch(/^mailboxes (all )?page 2$/);
    expect(next.cursor).toEqual(expect.any(String));
    const pages = vi.spyOn(t.bot.services.useCases.records, 'mailboxPage');
    try {
      const second = await clickData(t, t.user('ada'), next, first.activity.activityId);
      expect(cardText(second)).toContain('Showing 21 - 40 of');
      // Straight from the position: one page read, not page 1 and then page 2.
      expect(pages).toHaveBeenCalledTimes(1);
    } finally {
      pages.mockRestore();
    }
    const forged = await clickData(t, t.user('ada'), { ...next, cursor: 'not-a-list-position' }, first.activity.activityId);
    expect(cardText(forged)).toContain('This list position is no longer valid');
  });

  it('keeps the profile in the paging buttons of a filtered list', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailboxes pending profile "Microsoft Exchange Online" page 2');
    expect(pagingButtons(buttonsIn(activity)).map((button) => button.command)).toEqual([
      'mailboxes pending profile "Microsoft Exchange Online"',
      'mailboxes pending profile "Microsoft Exchange Online" page 3',
    ]);
  });

  it('refuses Sam every pending mailbox in one refusal card within the budget, changing nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { card } = await sayForCard(t, t.user('sam'), 'approve mailbox pending');
    expect(cardText(card)).toContain('Dynamics 365 System Administrator alone cannot approve email addresses');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('answers Cody’s edit of all mailboxes, half out of his reach, with a summary of the reasons within the budget', async () => {
    const { card, confirmation } = await sayAndConfirm(t, t.user('cody'), 'edit mailboxes all incoming=outlook');
    // The preview counts every mailbox that will change, lists the first ones and says how many more.
    expect(cardText(confirmation)).toMatch(/[\d,]+ mailboxes will change\./);
    expect(cardText(confirmation)).toMatch(/and [\d,]+ more/);
    expect(cardByteSize(confirmation)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    const text = cardText(card);
    expect(text).toMatch(/\d[\d,]* succeeded · \d[\d,]* failed/);
    expect(text).toContain('not shown');
    expect(cardByteSize(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    const outOfReach = t.bot.services.store.mailboxByEmail('person0002@contoso.com');
    const inReach = t.bot.services.store.mailboxByEmail('person0003@contoso.com');
    expect(outOfReach?.incomingEmailDeliveryMethod).toBe(2);
    expect(inReach?.incomingEmailDeliveryMethod).toBe(1);
  });

  it('answers applying the default settings to all mailboxes within the budget', async () => {
    const { card, confirmation } = await sayAndConfirm(t, t.user('ada'), 'apply default settings to all without test');
    expect(cardText(confirmation)).toContain('This overwrites');
    expect(cardByteSize(confirmation)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(cardText(card)).toContain('not shown');
    expect(t.bot.services.store.mailboxByEmail('person0001@contoso.com')?.emailServerProfileId).toBe('profile-exchange-online');
  });

  it('approves every pending mailbox and answers within the budget', async () => {
    const { card, confirmation } = await sayAndConfirm(t, t.user('ada'), 'approve mailbox pending');
    expect(cardText(confirmation)).toContain(`${pending.toLocaleString('en-US')} mailboxes will change.`);
    expect(cardText(card)).toContain(`${pending.toLocaleString('en-US')} succeeded · 0 failed · 0 skipped`);
    expect(t.bot.services.store.mailboxByEmail('person2500@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
  });
});
