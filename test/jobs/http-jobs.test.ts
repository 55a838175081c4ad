// Test & Enable jobs as people see them in Teams: over the real HTTP endpoint, with the fake Bot Connector.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeConnector } from '../support/fake-connector.js';
import { startTestBot, textOf, type TestBot, type TestBotOptions } from '../support/bot-harness.js';
import type { User } from '../../src/domain/model.js';
import type { AcceptedActivity } from '../support/fake-connector.js';
import { cardIn, confirmationIdOf } from '../bot/handlers/support.js';
import { jobOf, jobsOf, newMessages, sentNotificationsPerConversation, TimedExchange, waitForReportedJob } from './http-support.js';

/**
 * Types a command the confirmation rules preview first (several mailboxes, all, or settings it overwrites),
 * confirms it, and returns the messages that follow the Confirm click (docs/confirmations.md).
 */
async function sayConfirmed(t: TestBot, user: User, text: string): Promise<AcceptedActivity[]> {
  const [preview] = await t.say(user, text);
  const confirmationId = confirmationIdOf(cardIn(preview));
  const chat = t.personalChatOf(user);
  const before = t.connector.activitiesSentTo(chat).length;
  const answer = await t.invoke(user, { verb: 'confirmation.confirm', data: { confirmationId } });
  if (answer.status !== 200) throw new Error(`Confirm was answered with HTTP ${answer.status}`);
  return t.connector.activitiesSentTo(chat).slice(before).filter((activity) => activity.operation === 'reply');
}

const FAST_OUTBOX: TestBotOptions['outbox'] = { backoff: { baseMs: 20, maxMs: 200 } };

let running: TestBot[] = [];
async function bot(options: TestBotOptions = {}): Promise<TestBot> {
  const t = await startTestBot({ outbox: FAST_OUTBOX, ...options });
  running.push(t);
  return t;
}
afterEach(async () => {
  for (const t of running.reverse()) await t.stop();
  running = [];
});

/** Everyone in `names` talks to the bot once, so it can reach them; returns how many messages each chat has. */
async function greet(t: TestBot, names: readonly string[]): Promise<Map<string, number>> {
  const baseline = new Map<string, number>();
  for (const name of names) {
    const user = t.user(name);
    await t.say(user, 'whoami');
    baseline.set(t.personalChatOf(user), t.connector.messagesSentTo(t.personalChatOf(user)).length);
  }
  return baseline;
}

