import { describe, expect, it, vi } from 'vitest';
import { batchInDoubt } from '../../src/app/jobs/job-records.js';
import { DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES } from '../../src/domain/test-and-enable.js';
import { EmailApprovalStatus, TestStatus } from '../../src/domain/options.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { createInMemoryEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { exampleDocument, exampleStore } from '../support/fixtures.js';
import { documentWithMailboxes } from '../store/documents.js';
import { ControlledConnector, mailboxByEmail, ManualTime, runnerFor, settle, settleMicrotasks, storedJob, verdicts } from './support.js';

const EXO = 'profile-exchange-online';
const FIVE_MINUTES = DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES * 60_000;

function user(store: DocumentEmailConfigStore, id: string) {
  const found = store.userById(id);
  if (found === undefined) throw new Error(`no user ${id}`);
  return found;
}

const idsOf = (store: DocumentEmailConfigStore, ...emails: string[]): string[] => emails.map((email) => mailboxByEmail(store, email).id);

const wallCodes = (store: DocumentEmailConfigStore, regarding: { type: 'mailbox' | 'emailserverprofile'; id: string }): string[] =>
  store.alertsFor(regarding, 100).map((alert) => alert.code);

async function storeWith(change: (document: DataFileDocument) => DataFileDocument): Promise<DocumentEmailConfigStore> {
  return createInMemoryEmailConfigStore(change(await exampleDocument()));
}

describe('a Test & Enable job over the Contoso mailboxes of the Exchange Online profile', () => {
  it('tests each mailbox once, records every verdict with its alerts and audit entry, and finishes', async () => {
    const store = await exampleStore();
    const { runner, connector, notifications } = runnerFor(store);
    await runner.start();
    const mailboxIds = store.queryMailboxes({ profileId: EXO, activeOnly: true }, 0, 100).items.map((mailbox) => mailbox.id);
    const created = await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds, origin: 'profile', title: 'Test & Enable mailboxes of profile Microsoft Exchange Online' });
    expect(created.ok).toBe(true);
    await settle(runner);

    const job = storedJob(store, 'J-1');
    expect(job.status).toBe('done');
    expect(job.results).toHaveLength(mailboxIds.length);
    expect(new Set(job.results.map((result) => result.mailboxId)).size).toBe(mailboxIds.length);
    expect(verdicts(store, job)).toMatchObject({
      'ada@contoso.com': 'enabled',
      'dana@contoso.com': 'enabled',
      'sales@contoso.com': 'enabled',
      'evan@contoso.com': 'retryScheduled',
      'support@contoso.com': 'disabled',
      'otto@contoso.com': 'disabled',
      'sam@contoso.com': 'disabled',
      'pia@contoso.com': 'disabled',
      'erin@contoso.com': 'disabled',
    });
    // Blocked mailboxes never reach Exchange; the others are asked exactly once.
    expect(connector.callsFor('sam@contoso.com')).toBe(0);
    for (const email of ['ada@contoso.com', 'evan@contoso.com', 'support@contoso.com', 'otto@contoso.com']) expect(connector.callsFor(email)).toBe(1);

    const ada = mailboxByEmail(store, 'ada@contoso.com');
    expect(ada).toMatchObject({ mailboxStatus: TestStatus.Success, enabledForIncomingEmail: true, testEmailConfigurationScheduled: false });
    expect(wallCodes(store, { type: 'mailbox', id: ada.id })).toContain('TestSucceeded');
    expect(wallCodes(store, { type: 'mailbox', id: mailboxByEmail(store, 'support@contoso.com').id })).toContain('MailboxNotFound');
    expect(wallCodes(store, { type: 'emailserverprofile', id: EXO })).toEqual(expect.arrayContaining(['MailboxNotFound', 'ServerUnreachable', 'EmailAddressNotApproved']));
    const audit = store.recentAudit(100).filter((entry) => entry.action === 'mailbox.testAndEnable');
    expect(audit).toHaveLength(mailboxIds.length);
    expect(audit.every((entry) => entry.actorName === 'Ada Admin' && entry.details.startsWith('Job J-1'))).toBe(true);
    // Every committed result was handed to the notification side, once.
    expect(notifications.deliveredKeys().sort()).toEqual(job.notificationKeys.slice().sort());
    expect(new Set(job.notificationKeys).size).toBe(mailboxIds.length);
  });

  it('writes results in a bounded number of batches: each written ahead on the job, applied to the records, then committed', async () => {
    const store = await exampleStore();
    const { runner } = runnerFor(store, { runner: { batchSize: 4 } });
    await runner.start();
    const mailboxIds = store.mailboxes().map((mailbox) => mailbox.id);
    const writesBefore = store.writesPerformed;
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds, origin: 'command', title: 'Test & Enable all' });
    await settle(runner);
    const writes = store.writesPerformed - writesBefore;
    // Two writes to queue the job (its mailboxes scheduled on the records, then the job), then three per batch
    // of at most 4 (the batch written ahead on the job, the records, the job committed).
    expect(writes).toBeGreaterThanOrEqual(2 + 3);
    expect(writes).toBeLessThanOrEqual(2 + 3 * Math.ceil(mailboxIds.length / 4));
    const job = storedJob(store, 'J-1');
    expect(job.batches * 3).toBe(writes - 2);
    expect(batchInDoubt(job)).toBeUndefined();
    expect(job.status).toBe('done');
  });
});

