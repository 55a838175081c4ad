import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertIdSource } from '../../src/domain/alert-catalog.js';
import { directoryFromArrays, type Directory } from '../../src/domain/directory.js';
import type { EmailServerProfile, EmailSettings, Mailbox, Organization } from '../../src/domain/model.js';
import { ActDeliveryMethod, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, TestStatus } from '../../src/domain/options.js';
import {
  applyTestOutcome,
  planMailboxTest,
  scheduleTestAndEnable,
  type ConnectorTestResult,
  type MailboxTestRequest,
  type TestAndEnableResult,
} from '../../src/domain/test-and-enable.js';
import { connectorTestResultSchema } from '../../src/app/jobs/exchange-tests.js';
import { SimulatedExchangeConnector, type Sleep } from '../../src/exchange/simulated-exchange.js';
import { exchangeSimulationSchema } from '../../src/app/exchange-simulation.js';
import { testOnce } from '../support/exchange.js';

const noWait: Sleep = () => Promise.resolve();

// Parsed like the organization file, so defaults (credentials valid, no latency, no failures) come from the schema.
const simulation = (raw: unknown) => exchangeSimulationSchema.parse(raw);

const contosoExchange = simulation({
  tenantId: 'tenant-contoso',
  mailboxes: [
    { emailAddress: 'ann@contoso.com' },
    { emailAddress: 'flaky@contoso.com', behaviour: { transientFailures: 2 } },
    { emailAddress: 'moved@contoso.com', primarySyncOrganizationId: 'org-fabrikam' },
    { emailAddress: 'mine@contoso.com', primarySyncOrganizationId: 'org-contoso' },
    { emailAddress: 'slow@contoso.com', behaviour: { latencyMs: 750 } },
  ],
});

