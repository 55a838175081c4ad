import { describe, expect, it } from 'vitest';
import type { AlertSubscriptionRecord, JobRecord } from '../../src/app/jobs/job-records.js';
import { TestAndEnableRunner } from '../../src/app/jobs/runner.js';
import { OutboxJobNotifications } from '../../src/bot/alerts/notifications.js';
import { deliveryText, jobProgressView } from '../../src/bot/alerts/views.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import { silentLogger } from '../../src/shared/logger.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox } from '../../src/notify/outbox.js';
import { InMemoryNotifyRepository } from '../../src/notify/repository.js';
import type { ProactiveSender } from '../../src/notify/sender.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { createInMemoryEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentJobRepository } from '../../src/store/jobs-repository.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { exampleDocument } from '../support/fixtures.js';
import { ManualTime, settle, taggedIds } from './support.js';

const CONTOSO_TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';
const CHANNEL = '19:mail-admins@thread.tacv2';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

/** Never called: the outbox is not started, so entries stay pending and can be read back. */
const idleSender: ProactiveSender = {
  send: () => Promise.reject(new Error('not started')),
  update: () => Promise.reject(new Error('not started')),
};

function personalChatOf(aadObjectId: string): Record<string, unknown> {
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    text: 'hello',
    from: { id: `29:${aadObjectId}`, aadObjectId },
    recipient: { id: '28:bot', name: 'Mailbox Sync Bot' },
    conversation: { id: `a:personal-${aadObjectId}`, conversationType: 'personal', tenantId: CONTOSO_TENANT },
    channelData: { tenant: { id: CONTOSO_TENANT } },
  };
}

const channelActivity = {
  type: 'message',
  channelId: 'msteams',
  serviceUrl: SERVICE_URL,
  text: 'hello',
  from: { id: '29:someone', aadObjectId: '00000000-0000-4000-8000-000000000001' },
  recipient: { id: '28:bot', name: 'Mailbox Sync Bot' },
  conversation: { id: CHANNEL, conversationType: 'channel', tenantId: CONTOSO_TENANT, isGroup: true },
  channelData: { tenant: { id: CONTOSO_TENANT }, team: { id: '19:team' }, channel: { id: CHANNEL } },
};

interface Setup {
  readonly store: DocumentEmailConfigStore;
  readonly outbox: Outbox;
  readonly runner: TestAndEnableRunner;
}

/** Contoso with Ada, Otto and Sam reachable in their personal chats, and a channel subscribed to the Exchange Online profile. */
async function setUp(change: (document: DataFileDocument) => DataFileDocument = (document) => document): Promise<Setup> {
  const store = createInMemoryEmailConfigStore(change(await exampleDocument()));
  const repository = new InMemoryNotifyRepository();
  const references = await ConversationReferenceRegistry.open(repository);
  for (const id of ['user-ada', 'user-otto', 'user-sam']) {
    const user = store.userById(id);
    if (user === undefined) throw new Error(id);
    const recorded = await references.recordInbound(personalChatOf(user.aadObjectId));
    if (!recorded.ok) throw new Error(recorded.error);
  }
  await references.recordInbound(channelActivity);
  const outbox = await Outbox.open({ repository, references, sender: idleSender });
  const subscriptions: AlertSubscriptionRecord[] = [{ profileId: 'profile-exchange-online', conversationId: CHANNEL, subscribedById: 'user-ada', subscribedAt: '2025-03-01T08:00:00.000Z' }];
  const time = new ManualTime();
  const records = new EmbeddedOrganizationRecords(store);
  const runner = new TestAndEnableRunner({
    records,
    repository: new DocumentJobRepository(store),
    connector: new SimulatedExchangeConnector(store.exchangeSimulation(), { sleep: () => Promise.resolve() }),
    clock: time.clock,
    ids: taggedIds('n'),
    timers: time,
    notifications: new OutboxJobNotifications({ records, outbox, references, subscriptions: () => Promise.resolve(subscriptions), onJobChanged: () => undefined, logger: silentLogger }),
  });
  await runner.start();
  return { store, outbox, runner };
}

