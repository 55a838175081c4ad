// The email-configuration records. Field names follow the Dataverse logical names (domain.md §1–§4)
// in camelCase, so `emailRouterAccessApproval` is `mailbox.emailrouteraccessapproval`.
import type {
  ActDeliveryMethod,
  AlertLevel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  Office365Role,
  OutgoingEmailDeliveryMethod,
  Privilege,
  PrivilegeDepth,
  RoleTemplate,
  ServerType,
  TestStatus,
} from './options.js';

/** ISO-8601 UTC timestamp. */
export type Timestamp = string;

export type CustomerEngagementDeployment = 'online' | 'onPremises';
export type ExchangeDeployment = 'online' | 'onPremises';

export interface Deployment {
  readonly customerEngagement: CustomerEngagementDeployment;
  readonly exchange: ExchangeDeployment;
}

/** System Settings › Email (the `organization` columns, §3) plus the retry knobs of §7.3. */
export interface EmailSettings {
  /** `defaultemailserverprofileid` */
  readonly defaultEmailServerProfileId: string | null;
  /** `defaultemailsettings` (applied when a user or queue is created) */
  readonly defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod;
  readonly defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod;
  readonly defaultActDeliveryMethod: ActDeliveryMethod;
  /** `requireapprovalforuseremail`: "Process emails only for approved users" (on by default, §10.1) */
  readonly requireApprovalForUserEmail: boolean;
  /** `requireapprovalforqueueemail`: "Process emails only for approved queues" */
  readonly requireApprovalForQueueEmail: boolean;
  readonly generateAlertsForErrors: boolean;
  readonly generateAlertsForWarnings: boolean;
  readonly generateAlertsForInformation: boolean;
  /** `notifymailboxownerofemailserverlevelalerts` */
  readonly notifyMailboxOwnerOfEmailServerLevelAlerts: boolean;
  /** OrgDBOrgSettings `RequirePrivilegeToSelfApproveEmailAddress` (default off) */
  readonly requirePrivilegeToSelfApproveEmailAddress: boolean;
  /** `MaxMailboxTransientFailures`: transient test failures tolerated before the mailbox is disabled */
  readonly maxMailboxTransientFailures: number;
  /** `MailboxBackoffOnTransientError`, in minutes */
  readonly mailboxBackoffOnTransientErrorMinutes: number;
  /** Our own choice (issue 5): run Test & Enable right after an approval that was the only thing missing. */
  readonly testAndEnableAfterApproval: boolean;
}

export interface Organization {
  readonly id: string;
  readonly name: string;
  /** Entra tenant of the Dynamics 365 organization. */
  readonly tenantId: string;
  readonly deployment: Deployment;
  /** Product version, e.g. `9.1.0.5805`; compared numerically part by part. */
  readonly version: string;
  /** Exchange Online subscription, and the tenant it lives in (the profile needs the same tenant). */
  readonly exchangeOnline: { readonly subscribed: boolean; readonly tenantId: string | null };
  readonly settings: EmailSettings;
}

export interface BusinessUnit {
  readonly id: string;
  readonly name: string;
  readonly parentBusinessUnitId: string | null;
}

export interface SecurityRole {
  readonly id: string;
  readonly name: string;
  /** Built-in role the permission model names; `null` for custom roles. */
  readonly template: RoleTemplate | null;
  readonly businessUnitId: string;
  /** Privileges with their depth. System Administrator implicitly holds all at Organization depth. */
  readonly privileges: Readonly<Partial<Record<Privilege, PrivilegeDepth>>>;
}

export interface User {
  /** `systemuserid` */
  readonly id: string;
  /** Entra object id: the key identity comes from (`activity.from.aadObjectId`). */
  readonly aadObjectId: string;
  readonly fullName: string;
  /** `internalemailaddress` (primary email) */
  readonly primaryEmail: string;
  /** `domainname` (UPN); self-approval needs it to equal the mailbox address */
  readonly userPrincipalName: string;
  readonly businessUnitId: string;
  readonly office365Roles: readonly Office365Role[];
  readonly securityRoleIds: readonly string[];
  /** Dynamics 365 Service administrator (a Microsoft 365 admin role scoped to Dynamics) */
  readonly isServiceAdministrator: boolean;
  readonly active: boolean;
}

export interface Queue {
  readonly id: string;
  readonly name: string;
  readonly emailAddress: string;
  /** The owning user; a queue mailbox is owned by the queue's owner. */
  readonly ownerId: string;
  readonly businessUnitId: string;
}

export interface EmailServerProfile {
  readonly id: string;
  readonly name: string;
  readonly serverType: ServerType;
  /** Profile owner: receives profile-level alerts. */
  readonly ownerId: string;
  readonly active: boolean;
  readonly description: string;
}

export type MailboxRegarding =
  | { readonly type: 'systemuser'; readonly id: string }
  | { readonly type: 'queue'; readonly id: string };

export interface Mailbox {
  readonly id: string;
  readonly name: string;
  readonly emailAddress: string;
  readonly regarding: MailboxRegarding;
  /** `ownerid`: the user, or the queue's owner. */
  readonly ownerId: string;
  readonly emailServerProfileId: string | null;
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
  /** "Sync items with Exchange from this org only, even if Exchange was set to sync with a different org" */
  readonly orgMarkedAsPrimaryForExchangeSync: boolean;
  readonly testEmailConfigurationScheduled: boolean;
  readonly testEmailConfigurationRetryCount: number;
  readonly postponeTestEmailConfigurationUntil: Timestamp | null;
  readonly testMailboxAccessCompletedOn: Timestamp | null;
  readonly active: boolean;
  /** Optimistic-concurrency version, bumped on every change (compare-and-set for approvals). */
  readonly version: number;
}

export type AlertRegarding =
  | { readonly type: 'mailbox'; readonly id: string }
  | { readonly type: 'emailserverprofile'; readonly id: string };

/** An Alerts-wall entry (`tracelog`). */
export interface Alert {
  readonly id: string;
  readonly level: AlertLevel;
  readonly code: string;
  readonly text: string;
  readonly regarding: AlertRegarding;
  readonly createdOn: Timestamp;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: Timestamp;
  /** `systemuserid` of who acted; `system` for background work. */
  readonly actorId: string;
  readonly actorName: string;
  readonly action: string;
  readonly target: { readonly type: 'mailbox' | 'emailserverprofile' | 'organization' | 'systemuser' | 'queue' | 'role'; readonly id: string; readonly name: string };
  /** The permission rule that allowed it. */
  readonly rule: string | null;
  readonly details: string;
}
