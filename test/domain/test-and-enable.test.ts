import { describe, expect, it } from 'vitest';
import type { AlertIdSource } from '../../src/domain/alert-catalog.js';
import { directoryFromArrays, type Directory } from '../../src/domain/directory.js';
import type { EmailServerProfile, EmailSettings, Mailbox, Organization, Queue, User } from '../../src/domain/model.js';
import {
  ActDeliveryMethod,
  AlertLevel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  TestStatus,
} from '../../src/domain/options.js';
import {
  applyTestOutcome,
  checkPreconditions,
  DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES,
  DEFAULT_MAX_MAILBOX_TRANSIENT_FAILURES,
  isTestDue,
  partsToTest,
  planMailboxTest,
  scheduleTestAndEnable,
  type ConnectorTestResult,
  type MailboxTestRequest,
  type PartOutcome,
  type TestOutcome,
} from '../../src/domain/test-and-enable.js';

// A small organization built from plain arrays: one user (Ann) with her mailbox, one queue (Support) owned by
// her, one Microsoft Exchange Online profile. Every mailbox starts fully configured and approved.

const NOW = new Date('2025-03-01T10:00:00.000Z');

const settings: EmailSettings = {
  defaultEmailServerProfileId: 'profile-exo',
  defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultActDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
  requireApprovalForUserEmail: true,
  requireApprovalForQueueEmail: true,
  generateAlertsForErrors: true,
  generateAlertsForWarnings: true,
  generateAlertsForInformation: true,
  notifyMailboxOwnerOfEmailServerLevelAlerts: false,
  requirePrivilegeToSelfApproveEmailAddress: false,
  maxMailboxTransientFailures: DEFAULT_MAX_MAILBOX_TRANSIENT_FAILURES,
  mailboxBackoffOnTransientErrorMinutes: DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES,
  testAndEnableAfterApproval: false,
};

const organization = (overrides: Partial<Organization> = {}): Organization => ({
  id: 'org-contoso',
  name: 'Contoso',
  tenantId: 'tenant-contoso',
  deployment: { customerEngagement: 'online', exchange: 'online' },
  version: '9.2.22104.00170',
  exchangeOnline: { subscribed: true, tenantId: 'tenant-contoso' },
  settings,
  ...overrides,
});

const ann: User = {
  id: 'user-ann',
  aadObjectId: 'aad-ann',
  fullName: 'Ann Lee',
  primaryEmail: 'ann@contoso.com',
  userPrincipalName: 'ann@contoso.com',
  businessUnitId: 'bu-root',
  office365Roles: [],
  securityRoleIds: [],
  isServiceAdministrator: false,
  active: true,
};

const supportQueue: Queue = { id: 'queue-support', name: 'Support', emailAddress: 'support@contoso.com', ownerId: ann.id, businessUnitId: 'bu-root' };

const profile = (overrides: Partial<EmailServerProfile> = {}): EmailServerProfile => ({
  id: 'profile-exo',
  name: 'Microsoft Exchange Online',
  serverType: 'ExchangeOnline',
  ownerId: ann.id,
  active: true,
  description: '',
  ...overrides,
});

const mailbox = (overrides: Partial<Mailbox> = {}): Mailbox => ({
  id: 'mailbox-ann',
  name: 'Ann Lee',
  emailAddress: 'ann@contoso.com',
  regarding: { type: 'systemuser', id: ann.id },
  ownerId: ann.id,
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
  testEmailConfigurationScheduled: true,
  testEmailConfigurationRetryCount: 0,
  postponeTestEmailConfigurationUntil: null,
  testMailboxAccessCompletedOn: null,
  active: true,
  version: 7,
  ...overrides,
});

const queueMailbox = (overrides: Partial<Mailbox> = {}): Mailbox =>
  mailbox({ id: 'mailbox-support', name: 'Support', emailAddress: 'support@contoso.com', regarding: { type: 'queue', id: supportQueue.id }, ...overrides });

function directoryWith(options: { organization?: Organization; profiles?: readonly EmailServerProfile[] } = {}): Directory {
  return directoryFromArrays({
    organization: options.organization ?? organization(),
    users: [ann],
    queues: [supportQueue],
    securityRoles: [],
    businessUnits: [{ id: 'bu-root', name: 'Contoso', parentBusinessUnitId: null }],
    profiles: options.profiles ?? [profile()],
  });
}