const request = (overrides: Partial<MailboxTestRequest> & { emailAddress?: string } = {}): MailboxTestRequest => {
  const { emailAddress = 'ann@contoso.com', ...rest } = overrides;
  return {
    organization: { id: 'org-contoso', name: 'Contoso' },
    tenantId: 'tenant-contoso',
    mailbox: { id: `mailbox-${emailAddress}`, name: emailAddress, emailAddress },
    profile: { id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline' },
    parts: ['incoming', 'outgoing', 'act'],
    makePrimarySyncOrganization: false,
    ...rest,
  };
};

const statuses = (result: ConnectorTestResult): Record<string, string> =>
  Object.fromEntries(Object.entries(result.parts).map(([part, outcome]) => [part, outcome.status === 'success' ? 'success' : `${outcome.status}:${outcome.condition}`]));

describe('the simulated Exchange connector', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers success for every requested part of a known mailbox, and only for those', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    expect(statuses(await testOnce(connector, request()))).toEqual({ incoming: 'success', outgoing: 'success', act: 'success' });
    expect(statuses(await testOnce(connector, request({ parts: ['outgoing'] })))).toEqual({ outgoing: 'success' });
  });

  it('finds addresses whatever their case', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    expect(statuses(await testOnce(connector, request({ emailAddress: 'Ann@Contoso.com', parts: ['incoming'] })))).toEqual({ incoming: 'success' });
  });

  it('cannot determine the location of an address Exchange does not have', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const result = await testOnce(connector, request({ emailAddress: 'nobody@contoso.com', parts: ['incoming', 'outgoing'] }));
    expect(statuses(result)).toEqual({ incoming: 'permanent:MailboxNotFound', outgoing: 'permanent:MailboxNotFound' });
  });

  it('rejects the credentials when they are marked invalid', async () => {
    const connector = new SimulatedExchangeConnector({ ...contosoExchange, credentialsValid: false }, { sleep: noWait });
    expect(statuses(await testOnce(connector, request({ parts: ['incoming'] })))).toEqual({ incoming: 'permanent:Unauthorized' });
  });

  it('rejects an Exchange Online profile whose tenant is not the tenant Exchange lives in', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const result = await testOnce(connector, request({ tenantId: 'tenant-fabrikam', parts: ['incoming'] }));
    expect(statuses(result)).toEqual({ incoming: 'permanent:Unauthorized' });
    expect(result.parts.incoming?.message).toContain('tenant-fabrikam');
  });

  it('does not compare tenants for an on-premises Exchange profile, which has its own credentials', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const onPremises = request({ tenantId: 'tenant-fabrikam', parts: ['incoming'], profile: { id: 'p', name: 'Exchange 2019', serverType: 'ExchangeServer' } });
    expect(statuses(await testOnce(connector, onPremises))).toEqual({ incoming: 'success' });
  });

  it('fails every attempt with the configured permanent condition', async () => {
    for (const permanentFailure of ['Unauthorized', 'SecureConnectionFailure', 'MailboxNotFound', 'NotApprovedByO365Admin'] as const) {
      const configured = simulation({ tenantId: 'tenant-contoso', mailboxes: [{ emailAddress: 'ann@contoso.com', behaviour: { permanentFailure } }] });
      const connector = new SimulatedExchangeConnector(configured, { sleep: noWait });
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(statuses(await testOnce(connector, request({ parts: ['incoming', 'act'] })))).toEqual({
          incoming: `permanent:${permanentFailure}`,
          act: `permanent:${permanentFailure}`,
        });
      }
    }
  });

  it('fails the first N attempts per address transiently, counting inside the instance', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const flaky = request({ emailAddress: 'flaky@contoso.com', parts: ['incoming'] });
    expect(statuses(await testOnce(connector, flaky))).toEqual({ incoming: 'transient:ServerUnreachable' });
    expect(statuses(await testOnce(connector, request({ parts: ['incoming'] })))).toEqual({ incoming: 'success' });
    expect(statuses(await testOnce(connector, flaky))).toEqual({ incoming: 'transient:ServerUnreachable' });
    expect(statuses(await testOnce(connector, flaky))).toEqual({ incoming: 'success' });
    expect(connector.attemptsFor('flaky@contoso.com')).toBe(3);
    expect(connector.attemptsFor('ann@contoso.com')).toBe(1);
  });

  it('prefers the attempt number in the request, so a new instance after a restart answers the same', async () => {
    const restarted = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    expect(statuses(await testOnce(restarted, request({ emailAddress: 'flaky@contoso.com', parts: ['incoming'], attempt: 3 })))).toEqual({ incoming: 'success' });
    expect(statuses(await testOnce(restarted, request({ emailAddress: 'flaky@contoso.com', parts: ['incoming'], attempt: 2 })))).toEqual({
      incoming: 'transient:ServerUnreachable',
    });
  });

  it('fails ACT for a mailbox Exchange synchronizes with another organization, leaving email and the stamp alone', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const result = await testOnce(connector, request({ emailAddress: 'moved@contoso.com' }));
    expect(statuses(result)).toEqual({ incoming: 'success', outgoing: 'success', act: 'permanent:ActConfiguredWithAnotherOrganization' });
    expect(connector.primarySyncOrganizationOf('moved@contoso.com')).toBe('org-fabrikam');
  });

  it('makes this organization primary and passes ACT when asked to sync from this org only', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const result = await testOnce(connector, request({ emailAddress: 'moved@contoso.com', makePrimarySyncOrganization: true }));
    expect(statuses(result)).toEqual({ incoming: 'success', outgoing: 'success', act: 'success' });
    expect(connector.primarySyncOrganizationOf('moved@contoso.com')).toBe('org-contoso');
    // The other organization is now the one that fails.
    const fabrikam = await testOnce(connector, request({ emailAddress: 'moved@contoso.com', organization: { id: 'org-fabrikam', name: 'Fabrikam' }, parts: ['act'] }));
    expect(statuses(fabrikam)).toEqual({ act: 'permanent:ActConfiguredWithAnotherOrganization' });
  });

  it('stamps this organization on a mailbox no organization synchronizes yet, and accepts its own stamp', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    expect(connector.primarySyncOrganizationOf('ann@contoso.com')).toBeNull();
    await testOnce(connector, request({ parts: ['act'] }));
    expect(connector.primarySyncOrganizationOf('ann@contoso.com')).toBe('org-contoso');
    expect(statuses(await testOnce(connector, request({ emailAddress: 'mine@contoso.com', parts: ['act'] })))).toEqual({ act: 'success' });
  });

  it('refuses ACT on a POP3/SMTP profile even if asked', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const pop3 = request({ profile: { id: 'p', name: 'Mail', serverType: 'Pop3Smtp' } });
    expect(statuses(await testOnce(connector, pop3))).toEqual({ incoming: 'success', outgoing: 'success', act: 'permanent:ActNotSupportedByProfile' });
  });

  it('waits the mailbox latency, else the default, through the injected sleep', async () => {
    const waits: number[] = [];
    const recordingSleep: Sleep = (milliseconds) => {
      waits.push(milliseconds);
      return Promise.resolve();
    };
    const connector = new SimulatedExchangeConnector({ ...contosoExchange, latencyMs: 200 }, { sleep: recordingSleep });
    await testOnce(connector, request({ emailAddress: 'slow@contoso.com' }));
    await testOnce(connector, request());
    expect(waits).toEqual([750, 200]);
    const instant = new SimulatedExchangeConnector(contosoExchange, { sleep: recordingSleep });
    await testOnce(instant, request());
    expect(waits).toEqual([750, 200]);
  });

  it('answers only after the latency has passed on a fake clock with the default sleep', async () => {
    vi.useFakeTimers();
    const connector = new SimulatedExchangeConnector(contosoExchange);
    let answered = false;
    const pending = testOnce(connector, request({ emailAddress: 'slow@contoso.com', parts: ['incoming'] })).then((result) => {
      answered = true;
      return result;
    });
    await vi.advanceTimersByTimeAsync(749);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(true);
    expect(statuses(await pending)).toEqual({ incoming: 'success' });
  });
});

