// Test & Enable from chat with the real jobs service: the job card is the reply, and the same message is
// updated in place until the job is done. Also alert subscriptions in a channel.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestStatus } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import type { AcceptedActivity } from '../../support/fake-connector.js';
import { cardText } from '../../cards/card-inspection.js';
import { ask, buttonsIn, cardIn, choicesOf, domainSnapshot, sayAndConfirm, sayForCard } from './support.js';

const CHANNEL = '19:mail-admins@thread.tacv2';

describe('Test & Enable from chat', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  /** The job card message as it is now, after the in-place updates the jobs service made. */
  async function finalCard(reply: AcceptedActivity): Promise<string> {
    const current = () => t.connector.currentActivity(reply.conversationId, reply.activityId);
    await t.connector.waitFor(() => textOf(current()).includes('Done'), 15_000, 'the job card to show Done');
    return textOf(current());
  }

  it('answers test mailbox with the job card and updates that same message until the job is done', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'test mailbox ada@contoso.com');
    const first = textOf(activity);
    expect(first).toContain('Test & Enable Ada Admin (ada@contoso.com)');
    expect(first).toContain('0 of 1 mailbox tested');
    const done = await finalCard(activity);
    expect(done).toContain('1 of 1 mailbox tested (100%)');
    expect(done).toContain('1 succeeded, 0 failed.');
    expect(t.connector.messagesSentTo(activity.conversationId).filter((sent) => sent.activityId === activity.activityId)).toHaveLength(1);
    expect(t.bot.services.store.mailboxByEmail('ada@contoso.com')?.mailboxStatus).toBe(TestStatus.Success);
  });

  it('shows a mailbox Exchange does not know as failed, with the reason, on the updated card', async () => {
    const { activity } = await sayForCard(t, t.user('sam'), 'test mailbox support@contoso.com');
    const done = await finalCard(activity);
    expect(done).toContain('0 succeeded, 1 failed.');
    expect(done).toContain('support@contoso.com');
    expect(t.bot.services.store.mailboxByEmail('support@contoso.com')?.mailboxStatus).toBe(TestStatus.Failure);
    const latest = await sayForCard(t, t.user('sam'), 'job');
    expect(textOf(latest.activity)).toContain('Test & Enable Support (support@contoso.com)');
  });

  it('lets Otto test the queue mailbox he owns', async () => {
    const { activity } = await sayForCard(t, t.user('otto'), 'test mailbox "Sales Inbox"');
    expect(textOf(activity)).toContain('Test & Enable Sales Inbox (sales@contoso.com)');
    expect(buttonsIn(activity).map((button) => button.title)).toContain('Refresh status');
  });

  it('refuses Otto a test of Ada’s mailbox with the refusal card, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('otto'), 'test mailbox ada@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Test & Enable ada@contoso.com');
    expect(text).toContain('test-and-enable:admin-or-owner');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('tests every mailbox of the Exchange Online profile as one job', async () => {
    const { activity, confirmation } = await sayAndConfirm(t, t.user('ada'), 'test mailboxes for profile "Microsoft Exchange Online"');
    const total = t.bot.services.store.mailboxes().filter((mailbox) => mailbox.emailServerProfileId === 'profile-exchange-online').length;
    expect(cardText(confirmation)).toContain(`Test & Enable runs for ${total} mailboxes.`);
    expect(textOf(activity)).toContain('Test & Enable mailboxes of profile Microsoft Exchange Online');
    expect(textOf(activity)).toContain(`of ${total} mailboxes tested`);
  });

  it('says there is nothing to test on a profile without mailboxes, and names a mistyped profile', async () => {
    const empty = await sayForCard(t, t.user('ada'), 'test mailboxes for profile "Legacy POP3"');
    expect(textOf(empty.activity)).toContain('No active mailbox uses the profile “Legacy POP3”');
    const mistyped = await sayForCard(t, t.user('ada'), 'test mailboxes for profile "Legacy POP"');
    expect(buttonsIn(mistyped.activity)).toEqual([]);
    expect(choicesOf(mistyped.card)[0]?.title).toBe('test mailboxes for profile "Legacy POP3"');
  });

  it('leaves the Test & Enable after apply default settings to the jobs service, so exactly one job card appears', async () => {
    const ada = t.user('ada');
    // Sid's own methods differ from the defaults: the command is previewed, then confirmed.
    const { replies } = await sayAndConfirm(t, ada, 'apply default settings to sid@contoso.com');
    expect(replies.map((reply) => textOf(reply).includes('Test & Enable after Apply Default Email Settings'))).toEqual([false, false]);
    const chat = t.personalChatOf(ada);
    // Job cards, not the alert notices that name the job: only a job card says who requested it.
    const jobCards = () =>
      t.connector.messagesSentTo(chat).filter((sent) => textOf(sent).includes('Test & Enable after Apply Default Email Settings (1 mailbox)') && textOf(sent).includes('Requested by'));
    await t.connector.waitFor(() => jobCards().length > 0, 15_000, 'the job card from the jobs service');
    const [card] = jobCards();
    if (card === undefined) throw new Error('no job card');
    await t.connector.waitFor(() => textOf(t.connector.currentActivity(chat, card.activityId)).includes('Done'), 15_000, 'the job to finish');
    expect(jobCards()).toHaveLength(1);
  });

  it('says when there is no job to show', async () => {
    const none = await sayForCard(t, t.user('cody'), 'job');
    expect(textOf(none.activity)).toContain('You have not started a Test & Enable job yet');
    const missing = await sayForCard(t, t.user('cody'), 'job J-404');
    expect(textOf(missing.activity)).toContain('There is no job J-404');
  });
});

describe('alert subscriptions in a channel', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  const inChannel = { conversationId: CHANNEL, conversationType: 'channel' } as const;

  it('subscribes the channel to a profile’s alerts, says so again without a change, and unsubscribes it', async () => {
    const subscribed = await sayForCard(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(subscribed.activity)).toContain('Alerts of the profile “Microsoft Exchange Online” will be posted here');
    const again = await sayForCard(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(again.activity)).toContain('This conversation already receives the alerts of “Microsoft Exchange Online”');
    const unsubscribed = await sayForCard(t, t.user('ada'), 'unsubscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(unsubscribed.activity)).toContain('will no longer be posted here');
  });

  it('answers a mistyped profile with the corrected subscription', async () => {
    const replies = await ask(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Onlin"', inChannel);
    expect(buttonsIn(replies[0])).toEqual([]);
    expect(choicesOf(cardIn(replies[0]))[0]?.title).toBe('subscribe alerts for profile "Microsoft Exchange Online"');
  });

  it('refuses Erin an unsubscription as well', async () => {
    await ask(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    const replies = await ask(t, t.user('erin'), 'unsubscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(replies[0])).toContain('app:profile-alert-subscription:admin-role');
    const still = await ask(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(still[0])).toContain('already receives');
  });

  it('refuses Erin, who is neither System Administrator nor System Customizer, and subscribes nothing', async () => {
    const replies = await ask(t, t.user('erin'), 'subscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(replies[0])).toContain('app:profile-alert-subscription:admin-role');
    expect(textOf(replies[0])).toContain('• System Customizer');
    const check = await ask(t, t.user('ada'), 'unsubscribe alerts for profile "Microsoft Exchange Online"', inChannel);
    expect(textOf(check[0])).toContain('This conversation was not receiving the alerts');
  });
});
