// Mailbox lists and details, apply default settings, edit mailboxes, change email and "sync from this org
// only", over HTTP as the demo users, checking what they see and what the store holds afterwards.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActDeliveryMethod, EmailApprovalStatus, IncomingEmailDeliveryMethod } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { buttonsIn, cardIn, choicesOf, click, domainSnapshot, expectWellFormed, sayAndConfirm, sayForCard } from './support.js';

const mailboxOf = (t: TestBot, address: string) => {
  const mailbox = t.bot.services.store.mailboxByEmail(address);
  if (mailbox === undefined) throw new Error(`No mailbox ${address}`);
  return mailbox;
};

describe('mailbox lists and details', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists every active mailbox for Ada on one page, without paging buttons', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailboxes');
    const text = textOf(activity);
    expect(text).toContain('Showing 1 - 12 of 12');
    expect(text).toContain('sales@contoso.com');
    expect(buttonsIn(activity).filter((button) => button.title === 'Previous' || button.title === 'Next')).toEqual([]);
  });

  it('lists only the mailboxes pending approval with the pending filter', async () => {
    const { activity } = await sayForCard(t, t.user('sam'), 'mailboxes pending');
    const text = textOf(activity);
    expect(text).toContain('Email address status: Pending Approval · active mailboxes only');
    expect(text).toContain('Showing 1 - 2 of 2');
    expect(text).toContain('pia@contoso.com');
    expect(text).toContain('sam@contoso.com');
    expect(text).not.toContain('ada@contoso.com');
  });

  it('shows Otto only the mailboxes his User-depth Read Mailbox reaches, and says so', async () => {
    const { activity } = await sayForCard(t, t.user('otto'), 'mailboxes');
    const text = textOf(activity);
    expect(text).toContain('only the mailboxes your Read Mailbox depth (User) reaches');
    expect(text).toContain('otto@contoso.com');
    expect(text).toContain('sales@contoso.com');
    expect(text).not.toContain('pia@contoso.com');
  });

  it('runs a command button’s Action.Submit fallback like the button itself', async () => {
    const ada = t.user('ada');
    const activity = t.activityFrom(ada, { type: 'message', value: { verb: 'command', command: 'mailboxes pending' } });
    const answer = await t.post(activity);
    expect(answer.status).toBe(200);
    const reply = t.connector.activitiesSentTo(t.personalChatOf(ada)).find((sent) => sent.body.replyToId === activity.id);
    expect(textOf(reply)).toContain('Email address status: Pending Approval');
  });

  it('refuses the list to Erin, who holds no Read Mailbox', async () => {
    const { activity } = await sayForCard(t, t.user('erin'), 'mailboxes pending');
    expect(textOf(activity)).toContain('Erin ExchangeOnly holds no Read Mailbox (prvReadMailbox) privilege');
  });

  it('answers a mistyped profile in a list with the corrected list command', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailboxes pending profile "Legacy POP"');
    expect(buttonsIn(activity)).toEqual([{ title: 'mailboxes pending profile "Legacy POP3"', command: 'mailboxes pending profile "Legacy POP3"' }]);
  });

  it('answers a page past the end with how many pages there are', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailboxes page 3');
    expect(textOf(activity)).toContain('There is only 1 page of 12 mailboxes; page 3 does not exist.');
  });

  it('shows a queue mailbox by its quoted name, with the buttons Ada’s rights allow, Reject last', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailbox "Sales Inbox"');
    const text = textOf(activity);
    expect(text).toContain('Queue: Sales Inbox');
    expect(text).toContain('Otto Owner');
    // Reject is never the leftmost button (issue 12): it goes last.
    expect(buttonsIn(activity)).toEqual([
      { title: 'Test & Enable', command: 'test mailbox sales@contoso.com' },
      { title: 'Alerts', command: 'alerts mailbox sales@contoso.com' },
      { title: 'Reject', command: 'reject mailbox sales@contoso.com' },
    ]);
  });

  it('offers Sam no approval buttons on a pending mailbox, since a System Administrator alone may not approve', async () => {
    const { activity } = await sayForCard(t, t.user('sam'), 'mailbox pia@contoso.com');
    expect(buttonsIn(activity).map((button) => button.title)).toEqual(['Test & Enable', 'Alerts']);
  });

  it('refuses Pia the Sales Inbox, which her User-depth Read Mailbox does not reach', async () => {
    const { activity } = await sayForCard(t, t.user('pia'), 'mailbox "Sales Inbox"');
    const text = textOf(activity);
    expect(text).toContain('Show the mailbox Sales Inbox');
    expect(text).toContain('app:read-mailbox:privilege');
  });

  it('answers a mistyped address with the closest addresses, and a click shows the mailbox in a new message', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'mailbox pia@contso.com');
    expect(textOf(activity)).toContain('Not found: “pia@contso.com”');
    const [first] = buttonsIn(activity);
    expect(first).toEqual({ title: 'mailbox pia@contoso.com', command: 'mailbox pia@contoso.com' });
    if (first === undefined) throw new Error('no correction');
    const detail = await click(t, t.user('ada'), first);
    expectWellFormed(detail);
    expect(cardText(detail)).toContain('Pia Pending');
    expect(cardText(detail)).toContain('Pending Approval');
  });
});

