// What each card shows, as plain data. The bot layer maps domain records and use-case results to these;
// renderers never see a domain record, a store or a TurnContext. Option-set values keep their domain
// types so that every card labels them from the same tables in src/domain/options.ts.
import type {
  ActDeliveryMethod,
  AlertLevel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  Office365Role,
  OutgoingEmailDeliveryMethod,
  Privilege,
  PrivilegeDepth,
  ServerType,
  TestStatus,
} from '../domain/options.js';
import type { PermissionEdition } from '../domain/permissions.js';

/** ISO-8601 UTC timestamp, e.g. `2025-03-01T10:15:00Z`; cards show it as `2025-03-01 10:15 UTC`. */
export type IsoTimestamp = string;

/** A button that runs a chat command, exactly as if the user had typed `command`. */
export interface CommandButtonView {
  readonly title: string;
  readonly command: string;
  /** Opaque list position the command continues from (paging), carried in the card data next to it. */
  readonly cursor?: string;
}

// ── help ─────────────────────────────────────────────────────────────────────────────────────────

export interface HelpCommandView {
  /** The command as typed, e.g. `approve mailbox`. */
  readonly name: string;
  readonly summary: string;
  /** e.g. `approve mailbox <name or email>` */
  readonly usage: string;
  /** A complete command line that works, e.g. `approve mailbox sales@contoso.com` */
  readonly example: string;
  readonly aliases?: readonly string[];
  /** Who may run it, in words (the detail view shows it). */
  readonly whoCanRunIt?: string;
  /** Further paragraphs for the detail view. */
  readonly details?: readonly string[];
}

export interface HelpCategoryView {
  readonly title: string;
  readonly commands: readonly HelpCommandView[];
}

export type HelpView =
  | { readonly kind: 'overview'; readonly categories: readonly HelpCategoryView[] }
  | {
      readonly kind: 'command';
      readonly category: string;
      readonly command: HelpCommandView;
      readonly actions?: readonly CommandButtonView[];
    };

// ── whoami ───────────────────────────────────────────────────────────────────────────────────────

export interface PrivilegeGrantView {
  readonly privilege: Privilege;
  readonly depth: PrivilegeDepth;
}

/** One thing the permission model lets (or does not let) the user do here, with the deciding rule. */
export interface CapabilityView {
  /** e.g. `Approve email addresses of other users' mailboxes` */
  readonly action: string;
  /** For a right on one record: the record ("your own mailbox ada@contoso.com") and the right alone, so the summary can group them. */
  readonly on?: { readonly record: string; readonly right: string };
  readonly allowed: boolean;
  readonly rule: string;
  readonly reason: string;
}

export interface WhoAmIView {
  readonly fullName: string;
  readonly primaryEmail: string;
  readonly userPrincipalName: string;
  readonly businessUnit: string;
  readonly office365Roles: readonly Office365Role[];
  /** Dynamics 365 Service administrator (a Microsoft 365 admin role scoped to Dynamics). */
  readonly isServiceAdministrator: boolean;
  readonly securityRoles: readonly string[];
  readonly privileges: readonly PrivilegeGrantView[];
  readonly permissionEdition: PermissionEdition;
  readonly organizationVersion: string;
  readonly capabilities: readonly CapabilityView[];
}

// ── email server profiles ────────────────────────────────────────────────────────────────────────

export interface ProfileRowView {
  readonly name: string;
  readonly serverType: ServerType;
  readonly active: boolean;
  /** Whether it is `organization.defaultemailserverprofileid`. */
  readonly isDefault: boolean;
  readonly ownerName: string;
}

export interface ProfilesView {
  readonly profiles: readonly ProfileRowView[];
  /** Facts about the organization's Exchange Online subscription, when known. */
  readonly exchangeOnlineSubscription?: { readonly subscribed: boolean; readonly sameTenant: boolean };
  readonly actions?: readonly CommandButtonView[];
}

// ── email settings ───────────────────────────────────────────────────────────────────────────────

export interface EmailSettingsView {
  readonly organizationName: string;
  readonly defaultProfileName: string | null;
  readonly defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod;
  readonly defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod;
  readonly defaultActDeliveryMethod: ActDeliveryMethod;
  readonly requireApprovalForUserEmail: boolean;
  readonly requireApprovalForQueueEmail: boolean;
  readonly requirePrivilegeToSelfApproveEmailAddress: boolean;
  readonly generateAlertsForErrors: boolean;
  readonly generateAlertsForWarnings: boolean;
  readonly generateAlertsForInformation: boolean;
  readonly notifyMailboxOwnerOfEmailServerLevelAlerts: boolean;
  readonly maxMailboxTransientFailures: number;
  readonly mailboxBackoffOnTransientErrorMinutes: number;
  readonly testAndEnableAfterApproval: boolean;
  readonly actions?: readonly CommandButtonView[];
}

// ── mailboxes ────────────────────────────────────────────────────────────────────────────────────