describe('batching under a fast Exchange', () => {
  it('writes about once a second however many results arrive, and each write holds the whole batch', async () => {
    const document = documentWithMailboxes(400);
    const approved = document.mailboxes.map((mailbox) => ({ ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.Approved }));
    const store = createInMemoryEmailConfigStore({
      ...document,
      mailboxes: approved,
      exchangeSimulation: { ...document.exchangeSimulation, mailboxes: approved.map((mailbox) => ({ emailAddress: mailbox.emailAddress, primarySyncOrganizationId: null, behaviour: { transientFailures: 0, permanentFailure: null } })) },
    });
    const time = new ManualTime();
    // Exchange answers every test 20 ms later (in the test's time): eight at a time, 400 results a second.
    const twentyMilliseconds = { ...store.exchangeSimulation(), latencyMs: 20 };
    const connector = new ControlledConnector(new SimulatedExchangeConnector(twentyMilliseconds, { sleep: (ms) => new Promise((resolve) => time.setTimeout(resolve, ms)) }));
    const { runner } = runnerFor(store, { time, connector });
    await runner.start();
    const writesBefore = store.writesPerformed;
    const admin = user(store, 'user-admin');
    await runner.createJob({ requester: admin, mailboxIds: approved.map((mailbox) => mailbox.id), origin: 'command', title: 'Test & Enable 400' });
    for (let step = 0; step < 60; step++) await time.advance(20);
    await settle(runner);
    const job = storedJob(store, 'J-1');
    expect(job.status).toBe('done');
    expect(Object.values(verdicts(store, job)).every((verdict) => verdict === 'enabled')).toBe(true);
    // The job itself (two writes), one batch after the first second, one when the last mailbox is decided
    // (three writes each).
    const writes = store.writesPerformed - writesBefore;
    expect(job.batches).toBeGreaterThanOrEqual(1);
    expect(job.batches).toBeLessThanOrEqual(3);
    expect(writes).toBe(2 + 3 * job.batches);
  });
});

describe('preconditions: nothing is sent to Exchange and the mailbox is disabled with a specific alert', () => {
  const cases: { condition: string; email: string; change: (document: DataFileDocument) => DataFileDocument }[] = [
    {
      condition: 'MailboxInactive',
      email: 'ada@contoso.com',
      change: (document) => ({ ...document, mailboxes: document.mailboxes.map((mailbox) => (mailbox.emailAddress === 'ada@contoso.com' ? { ...mailbox, active: false } : mailbox)) }),
    },
    { condition: 'NoServerSideSyncDeliveryMethod', email: 'sid@contoso.com', change: (document) => document },
    {
      condition: 'NoServerProfile',
      email: 'ada@contoso.com',
      change: (document) => ({ ...document, mailboxes: document.mailboxes.map((mailbox) => (mailbox.emailAddress === 'ada@contoso.com' ? { ...mailbox, emailServerProfileId: null } : mailbox)) }),
    },
    {
      condition: 'ServerProfileInactive',
      email: 'ada@contoso.com',
      change: (document) => ({ ...document, profiles: document.profiles.map((profile) => (profile.id === EXO ? { ...profile, active: false } : profile)) }),
    },
    {
      condition: 'ExchangeOnlineSubscriptionMissing',
      email: 'ada@contoso.com',
      change: (document) => ({ ...document, organization: { ...document.organization, exchangeOnline: { subscribed: false, tenantId: null } } }),
    },
    {
      condition: 'ActNotSupportedByProfile',
      email: 'ada@contoso.com',
      change: (document) => ({
        ...document,
        mailboxes: document.mailboxes.map((mailbox) => (mailbox.emailAddress === 'ada@contoso.com' ? { ...mailbox, emailServerProfileId: 'profile-legacy-pop3' } : mailbox)),
      }),
    },
    { condition: 'EmailAddressNotApproved', email: 'sam@contoso.com', change: (document) => document },
  ];

  it.each(cases)('$condition stops the test of $email before Exchange and disables it', async ({ condition, email, change }) => {
    const store = await storeWith(change);
    const { runner, connector } = runnerFor(store);
    await runner.start();
    const created = await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, email), origin: 'command', title: 'Test & Enable' });
    expect(created.ok).toBe(true);
    await settle(runner);

    expect(connector.callsFor(email)).toBe(0);
    const mailbox = mailboxByEmail(store, email);
    expect(mailbox.mailboxStatus).toBe(TestStatus.Failure);
    expect(mailbox.testEmailConfigurationScheduled).toBe(false);
    expect(wallCodes(store, { type: 'mailbox', id: mailbox.id })).toContain(condition);
    const [result] = storedJob(store, 'J-1').results;
    expect(result).toMatchObject({ verdict: 'disabled', reason: expect.stringMatching(/^Not tested: /) as unknown });
  });
});