const sequentialIds = (): AlertIdSource & { readonly issued: string[] } => {
  const issued: string[] = [];
  return {
    issued,
    next: (prefix) => {
      const id = `${prefix}-${issued.length + 1}`;
      issued.push(id);
      return id;
    },
  };
};

function readyRequest(subject: Mailbox, directory: Directory = directoryWith()): MailboxTestRequest {
  const plan = planMailboxTest(subject, directory);
  if (plan.kind !== 'ready') throw new Error(`expected a ready plan, got failures ${plan.failures.map((failure) => failure.condition).join(', ')}`);
  return plan.request;
}

const success: PartOutcome = { status: 'success', code: 'Success', message: 'ok' };
const unreachable: PartOutcome = { status: 'transient', condition: 'ServerUnreachable', code: 'ConnectFailure', message: 'Web server returned ConnectFailure' };
const unauthorized: PartOutcome = { status: 'permanent', condition: 'Unauthorized', code: 'Unauthorized', message: '(401) Unauthorized' };

const allParts = (outcome: PartOutcome): ConnectorTestResult => ({ parts: { incoming: outcome, outgoing: outcome, act: outcome } });
const tested = (request: MailboxTestRequest, result: ConnectorTestResult): TestOutcome => ({ kind: 'tested', request, result });

const conditionsOf = (subject: Mailbox, directory: Directory = directoryWith()): string[] =>
  checkPreconditions(subject, directory).map((failure) => failure.condition);

describe('which parts Test & Enable tests', () => {
  it('tests only the parts whose delivery method is server-side synchronization', () => {
    expect(partsToTest(mailbox())).toEqual(['incoming', 'outgoing', 'act']);
    expect(partsToTest(mailbox({ incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ForwardMailbox }))).toEqual(['outgoing', 'act']);
    expect(partsToTest(mailbox({ outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook }))).toEqual(['incoming', 'act']);
  });

  it('reads the ACT numbering, where 1 is server-side synchronization and 0 is Outlook', () => {
    expect(partsToTest(mailbox({ actDeliveryMethod: 1 }))).toContain('act');
    expect(partsToTest(mailbox({ actDeliveryMethod: 0 }))).not.toContain('act');
    expect(partsToTest(mailbox({ actDeliveryMethod: 2 }))).not.toContain('act');
  });
});

