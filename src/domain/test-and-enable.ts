// Test & Enable as pure rules (domain.md §7, §8): what must hold before Exchange is contacted, what to ask
// the Exchange connector, and how its answer changes the mailbox record and which alerts it posts.
// Approving the address (including self-approval during Test & Enable, §5.4) is the permission model's job;
// here we only check whether the address is approved when the organization requires it.
import {
  buildAlert,
  partLabel,
  partPhrases,
  renderAlertText,
  type AlertConditionCode,
  type AlertIdSource,
  type AlertParams,
  type MailboxPart,
  type PermanentExchangeCondition,
  type PreconditionCondition,
  type TransientExchangeCondition,
} from './alert-catalog.js';
import type { Directory } from './directory.js';
import type { Alert, AlertRegarding, EmailServerProfile, EmailSettings, Mailbox, Organization } from './model.js';
import {
  ActDeliveryMethod,
  approvalStatusLabel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  serverTypeLabel,
  TestStatus,
  type ServerType,
} from './options.js';

export type { MailboxPart } from './alert-catalog.js';

/** Product defaults of the retry knobs (domain.md §7.3: up to 10 times, 5 minutes apart). */
export const DEFAULT_MAX_MAILBOX_TRANSIENT_FAILURES = 10;
export const DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES = 5;

/** What the Exchange connector is asked to test for one mailbox. */
export interface MailboxTestRequest {
  readonly organization: { readonly id: string; readonly name: string };
  /** Entra tenant the profile expects Exchange to live in (the organization's Exchange Online tenant, else its own). */
  readonly tenantId: string;
  readonly mailbox: { readonly id: string; readonly name: string; readonly emailAddress: string };
  readonly profile: { readonly id: string; readonly name: string; readonly serverType: ServerType };
  /** Only the parts whose delivery method is server-side synchronization. */
  readonly parts: readonly MailboxPart[];
  /** "Sync items with Exchange from this org only…": overwrite the organization stamped in Exchange (§8). */
  readonly makePrimarySyncOrganization: boolean;
  /** 1-based attempt number in the current Test & Enable run; lets a simulation stay deterministic across restarts. */
  readonly attempt?: number;
  /**
   * When the job asking for this test began (ISO time): a test of the mailbox the platform completed since then is
   * this job's (scheduled when the job started, or by an instance that died before recording it), not to be run again.
   */
  readonly scheduledSince?: string;
}

export type PartOutcome =
  | { readonly status: 'success'; readonly code: string; readonly message: string }
  | { readonly status: 'transient'; readonly condition: TransientExchangeCondition; readonly code: string; readonly message: string }
  | { readonly status: 'permanent'; readonly condition: PermanentExchangeCondition; readonly code: string; readonly message: string };

/** The connector's answer: one outcome per part it was asked to test. */
export interface ConnectorTestResult {
  readonly parts: Readonly<Partial<Record<MailboxPart, PartOutcome>>>;
}

export interface PreconditionFailure {
  readonly condition: PreconditionCondition;
  /** The tested parts this failure concerns; they get status Failure, the others Not Run. */
  readonly parts: readonly MailboxPart[];
  readonly params: AlertParams;
}

/** Test & Enable cannot start: nothing is sent to Exchange. */
export interface BlockedTest {
  readonly kind: 'blocked';
  readonly failures: readonly PreconditionFailure[];
  /** Profile whose wall also gets the alerts; null when the mailbox has no (existing) profile. */
  readonly profileId: string | null;
}

export type TestPlan = { readonly kind: 'ready'; readonly request: MailboxTestRequest } | BlockedTest;

export type TestOutcome =
  | BlockedTest
  | { readonly kind: 'tested'; readonly request: MailboxTestRequest; readonly result: ConnectorTestResult }
  /** The connector threw: an unexpected error, handled as transient. */
  | { readonly kind: 'connectorError'; readonly request: MailboxTestRequest; readonly message: string };