describe('transient failures are retried by the scheduler, and permanent ones are not', () => {
  it('retries a mailbox 5 minutes after each temporary failure until it succeeds, counting attempts on the record', async () => {
    const store = await exampleStore();
    const { runner, connector, time } = runnerFor(store);
    await runner.start();
    const evan = mailboxByEmail(store, 'evan@contoso.com');
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: [evan.id], origin: 'command', title: 'Test & Enable Evan' });
    await settle(runner);

    const afterFirst = mailboxByEmail(store, 'evan@contoso.com');
    expect(afterFirst).toMatchObject({ testEmailConfigurationScheduled: true, testEmailConfigurationRetryCount: 1 });
    expect(afterFirst.postponeTestEmailConfigurationUntil).toBe(new Date(time.now + FIVE_MINUTES).toISOString());

    await time.advance(FIVE_MINUTES - 60_000);
    await settle(runner);
    expect(connector.callsFor('evan@contoso.com')).toBe(1);

    await time.advance(60_000);
    await settle(runner);
    expect(connector.callsFor('evan@contoso.com')).toBe(2);
    expect(mailboxByEmail(store, 'evan@contoso.com').testEmailConfigurationRetryCount).toBe(2);
    expect(storedJob(store, 'J-2')).toMatchObject({ origin: 'retry', requestedById: 'system', status: 'done' });

    await time.advance(FIVE_MINUTES);
    await settle(runner);
    const final = mailboxByEmail(store, 'evan@contoso.com');
    expect(connector.callsFor('evan@contoso.com')).toBe(3);
    expect(final).toMatchObject({ mailboxStatus: TestStatus.Success, testEmailConfigurationScheduled: false, testEmailConfigurationRetryCount: 0, postponeTestEmailConfigurationUntil: null });
    expect(wallCodes(store, { type: 'mailbox', id: evan.id }).sort()).toEqual(['ServerUnreachable', 'ServerUnreachable', 'TestSucceeded']);
    // Nothing more is scheduled once it works.
    await time.advance(60 * 60_000);
    await settle(runner);
    expect(connector.callsFor('evan@contoso.com')).toBe(3);
    await runner.stop();
  });

  it('disables a mailbox once temporary failures exceed the configured limit, with the backoff the organization sets', async () => {
    const store = await storeWith((document) => ({
      ...document,
      organization: { ...document.organization, settings: { ...document.organization.settings, maxMailboxTransientFailures: 2, mailboxBackoffOnTransientErrorMinutes: 1 } },
      exchangeSimulation: {
        ...document.exchangeSimulation,
        mailboxes: document.exchangeSimulation.mailboxes.map((mailbox) =>
          mailbox.emailAddress === 'ada@contoso.com' ? { ...mailbox, behaviour: { ...mailbox.behaviour, transientFailures: 99 } } : mailbox,
        ),
      },
    }));
    const { runner, connector, time } = runnerFor(store);
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'ada@contoso.com'), origin: 'command', title: 'Test & Enable Ada' });
    await settle(runner);
    for (let minute = 0; minute < 5; minute++) {
      await time.advance(60_000);
      await settle(runner);
    }
    const ada = mailboxByEmail(store, 'ada@contoso.com');
    expect(connector.callsFor('ada@contoso.com')).toBe(3);
    expect(ada).toMatchObject({ mailboxStatus: TestStatus.Failure, testEmailConfigurationScheduled: false, testEmailConfigurationRetryCount: 3, enabledForIncomingEmail: false });
    expect(wallCodes(store, { type: 'mailbox', id: ada.id })).toContain('TransientRetriesExhausted');
    expect(wallCodes(store, { type: 'emailserverprofile', id: EXO })).toContain('TransientRetriesExhausted');
    expect(storedJob(store, 'J-3').results[0]).toMatchObject({ verdict: 'disabled', reason: expect.stringContaining('3 times in a row') as unknown });
    await runner.stop();
  });

  it('disables a mailbox at once on a permanent failure and never retries it', async () => {
    const store = await exampleStore();
    const { runner, connector, time } = runnerFor(store);
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'support@contoso.com'), origin: 'command', title: 'Test & Enable Support' });
    await settle(runner);
    await time.advance(60 * 60_000);
    await settle(runner);
    expect(connector.callsFor('support@contoso.com')).toBe(1);
    expect(mailboxByEmail(store, 'support@contoso.com')).toMatchObject({ testEmailConfigurationScheduled: false, mailboxStatus: TestStatus.Failure });
    expect(runner.jobs()).toHaveLength(1);
    await runner.stop();
  });
});