describe('preconditions checked before Exchange is contacted', () => {
  it('finds nothing wrong with an approved mailbox on an active Exchange Online profile in a subscribed tenant', () => {
    expect(checkPreconditions(mailbox(), directoryWith())).toEqual([]);
  });

  it('refuses an inactive mailbox', () => {
    expect(conditionsOf(mailbox({ active: false }))).toEqual(['MailboxInactive']);
  });

  it('refuses a mailbox none of whose delivery methods is server-side synchronization', () => {
    const viaOutlook = mailbox({
      incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook,
      outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.None,
      actDeliveryMethod: ActDeliveryMethod.None,
    });
    expect(conditionsOf(viaOutlook)).toEqual(['NoServerSideSyncDeliveryMethod']);
  });

  it('refuses a mailbox without a server profile, and one whose profile no longer exists', () => {
    expect(conditionsOf(mailbox({ emailServerProfileId: null }))).toEqual(['NoServerProfile']);
    expect(conditionsOf(mailbox({ emailServerProfileId: 'profile-deleted' }))).toEqual(['NoServerProfile']);
  });

  it('refuses a mailbox whose profile is inactive', () => {
    expect(conditionsOf(mailbox(), directoryWith({ profiles: [profile({ active: false })] }))).toEqual(['ServerProfileInactive']);
  });

  it('refuses the Exchange Online profile when the organization has no Exchange Online subscription', () => {
    const unsubscribed = organization({ exchangeOnline: { subscribed: false, tenantId: null } });
    const failures = checkPreconditions(mailbox(), directoryWith({ organization: unsubscribed }));
    expect(failures.map((failure) => failure.condition)).toEqual(['ExchangeOnlineSubscriptionMissing']);
    expect(failures[0]?.params).toMatchObject({ profile: 'Microsoft Exchange Online', organization: 'Contoso', tenant: 'tenant-contoso' });
  });

  it('refuses the Exchange Online profile when the subscription lives in another tenant', () => {
    const otherTenant = organization({ exchangeOnline: { subscribed: true, tenantId: 'tenant-fabrikam' } });
    expect(conditionsOf(mailbox(), directoryWith({ organization: otherTenant }))).toEqual(['ExchangeOnlineSubscriptionMissing']);
  });

  it('does not ask for an Exchange Online subscription when the profile is on-premises Exchange', () => {
    const onPremises = [profile({ serverType: 'ExchangeServer', name: 'Exchange 2019' })];
    const unsubscribed = organization({ exchangeOnline: { subscribed: false, tenantId: null } });
    expect(conditionsOf(mailbox(), directoryWith({ organization: unsubscribed, profiles: onPremises }))).toEqual([]);
  });

  it('refuses ACT through server-side synchronization on a POP3/SMTP or IMAP profile, for ACT only', () => {
    for (const serverType of ['Pop3Smtp', 'ImapSmtp'] as const) {
      const failures = checkPreconditions(mailbox(), directoryWith({ profiles: [profile({ serverType, name: 'Mail' })] }));
      expect(failures).toEqual([expect.objectContaining({ condition: 'ActNotSupportedByProfile', parts: ['act'] })]);
    }
  });

  it('accepts a POP3/SMTP profile when ACT is None', () => {
    const pop3 = [profile({ serverType: 'Pop3Smtp', name: 'Mail' })];
    expect(conditionsOf(mailbox({ actDeliveryMethod: ActDeliveryMethod.None }), directoryWith({ profiles: pop3 }))).toEqual([]);
  });

  it('refuses a user mailbox whose address is not approved while the organization requires approval for users', () => {
    for (const status of [EmailApprovalStatus.Empty, EmailApprovalStatus.PendingApproval, EmailApprovalStatus.Rejected]) {
      expect(conditionsOf(mailbox({ emailRouterAccessApproval: status }))).toEqual(['EmailAddressNotApproved']);
    }
    const failure = checkPreconditions(mailbox({ emailRouterAccessApproval: 2 }), directoryWith())[0];
    expect(failure?.params).toMatchObject({ approvalStatus: 'Pending Approval', recordType: 'users' });
  });

  it('lets an unapproved user mailbox through when the organization does not require approval for users', () => {
    const relaxed = organization({ settings: { ...settings, requireApprovalForUserEmail: false } });
    expect(conditionsOf(mailbox({ emailRouterAccessApproval: 2 }), directoryWith({ organization: relaxed }))).toEqual([]);
  });

  it('checks queue mailboxes against the queue setting, not the user setting', () => {
    const pending = queueMailbox({ emailRouterAccessApproval: EmailApprovalStatus.PendingApproval });
    const queuesOnly = organization({ settings: { ...settings, requireApprovalForUserEmail: false, requireApprovalForQueueEmail: true } });
    const usersOnly = organization({ settings: { ...settings, requireApprovalForUserEmail: true, requireApprovalForQueueEmail: false } });
    expect(conditionsOf(pending, directoryWith({ organization: queuesOnly }))).toEqual(['EmailAddressNotApproved']);
    expect(checkPreconditions(pending, directoryWith({ organization: queuesOnly }))[0]?.params.recordType).toBe('queues');
    expect(conditionsOf(pending, directoryWith({ organization: usersOnly }))).toEqual([]);
  });

  it('reports every failed precondition, not only the first', () => {
    const broken = mailbox({ active: false, emailServerProfileId: null, emailRouterAccessApproval: EmailApprovalStatus.Rejected });
    expect(conditionsOf(broken)).toEqual(['MailboxInactive', 'NoServerProfile', 'EmailAddressNotApproved']);
  });
});