describe('configuring mailboxes', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('applies the default settings without a test to two mailboxes that had no profile', async () => {
    const { activity, replies, confirmation } = await sayAndConfirm(t, t.user('ada'), 'apply default settings to sid@contoso.com, "Cody Customizer" without test');
    expect(cardText(confirmation)).toContain('Server Profile');
    const text = textOf(activity);
    expect(text).toContain('Apply default email settings (without test)');
    expect(text).toContain('2 succeeded · 0 failed · 0 skipped');
    expect(text).toContain('Server Profile: (none) → Microsoft Exchange Online');
    expect(replies).toHaveLength(1);
    for (const address of ['sid@contoso.com', 'cody@contoso.com']) {
      expect(mailboxOf(t, address)).toMatchObject({
        emailServerProfileId: 'profile-exchange-online',
        incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
        actDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
      });
    }
  });

  it('applies the default settings with a test and says where the Test & Enable progress will show', async () => {
    const { replies } = await sayAndConfirm(t, t.user('ada'), 'apply default settings to sid@contoso.com');
    expect(textOf(replies[0])).toContain('Apply default email settings, then Test & Enable');
    expect(mailboxOf(t, 'sid@contoso.com').emailServerProfileId).toBe('profile-exchange-online');
    expect(replies).toHaveLength(2);
    expect(replies[1]?.text).toBe('Test & Enable was requested for 1 mailbox and runs in the background; I post its progress in our personal chat.');
  });

  it('refuses Cody the default settings on Pia’s mailbox, outside his business unit, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('cody'), 'apply default settings to pia@contoso.com without test');
    const text = textOf(activity);
    expect(text).toContain('Apply the default email settings to pia@contoso.com');
    expect(text).toContain('privilege:prvReadMailbox:depth');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('lets Cody edit the methods of the mailboxes he reaches and reports Pia’s as failed with the reason', async () => {
    const { activity, confirmation } = await sayAndConfirm(t, t.user('cody'), 'edit mailboxes sid@contoso.com, pia@contoso.com incoming=outlook');
    // The preview shows only what Cody's command can change: Sid's mailbox.
    expect(cardText(confirmation)).toContain('1 mailbox will change.');
    const text = textOf(activity);
    expect(text).toContain('1 succeeded · 1 failed · 0 skipped');
    expect(text).toContain('Not allowed:');
    expect(mailboxOf(t, 'sid@contoso.com').incomingEmailDeliveryMethod).toBe(IncomingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook);
    expect(mailboxOf(t, 'pia@contoso.com').incomingEmailDeliveryMethod).toBe(IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter);
  });

  it('reports a mailbox that already has the settings as skipped', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('ada'), 'edit mailboxes "Sales Inbox" act = none');
    expect(textOf(activity)).toContain('0 succeeded · 0 failed · 1 skipped');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('answers a mistyped profile in an edit with the corrected edit command', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'edit mailboxes all profile="Legacy POP" incoming=sss');
    expect(buttonsIn(activity)).toEqual([]);
    expect(choicesOf(cardIn(activity)).map((choice) => choice.title)).toEqual(['edit mailboxes all profile="Legacy POP3" incoming=sss']);
  });

  it('changes Pia’s email address, which sends her mailbox back to Pending Approval', async () => {
    await sayForCard(t, t.user('ada'), 'approve mailbox pia@contoso.com');
    const { activity } = await sayForCard(t, t.user('ada'), 'change email "Pia Pending" to pia.p@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Email address of the user Pia Pending changed');
    expect(text).toContain('pia.p@contoso.com');
    expect(t.bot.services.store.userById('user-pia')?.primaryEmail).toBe('pia.p@contoso.com');
    expect(mailboxOf(t, 'pia.p@contoso.com').emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(buttonsIn(activity)).toEqual([{ title: 'Show mailbox', command: 'mailbox pia.p@contoso.com' }]);
  });

  it('refuses an address that another user already has, and Otto a change to Ada’s address', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const taken = await sayForCard(t, t.user('ada'), 'change email pia@contoso.com to ada@contoso.com');
    expect(textOf(taken.activity)).toContain('ada@contoso.com is already used by the user Ada Admin');
    const refused = await sayForCard(t, t.user('otto'), 'change email ada@contoso.com to ada.admin@contoso.com');
    expect(textOf(refused.activity)).toContain('Change the email address of ada@contoso.com to ada.admin@contoso.com');
    expect(textOf(refused.activity)).toContain('privilege:prvWriteMailbox');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('turns on “sync from this org only” for Otto’s mailbox and offers to Test & Enable it', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'sync from this org only otto@contoso.com on');
    expect(textOf(activity)).toContain('is now on for Otto Owner');
    expect(mailboxOf(t, 'otto@contoso.com').orgMarkedAsPrimaryForExchangeSync).toBe(true);
    expect(buttonsIn(activity)).toEqual([{ title: 'Test & Enable', command: 'test mailbox otto@contoso.com' }]);
  });

  it('refuses Otto the switch on his own mailbox, since it needs an admin role, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('otto'), 'sync from this org only otto@contoso.com on');
    expect(textOf(activity)).toContain('delivery-methods:admin-role');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });
});