export interface TestAndEnableResult {
  readonly mailbox: Mailbox;
  /** Alerts to append to the walls, already filtered by the organization's alert settings. */
  readonly alerts: readonly Alert[];
  /**
   * `enabled`: every tested part succeeded. `retryScheduled`: a transient failure, tried again later.
   * `disabled`: a permanent failure, a failed precondition, or too many transient failures; parts that
   * succeeded in this run stay enabled.
   */
  readonly verdict: 'enabled' | 'retryScheduled' | 'disabled';
  readonly enabledParts: readonly MailboxPart[];
  readonly conditions: readonly AlertConditionCode[];
  /** One or two sentences for the person who asked. */
  readonly reason: string;
}

/** Parts whose delivery method is server-side synchronization, in the fixed order incoming, outgoing, ACT. */
export function partsToTest(mailbox: Mailbox): readonly MailboxPart[] {
  const parts: MailboxPart[] = [];
  if (mailbox.incomingEmailDeliveryMethod === IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter) parts.push('incoming');
  if (mailbox.outgoingEmailDeliveryMethod === OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter) parts.push('outgoing');
  if (mailbox.actDeliveryMethod === ActDeliveryMethod.ServerSideSynchronization) parts.push('act');
  return parts;
}

const profileServesExchangeOnline = (profile: EmailServerProfile): boolean => profile.serverType === 'ExchangeOnline';
const profileSupportsAct = (profile: EmailServerProfile): boolean => profile.serverType !== 'Pop3Smtp' && profile.serverType !== 'ImapSmtp';

const hasSameTenantExchangeOnline = (organization: Organization): boolean =>
  organization.exchangeOnline.subscribed && organization.exchangeOnline.tenantId === organization.tenantId;

function approvalRequirement(mailbox: Mailbox, settings: EmailSettings): { recordType: string; setting: string } | null {
  if (mailbox.regarding.type === 'systemuser') {
    return settings.requireApprovalForUserEmail ? { recordType: 'users', setting: 'Process emails only for approved users' } : null;
  }
  return settings.requireApprovalForQueueEmail ? { recordType: 'queues', setting: 'Process emails only for approved queues' } : null;
}

const linkedProfile = (mailbox: Mailbox, directory: Directory): EmailServerProfile | undefined =>
  mailbox.emailServerProfileId === null ? undefined : directory.profileById(mailbox.emailServerProfileId);

/** Every reason the mailbox cannot be tested, each its own failure (and alert); empty when it can be. */
export function checkPreconditions(mailbox: Mailbox, directory: Directory): readonly PreconditionFailure[] {
  const organization = directory.organization;
  const parts = partsToTest(mailbox);
  const base: AlertParams = { name: mailbox.name, email: mailbox.emailAddress };
  const failures: PreconditionFailure[] = [];

  if (!mailbox.active) failures.push({ condition: 'MailboxInactive', parts, params: base });
  if (parts.length === 0) failures.push({ condition: 'NoServerSideSyncDeliveryMethod', parts, params: base });

  // A dangling profile id (profile deleted) is the same as none: delete behaviour is RemoveLink (§1.1).
  const profile = linkedProfile(mailbox, directory);
  if (profile === undefined) {
    failures.push({ condition: 'NoServerProfile', parts, params: base });
  } else {
    const withProfile: AlertParams = { ...base, profile: profile.name, serverType: serverTypeLabel[profile.serverType] };
    if (!profile.active) failures.push({ condition: 'ServerProfileInactive', parts, params: withProfile });
    if (profileServesExchangeOnline(profile) && !hasSameTenantExchangeOnline(organization)) {
      failures.push({
        condition: 'ExchangeOnlineSubscriptionMissing',
        parts,
        params: { ...withProfile, organization: organization.name, tenant: organization.tenantId },
      });
    }
    if (parts.includes('act') && !profileSupportsAct(profile)) {
      failures.push({ condition: 'ActNotSupportedByProfile', parts: ['act'], params: withProfile });
    }
  }

  const requirement = approvalRequirement(mailbox, organization.settings);
  if (requirement !== null && mailbox.emailRouterAccessApproval !== EmailApprovalStatus.Approved) {
    failures.push({
      condition: 'EmailAddressNotApproved',
      parts,
      params: {
        ...base,
        approvalStatus: approvalStatusLabel[mailbox.emailRouterAccessApproval],
        recordType: requirement.recordType,
        approvalSetting: requirement.setting,
      },
    });
  }
  return failures;
}