describe('appointments, contacts and tasks bound to another organization in Exchange', () => {
  it('fails ACT (and only ACT) when the mailbox syncs with another organization', async () => {
    const store = await exampleStore();
    const { runner } = runnerFor(store);
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'otto@contoso.com'), origin: 'command', title: 'Test & Enable Otto' });
    await settle(runner);
    const otto = mailboxByEmail(store, 'otto@contoso.com');
    expect(otto).toMatchObject({ incomingEmailStatus: TestStatus.Success, outgoingEmailStatus: TestStatus.Success, actStatus: TestStatus.Failure, enabledForAct: false, enabledForIncomingEmail: true });
    expect(wallCodes(store, { type: 'mailbox', id: otto.id })).toContain('ActConfiguredWithAnotherOrganization');
  });

  it('claims the mailbox for this organization with "sync from this org only", and keeps the choice on the record', async () => {
    const store = await exampleStore();
    const simulated = new SimulatedExchangeConnector(store.exchangeSimulation(), { sleep: () => Promise.resolve() });
    const { runner } = runnerFor(store, { connector: new ControlledConnector(simulated) });
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'otto@contoso.com'), origin: 'command', title: 'Test & Enable Otto', syncFromThisOrgOnly: true });
    await settle(runner);
    expect(mailboxByEmail(store, 'otto@contoso.com')).toMatchObject({ actStatus: TestStatus.Success, mailboxStatus: TestStatus.Success, orgMarkedAsPrimaryForExchangeSync: true });
    expect(simulated.primarySyncOrganizationOf('otto@contoso.com')).toBe('org-contoso');
  });
});

