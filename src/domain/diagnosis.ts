// Why a mailbox is not working, from its statuses, its latest alerts and the Test & Enable preconditions, with
// the fix the bot can make where there is one. Pure: the caller loads the mailbox, its directory and alerts.
import { alertCondition, isAlertConditionCode, type AlertConditionCode } from './alert-catalog.js';
import type { Directory } from './directory.js';
import type { Alert, Mailbox } from './model.js';
import { EmailApprovalStatus, TestStatus } from './options.js';
import { checkPreconditions, type PreconditionFailure } from './test-and-enable.js';

/** What a person reading the card should take away first. */
export type MailboxHealth = 'working' | 'failing' | 'retrying' | 'notTested' | 'blocked';

/** A fix the bot itself can make, as the exact command it would run (previewed and confirmed like any write). */
export type DiagnosisFix =
  | { readonly kind: 'approve'; readonly label: 'Approve email address' }
  | { readonly kind: 'requestApproval'; readonly label: 'Request approval' }
  | { readonly kind: 'applyDefaults'; readonly label: 'Apply default settings' }
  | { readonly kind: 'syncFromThisOrgOnly'; readonly label: 'Sync from this org only' }
  | { readonly kind: 'testAgain'; readonly label: 'Test again' };

export type DiagnosisCauseCode =
  | 'inactive'
  | 'rejected'
  | 'notApproved'
  | 'wrongDeliveryMethod'
  | 'noProfile'
  | 'profileInactive'
  | 'exchangeOnlineMissing'
  | 'actNotSupported'
  | 'anotherPrimaryOrganization'
  | 'credentials'
  | 'mailboxNotFound'
  | 'serverUnreachable'
  | 'retriesExhausted'
  | 'unknownFailure'
  | 'neverTested';

export interface DiagnosisCause {
  readonly code: DiagnosisCauseCode;
  /** One sentence: what is wrong. */
  readonly summary: string;
  /** What to do about it, including who must act when the bot cannot. */
  readonly advice: string;
}

export interface Diagnosis {
  readonly health: MailboxHealth;
  /** Every cause found, the likeliest first. Empty when the mailbox works. */
  readonly causes: readonly DiagnosisCause[];
  /** The fix for the likeliest cause, when the bot can make it. */
  readonly fix: DiagnosisFix | undefined;
}

const FIX = {
  approve: { kind: 'approve', label: 'Approve email address' },
  requestApproval: { kind: 'requestApproval', label: 'Request approval' },
  applyDefaults: { kind: 'applyDefaults', label: 'Apply default settings' },
  syncFromThisOrgOnly: { kind: 'syncFromThisOrgOnly', label: 'Sync from this org only' },
  testAgain: { kind: 'testAgain', label: 'Test again' },
} as const satisfies Record<DiagnosisFix['kind'], DiagnosisFix>;

function causeOfPrecondition(failure: PreconditionFailure, mailbox: Mailbox): { cause: DiagnosisCause; fix: DiagnosisFix | undefined } {
  const advice = alertCondition(failure.condition).advice;
  switch (failure.condition) {
    case 'MailboxInactive':
      return { cause: { code: 'inactive', summary: 'The mailbox is inactive: its user or queue is disabled.', advice }, fix: undefined };
    case 'EmailAddressNotApproved':
      if (mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected) {
        return { cause: { code: 'rejected', summary: `The email address ${mailbox.emailAddress} was rejected by an approver.`, advice: 'The owner can request approval again; an approver must then approve it.' }, fix: FIX.requestApproval };
      }
      return {
        cause: { code: 'notApproved', summary: `The email address ${mailbox.emailAddress} is not approved, and the organization processes email only for approved addresses.`, advice },
        fix: mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval ? FIX.approve : FIX.requestApproval,
      };
    case 'NoServerSideSyncDeliveryMethod':
      return { cause: { code: 'wrongDeliveryMethod', summary: 'None of incoming email, outgoing email or appointments, contacts and tasks uses server-side synchronization.', advice }, fix: FIX.applyDefaults };
    case 'NoServerProfile':
      return { cause: { code: 'noProfile', summary: 'The mailbox has no email server profile.', advice }, fix: FIX.applyDefaults };
    case 'ServerProfileInactive':
      return { cause: { code: 'profileInactive', summary: `The email server profile ${failure.params.profile ?? ''} is inactive.`, advice }, fix: undefined };
    case 'ExchangeOnlineSubscriptionMissing':
      return { cause: { code: 'exchangeOnlineMissing', summary: 'The profile is for Exchange Online, but this organization has no Exchange Online subscription in its own tenant.', advice }, fix: undefined };
    case 'ActNotSupportedByProfile':
      return { cause: { code: 'actNotSupported', summary: 'Appointments, contacts and tasks use server-side synchronization, which this profile cannot do.', advice }, fix: FIX.applyDefaults };
  }
}