/** The connector request for a mailbox, or why Test & Enable cannot start. */
export function planMailboxTest(mailbox: Mailbox, directory: Directory): TestPlan {
  const failures = checkPreconditions(mailbox, directory);
  const profile = linkedProfile(mailbox, directory);
  if (failures.length > 0 || profile === undefined) {
    return { kind: 'blocked', failures, profileId: profile?.id ?? null };
  }
  const organization = directory.organization;
  return {
    kind: 'ready',
    request: {
      organization: { id: organization.id, name: organization.name },
      tenantId: organization.exchangeOnline.tenantId ?? organization.tenantId,
      mailbox: { id: mailbox.id, name: mailbox.name, emailAddress: mailbox.emailAddress },
      profile: { id: profile.id, name: profile.name, serverType: profile.serverType },
      parts: partsToTest(mailbox),
      makePrimarySyncOrganization: mailbox.orgMarkedAsPrimaryForExchangeSync,
      // Derived from the stored count so a restarted job asks for the same attempt again.
      attempt: mailbox.testEmailConfigurationRetryCount + 1,
    },
  };
}

/**
 * A new Test & Enable run (from a grid, a form, Apply Default Email Settings or a profile): scheduled now,
 * with a fresh retry budget. The "sync from this org only" choice is stored on the mailbox so retries keep it.
 */
export function scheduleTestAndEnable(mailbox: Mailbox, options: { readonly syncFromThisOrgOnly?: boolean } = {}): Mailbox {
  return {
    ...mailbox,
    testEmailConfigurationScheduled: true,
    testEmailConfigurationRetryCount: 0,
    postponeTestEmailConfigurationUntil: null,
    orgMarkedAsPrimaryForExchangeSync: options.syncFromThisOrgOnly ?? mailbox.orgMarkedAsPrimaryForExchangeSync,
    version: mailbox.version + 1,
  };
}

/** Whether the background job should test this mailbox now. */
export function isTestDue(mailbox: Mailbox, now: Date): boolean {
  if (!mailbox.testEmailConfigurationScheduled || !mailbox.active) return false;
  return mailbox.postponeTestEmailConfigurationUntil === null || Date.parse(mailbox.postponeTestEmailConfigurationUntil) <= now.getTime();
}

interface FailedPart {
  readonly part: MailboxPart;
  readonly outcome: Exclude<PartOutcome, { status: 'success' }>;
}

interface ConditionGroup {
  readonly condition: AlertConditionCode;
  readonly parts: readonly MailboxPart[];
}

function groupByCondition(failed: readonly FailedPart[]): readonly ConditionGroup[] {
  const groups = new Map<AlertConditionCode, MailboxPart[]>();
  for (const { part, outcome } of failed) {
    const parts = groups.get(outcome.condition) ?? [];
    parts.push(part);
    groups.set(outcome.condition, parts);
  }
  return [...groups].map(([condition, parts]) => ({ condition, parts }));
}

const statusFor = (part: MailboxPart, failed: ReadonlySet<MailboxPart>, succeeded: ReadonlySet<MailboxPart>): TestStatus =>
  failed.has(part) ? TestStatus.Failure : succeeded.has(part) ? TestStatus.Success : TestStatus.NotRun;

interface RecordChanges {
  readonly failed: ReadonlySet<MailboxPart>;
  readonly succeeded: ReadonlySet<MailboxPart>;
  readonly retryCount: number;
  readonly retryAt: Date | null;
}