describe('bad input and faults', () => {
  it('refuses a job with no mailbox and writes nothing', async () => {
    const store = await exampleStore();
    const { runner } = runnerFor(store);
    await runner.start();
    const writes = store.writesPerformed;
    const created = await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: [], origin: 'profile', title: 'Test & Enable mailboxes of profile Empty' });
    expect(created).toMatchObject({ ok: false, error: { code: 'NothingSelected', message: 'Test & Enable mailboxes of profile Empty: there is no mailbox to test.' } });
    expect(store.writesPerformed).toBe(writes);
    expect(runner.jobs()).toHaveLength(0);
  });

  it('refuses when the requester may test none of the mailboxes, and records refusals next to the others', async () => {
    const store = await exampleStore();
    const { runner, connector } = runnerFor(store);
    await runner.start();
    const otto = user(store, 'user-otto');
    const refused = await runner.createJob({ requester: otto, mailboxIds: idsOf(store, 'ada@contoso.com'), origin: 'command', title: 'Test & Enable Ada' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'PermissionDenied' } });

    const mixed = await runner.createJob({ requester: otto, mailboxIds: idsOf(store, 'otto@contoso.com', 'ada@contoso.com'), origin: 'command', title: 'Test & Enable two' });
    expect(mixed.ok).toBe(true);
    await settle(runner);
    const job = runner.latestJobOf('user-otto');
    expect(verdicts(store, job)).toEqual({ 'otto@contoso.com': 'disabled', 'ada@contoso.com': 'notTested' });
    expect(connector.callsFor('ada@contoso.com')).toBe(0);
  });

  it('records a mailbox deleted while its job runs as not tested, and finishes the rest', async () => {
    const store = await exampleStore();
    const { runner, connector } = runnerFor(store, { runner: { concurrency: 1 } });
    connector.hold.add('ada@contoso.com');
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'ada@contoso.com', 'dana@contoso.com', 'sales@contoso.com'), origin: 'command', title: 'Test & Enable three' });
    await settleMicrotasks();
    // Ada's test is at Exchange; Ada and Dana are deleted meanwhile.
    expect(connector.heldAddresses()).toEqual(['ada@contoso.com']);
    await store.transactDocument((current) => ({
      next: { ...current, mailboxes: current.mailboxes.filter((mailbox) => !['ada@contoso.com', 'dana@contoso.com'].includes(mailbox.emailAddress)) },
      result: undefined,
    }));
    connector.release();
    await settle(runner);
    const job = storedJob(store, 'J-1');
    expect(job.status).toBe('done');
    expect(verdicts(store, job)).toEqual({ 'ada@contoso.com': 'notTested', 'dana@contoso.com': 'notTested', 'sales@contoso.com': 'enabled' });
    expect(job.results.find((result) => result.verdict === 'notTested')).toMatchObject({ reason: 'The mailbox no longer exists: it was deleted after the job started.' });
    expect(store.mailboxes().some((mailbox) => mailbox.emailAddress === 'ada@contoso.com')).toBe(false);
  });

  it('treats a connector that throws, or answers nonsense, as a temporary failure and schedules a retry', async () => {
    const store = await exampleStore();
    const { runner, connector } = runnerFor(store);
    connector.failures.set('ada@contoso.com', new Error('socket hang up'));
    connector.garbage.set('dana@contoso.com', { parts: { incoming: { status: 'fine' } } });
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'ada@contoso.com', 'dana@contoso.com'), origin: 'command', title: 'Test & Enable two' });
    await settle(runner);
    const job = storedJob(store, 'J-1');
    expect(verdicts(store, job)).toEqual({ 'ada@contoso.com': 'retryScheduled', 'dana@contoso.com': 'retryScheduled' });
    const reasons = job.results.map((result) => (result.verdict === 'enabled' ? '' : result.reason));
    expect(reasons[0]).toContain('the Exchange connector failed: socket hang up');
    expect(reasons[1]).toContain('not a test result');
    const ada = mailboxByEmail(store, 'ada@contoso.com');
    expect(ada).toMatchObject({ testEmailConfigurationScheduled: true, testEmailConfigurationRetryCount: 1 });
    expect(wallCodes(store, { type: 'mailbox', id: ada.id })).toContain('ConnectorError');
  });

  it('gives up on a connector that does not answer within the timeout', async () => {
    const store = await exampleStore();
    const { runner, connector, time } = runnerFor(store, { runner: { connectorTimeoutMs: 30_000 } });
    connector.hold.add('ada@contoso.com');
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'ada@contoso.com'), origin: 'command', title: 'Test & Enable Ada' });
    // The time-out starts once the test is scheduled at Exchange.
    await vi.waitFor(() => expect(connector.heldAddresses()).toContain('ada@contoso.com'));
    await settleMicrotasks();
    await time.advance(30_000);
    await settle(runner);
    expect(storedJob(store, 'J-1').results[0]).toMatchObject({ verdict: 'retryScheduled', reason: expect.stringContaining('did not answer within 30 s') as unknown });
    connector.release();
  });

  it('tests again a mailbox changed while Exchange was answering, and records only the fresh result', async () => {
    const store = await exampleStore();
    const { runner, connector } = runnerFor(store);
    connector.hold.add('ada@contoso.com');
    await runner.start();
    await runner.createJob({ requester: user(store, 'user-ada'), mailboxIds: idsOf(store, 'ada@contoso.com'), origin: 'command', title: 'Test & Enable Ada' });
    await settleMicrotasks();
    const ada = mailboxByEmail(store, 'ada@contoso.com');
    await store.commit({ mailboxes: [{ ...ada, orgMarkedAsPrimaryForExchangeSync: false }], expectedMailboxVersions: { [ada.id]: ada.version } });
    connector.release();
    await settle(runner);
    expect(connector.callsFor('ada@contoso.com')).toBe(2);
    const job = storedJob(store, 'J-1');
    expect(job.results).toHaveLength(1);
    expect(store.recentAudit(50).filter((entry) => entry.action === 'mailbox.testAndEnable')).toHaveLength(1);
  });
});