const exchangeCauses: Partial<Record<AlertConditionCode, { code: DiagnosisCauseCode; summary: string; fix: DiagnosisFix | undefined }>> = {
  ActConfiguredWithAnotherOrganization: { code: 'anotherPrimaryOrganization', summary: 'Exchange synchronizes this mailbox with another Dynamics 365 organization.', fix: FIX.syncFromThisOrgOnly },
  Unauthorized: { code: 'credentials', summary: 'Exchange refused the credentials of the email server profile.', fix: FIX.testAgain },
  SecureConnectionFailure: { code: 'credentials', summary: 'A secure connection to Exchange could not be made.', fix: FIX.testAgain },
  NotApprovedByO365Admin: { code: 'notApproved', summary: 'Exchange reports that the email address is not approved by a Microsoft 365 administrator.', fix: FIX.approve },
  MailboxNotFound: { code: 'mailboxNotFound', summary: 'Exchange cannot find a mailbox with this address.', fix: FIX.testAgain },
  ServerUnreachable: { code: 'serverUnreachable', summary: 'Exchange could not be reached; the test is tried again automatically.', fix: undefined },
  ConnectorError: { code: 'serverUnreachable', summary: 'The connection to Exchange failed unexpectedly; the test is tried again automatically.', fix: undefined },
  TransientRetriesExhausted: { code: 'retriesExhausted', summary: 'Exchange could not be reached in any of the retries, so the mailbox was disabled.', fix: FIX.testAgain },
};

const isFailure = (mailbox: Mailbox): boolean =>
  [mailbox.mailboxStatus, mailbox.incomingEmailStatus, mailbox.outgoingEmailStatus, mailbox.actStatus].includes(TestStatus.Failure);

/**
 * The likeliest cause first: what blocks Test & Enable outright (preconditions) before what Exchange said,
 * and Exchange's latest word before older ones. `alerts` are the mailbox's own, any order.
 */
export function diagnoseMailbox(mailbox: Mailbox, directory: Directory, alerts: readonly Alert[]): Diagnosis {
  const found: { cause: DiagnosisCause; fix: DiagnosisFix | undefined }[] = checkPreconditions(mailbox, directory).map((failure) => causeOfPrecondition(failure, mailbox));
  const newestFirst = [...alerts].sort((a, b) => b.createdOn.localeCompare(a.createdOn));
  const latestTest = newestFirst.find((alert) => isAlertConditionCode(alert.code));
  const failing = isFailure(mailbox);
  const retrying = mailbox.postponeTestEmailConfigurationUntil !== null && mailbox.testEmailConfigurationScheduled;
  if (latestTest !== undefined && latestTest.code !== 'TestSucceeded' && (failing || retrying)) {
    const known = isAlertConditionCode(latestTest.code) ? exchangeCauses[latestTest.code] : undefined;
    if (known !== undefined && !found.some((entry) => entry.cause.code === known.code)) {
      const advice = isAlertConditionCode(latestTest.code) ? alertCondition(latestTest.code).advice : '';
      found.push({ cause: { code: known.code, summary: known.summary, advice: `${latestTest.text} ${advice}`.trim() }, fix: known.fix });
    }
  }
  if (found.length === 0 && failing) {
    found.push({ cause: { code: 'unknownFailure', summary: 'The last Test & Enable failed, and no alert says why.', advice: 'Test the mailbox again; the new alerts will say what Exchange answered.' }, fix: FIX.testAgain });
  }
  if (found.length === 0 && mailbox.mailboxStatus === TestStatus.NotRun) {
    found.push({ cause: { code: 'neverTested', summary: 'The mailbox has never been tested, so it does not synchronize yet.', advice: 'Run Test & Enable.' }, fix: FIX.testAgain });
  }
  const [first] = found;
  const health: MailboxHealth =
    found.length === 0 ? 'working'
      : first?.cause.code === 'serverUnreachable' && retrying ? 'retrying'
        : first?.cause.code === 'neverTested' ? 'notTested'
          : failing ? 'failing' : 'blocked';
  return { health, causes: found.map((entry) => entry.cause), fix: first?.fix };
}