// Plan → connector → outcome, as the job runner will chain them, with a small organization of plain arrays.
describe('Test & Enable against the simulated Exchange', () => {
  const settings: EmailSettings = {
    defaultEmailServerProfileId: 'profile-exo',
    defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    defaultActDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
    requireApprovalForUserEmail: true,
    requireApprovalForQueueEmail: true,
    generateAlertsForErrors: true,
    generateAlertsForWarnings: false,
    generateAlertsForInformation: true,
    notifyMailboxOwnerOfEmailServerLevelAlerts: false,
    requirePrivilegeToSelfApproveEmailAddress: false,
    maxMailboxTransientFailures: 10,
    mailboxBackoffOnTransientErrorMinutes: 5,
    testAndEnableAfterApproval: false,
  };
  const organization: Organization = {
    id: 'org-contoso',
    name: 'Contoso',
    tenantId: 'tenant-contoso',
    deployment: { customerEngagement: 'online', exchange: 'online' },
    version: '9.2.22104.00170',
    exchangeOnline: { subscribed: true, tenantId: 'tenant-contoso' },
    settings,
  };
  const profile: EmailServerProfile = { id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', ownerId: 'user-admin', active: true, description: '' };
  const mailboxFor = (emailAddress: string): Mailbox => ({
    id: `mailbox-${emailAddress}`,
    name: emailAddress,
    emailAddress,
    regarding: { type: 'systemuser', id: 'user-admin' },
    ownerId: 'user-admin',
    emailServerProfileId: 'profile-exo',
    incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    actDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
    emailRouterAccessApproval: EmailApprovalStatus.Approved,
    isEmailAddressApprovedByO365Admin: true,
    incomingEmailStatus: TestStatus.NotRun,
    outgoingEmailStatus: TestStatus.NotRun,
    actStatus: TestStatus.NotRun,
    mailboxStatus: TestStatus.NotRun,
    enabledForIncomingEmail: false,
    enabledForOutgoingEmail: false,
    enabledForAct: false,
    orgMarkedAsPrimaryForExchangeSync: false,
    testEmailConfigurationScheduled: false,
    testEmailConfigurationRetryCount: 0,
    postponeTestEmailConfigurationUntil: null,
    testMailboxAccessCompletedOn: null,
    active: true,
    version: 1,
  });
  const directory: Directory = directoryFromArrays({ organization, users: [], queues: [], securityRoles: [], businessUnits: [], profiles: [profile] });
  let idCounter = 0;
  const ids: AlertIdSource = { next: (prefix) => `${prefix}-${++idCounter}` };

  async function runOnce(mailbox: Mailbox, connector: SimulatedExchangeConnector, now: Date): Promise<TestAndEnableResult> {
    const plan = planMailboxTest(mailbox, directory);
    if (plan.kind === 'blocked') return applyTestOutcome(mailbox, plan, settings, now, ids);
    const result = await testOnce(connector, plan.request);
    return applyTestOutcome(mailbox, { kind: 'tested', request: plan.request, result }, settings, now, ids);
  }

  it('enables a flaky mailbox on the third attempt even when the bot restarts between attempts', async () => {
    let mailbox = scheduleTestAndEnable(mailboxFor('flaky@contoso.com'));
    const verdicts: string[] = [];
    for (let run = 0; run < 3; run++) {
      // A fresh connector each time: only the stored retry count carries the attempt number.
      const result = await runOnce(mailbox, new SimulatedExchangeConnector(contosoExchange, { sleep: noWait }), new Date(Date.UTC(2025, 2, 1, 10, run * 5)));
      verdicts.push(result.verdict);
      mailbox = result.mailbox;
    }
    expect(verdicts).toEqual(['retryScheduled', 'retryScheduled', 'enabled']);
    expect(mailbox).toMatchObject({ mailboxStatus: TestStatus.Success, testEmailConfigurationRetryCount: 0, enabledForAct: true });
  });

  it('fails ACT for a mailbox bound to another organization unless "sync from this org only" is ticked', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const now = new Date('2025-03-01T10:00:00.000Z');
    const without = await runOnce(scheduleTestAndEnable(mailboxFor('moved@contoso.com')), connector, now);
    expect(without.conditions).toEqual(['ActConfiguredWithAnotherOrganization']);
    expect([without.mailbox.enabledForIncomingEmail, without.mailbox.enabledForAct, without.mailbox.actStatus]).toEqual([true, false, TestStatus.Failure]);

    const withFlag = await runOnce(scheduleTestAndEnable(without.mailbox, { syncFromThisOrgOnly: true }), connector, now);
    expect(withFlag.verdict).toBe('enabled');
    expect(withFlag.mailbox.actStatus).toBe(TestStatus.Success);
    expect(withFlag.mailbox.orgMarkedAsPrimaryForExchangeSync).toBe(true);
    expect(connector.primarySyncOrganizationOf('moved@contoso.com')).toBe('org-contoso');
  });

  it('disables a mailbox Exchange does not know, with the alert on the mailbox and profile walls', async () => {
    const result = await runOnce(mailboxFor('ghost@contoso.com'), new SimulatedExchangeConnector(contosoExchange, { sleep: noWait }), new Date('2025-03-01T10:00:00.000Z'));
    expect(result.verdict).toBe('disabled');
    expect(result.alerts.map((alert) => [alert.code, alert.regarding.type])).toEqual([
      ['MailboxNotFound', 'mailbox'],
      ['MailboxNotFound', 'emailserverprofile'],
    ]);
  });
});