function testedMailbox(mailbox: Mailbox, changes: RecordChanges, now: Date): Mailbox {
  const { failed, succeeded } = changes;
  return {
    ...mailbox,
    incomingEmailStatus: statusFor('incoming', failed, succeeded),
    outgoingEmailStatus: statusFor('outgoing', failed, succeeded),
    actStatus: statusFor('act', failed, succeeded),
    // Nothing tested (a failed precondition) is still a failed Test & Enable.
    mailboxStatus: failed.size === 0 && succeeded.size > 0 ? TestStatus.Success : TestStatus.Failure,
    enabledForIncomingEmail: succeeded.has('incoming'),
    enabledForOutgoingEmail: succeeded.has('outgoing'),
    enabledForAct: succeeded.has('act'),
    testEmailConfigurationScheduled: changes.retryAt !== null,
    testEmailConfigurationRetryCount: changes.retryCount,
    postponeTestEmailConfigurationUntil: changes.retryAt?.toISOString() ?? null,
    testMailboxAccessCompletedOn: now.toISOString(),
    version: mailbox.version + 1,
  };
}

interface AlertContext {
  readonly mailbox: Mailbox;
  readonly profileId: string | null;
  readonly settings: EmailSettings;
  readonly now: Date;
  readonly ids: AlertIdSource;
}

/** A failure goes to the mailbox's wall and its profile's wall (the profile owner is told of every error). */
function failureAlerts(condition: AlertConditionCode, params: AlertParams, context: AlertContext): readonly Alert[] {
  const walls: AlertRegarding[] = [{ type: 'mailbox', id: context.mailbox.id }];
  if (context.profileId !== null) walls.push({ type: 'emailserverprofile', id: context.profileId });
  return walls.flatMap((regarding) => buildAlert({ condition, params, regarding }, context.settings, context.now, context.ids) ?? []);
}

function applyBlocked(mailbox: Mailbox, outcome: BlockedTest, settings: EmailSettings, now: Date, ids: AlertIdSource): TestAndEnableResult {
  const failedParts = new Set(outcome.failures.flatMap((failure) => failure.parts));
  const context: AlertContext = { mailbox, profileId: outcome.profileId, settings, now, ids };
  const record = testedMailbox(mailbox, { failed: failedParts, succeeded: new Set(), retryCount: mailbox.testEmailConfigurationRetryCount, retryAt: null }, now);
  return {
    mailbox: record,
    alerts: outcome.failures.flatMap((failure) => failureAlerts(failure.condition, failure.params, context)),
    verdict: 'disabled',
    enabledParts: [],
    conditions: outcome.failures.map((failure) => failure.condition),
    reason: `Not tested: ${outcome.failures.map((failure) => renderAlertText(failure.condition, failure.params)).join(' ')}`,
  };
}

function partOutcomes(outcome: Exclude<TestOutcome, BlockedTest>): readonly { part: MailboxPart; outcome: PartOutcome }[] {
  return outcome.request.parts.map((part) => {
    if (outcome.kind === 'connectorError') {
      return { part, outcome: { status: 'transient', condition: 'ConnectorError', code: 'ConnectorException', message: outcome.message } };
    }
    const answered = outcome.result.parts[part];
    const missing: PartOutcome = {
      status: 'transient',
      condition: 'ConnectorError',
      code: 'NoResult',
      message: `the Exchange connector returned no result for ${partLabel[part]}`,
    };
    return { part, outcome: answered ?? missing };
  });
}

/** "code: message" of the failures, each distinct one once (all parts usually fail the same way). */
const errorDetails = (failed: readonly FailedPart[]): string =>
  [...new Set(failed.map((entry) => `${entry.outcome.code}: ${entry.outcome.message}`))].join('; ');

const addMinutes = (date: Date, minutes: number): Date => new Date(date.getTime() + minutes * 60_000);

/**
 * The mailbox after a Test & Enable attempt, and the alerts to post. Permanent failures disable at once;
 * transient ones are retried `mailboxBackoffOnTransientErrorMinutes` later until more than
 * `maxMailboxTransientFailures` have happened in a row, then the mailbox is disabled; success resets the retries.
 */