export interface MailboxRowView {
  readonly name: string;
  readonly emailAddress: string;
  readonly approvalStatus: EmailApprovalStatus;
  readonly mailboxStatus: TestStatus;
  readonly profileName: string | null;
  /** Why it fails, in plain words (failed lists). */
  readonly reason?: string;
  /** What to do with this row: Approve and Reject, Test again, a fix. Writes are previewed and confirmed. */
  readonly actions?: readonly CommandButtonView[];
}

/** One page of a mailbox query. `rows` is the page; `total` counts every match. */
export interface MailboxListView {
  /** e.g. `Pending approval · active mailboxes only` */
  readonly filterDescription: string;
  readonly rows: readonly MailboxRowView[];
  /** Zero-based index of `rows[0]` among all matches. */
  readonly offset: number;
  readonly total: number;
  /** Chat command for the previous page; required when `offset > 0`. */
  readonly previousPageCommand: string | null;
  /** Chat command for the next page; required when rows remain after this page. */
  readonly nextPageCommand: string | null;
  /** Where the next page starts (opaque), sent with the Next button so the bot need not reread the pages before. */
  readonly nextPageCursor: string | null;
  /** Actions on the whole list, before the paging buttons: "Approve all 7", "Test these 3 again". */
  readonly listActions?: readonly CommandButtonView[];
}

export interface MailboxDetailView {
  readonly name: string;
  readonly emailAddress: string;
  readonly ownerName: string;
  /** `null` for a forward mailbox, which has no regarding record. */
  readonly regarding: { readonly type: 'systemuser' | 'queue'; readonly name: string } | null;
  readonly profileName: string | null;
  readonly incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod;
  readonly outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod;
  readonly actDeliveryMethod: ActDeliveryMethod;
  readonly emailRouterAccessApproval: EmailApprovalStatus;
  readonly isEmailAddressApprovedByO365Admin: boolean;
  readonly incomingEmailStatus: TestStatus;
  readonly outgoingEmailStatus: TestStatus;
  readonly actStatus: TestStatus;
  readonly mailboxStatus: TestStatus;
  readonly enabledForIncomingEmail: boolean;
  readonly enabledForOutgoingEmail: boolean;
  readonly enabledForAct: boolean;
  readonly orgMarkedAsPrimaryForExchangeSync: boolean;
  readonly testEmailConfigurationScheduled: boolean;
  readonly testEmailConfigurationRetryCount: number;
  /** Next scheduled retry of the configuration test. */
  readonly postponeTestEmailConfigurationUntil: IsoTimestamp | null;
  readonly testMailboxAccessCompletedOn: IsoTimestamp | null;
  readonly active: boolean;
  readonly actions?: readonly CommandButtonView[];
}

// ── results of commands ──────────────────────────────────────────────────────────────────────────

/** `retrying`: not enabled yet, but Test & Enable runs again by itself (a transient failure is not a failure). */
export type MailboxOutcome = 'succeeded' | 'failed' | 'notApproved' | 'retrying' | 'skipped';

export interface MailboxOutcomeView {
  readonly mailboxName: string;
  readonly emailAddress: string;
  readonly outcome: MailboxOutcome;
  /** Why it failed or was skipped; for successes, what was done. */
  readonly reason: string;
}

/** The outcome of a bulk command. `rows` holds every mailbox; the card decides what fits. */
export interface OperationResultView {
  /** e.g. `Approve email` */
  readonly title: string;
  readonly rows: readonly MailboxOutcomeView[];
  /** How to see rows the card cannot hold (e.g. a filtered mailbox list). */
  readonly seeAllCommand?: CommandButtonView;
}

export interface RefusalView {
  /** What was refused, e.g. `Approve the email address of Sales Inbox (sales@contoso.com)` */
  readonly refusedAction: string;
  readonly rule: string;
  readonly reason: string;
  readonly permissionEdition: PermissionEdition;
  readonly organizationVersion: string;
  /** What would allow it, e.g. `Office 365 Global administrator together with System Administrator`. */
  readonly wouldAllow: readonly string[];
  readonly actions?: readonly CommandButtonView[];
}

export interface DidYouMeanView {
  /** What the user typed, verbatim. */
  readonly input: string;
  /** Complete commands to offer, best first; one button each. */
  readonly suggestions: readonly string[];
  /**
   * One opaque choice id per suggestion, when the bot keeps what each stands for: the buttons then carry the
   * id (verb `suggestion.choose`) instead of the command, so no write runs from a click (issue 12).
   */
  readonly choiceIds?: readonly string[];
  /** Button titles in words, one per suggestion, when the commands themselves are not the clearest title. */
  readonly titles?: readonly string[];
  /** Replaces "I don't know …" and "Did you mean …?" (a natural request read in part: "Which Sam?"). */
  readonly wording?: { readonly statement: string; readonly question: string };
}

export interface UsageErrorView {
  /** The command the user meant, e.g. `approve mailbox`. */
  readonly commandName: string;
  /** What is wrong, specifically, e.g. `"--limit" must be a whole number between 1 and 50; got "ten".` */
  readonly problem: string;
  readonly usage: string;
  readonly example: string;
  readonly helpCommand?: string;
}

