// Natural requests over HTTP as the demo users: a message that is not an exact command is read by the natural
// reader; one complete reading runs as a guess (a write is previewed and confirmed), a name that fits several
// mailboxes offers them, and what is not understood gets offers of the same kind, never glued-on words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { correctsSpellingOnly } from '../../../src/bot/handlers/natural.js';
import { ask, cardIn, choicesOf, choose, confirm, isConfirmationCard, sayForCard } from './support.js';

describe('natural requests', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  const approvalOf = (address: string): EmailApprovalStatus | undefined => t.bot.services.store.mailboxByEmail(address)?.emailRouterAccessApproval;

  it('answers "show me mailboxes that failed" with the failed list, not glued suggestions', async () => {
    const { card } = await sayForCard(t, t.user('ada'), 'show me mailboxes that failed');
    const text = cardText(card);
    expect(text).toContain('Mailbox status: Failure');
    expect(text).not.toContain('whoami');
  });

  it('reads "approve pia" as a guess: the approval is previewed, and runs only on Confirm', async () => {
    const ada = t.user('ada');
    const { card } = await sayForCard(t, ada, 'approve pia');
    expect(isConfirmationCard(card)).toBe(true);
    expect(cardText(card)).toContain('approve mailbox pia@contoso.com');
    expect(approvalOf('pia@contoso.com')).toBe(EmailApprovalStatus.PendingApproval);
    await confirm(t, ada, card);
    expect(approvalOf('pia@contoso.com')).toBe(EmailApprovalStatus.Approved);
  });

  it('answers "why is otto\'s mailbox not working?" with his diagnosis', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), "why is otto's mailbox not working?");
    expect(textOf(activity)).toMatch(/Otto Owner (has not been tested|is not working|cannot be tested yet)/);
    expect(textOf(activity)).toContain('Likely cause');
  });

  it('previews "enable all mailboxes" as a bulk Test & Enable before anything runs', async () => {
    const { card } = await sayForCard(t, t.user('ada'), 'enable all mailboxes');
    expect(isConfirmationCard(card)).toBe(true);
    expect(cardText(card)).toContain('test mailbox all');
  });

  it('offers the mailboxes a name fits, and previews the one chosen', async () => {
    const store = t.bot.services.store;
    const pia = store.mailboxByEmail('pia@contoso.com');
    const piaUser = store.users().find((user) => user.id === 'user-pia');
    if (pia === undefined || piaUser === undefined) throw new Error('no Pia');
    const committed = await store.commit({
      users: [{ ...piaUser, id: 'user-pia-2', aadObjectId: '00000000-0000-4000-8000-0000000000f2', fullName: 'Pia Parker', primaryEmail: 'pia.parker@contoso.com' }],
      mailboxes: [{ ...pia, id: 'mailbox-user-pia-2', name: 'Pia Parker', emailAddress: 'pia.parker@contoso.com', regarding: { type: 'systemuser', id: 'user-pia-2' }, ownerId: 'user-pia-2', emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, version: 1 }],
    });
    if (!committed.ok) throw new Error('could not add Pia Parker');
    const ada = t.user('ada');
    const replies = await ask(t, ada, 'what is wrong with pia');
    const card = cardIn(replies[0]);
    expect(cardText(card)).toContain('“pia” could be 2 mailboxes.');
    const choices = choicesOf(card);
    expect(choices.map((choice) => choice.title).sort()).toEqual(['Pia Parker (pia.parker@contoso.com)', 'Pia Pending (pia@contoso.com)']);
    const parker = choices.find((choice) => choice.title.startsWith('Pia Parker'));
    if (parker === undefined) throw new Error('no choice');
    const chosen = await choose(t, ada, parker);
    expect(textOf(chosen.replies[0])).toContain('Pia Parker');
  });

  it('offers requests of the same kind when it does not understand, each a command that needs no record', async () => {
    const replies = await ask(t, t.user('ada'), 'is the weather nice today');
    const card = cardIn(replies[0]);
    expect(cardText(card)).toContain('I did not understand “is the weather nice today”.');
    const titles = choicesOf(card).map((choice) => choice.title);
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).not.toContain('weather');
  });

  it('keeps "did you mean" for a misspelt command, and reads a sentence whose suggestion would insert words', async () => {
    expect(correctsSpellingOnly('verfy profile', 'verify profile')).toBe(true);
    expect(correctsSpellingOnly('approve pia', 'approve mailbox pia')).toBe(false);
    expect(correctsSpellingOnly('show me mailboxes that failed', 'whoami mailboxes that failed')).toBe(false);
    const replies = await ask(t, t.user('ada'), 'verfy profile');
    const card = cardIn(replies[0]);
    expect(cardText(card)).toContain("I don't know “verfy profile”.");
    expect(choicesOf(card).map((choice) => choice.title)).toContain('verify profile');
  });

  it('keeps exact commands exactly as they were', async () => {
    const { card } = await sayForCard(t, t.user('ada'), 'mailboxes pending');
    expect(cardText(card)).toContain('Email address status: Pending Approval');
  });
});