describe('the request for the Exchange connector', () => {
  it('names the mailbox, its profile, the parts to test, the organization and its tenant', () => {
    const request = readyRequest(mailbox({ actDeliveryMethod: ActDeliveryMethod.None }));
    expect(request).toEqual({
      organization: { id: 'org-contoso', name: 'Contoso' },
      tenantId: 'tenant-contoso',
      mailbox: { id: 'mailbox-ann', name: 'Ann Lee', emailAddress: 'ann@contoso.com' },
      profile: { id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline' },
      parts: ['incoming', 'outgoing'],
      makePrimarySyncOrganization: false,
      attempt: 1,
    });
  });

  it('derives the attempt from the stored retry count so a restart asks for the same attempt', () => {
    expect(readyRequest(mailbox({ testEmailConfigurationRetryCount: 3 })).attempt).toBe(4);
  });

  it('tells the connector to claim primary sync when "sync items with Exchange from this org only" is set', () => {
    expect(readyRequest(mailbox({ orgMarkedAsPrimaryForExchangeSync: true })).makePrimarySyncOrganization).toBe(true);
  });

  it('blocks the test and names the profile for its wall when a precondition fails', () => {
    const plan = planMailboxTest(mailbox({ emailRouterAccessApproval: 2 }), directoryWith());
    expect(plan).toMatchObject({ kind: 'blocked', profileId: 'profile-exo', failures: [{ condition: 'EmailAddressNotApproved' }] });
  });
});

describe('a test that cannot start', () => {
  it('posts one alert per failed precondition on the mailbox wall and the profile wall', () => {
    const subject = mailbox({ active: false, emailRouterAccessApproval: EmailApprovalStatus.Rejected });
    const plan = planMailboxTest(subject, directoryWith());
    if (plan.kind !== 'blocked') throw new Error('expected a blocked plan');
    const result = applyTestOutcome(subject, plan, settings, NOW, sequentialIds());
    expect(result.alerts.map((alert) => [alert.code, alert.regarding.type])).toEqual([
      ['MailboxInactive', 'mailbox'],
      ['MailboxInactive', 'emailserverprofile'],
      ['EmailAddressNotApproved', 'mailbox'],
      ['EmailAddressNotApproved', 'emailserverprofile'],
    ]);
    expect(result.alerts.every((alert) => alert.level === AlertLevel.Error)).toBe(true);
    expect(result.verdict).toBe('disabled');
    expect(result.reason).toContain('is not approved (Rejected)');
  });

  it('posts only to the mailbox wall when there is no profile', () => {
    const subject = mailbox({ emailServerProfileId: null });
    const plan = planMailboxTest(subject, directoryWith());
    if (plan.kind !== 'blocked') throw new Error('expected a blocked plan');
    const result = applyTestOutcome(subject, plan, settings, NOW, sequentialIds());
    expect(result.alerts).toEqual([
      {
        id: 'alert-1',
        level: 3,
        code: 'NoServerProfile',
        text: 'The mailbox Ann Lee was not tested because it has no email server profile.',
        regarding: { type: 'mailbox', id: 'mailbox-ann' },
        createdOn: '2025-03-01T10:00:00.000Z',
      },
    ]);
  });

  it('marks the concerned parts Failure, leaves the others Not Run, and disables the mailbox', () => {
    const subject = mailbox({ enabledForIncomingEmail: true, enabledForOutgoingEmail: true, enabledForAct: true });
    const pop3 = [profile({ serverType: 'Pop3Smtp', name: 'Mail' })];
    const plan = planMailboxTest(subject, directoryWith({ profiles: pop3 }));
    if (plan.kind !== 'blocked') throw new Error('expected a blocked plan');
    const { mailbox: after, conditions } = applyTestOutcome(subject, plan, settings, NOW, sequentialIds());
    expect(conditions).toEqual(['ActNotSupportedByProfile']);
    expect([after.incomingEmailStatus, after.outgoingEmailStatus, after.actStatus, after.mailboxStatus]).toEqual([0, 0, 2, 2]);
    expect([after.enabledForIncomingEmail, after.enabledForOutgoingEmail, after.enabledForAct]).toEqual([false, false, false]);
    expect(after.testEmailConfigurationScheduled).toBe(false);
    expect(after.testMailboxAccessCompletedOn).toBe(NOW.toISOString());
  });
});

describe('a successful test', () => {
  const subject = mailbox({ testEmailConfigurationRetryCount: 4, postponeTestEmailConfigurationUntil: '2025-03-01T09:55:00.000Z' });
  const result = applyTestOutcome(subject, tested(readyRequest(subject), allParts(success)), settings, NOW, sequentialIds());

  it('writes Success (1) for every tested part and the mailbox, and enables them', () => {
    const after = result.mailbox;
    expect([after.incomingEmailStatus, after.outgoingEmailStatus, after.actStatus, after.mailboxStatus]).toEqual([1, 1, 1, 1]);
    expect([after.enabledForIncomingEmail, after.enabledForOutgoingEmail, after.enabledForAct]).toEqual([true, true, true]);
    expect(after.testMailboxAccessCompletedOn).toBe('2025-03-01T10:00:00.000Z');
    expect(result.verdict).toBe('enabled');
  });

  it('resets the retry count and clears the schedule', () => {
    expect(result.mailbox.testEmailConfigurationRetryCount).toBe(0);
    expect(result.mailbox.testEmailConfigurationScheduled).toBe(false);
    expect(result.mailbox.postponeTestEmailConfigurationUntil).toBeNull();
  });

  it('bumps the record version for optimistic concurrency', () => {
    expect(result.mailbox.version).toBe(subject.version + 1);
  });

  it('tells the mailbox owner with one Information alert on the mailbox wall', () => {
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({
      level: AlertLevel.Information,
      code: 'TestSucceeded',
      regarding: { type: 'mailbox', id: 'mailbox-ann' },
      text: 'The mailbox Ann Lee was tested and enabled for incoming email, outgoing email, and appointments, contacts, and tasks.',
    });
  });

  it('writes Not Run (0) and leaves disabled the parts that were not tested', () => {
    const emailOnly = mailbox({ actDeliveryMethod: ActDeliveryMethod.MicrosoftDynamics365ForOutlook, enabledForAct: true });
    const request = readyRequest(emailOnly);
    const after = applyTestOutcome(emailOnly, tested(request, { parts: { incoming: success, outgoing: success } }), settings, NOW, sequentialIds()).mailbox;
    expect([after.incomingEmailStatus, after.outgoingEmailStatus, after.actStatus, after.mailboxStatus]).toEqual([1, 1, 0, 1]);
    expect(after.enabledForAct).toBe(false);
  });
});

describe('transient failures', () => {
  it('schedules a retry after the backoff and counts the failure, then a success resets everything', () => {
    const subject = mailbox();
    const first = applyTestOutcome(subject, tested(readyRequest(subject), allParts(unreachable)), settings, NOW, sequentialIds());
    expect(first.verdict).toBe('retryScheduled');
    expect(first.mailbox).toMatchObject({
      testEmailConfigurationRetryCount: 1,
      testEmailConfigurationScheduled: true,
      postponeTestEmailConfigurationUntil: '2025-03-01T10:05:00.000Z',
      incomingEmailStatus: TestStatus.Failure,
      mailboxStatus: TestStatus.Failure,
      enabledForIncomingEmail: false,
    });
    expect(first.alerts.map((alert) => [alert.code, alert.level, alert.regarding.type])).toEqual([
      ['ServerUnreachable', AlertLevel.Warning, 'mailbox'],
      ['ServerUnreachable', AlertLevel.Warning, 'emailserverprofile'],
    ]);
    expect(first.alerts[0]?.text).toBe(
      'An error occurred in receiving and sending email and synchronizing appointments, contacts, and tasks for the mailbox Ann Lee while connecting to the email server. Dynamics 365 will try to receive and send email and synchronize appointments, contacts, and tasks again later.',
    );

    const later = new Date('2025-03-01T10:05:00.000Z');
    expect(isTestDue(first.mailbox, new Date('2025-03-01T10:04:59.000Z'))).toBe(false);
    expect(isTestDue(first.mailbox, later)).toBe(true);
    const retryRequest = readyRequest(first.mailbox);
    expect(retryRequest.attempt).toBe(2);
    const second = applyTestOutcome(first.mailbox, tested(retryRequest, allParts(success)), settings, later, sequentialIds());
    expect(second.verdict).toBe('enabled');
    expect(second.mailbox).toMatchObject({ testEmailConfigurationRetryCount: 0, testEmailConfigurationScheduled: false, postponeTestEmailConfigurationUntil: null, mailboxStatus: 1 });
  });

  it('retries ten times with the default settings and disables the mailbox at the eleventh failure', () => {
    let current = mailbox();
    let at = NOW;
    const verdicts: string[] = [];
    for (let failure = 1; failure <= 11; failure++) {
      const result = applyTestOutcome(current, tested(readyRequest(current), allParts(unreachable)), settings, at, sequentialIds());
      verdicts.push(result.verdict);
      current = result.mailbox;
      at = new Date(at.getTime() + 5 * 60_000);
      if (failure === 11) {
        expect(result.conditions).toEqual(['TransientRetriesExhausted']);
        expect(result.alerts.map((alert) => [alert.code, alert.level])).toEqual([
          ['TransientRetriesExhausted', AlertLevel.Error],
          ['TransientRetriesExhausted', AlertLevel.Error],
        ]);
        expect(result.alerts[0]?.text).toContain('failed 11 times in a row');
        expect(result.alerts[0]?.text).toContain('ConnectFailure');
      }
    }
    expect(verdicts).toEqual([...Array<string>(10).fill('retryScheduled'), 'disabled']);
    expect(current).toMatchObject({
      testEmailConfigurationRetryCount: 11,
      testEmailConfigurationScheduled: false,
      postponeTestEmailConfigurationUntil: null,
      enabledForIncomingEmail: false,
      mailboxStatus: TestStatus.Failure,
    });
  });

  it('follows the organization retry knobs', () => {
    const strict: EmailSettings = { ...settings, maxMailboxTransientFailures: 1, mailboxBackoffOnTransientErrorMinutes: 30 };
    const first = applyTestOutcome(mailbox(), tested(readyRequest(mailbox()), allParts(unreachable)), strict, NOW, sequentialIds());
    expect(first.mailbox.postponeTestEmailConfigurationUntil).toBe('2025-03-01T10:30:00.000Z');
    const second = applyTestOutcome(first.mailbox, tested(readyRequest(first.mailbox), allParts(unreachable)), strict, NOW, sequentialIds());
    expect(second.verdict).toBe('disabled');
  });

  it('treats an exception from the connector as transient', () => {
    const request = readyRequest(mailbox());
    const result = applyTestOutcome(mailbox(), { kind: 'connectorError', request, message: 'socket hang up' }, settings, NOW, sequentialIds());
    expect(result.verdict).toBe('retryScheduled');
    expect(result.conditions).toEqual(['ConnectorError']);
    expect(result.alerts[0]?.text).toBe('An unexpected error occurred while testing the mailbox Ann Lee: ConnectorException: socket hang up. The test will be tried again later.');
  });

  it('treats a part the connector did not answer for as transient', () => {
    const request = readyRequest(mailbox());
    const result = applyTestOutcome(mailbox(), tested(request, { parts: { incoming: success, outgoing: success } }), settings, NOW, sequentialIds());
    expect(result.verdict).toBe('retryScheduled');
    expect(result.mailbox.actStatus).toBe(TestStatus.Failure);
    expect(result.mailbox.enabledForIncomingEmail).toBe(true);
    expect(result.reason).toContain('returned no result for appointments, contacts, and tasks');
  });
});

describe('permanent failures', () => {
  it('disable the mailbox at once without a retry and alert both walls', () => {
    const subject = mailbox({ testEmailConfigurationRetryCount: 2, enabledForIncomingEmail: true });
    const result = applyTestOutcome(subject, tested(readyRequest(subject), allParts(unauthorized)), settings, NOW, sequentialIds());
    expect(result.verdict).toBe('disabled');
    expect(result.mailbox).toMatchObject({
      incomingEmailStatus: 2,
      outgoingEmailStatus: 2,
      actStatus: 2,
      mailboxStatus: 2,
      enabledForIncomingEmail: false,
      enabledForOutgoingEmail: false,
      enabledForAct: false,
      testEmailConfigurationScheduled: false,
      postponeTestEmailConfigurationUntil: null,
    });
    expect(result.alerts.map((alert) => alert.regarding)).toEqual([
      { type: 'mailbox', id: 'mailbox-ann' },
      { type: 'emailserverprofile', id: 'profile-exo' },
    ]);
    expect(result.alerts[0]?.text).toMatch(
      /^Email cannot be received or sent and appointments, contacts, and tasks can't be synchronized for the mailbox Ann Lee because the credentials specified in the associated email server profile are incorrect/,
    );
  });

  it('win over transient failures in the same run: nothing is rescheduled', () => {
    const request = readyRequest(mailbox());
    const result = applyTestOutcome(mailbox(), tested(request, { parts: { incoming: unreachable, outgoing: unauthorized, act: success } }), settings, NOW, sequentialIds());
    expect(result.verdict).toBe('disabled');
    expect(result.conditions).toEqual(['Unauthorized']);
    expect(result.mailbox.testEmailConfigurationScheduled).toBe(false);
    expect(result.enabledParts).toEqual(['act']);
  });

  it('keep the parts that succeeded enabled when only ACT is bound to another organization', () => {
    const otherOrganization: PartOutcome = {
      status: 'permanent',
      condition: 'ActConfiguredWithAnotherOrganization',
      code: 'ActSyncOrganizationMismatch',
      message: 'Exchange synchronizes ann@contoso.com with org-fabrikam',
    };
    const request = readyRequest(mailbox());
    const result = applyTestOutcome(mailbox(), tested(request, { parts: { incoming: success, outgoing: success, act: otherOrganization } }), settings, NOW, sequentialIds());
    expect([result.mailbox.incomingEmailStatus, result.mailbox.outgoingEmailStatus, result.mailbox.actStatus, result.mailbox.mailboxStatus]).toEqual([1, 1, 2, 2]);
    expect([result.mailbox.enabledForIncomingEmail, result.mailbox.enabledForOutgoingEmail, result.mailbox.enabledForAct]).toEqual([true, true, false]);
    expect(result.alerts[0]?.text).toBe(
      "Appointments, contacts, and tasks can't be synchronized because the email address ann@contoso.com is configured with another organization.",
    );
  });

  it('group parts that failed for the same reason into one alert per wall', () => {
    const request = readyRequest(mailbox());
    const result = applyTestOutcome(mailbox(), tested(request, { parts: { incoming: unauthorized, outgoing: unauthorized, act: success } }), settings, NOW, sequentialIds());
    expect(result.alerts).toHaveLength(2);
    expect(result.alerts[0]?.text.startsWith('Email cannot be received or sent for the mailbox Ann Lee')).toBe(true);
  });
});

describe('alert settings of the organization', () => {
  it('drop Error alerts when errors are off, and draw no alert ids for them', () => {
    const ids = sequentialIds();
    const quiet: EmailSettings = { ...settings, generateAlertsForErrors: false };
    const result = applyTestOutcome(mailbox(), tested(readyRequest(mailbox()), allParts(unauthorized)), quiet, NOW, ids);
    expect(result.alerts).toEqual([]);
    expect(ids.issued).toEqual([]);
    expect(result.verdict).toBe('disabled');
  });

  it('drop the success alert when information is off', () => {
    const quiet: EmailSettings = { ...settings, generateAlertsForInformation: false };
    const result = applyTestOutcome(mailbox(), tested(readyRequest(mailbox()), allParts(success)), quiet, NOW, sequentialIds());
    expect(result.alerts).toEqual([]);
    expect(result.mailbox.mailboxStatus).toBe(TestStatus.Success);
  });

  it('drop the transient warning when warnings are off but still schedule the retry', () => {
    const quiet: EmailSettings = { ...settings, generateAlertsForWarnings: false };
    const result = applyTestOutcome(mailbox(), tested(readyRequest(mailbox()), allParts(unreachable)), quiet, NOW, sequentialIds());
    expect(result.alerts).toEqual([]);
    expect(result.mailbox.testEmailConfigurationScheduled).toBe(true);
  });

  it('keep Error alerts when only warnings and information are off', () => {
    const errorsOnly: EmailSettings = { ...settings, generateAlertsForWarnings: false, generateAlertsForInformation: false };
    const result = applyTestOutcome(mailbox(), tested(readyRequest(mailbox()), allParts(unauthorized)), errorsOnly, NOW, sequentialIds());
    expect(result.alerts.map((alert) => alert.code)).toEqual(['Unauthorized', 'Unauthorized']);
  });
});

describe('starting a Test & Enable run', () => {
  it('schedules it now with a fresh retry budget and stores the "sync from this org only" choice', () => {
    const exhausted = mailbox({ testEmailConfigurationScheduled: false, testEmailConfigurationRetryCount: 11, postponeTestEmailConfigurationUntil: '2025-03-01T11:00:00.000Z' });
    const scheduled = scheduleTestAndEnable(exhausted, { syncFromThisOrgOnly: true });
    expect(scheduled).toMatchObject({
      testEmailConfigurationScheduled: true,
      testEmailConfigurationRetryCount: 0,
      postponeTestEmailConfigurationUntil: null,
      orgMarkedAsPrimaryForExchangeSync: true,
      version: exhausted.version + 1,
    });
    expect(isTestDue(scheduled, NOW)).toBe(true);
  });

  it('keeps the stored "sync from this org only" choice when none is given', () => {
    expect(scheduleTestAndEnable(mailbox({ orgMarkedAsPrimaryForExchangeSync: true })).orgMarkedAsPrimaryForExchangeSync).toBe(true);
  });

  it('never finds an unscheduled or inactive mailbox due', () => {
    expect(isTestDue(mailbox({ testEmailConfigurationScheduled: false }), NOW)).toBe(false);
    expect(isTestDue(mailbox({ active: false }), NOW)).toBe(false);
  });
});