// ── Test & Enable jobs ───────────────────────────────────────────────────────────────────────────

export type JobStatus = 'queued' | 'running' | 'done';

export interface JobFailureView {
  readonly mailboxName: string;
  readonly emailAddress: string;
  readonly reason: string;
  /** The test runs again by itself: listed under "Will try again", not counted as failed. */
  readonly willRetry?: boolean;
  /** Not tested because the email address is not approved: listed under "Not approved", with Approve. */
  readonly notApproved?: boolean;
}

export interface JobProgressView {
  readonly jobId: string;
  /** e.g. `Test & Enable mailboxes of profile Microsoft Exchange Online` */
  readonly title: string;
  readonly status: JobStatus;
  readonly total: number;
  readonly tested: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly requestedBy: string;
  readonly startedAt: IsoTimestamp | null;
  readonly completedAt: IsoTimestamp | null;
  /** Every failure so far; the card shows the first ones and says how many more. */
  readonly failures: readonly JobFailureView[];
  /** How to list failures the card cannot hold (e.g. a mailbox list filtered on failure). */
  readonly seeAllFailuresCommand?: CommandButtonView;
  /** Further buttons, e.g. a status refresh while the job runs. */
  readonly actions?: readonly CommandButtonView[];
}

// ── alerts and audit ─────────────────────────────────────────────────────────────────────────────

interface MailboxAlertBase {
  readonly mailboxName: string;
  readonly emailAddress: string;
  readonly profileName: string | null;
  readonly level: AlertLevel;
  readonly occurredAt: IsoTimestamp;
  readonly incomingEmailStatus: TestStatus;
  readonly outgoingEmailStatus: TestStatus;
  readonly actStatus: TestStatus;
  readonly actions?: readonly CommandButtonView[];
}

/** A Test & Enable outcome told to the mailbox owner. A failure always says what to do. */
export type MailboxAlertView =
  | (MailboxAlertBase & { readonly outcome: 'succeeded'; readonly message: string })
  | (MailboxAlertBase & {
      readonly outcome: 'failed';
      readonly message: string;
      readonly whatToDo: readonly [string, ...string[]];
    });

export interface AlertView {
  readonly level: AlertLevel;
  readonly createdOn: IsoTimestamp;
  readonly text: string;
}

export interface AlertsWallView {
  readonly regarding: { readonly type: 'mailbox' | 'emailserverprofile'; readonly name: string };
  /** Newest first. */
  readonly alerts: readonly AlertView[];
  /** How many alerts exist in all, when more exist than `alerts` holds. */
  readonly total: number;
  /** What to do about them: a mailbox's diagnosis, with the bot's fix. */
  readonly actions?: readonly CommandButtonView[];
}

export interface AuditEntryView {
  readonly at: IsoTimestamp;
  readonly actorName: string;
  readonly action: string;
  readonly target: { readonly type: string; readonly name: string };
  readonly rule: string | null;
  readonly details: string;
}

export interface AuditListView {
  /** Newest first. */
  readonly entries: readonly AuditEntryView[];
  readonly total: number;
}

export interface SecurityRoleView {
  readonly name: string;
  readonly businessUnit: string;
  /** System Administrator holds every privilege at Organization depth without listing them. */
  readonly holdsAllPrivileges: boolean;
  readonly privileges: readonly PrivilegeGrantView[];
}

export interface SecurityRolesView {
  readonly roles: readonly SecurityRoleView[];
  /** How to see roles the card cannot hold, if the bot has a way (e.g. a filter by name). */
  readonly seeMoreCommand?: CommandButtonView;
}

// ── approval ─────────────────────────────────────────────────────────────────────────────────────

/** What every view of an approval card shows. */
export interface ApprovalRequestView {
  readonly requestId: string;
  /** Mailbox version the decision buttons compare-and-set against. */
  readonly version: number;
  readonly mailboxName: string;
  readonly emailAddress: string;
  readonly ownerName: string;
  readonly regardingType: 'systemuser' | 'queue';
  readonly profileName: string | null;
  /** Why the address needs approval, e.g. `Process emails only for approved users is on…` */
  readonly whyApprovalIsNeeded: string;
  readonly requestedBy: string;
  readonly requestedAt: IsoTimestamp;
  /** Teams user MRIs (`29:…`) that get the approver view through `refresh`; at most 60. */
  readonly approverUserIds: readonly string[];
  /** The rejection this request asks to reconsider: who, when and why. */
  readonly previousRejection?: { readonly decidedBy: string; readonly decidedAt: IsoTimestamp; readonly reason: string | null };
}

export interface ApprovalDecisionView {
  readonly decision: 'approved' | 'rejected';
  readonly decidedBy: string;
  readonly decidedAt: IsoTimestamp;
  /** Optional note from the system (e.g. the Test & Enable that followed). */
  readonly note?: string;
  /** The approver's reason for a rejection, or their comment on an approval. */
  readonly remark?: string;
}

export type ApprovalDecidedView = Omit<ApprovalRequestView, 'approverUserIds'> & ApprovalDecisionView;