async function runJob(setup: Setup, emails: readonly string[]): Promise<JobRecord> {
  const { store, runner } = setup;
  const ada = store.userById('user-ada');
  if (ada === undefined) throw new Error('no Ada');
  const mailboxIds = emails.map((email) => store.mailboxByEmail(email)?.id ?? email);
  const created = await runner.createJob({ requester: ada, mailboxIds, origin: 'command', title: 'Test & Enable' });
  if (!created.ok) throw new Error(created.error.message);
  await settle(runner);
  const job = runner.job(created.value.id);
  if (job === undefined) throw new Error('job vanished');
  return job;
}

const aadOf = (store: DocumentEmailConfigStore, userId: string): string => store.userById(userId)?.aadObjectId ?? '';

/** Text of a queued message: its own text and the card's fallback text. */
function queuedText(outbox: Outbox, key: string): string {
  const entry = outbox.get(key);
  if (entry === undefined) return '';
  const card = entry.activity.attachments?.[0]?.content;
  const fallback = typeof card === 'object' && card !== null && !Array.isArray(card) && typeof card.fallbackText === 'string' ? card.fallbackText : '';
  return `${entry.activity.text ?? ''} ${fallback}`;
}

describe('who hears about Test & Enable results', () => {
  it('sends each reachable mailbox owner a card, the profile owner and the subscribed channel one digest, and names who cannot be reached', async () => {
    const setup = await setUp();
    const { store, outbox } = setup;
    const job = await runJob(setup, ['otto@contoso.com', 'sales@contoso.com', 'support@contoso.com', 'pia@contoso.com', 'ada@contoso.com']);
    const otto = aadOf(store, 'user-otto');
    const sam = aadOf(store, 'user-sam');
    const ada = aadOf(store, 'user-ada');

    const ottoFailure = `alert:${job.id}:mailbox-user-otto:1:user:${otto}`;
    const ottoQueue = `alert:${job.id}:mailbox-queue-sales:1:user:${otto}`;
    const samQueue = `alert:${job.id}:mailbox-queue-support:1:user:${sam}`;
    const adaOwn = `alert:${job.id}:mailbox-user-ada:1:user:${ada}`;
    const digestToAda = `alert:${job.id}:profile:profile-exchange-online:1:user:${ada}`;
    const digestToChannel = `alert:${job.id}:profile:profile-exchange-online:1:conversation:${CHANNEL}`;
    // Ada asked: her own mailbox and profile are on her job card, so she gets neither her owner card nor the digest.
    expect([...job.notificationKeys].sort()).toEqual([ottoFailure, ottoQueue, samQueue, digestToChannel].sort());
    expect(job.notificationKeys).not.toContain(adaOwn);
    expect(job.notificationKeys).not.toContain(digestToAda);
    for (const key of job.notificationKeys) expect(outbox.get(key)?.state, key).toBe('pending');

    expect(queuedText(outbox, ottoFailure)).toMatch(/Your mailbox could not be connected to Dynamics 365 \(otto@contoso\.com\).*What to do: If this organization should synchronize the mailbox/);
    expect(queuedText(outbox, ottoQueue)).toMatch(/Your mailbox is now connected to Dynamics 365 \(sales@contoso\.com\)/);
    expect(queuedText(outbox, samQueue)).toMatch(/mailbox location could not be determined/);
    expect(queuedText(outbox, digestToChannel)).toMatch(/3 new alerts for the email server profile Microsoft Exchange Online/);
    expect(outbox.get(digestToChannel)?.target).toEqual({ kind: 'conversation', conversationId: CHANNEL });

    expect(job.unreachable).toEqual([{ recipient: `user:${aadOf(store, 'user-pia')}`, name: 'Pia Pending (owner of pia@contoso.com)', reason: 'has not installed the bot or never talked to it' }]);
    expect(job.unreachableCount).toBe(1);
  });

  it('keeps failures the profile owner must fix from the mailbox owner unless the organization notifies owners of them', async () => {
    const withBadCredentials = (notifyOwners: boolean) => (document: DataFileDocument): DataFileDocument => ({
      ...document,
      organization: { ...document.organization, settings: { ...document.organization.settings, notifyMailboxOwnerOfEmailServerLevelAlerts: notifyOwners } },
      exchangeSimulation: { ...document.exchangeSimulation, credentialsValid: false },
    });
    const quiet = await setUp(withBadCredentials(false));
    const quietJob = await runJob(quiet, ['otto@contoso.com']);
    // The profile owner is Ada, who asked: only the subscribed channel gets the digest.
    expect(quietJob.notificationKeys).toEqual([`alert:${quietJob.id}:profile:profile-exchange-online:1:conversation:${CHANNEL}`]);
    expect(queuedText(quiet.outbox, quietJob.notificationKeys[0] ?? '')).toMatch(/because the credentials specified in the associated email server profile/);

    const told = await setUp(withBadCredentials(true));
    const toldJob = await runJob(told, ['otto@contoso.com']);
    expect(toldJob.notificationKeys).toContain(`alert:${toldJob.id}:mailbox-user-otto:1:user:${aadOf(told.store, 'user-otto')}`);
  });

  it('sends no success card when the organization does not generate Information alerts', async () => {
    const setup = await setUp((document) => ({
      ...document,
      organization: { ...document.organization, settings: { ...document.organization.settings, generateAlertsForInformation: false } },
    }));
    const job = await runJob(setup, ['ada@contoso.com']);
    expect(job.results).toEqual([{ mailboxId: 'mailbox-user-ada', verdict: 'enabled' }]);
    expect(job.notificationKeys).toEqual([]);
    expect(setup.store.alertsFor({ type: 'mailbox', id: 'mailbox-user-ada' }, 10).filter((alert) => alert.code === 'TestSucceeded')).toHaveLength(0);
  });
});

