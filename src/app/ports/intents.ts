// Writes to the organization's records, said as what an admin does (approve an address, set delivery methods,
// ...) instead of as replaced records. Each intent names the version of what it changes as its caller read it,
// so an adapter can write row by row with ETags (Dataverse) or translate a batch into one atomic commit (the
// embedded store). Approval is an intent on the OWNER (user or queue): Dataverse keeps
// `emailrouteraccessapproval` on systemuser/queue and the platform reflects it on the mailbox.
import type {
  Alert,
  AuditEntry,
  EmailSettings,
  Mailbox,
  MailboxRegarding,
  Organization,
  Queue,
  SecurityRole,
  User,
} from '../../domain/model.js';
import type { ActDeliveryMethod, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../domain/options.js';
import type { AppEvent } from '../events.js';

/**
 * A person's own sign-in, for the one turn in which they act (Teams single sign-on, exchanged on their behalf).
 * Adapters that call a remote system as the person (Dataverse: an approval must be made by the approver) ask it
 * for a token; it is never stored or logged, and it does not outlive the turn.
 */
export interface DelegatedCredential {
  /** An access token for `scope` (for example `https://contoso.crm.dynamics.com/user_impersonation`). */
  accessToken(scope: string): Promise<string>;
}

/**
 * On whose behalf a write is made: the bot itself (background work) or a person (a `systemuserid`), with
 * their own sign-in when they gave one this turn.
 */
export type Caller =
  | { readonly kind: 'app' }
  | { readonly kind: 'person'; readonly userId: string; readonly credential?: DelegatedCredential };

export const appCaller: Caller = { kind: 'app' };
export const personCaller = (user: Pick<User, 'id'>, credential?: DelegatedCredential): Caller =>
  credential === undefined ? { kind: 'person', userId: user.id } : { kind: 'person', userId: user.id, credential };

/**
 * A mailbox intent carries the mailbox's `version` as read. Records without a version field (organization,
 * users, queues, roles) are expected as the very record read: the adapter compares its own version of it
 * (the embedded store its content, a Dataverse adapter the ETag it read the record with).
 */
interface MailboxIntent {
  readonly mailboxId: string;
  readonly expectedVersion: number;
}

/** Approve, reject, or ask again for approval of an owner's email address (`emailrouteraccessapproval`). */
export interface SetAddressApproval {
  readonly kind: 'setAddressApproval';
  readonly owner: MailboxRegarding;
  readonly status: EmailApprovalStatus;
  /** `isemailaddressapprovedbyo365admin`, as the decision leaves it. */
  readonly approvedByO365Admin: boolean;
  /** The version of the owner's mailbox as read: the approval is read through the mailbox. */
  readonly expectedMailboxVersion: number;
}

/** Test & Enable: scheduled now with a fresh retry budget; the platform runs it and reports later. */
export interface ScheduleTestAndEnable extends MailboxIntent {
  readonly kind: 'scheduleTestAndEnable';
  readonly syncFromThisOrgOnly?: boolean;
}

/** The server profile and the three delivery methods, as "Edit" or "Apply Default Email Settings" set them. */
export interface SetDeliveryConfiguration extends MailboxIntent {
  readonly kind: 'setDeliveryConfiguration';
  /** `applyDefaults`: the organization's defaults (Dataverse: the same PATCH, named for the audit trail). */
  readonly reason: 'edit' | 'applyDefaults';
  readonly profileId: string | null;
  readonly incoming: IncomingEmailDeliveryMethod;
  readonly outgoing: OutgoingEmailDeliveryMethod;
  readonly act: ActDeliveryMethod;
}

/** "Sync items with Exchange from this org only" (`orgmarkedasprimaryforexchangesync`). */
export interface SetSyncFromThisOrgOnly extends MailboxIntent {
  readonly kind: 'setSyncFromThisOrgOnly';
  readonly on: boolean;
}

/**
 * A user's primary email or a queue's incoming address. The owner's mailbox follows: it takes the address and
 * goes back to Pending Approval (a changed address needs approval again), as the platform does.
 */
export interface ChangeEmailAddress {
  readonly kind: 'changeEmailAddress';
  readonly owner: { readonly type: 'systemuser'; readonly expected: User } | { readonly type: 'queue'; readonly expected: Queue };
  readonly address: string;
  /** The owner's mailbox version as read, when it has one. */
  readonly expectedMailboxVersion: number | null;
}

/** "Process emails only for approved users/queues" (`requireapprovalforuseremail` / `…queueemail`). */
export interface SetApprovalRequirement {
  readonly kind: 'setApprovalRequirement';
  readonly for: 'systemuser' | 'queue';
  readonly required: boolean;
  readonly expected: Organization;
}

/** System Settings › Email: the organization's email settings as a whole. */
export interface SetEmailSettings {
  readonly kind: 'setEmailSettings';
  readonly settings: EmailSettings;
  readonly expected: Organization;
}

/** A security role's privileges. */
export interface SetRolePrivileges {
  readonly kind: 'setRolePrivileges';
  readonly roleId: string;
  readonly privileges: SecurityRole['privileges'];
  readonly expected: SecurityRole;
}

/** The security roles assigned to a user. */
export interface SetUserSecurityRoles {
  readonly kind: 'setUserSecurityRoles';
  readonly userId: string;
  readonly securityRoleIds: readonly string[];
  readonly expected: User;
}

/**
 * The outcome of a Test & Enable run of one mailbox, as server-side synchronization records it: the statuses,
 * enabled flags, retry schedule and completion time, and the alerts on the mailbox's and profile's walls. The
 * embedded store plays the platform and writes it; a Dataverse adapter finds it written by the platform already.
 */
export interface RecordTestOutcome extends MailboxIntent {
  readonly kind: 'recordTestOutcome';
  readonly outcome: Pick<Mailbox, TestOutcomeField>;
  readonly alerts: readonly Alert[];
}

/** The mailbox fields a Test & Enable run sets. */
export const TEST_OUTCOME_FIELDS = [
  'incomingEmailStatus',
  'outgoingEmailStatus',
  'actStatus',
  'mailboxStatus',
  'enabledForIncomingEmail',
  'enabledForOutgoingEmail',
  'enabledForAct',
  'testEmailConfigurationScheduled',
  'testEmailConfigurationRetryCount',
  'postponeTestEmailConfigurationUntil',
  'testMailboxAccessCompletedOn',
] as const satisfies readonly (keyof Mailbox)[];
export type TestOutcomeField = (typeof TEST_OUTCOME_FIELDS)[number];

/** The outcome fields of a tested mailbox record. */
export function testOutcomeOf(mailbox: Mailbox): Pick<Mailbox, TestOutcomeField> {
  return {
    incomingEmailStatus: mailbox.incomingEmailStatus,
    outgoingEmailStatus: mailbox.outgoingEmailStatus,
    actStatus: mailbox.actStatus,
    mailboxStatus: mailbox.mailboxStatus,
    enabledForIncomingEmail: mailbox.enabledForIncomingEmail,
    enabledForOutgoingEmail: mailbox.enabledForOutgoingEmail,
    enabledForAct: mailbox.enabledForAct,
    testEmailConfigurationScheduled: mailbox.testEmailConfigurationScheduled,
    testEmailConfigurationRetryCount: mailbox.testEmailConfigurationRetryCount,
    postponeTestEmailConfigurationUntil: mailbox.postponeTestEmailConfigurationUntil,
    testMailboxAccessCompletedOn: mailbox.testMailboxAccessCompletedOn,
  };
}

export type RecordIntent =
  | SetAddressApproval
  | ScheduleTestAndEnable
  | SetDeliveryConfiguration
  | SetSyncFromThisOrgOnly
  | ChangeEmailAddress
  | SetApprovalRequirement
  | SetEmailSettings
  | SetRolePrivileges
  | SetUserSecurityRoles
  | RecordTestOutcome;

/** What one use case writes. */
export interface IntentBatch {
  readonly caller: Caller;
  readonly intents: readonly RecordIntent[];
  /**
   * Names the batch so that applying it twice writes it once, and `wasApplied` can tell afterwards whether it
   * was: callers that write their own state next to the records (jobs, approval decisions) record the key first
   * and settle after a crash by asking. Unique per batch; adapters remember at least the last 1,000.
   */
  readonly idempotencyKey?: string;
  /**
   * Audit entries of these changes, handed to the audit log with them: the embedded store writes both in one
   * atomic write; an adapter without a shared transaction appends them once its writes succeeded.
   */
  readonly audit?: readonly AuditEntry[];
  /**
   * Domain events these changes cause, recorded with them (the embedded store: in its event outbox, same write),
   * so a crash right after the write loses none; they are dispatched from there.
   */
  readonly events?: readonly AppEvent[];
}

export type RecordType = 'organization' | 'systemuser' | 'queue' | 'mailbox' | 'role';

/** The record that moved: the version the intent expected, and the one found (`null`: it no longer exists). */
export interface IntentConflict {
  readonly record: { readonly type: RecordType; readonly id: string };
  readonly expected: string;
  readonly actual: string | null;
}

export type IntentOutcome =
  /** `mailboxes`: every mailbox the batch changed, as stored now (with its new version). */
  | { readonly ok: true; readonly mailboxes: readonly Mailbox[] }
  | { readonly ok: false; readonly conflict: IntentConflict };