describe('a Test & Enable job started in chat', () => {
  it('answers with a job card updated in place to a summary, sends owners their cards, and names who could not be reached', async () => {
    const t = await bot({ jobs: { progressIntervalMs: 300 } });
    const [ada, otto, sam] = [t.user('ada'), t.user('otto'), t.user('sam')];
    const baseline = await greet(t, ['otto', 'sam']);
    const replies = await sayConfirmed(t, ada, 'test mailbox ada@contoso.com, otto@contoso.com, support@contoso.com, pia@contoso.com');
    expect(replies).toHaveLength(1);
    const card = replies[0];
    expect(textOf(card)).toMatch(/Test & Enable 4 mailboxes[\s\S]*Queued[\s\S]*0 of 4 mailboxes tested/);
    const jobId = /J-\d+/.exec(textOf(card))?.[0] ?? '';

    const job = await waitForReportedJob(t, jobId);
    const adaChat = t.personalChatOf(ada);
    const shown = t.connector.currentActivity(adaChat, card?.activityId ?? '');
    const summary = textOf(shown);
    expect(shown?.operation).toBe('update');
    expect(summary).toMatch(/Done[\s\S]*4 of 4 mailboxes tested \(100%\)/);
    // Pia's address is not approved: her own group, with Approve, not counted with the failures.
    expect(summary).toMatch(/1 succeeded, 1 not approved, 2 failed\./);
    expect(summary).toMatch(/Not approved \(1\)[\s\S]*Pia Pending/);
    expect(summary).toMatch(/Otto Owner[\s\S]*configured with another organization/);
    expect(summary).toMatch(/Support[\s\S]*mailbox location could not be determined/);
    expect(summary).toMatch(/Alerts could not reach one recipient: Pia Pending \(owner of pia@contoso\.com\) has not installed the bot or never talked to it\./);
    // Every update went to the one card; no second card was posted.
    expect(newMessages(t, adaChat).filter((message) => textOf(message).includes('Test & Enable 4 mailboxes') && textOf(message).includes('Requested by'))).toHaveLength(1);

    const ottoCards = newMessages(t, t.personalChatOf(otto), baseline.get(t.personalChatOf(otto)));
    expect(ottoCards).toHaveLength(1);
    expect(textOf(ottoCards[0])).toMatch(/Your mailbox could not be connected to Dynamics 365[\s\S]*What to do[\s\S]*Sync items with Exchange from this org only/);
    // The bot's own fix is offered on the alert, as a command that is previewed before it runs.
    expect(JSON.stringify(ottoCards[0]?.body)).toContain('"command":"sync from this org only otto@contoso.com on"');
    const samCards = newMessages(t, t.personalChatOf(sam), baseline.get(t.personalChatOf(sam)));
    expect(samCards).toHaveLength(1);
    expect(textOf(samCards[0])).toMatch(/Support \(support@contoso\.com\)[\s\S]*Check that support@contoso\.com exists in Exchange/);
    // Ada asked, and owns her mailbox and the profile: the job card is her one message; no owner card of her
    // own, no digest of the profile's alerts, no "N new alerts" text.
    const afterThePreview = newMessages(t, adaChat).filter((message) => !/Confirm: test mailbox/.test(textOf(message)));
    expect(afterThePreview.map((message) => message.activityId)).toEqual([card?.activityId]);
    expect(newMessages(t, adaChat).some((message) => /Your mailbox is now connected|new alerts for the email server profile/.test(textOf(message)))).toBe(false);
    expect(summary).toMatch(/Approve it/);
    expect(summary).toMatch(/Test the 2 failed again/);
    expect([...sentNotificationsPerConversation(t, job).values()].reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('updates the card at most every 2 seconds while the job runs', async () => {
    const exchange = await TimedExchange.contoso(700);
    const t = await bot({ connector: exchange, jobs: { concurrency: 1, batchSize: 1 } });
    const ada = t.user('ada');
    const [card] = await sayConfirmed(t, ada, 'test mailbox all');
    const jobId = /J-\d+/.exec(textOf(card))?.[0] ?? '';
    await waitForReportedJob(t, jobId, 20_000);
    const updates = t.connector.activitiesSentTo(t.personalChatOf(ada)).filter((activity) => activity.operation === 'update' && activity.activityId === card?.activityId);
    expect(updates.filter((update) => /Running/.test(textOf(update))).length).toBeGreaterThanOrEqual(2);
    const times = [card?.receivedAt ?? 0, ...updates.map((update) => update.receivedAt)];
    for (let index = 1; index < times.length; index++) expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(textOf(updates.at(-1))).toMatch(/Done/);
  }, 30_000);

});

describe('jobs started by other commands and by events', () => {
  it('runs Test & Enable after Apply Default Email Settings and posts one job card to the requester’s personal chat', async () => {
    const t = await bot({ jobs: { progressIntervalMs: 200, personalCardDelayMs: 200 } });
    const ada = t.user('ada');
    const replies = await sayConfirmed(t, ada, 'apply default settings to sid@contoso.com');
    expect(replies.map((reply) => textOf(reply)).join('\n')).toMatch(/progress in our personal chat/);
    await t.connector.waitFor(() => jobsOf(t).length === 1, 5_000, 'the job');
    const job = await waitForReportedJob(t, jobsOf(t)[0]?.id ?? '');
    expect(job).toMatchObject({ origin: 'applyDefaults', requestedById: 'user-ada', report: { kind: 'personalChat' } });
    expect(job.results).toEqual([expect.objectContaining({ mailboxId: 'mailbox-user-sid', verdict: 'disabled' })]);
    const chat = t.personalChatOf(ada);
    const jobCards = t.connector.messagesSentTo(chat).filter((message) => textOf(message).includes(`Job\n${job.id}`));
    expect(jobCards).toHaveLength(1);
    expect(textOf(t.connector.currentActivity(chat, jobCards[0]?.activityId ?? ''))).toMatch(/Done[\s\S]*0 succeeded, 1 not approved, 0 failed[\s\S]*not approved/);
  });

  it('reports a job requested by an event to the requester’s personal chat', async () => {
    const t = await bot({ jobs: { progressIntervalMs: 200, personalCardDelayMs: 100 } });
    const ada = t.user('ada');
    await greet(t, ['ada']);
    // Events are committed to the event outbox with a change; publishing then wakes the dispatcher.
    const event = { type: 'testAndEnableRequested', mailboxIds: ['mailbox-user-dana'], requestedById: 'user-ada', origin: 'approval' } as const;
    expect(await t.bot.services.store.commit({ events: [event] })).toEqual({ ok: true });
    t.bot.services.events.publish(event);
    await t.connector.waitFor(() => jobsOf(t).length === 1, 5_000, 'the job');
    const jobId = jobsOf(t)[0]?.id ?? '';
    await waitForReportedJob(t, jobId);
    const chat = t.personalChatOf(ada);
    const card = t.connector.messagesSentTo(chat).find((message) => textOf(message).includes('Test & Enable after email approval (1 mailbox)'));
    expect(card).toBeDefined();
    expect(textOf(t.connector.currentActivity(chat, card?.activityId ?? ''))).toMatch(/Done[\s\S]*1 succeeded, 0 failed/);
  });

  it('says there is nothing to test for a profile with no mailboxes, and starts no job', async () => {
    const t = await bot();
    const [answer] = await t.say(t.user('ada'), 'test mailboxes for profile "Legacy POP3"');
    expect(textOf(answer)).toMatch(/No active mailbox uses the profile “Legacy POP3”/);
    expect(jobsOf(t)).toHaveLength(0);
  });
});

describe('profile alerts in a channel', () => {
  it('posts the profile’s alerts to a channel an admin subscribed, and refuses a user who is not an admin', async () => {
    const t = await bot({ jobs: { progressIntervalMs: 200 } });
    const channel = { conversationId: '19:mail-admins@thread.tacv2', conversationType: 'channel' as const };
    const [subscribed] = await t.say(t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"', channel);
    expect(textOf(subscribed)).toMatch(/Microsoft Exchange Online/);
    expect(t.bot.services.store.document().alertSubscriptions).toEqual([expect.objectContaining({ profileId: 'profile-exchange-online', conversationId: channel.conversationId })]);
    const [refused] = await t.say(t.user('otto'), 'subscribe alerts for profile "Microsoft Exchange Online"', { ...channel, conversationId: '19:sales@thread.tacv2' });
    expect(textOf(refused)).toMatch(/Only a System Administrator or System Customizer/);

    const before = t.connector.messagesSentTo(channel.conversationId).length;
    const [card] = await t.say(t.user('ada'), 'test mailbox support@contoso.com');
    await waitForReportedJob(t, /J-\d+/.exec(textOf(card))?.[0] ?? '');
    const posted = newMessages(t, channel.conversationId, before);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0])).toMatch(/1 new alert for the email server profile Microsoft Exchange Online[\s\S]*mailbox location could not be determined/);
    expect(jobOf(t, 'J-1')?.notificationKeys).toContain(`alert:J-1:profile:profile-exchange-online:1:conversation:${channel.conversationId}`);
  });
});

describe('a restart of the bot in the middle of a job', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    directory = undefined;
  });

  it('finishes the job on the same data file: every mailbox tested once, the same card updated to the summary, no alert twice', async () => {
    directory = await mkdtemp(join(tmpdir(), 'jobs-http-restart-'));
    const dataFile = join(directory, 'db.json');
    const botConnector = await startFakeConnector();
    try {
      const before = await TimedExchange.contoso(300);
      const first = await startTestBot({ dataFile, botConnector, connector: before, outbox: FAST_OUTBOX, jobs: { concurrency: 1, batchSize: 1, progressIntervalMs: 200 } });
      const ada = first.user('ada');
      const baseline = await greet(first, ['otto', 'sam']);
      const [card] = await sayConfirmed(first, ada, 'test mailbox all');
      const jobId = /J-\d+/.exec(textOf(card))?.[0] ?? '';
      await botConnector.waitFor(() => (jobOf(first, jobId)?.results.length ?? 0) >= 4, 10_000, 'a few results');
      await first.stop();
      const stopped = jobOf(first, jobId);
      expect(stopped?.status).toBe('running');

      const after = await TimedExchange.contoso(50);
      const second = await startTestBot({ dataFile, botConnector, connector: after, outbox: FAST_OUTBOX, jobs: { progressIntervalMs: 200 } });
      running.push(second);
      const job = await waitForReportedJob(second, jobId);
      // Each mailbox Exchange was asked about, asked once over both runs; the others were blocked before Exchange.
      const asked = [...before.calls, ...after.calls];
      expect(asked.length).toBe(new Set(asked).size);
      expect(job.results.map((result) => result.mailboxId).sort()).toEqual(job.mailboxes.map((mailbox) => mailbox.id).sort());
      const summary = textOf(botConnector.currentActivity(second.personalChatOf(ada), card?.activityId ?? ''));
      expect(summary).toMatch(new RegExp(`Done[\\s\\S]*${job.mailboxes.length} of ${job.mailboxes.length} mailboxes tested`));
      const sent = sentNotificationsPerConversation(second, job);
      for (const name of ['otto', 'sam']) {
        const chat = second.personalChatOf(second.user(name));
        expect(newMessages(second, chat, baseline.get(chat)).length, name).toBe(sent.get(chat) ?? 0);
      }
    } finally {
      await botConnector.close();
    }
  }, 30_000);
});