describe('the job card view and the delivery sentence', () => {
  const job: JobRecord = {
    id: 'J-7',
    title: 'Test & Enable 3 mailboxes',
    origin: 'command',
    requestedById: 'user-ada',
    requestedByName: 'Ada Admin',
    syncFromThisOrgOnly: null,
    status: 'done',
    createdAt: '2025-03-01T09:00:00.000Z',
    startedAt: '2025-03-01T09:00:01.000Z',
    completedAt: '2025-03-01T09:00:09.000Z',
    mailboxes: [
      { id: 'm1', name: 'Ada Admin', emailAddress: 'ada@contoso.com' },
      { id: 'm2', name: 'Support', emailAddress: 'support@contoso.com' },
      { id: 'm3', name: 'Gone', emailAddress: 'gone@contoso.com' },
    ],
    results: [
      { mailboxId: 'm1', verdict: 'enabled' },
      { mailboxId: 'm2', verdict: 'disabled', reason: 'The mailbox location could not be determined.' },
      { mailboxId: 'm3', verdict: 'notTested', reason: 'The mailbox no longer exists: it was deleted after the job started.' },
    ],
    report: { kind: 'none' },
    batches: 1,
    pendingNotifications: [],
    notificationKeys: [],
    unreachable: [],
    unreachableCount: 0,
    deliveryReported: false,
  };

  it('counts every decided mailbox as tested and lists each one not enabled with its reason', () => {
    const view = jobProgressView(job);
    expect(view).toMatchObject({ total: 3, tested: 3, succeeded: 1, failed: 2, status: 'done', requestedBy: 'Ada Admin' });
    expect(view.actions).toEqual([{ title: 'Test the 2 failed again', command: 'test mailbox support@contoso.com, gone@contoso.com' }]);
    expect(view.failures.map((failure) => failure.mailboxName)).toEqual(['Support', 'Gone']);
    expect(jobProgressView({ ...job, status: 'running', completedAt: null }).actions).toEqual([{ title: 'Refresh status', command: 'job J-7' }]);
  });

  it('names who could not be reached, says what is still on its way, and stays silent when nothing was sent', () => {
    expect(
      deliveryText({
        delivered: 3,
        pending: 2,
        unreachable: [{ recipient: 'user:1', name: 'Pia Pending (owner of pia@contoso.com)', reason: 'has not installed the bot or never talked to it' }],
        unreachableTotal: 1,
      }),
    ).toBe(
      'Alerts could not reach one recipient: Pia Pending (owner of pia@contoso.com) has not installed the bot or never talked to it. ' +
        'To reach them, ask them to open Mailbox Sync Bot in Teams once; until then, tell them yourself or share the alerts command. 2 alerts are still being delivered.',
    );
    expect(deliveryText({ delivered: 4, pending: 0, unreachable: [], unreachableTotal: 0 })).toBe('All 4 alerts were delivered.');
    expect(deliveryText({ delivered: 0, pending: 0, unreachable: [], unreachableTotal: 0 })).toBeUndefined();
  });
});