export function applyTestOutcome(mailbox: Mailbox, outcome: TestOutcome, settings: EmailSettings, now: Date, ids: AlertIdSource): TestAndEnableResult {
  if (outcome.kind === 'blocked') return applyBlocked(mailbox, outcome, settings, now, ids);

  const { request } = outcome;
  const results = partOutcomes(outcome);
  const succeeded = new Set(results.filter((entry) => entry.outcome.status === 'success').map((entry) => entry.part));
  const failedParts: FailedPart[] = [];
  for (const { part, outcome: partOutcome } of results) {
    if (partOutcome.status !== 'success') failedParts.push({ part, outcome: partOutcome });
  }
  const failed = new Set(failedParts.map((entry) => entry.part));
  const enabledParts = request.parts.filter((part) => succeeded.has(part));
  const context: AlertContext = { mailbox, profileId: request.profile.id, settings, now, ids };
  const baseParams: AlertParams = {
    name: mailbox.name,
    email: mailbox.emailAddress,
    profile: request.profile.name,
    serverType: serverTypeLabel[request.profile.serverType],
    organization: request.organization.name,
  };
  const paramsFor = (parts: readonly MailboxPart[], details = ''): AlertParams => ({ ...baseParams, ...partPhrases(parts), details });

  if (failedParts.length === 0) {
    const params = paramsFor(enabledParts);
    const alert = buildAlert({ condition: 'TestSucceeded', params, regarding: { type: 'mailbox', id: mailbox.id } }, settings, now, ids);
    return {
      mailbox: testedMailbox(mailbox, { failed, succeeded, retryCount: 0, retryAt: null }, now),
      alerts: alert === null ? [] : [alert],
      verdict: 'enabled',
      enabledParts,
      conditions: ['TestSucceeded'],
      reason: renderAlertText('TestSucceeded', params),
    };
  }

  const permanent = failedParts.filter((entry) => entry.outcome.status === 'permanent');
  if (permanent.length > 0) {
    // Parts that failed only transiently are not retried either: the run needs the owner to act first.
    const groups = groupByCondition(permanent);
    // A failure the catalog does not know carries the platform's own words (code and text) as its details.
    const groupParams = (group: (typeof groups)[number]): AlertParams =>
      paramsFor(group.parts, group.condition === 'ReportedByPlatform' ? errorDetails(permanent.filter((entry) => entry.outcome.condition === group.condition)) : '');
    const texts = groups.map((group) => renderAlertText(group.condition, groupParams(group)));
    return {
      mailbox: testedMailbox(mailbox, { failed, succeeded, retryCount: mailbox.testEmailConfigurationRetryCount, retryAt: null }, now),
      alerts: groups.flatMap((group) => failureAlerts(group.condition, groupParams(group), context)),
      verdict: 'disabled',
      enabledParts,
      conditions: groups.map((group) => group.condition),
      reason: texts.join(' '),
    };
  }

  const failureCount = mailbox.testEmailConfigurationRetryCount + 1;
  const lastError = errorDetails(failedParts);
  if (failureCount > settings.maxMailboxTransientFailures) {
    const exhaustedParams: AlertParams = { ...paramsFor([...failed], lastError), attempts: String(failureCount) };
    return {
      mailbox: testedMailbox(mailbox, { failed, succeeded, retryCount: failureCount, retryAt: null }, now),
      alerts: failureAlerts('TransientRetriesExhausted', exhaustedParams, context),
      verdict: 'disabled',
      enabledParts,
      conditions: ['TransientRetriesExhausted'],
      reason: renderAlertText('TransientRetriesExhausted', exhaustedParams),
    };
  }

  const retryAt = addMinutes(now, settings.mailboxBackoffOnTransientErrorMinutes);
  const groups = groupByCondition(failedParts);
  const groupParams = (group: ConditionGroup): AlertParams =>
    paramsFor(group.parts, errorDetails(failedParts.filter((entry) => entry.outcome.condition === group.condition)));
  const texts = groups.map((group) => renderAlertText(group.condition, groupParams(group)));
  return {
    mailbox: testedMailbox(mailbox, { failed, succeeded, retryCount: failureCount, retryAt }, now),
    alerts: groups.flatMap((group) => failureAlerts(group.condition, groupParams(group), context)),
    verdict: 'retryScheduled',
    enabledParts,
    conditions: groups.map((group) => group.condition),
    reason: `${texts.join(' ')} Temporary failure ${failureCount} of ${settings.maxMailboxTransientFailures} tolerated; next attempt at ${retryAt.toISOString()}.`,
  };
}