// The port's shape: scheduling only accepts; outcomes arrive later on the feed `observe` reads.
describe('the simulated Exchange reports scheduled tests on its outcome feed', () => {
  /** A sleep the test ends by hand, so a test stays "at Exchange" until released. */
  function heldSleep(): { sleep: Sleep; releaseAll: () => void; waiting: () => number } {
    const sleepers: (() => void)[] = [];
    return {
      sleep: () => new Promise<void>((resolve) => sleepers.push(resolve)),
      releaseAll: () => sleepers.splice(0).forEach((wake) => wake()),
      waiting: () => sleepers.length,
    };
  }
  const slowExchange = simulation({ ...contosoExchange, latencyMs: 1_000 });
  const scheduled = (testId: string, emailAddress = 'ann@contoso.com') => ({ testId, request: request({ emailAddress, parts: ['incoming'] }) });

  it('accepts a schedule before testing, and reports the outcome only once Exchange has tested', async () => {
    const held = heldSleep();
    const connector = new SimulatedExchangeConnector(slowExchange, { sleep: held.sleep });
    const signal = new AbortController().signal;
    let reported: Awaited<ReturnType<SimulatedExchangeConnector['observe']>> | undefined;
    const reading = connector.observe(undefined, signal).then((page) => (reported = page));
    await expect(connector.schedule([scheduled('t-1')])).resolves.toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.waiting()).toBe(1);
    expect(reported).toBeUndefined();
    held.releaseAll();
    await reading;
    expect(reported?.outcomes.map((outcome) => outcome.testId)).toEqual(['t-1']);
    expect(statuses(connectorTestResultSchema.parse(reported?.outcomes[0]?.result))).toEqual({ incoming: 'success' });
  });

  it('reads on from a cursor: each outcome once, in the order Exchange finished them, and none from before a read without cursor', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const signal = new AbortController().signal;
    // Reported before anyone reads: not part of a read that starts later without a cursor.
    const early = connector.observe(undefined, signal);
    await connector.schedule([scheduled('before')]);
    const afterEarly = await early;
    expect(afterEarly.outcomes.map((outcome) => outcome.testId)).toEqual(['before']);

    const fromNow = connector.observe(undefined, signal);
    await connector.schedule([scheduled('a'), scheduled('b', 'nobody@contoso.com')]);
    const page = await fromNow;
    expect(page.outcomes.map((outcome) => outcome.testId)).toEqual(['a', 'b']);
    expect(statuses(connectorTestResultSchema.parse(page.outcomes[1]?.result))).toEqual({ incoming: 'permanent:MailboxNotFound' });

    const next = connector.observe(page.cursor, signal);
    await connector.schedule([scheduled('c')]);
    expect((await next).outcomes.map((outcome) => outcome.testId)).toEqual(['c']);
    // An older cursor reads the same outcomes again: reading is idempotent.
    expect((await connector.observe(afterEarly.cursor, signal)).outcomes.map((outcome) => outcome.testId)).toEqual(['a', 'b', 'c']);
  });

  it('ends a waiting read with no outcomes at the same cursor when it is aborted, and refuses a cursor it never gave out', async () => {
    const connector = new SimulatedExchangeConnector(contosoExchange, { sleep: noWait });
    const controller = new AbortController();
    const start = connector.observe(undefined, new AbortController().signal);
    await connector.schedule([scheduled('t-1')]);
    const { cursor } = await start;
    const waiting = connector.observe(cursor, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toEqual({ outcomes: [], cursor });
    await expect(connector.observe('999', new AbortController().signal)).rejects.toThrow('is not a cursor');
    await expect(connector.observe('next-page', new AbortController().signal)).rejects.toThrow('is not a cursor');
  });
});
