// Realistic view models for every card: the tests render them, and a card-gallery script can too.
// Command texts here are sample data, not the bot's command registry.
import { renderDiagnosisCard, type DiagnosisView } from './diagnosis-card.js';
import { renderSyncHealthCard, type SyncHealthView } from './sync-health-card.js';
import {
  ActDeliveryMethod,
  AlertLevel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  TestStatus,
} from '../domain/options.js';
import { renderAlertsWallCard } from './alerts-wall-card.js';
import { renderApprovalApproverCard, renderApprovalBaseCard, renderApprovalDecidedCard } from './approval-card.js';
import { renderAuditListCard } from './audit-list-card.js';
import type { AdaptiveCardJson } from './card-json.js';
import type { CardTemplateName } from './template-store.js';
import { renderConfirmationCard, type ConfirmationView } from './confirmation-card.js';
import { renderDidYouMeanCard } from './did-you-mean-card.js';
import { renderEmailSettingsCard } from './email-settings-card.js';
import { renderHelpCard } from './help-card.js';
import { renderJobProgressCard } from './job-progress-card.js';
import { renderMailboxAlertCard } from './mailbox-alert-card.js';
import { renderMailboxDetailCard } from './mailbox-detail-card.js';
import { renderMailboxListCard } from './mailbox-list-card.js';
import { renderOperationResultCard } from './operation-result-card.js';
import { renderProfilesCard } from './profiles-card.js';
import { renderRefusalCard } from './refusal-card.js';
import { renderSecurityRolesCard } from './security-roles-card.js';
import { renderUsageErrorCard } from './usage-error-card.js';
import { renderWhoAmICard } from './whoami-card.js';
import type {
  AlertsWallView,
  ApprovalDecidedView,
  ApprovalRequestView,
  AuditListView,
  DidYouMeanView,
  EmailSettingsView,
  HelpCommandView,
  HelpView,
  JobProgressView,
  MailboxAlertView,
  MailboxDetailView,
  MailboxListView,
  MailboxRowView,
  OperationResultView,
  ProfilesView,
  RefusalView,
  SecurityRolesView,
  UsageErrorView,
  WhoAmIView,
} from './view-models.js';

const approveMailboxCommand: HelpCommandView = {
  name: 'approve mailbox',
  summary: 'Approve the email address of a user or queue mailbox so server-side synchronization may process its email.',
  usage: 'approve mailbox <name or email address>',
  example: 'approve mailbox sales@contoso.com',
  aliases: ['approve email', 'approve'],
  whoCanRunIt: 'Global or Exchange administrator who is also a System Administrator (and, from 9.2.22104.00170, a Delegated Mailbox Approver who is also a System Administrator).',
  details: [
    'You only need to approve an address again when it changed in Dynamics 365.',
    'When approval was the only thing missing, Test & Enable runs right after if email settings say so.',
  ],
};

export const sampleHelpOverview: HelpView = {
  kind: 'overview',
  categories: [
    {
      title: 'Getting started',
      commands: [
        { name: 'help', summary: 'List the commands, or explain one.', usage: 'help [command]', example: 'help approve mailbox' },
        { name: 'whoami', summary: 'Show your roles, privileges and what you may do here.', usage: 'whoami', example: 'whoami' },
      ],
    },
    {
      title: 'Email configuration',
      commands: [
        { name: 'show profiles', summary: 'List email server profiles and verify Microsoft Exchange Online.', usage: 'show profiles', example: 'show profiles' },
        { name: 'show email settings', summary: 'Show the default profile, delivery methods, approval and alert settings.', usage: 'show email settings', example: 'show email settings' },
        { name: 'set default profile', summary: 'Make a profile the default for new mailboxes.', usage: 'set default profile <profile name>', example: 'set default profile "Microsoft Exchange Online"' },
      ],
    },
    {
      title: 'Mailboxes',
      commands: [
        { name: 'list mailboxes', summary: 'List mailboxes, filtered and paged.', usage: 'list mailboxes [pending|failed|disabled] [--profile <name>] [--page <n>]', example: 'list mailboxes pending --page 2' },
        { name: 'show mailbox', summary: 'Show every status field of one mailbox.', usage: 'show mailbox <name or email address>', example: 'show mailbox sales@contoso.com' },
        { name: 'test mailboxes', summary: 'Test & Enable the mailboxes of a profile, in the background.', usage: 'test mailboxes for profile <profile name>', example: 'test mailboxes for profile "Microsoft Exchange Online"' },
      ],
    },
    {
      title: 'Approval',
      commands: [
        approveMailboxCommand,
        { name: 'reject mailbox', summary: 'Reject the email address of a mailbox.', usage: 'reject mailbox <name or email address>', example: 'reject mailbox old-sales@contoso.com' },
      ],
    },
    {
      title: 'Alerts and audit',
      commands: [
        { name: 'show alerts', summary: 'Show the Alerts wall of a mailbox or profile.', usage: 'show alerts <mailbox or profile>', example: 'show alerts sales@contoso.com' },
        { name: 'show audit', summary: 'Show who changed what, and under which permission rule.', usage: 'show audit', example: 'show audit' },
        { name: 'show roles', summary: 'Show security roles and their email privileges.', usage: 'show roles', example: 'show roles' },
      ],
    },
  ],
};

export const sampleHelpCommand: HelpView = {
  kind: 'command',
  category: 'Approval',
  command: approveMailboxCommand,
  actions: [
    { title: 'List pending mailboxes', command: 'list mailboxes pending' },
    { title: 'All commands', command: 'help' },
  ],
};

export const sampleWhoAmI: WhoAmIView = {
  fullName: 'Ada Admin',
  primaryEmail: 'ada@contoso.com',
  userPrincipalName: 'ada@contoso.com',
  businessUnit: 'Contoso',
  office365Roles: ['ExchangeAdministrator'],
  isServiceAdministrator: false,
  securityRoles: ['System Administrator'],
  privileges: [
    { privilege: 'prvApproveRejectEmailAddress', depth: 'Organization' },
    { privilege: 'prvReadMailbox', depth: 'Organization' },
    { privilege: 'prvWriteMailbox', depth: 'Organization' },
    { privilege: 'prvReadEmailServerProfile', depth: 'Organization' },
    { privilege: 'prvWriteEmailServerProfile', depth: 'Organization' },
    { privilege: 'prvWriteOrganization', depth: 'Organization' },
  ],
  permissionEdition: 'seed2019',
  organizationVersion: '9.1.0.5805',
  capabilities: [
    {
      action: 'Approve email addresses of user and queue mailboxes',
      allowed: true,
      rule: 'seed2019:ce-online/exchange-online:exchange-admin+system-admin',
      reason: 'You are an Exchange administrator and a System Administrator, and hold Approve Email Addresses for Users or Queues.',
    },
    {
      action: 'Change email settings and the default profile',
      allowed: true,
      rule: 'privilege:prvWriteOrganization',
      reason: 'Your System Administrator role grants Write Organization at Organization depth.',
    },
    {
      action: 'Approve your own mailbox without admin roles',
      allowed: false,
      rule: 'self-approval:needs-9.2.22104.00170',
      reason: 'Self-approval arrived with version 9.2.22104.00170; this organization runs 9.1.0.5805.',
    },
  ],
};

export const sampleProfiles: ProfilesView = {
  profiles: [
    { name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', active: true, isDefault: false, ownerName: 'Ada Admin' },
    { name: 'Contoso Exchange 2016 (Hybrid)', serverType: 'ExchangeServerHybrid', active: true, isDefault: true, ownerName: 'Ada Admin' },
    { name: 'Legacy POP3', serverType: 'Pop3Smtp', active: false, isDefault: false, ownerName: 'Otto Owner' },
  ],
  exchangeOnlineSubscription: { subscribed: true, sameTenant: true },
  actions: [{ title: 'Make Exchange Online the default', command: 'set default profile "Microsoft Exchange Online"' }],
};

export const sampleProfilesWithoutExchangeOnline: ProfilesView = {
  profiles: [{ name: 'Contoso Exchange 2016 (Hybrid)', serverType: 'ExchangeServerHybrid', active: true, isDefault: true, ownerName: 'Ada Admin' }],
  exchangeOnlineSubscription: { subscribed: true, sameTenant: false },
};

export const sampleEmailSettings: EmailSettingsView = {
  organizationName: 'Contoso Sales (contoso.crm.dynamics.com)',
  defaultProfileName: 'Microsoft Exchange Online',
  defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultActDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
  requireApprovalForUserEmail: true,
  requireApprovalForQueueEmail: true,
  requirePrivilegeToSelfApproveEmailAddress: false,
  generateAlertsForErrors: true,
  generateAlertsForWarnings: false,
  generateAlertsForInformation: true,
  notifyMailboxOwnerOfEmailServerLevelAlerts: false,
  maxMailboxTransientFailures: 10,
  mailboxBackoffOnTransientErrorMinutes: 5,
  testAndEnableAfterApproval: true,
  actions: [{ title: 'Verify profiles', command: 'show profiles' }],
};

const FIRST_NAMES = ['Alex', 'Blair', 'Casey', 'Dana', 'Emery', 'Finley', 'Gray', 'Harper', 'Indigo', 'Jules'];
const LAST_NAMES = ['Anders', 'Brooks', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen'];

/** The mailbox at `index` of a deterministic organization of many users (no randomness: failures reproduce). */
export function sampleMailboxRow(index: number): MailboxRowView {
  const first = FIRST_NAMES[index % FIRST_NAMES.length] ?? 'Alex';
  const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Anders';
  return {
    name: `${first} ${last} ${index + 1}`,
    emailAddress: `${first}.${last}${index + 1}@contoso.com`.toLowerCase(),
    approvalStatus: EmailApprovalStatus.PendingApproval,
    mailboxStatus: index % 7 === 0 ? TestStatus.Failure : TestStatus.NotRun,
    profileName: 'Microsoft Exchange Online',
  };
}

export const SAMPLE_MAILBOX_TOTAL = 10_000;
export const SAMPLE_PAGE_SIZE = 20;

/** Page `page` (1-based) of the 10,000 pending mailboxes, as the bot would build it from a paged query. */
export function sampleMailboxListPage(page: number, total = SAMPLE_MAILBOX_TOTAL): MailboxListView {
  const offset = (page - 1) * SAMPLE_PAGE_SIZE;
  const count = Math.max(0, Math.min(SAMPLE_PAGE_SIZE, total - offset));
  return {
    filterDescription: 'Email address status: Pending Approval · active mailboxes only',
    rows: Array.from({ length: count }, (_, index) => sampleMailboxRow(offset + index)),
    offset,
    total,
    previousPageCommand: page > 1 ? `list mailboxes pending --page ${page - 1}` : null,
    nextPageCommand: offset + count < total ? `list mailboxes pending --page ${page + 1}` : null,
    // Opaque to everyone but the records port that issued it.
    nextPageCursor: offset + count < total ? `sample-cursor-after-${offset + count}` : null,
  };
}

export const sampleMailboxList: MailboxListView = sampleMailboxListPage(2);

/** `mailboxes pending` for an approver: Approve and Reject per row, "Approve all" over every page. */
export const samplePendingList: MailboxListView = {
  filterDescription: 'Email address status: Pending Approval · active mailboxes only',
  rows: [
    { name: 'Pia Pending', emailAddress: 'pia@contoso.com', approvalStatus: EmailApprovalStatus.PendingApproval, mailboxStatus: TestStatus.NotRun, profileName: 'Microsoft Exchange Online' },
    { name: 'Sam Sysadmin', emailAddress: 'sam@contoso.com', approvalStatus: EmailApprovalStatus.PendingApproval, mailboxStatus: TestStatus.NotRun, profileName: 'Microsoft Exchange Online' },
  ].map((row) => ({ ...row, actions: [{ title: 'Approve', command: `approve mailbox ${row.emailAddress}` }, { title: 'Reject', command: `reject mailbox ${row.emailAddress}` }] })),
  offset: 0,
  total: 2,
  previousPageCommand: null,
  nextPageCommand: null,
  nextPageCursor: null,
  listActions: [{ title: 'Approve all 2', command: 'approve mailbox pending' }],
};

/** `mailboxes failed`: the reason per row, the bot's fix where it has one, and Test again. */
export const sampleFailedList: MailboxListView = {
  filterDescription: 'Mailbox status: Failure · active mailboxes only',
  rows: [
    {
      name: 'Otto Owner', emailAddress: 'otto@contoso.com', approvalStatus: EmailApprovalStatus.Approved, mailboxStatus: TestStatus.Failure, profileName: 'Microsoft Exchange Online',
      reason: 'Exchange synchronizes this mailbox with another Dynamics 365 organization.',
      actions: [{ title: 'Sync from this org only', command: 'sync from this org only otto@contoso.com on' }, { title: 'Test again', command: 'test mailbox otto@contoso.com' }],
    },
    {
      name: 'Support', emailAddress: 'support@contoso.com', approvalStatus: EmailApprovalStatus.Approved, mailboxStatus: TestStatus.Failure, profileName: 'Microsoft Exchange Online',
      reason: 'Exchange cannot find a mailbox with this address.',
      actions: [{ title: 'Test again', command: 'test mailbox support@contoso.com' }],
    },
  ],
  offset: 0,
  total: 2,
  previousPageCommand: null,
  nextPageCommand: null,
  nextPageCursor: null,
  listActions: [{ title: 'Test these 2 again', command: 'test mailbox otto@contoso.com, support@contoso.com' }],
};

export const sampleMailboxDetail: MailboxDetailView = {
  name: 'Sales Inbox',
  emailAddress: 'sales@contoso.com',
  ownerName: 'Otto Owner',
  regarding: { type: 'queue', name: 'Sales' },
  profileName: 'Microsoft Exchange Online',
  incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  actDeliveryMethod: ActDeliveryMethod.None,
  emailRouterAccessApproval: EmailApprovalStatus.Approved,
  isEmailAddressApprovedByO365Admin: true,
  incomingEmailStatus: TestStatus.Success,
  outgoingEmailStatus: TestStatus.Failure,
  actStatus: TestStatus.NotRun,
  mailboxStatus: TestStatus.Failure,
  enabledForIncomingEmail: true,
  enabledForOutgoingEmail: false,
  enabledForAct: false,
  orgMarkedAsPrimaryForExchangeSync: false,
  testEmailConfigurationScheduled: true,
  testEmailConfigurationRetryCount: 3,
  postponeTestEmailConfigurationUntil: '2025-03-01T10:20:00Z',
  testMailboxAccessCompletedOn: '2025-03-01T10:15:00Z',
  active: true,
  actions: [
    { title: 'Test & Enable', command: 'test mailbox sales@contoso.com' },
    { title: 'Show alerts', command: 'show alerts sales@contoso.com' },
  ],
};

export const sampleOperationResult: OperationResultView = {
  title: 'Approve email',
  rows: [
    { mailboxName: 'Sales Inbox', emailAddress: 'sales@contoso.com', outcome: 'succeeded', reason: 'Approved; Test & Enable queued.' },
    { mailboxName: 'Otto Owner', emailAddress: 'otto@contoso.com', outcome: 'succeeded', reason: 'Approved.' },
    { mailboxName: 'Support', emailAddress: 'support@contoso.com', outcome: 'succeeded', reason: 'Approved.' },
    {
      mailboxName: 'Payroll',
      emailAddress: 'payroll@contoso.com',
      outcome: 'failed',
      reason: 'Someone else changed this mailbox while you were approving it; run the command again.',
    },
    { mailboxName: 'Fabrikam liaison', emailAddress: 'liaison@fabrikam.com', outcome: 'failed', reason: 'The address is outside the tenant of the Exchange Online profile.' },
    { mailboxName: 'Dana Diaz', emailAddress: 'dana@contoso.com', outcome: 'skipped', reason: 'Already approved.' },
  ],
};

export const sampleRefusal: RefusalView = {
  refusedAction: 'Approve the email address of Sales Inbox (sales@contoso.com)',
  rule: 'seed2019:ce-online/exchange-online:system-admin',
  reason: 'A System Administrator alone cannot approve email addresses for Exchange Online: the approver must also be an Office 365 Global administrator or an Exchange administrator.',
  permissionEdition: 'seed2019',
  organizationVersion: '9.1.0.5805',
  wouldAllow: [
    'Office 365 Global administrator together with System Administrator',
    'Exchange administrator together with System Administrator',
  ],
  actions: [{ title: 'What may I do?', command: 'whoami' }],
};

export const sampleDidYouMean: DidYouMeanView = {
  input: 'aprove mailbox sales@contoso.com',
  suggestions: ['approve mailbox sales@contoso.com', 'remove mailbox sales@contoso.com'],
};

/** `apply default settings to all` over mailboxes whose own methods differ from the defaults. */
export const sampleConfirmation: ConfirmationView = {
  title: 'Confirm: apply default settings to all',
  summary: '3 mailboxes will change. Then Test & Enable runs for 3 mailboxes.',
  reasons: ['it names several mailboxes, all or pending', 'it replaces values that were set before'],
  records: [
    {
      name: 'Sales Inbox (sales@contoso.com)',
      changes: [{ field: 'Appointments, Contacts, and Tasks', from: 'None', to: 'Server-Side Synchronization' }],
    },
    {
      name: 'Sid Service (sid@contoso.com)',
      changes: [
        { field: 'Server Profile', from: '(none)', to: 'Microsoft Exchange Online' },
        { field: 'Incoming Email', from: 'None', to: 'Server-Side Synchronization or Email Router' },
      ],
    },
    { name: 'Cody Customizer (cody@contoso.com)', changes: [{ field: 'Outgoing Email', from: 'Microsoft Dynamics 365 for Outlook', to: 'Server-Side Synchronization or Email Router' }] },
  ],
  overwritten: [
    'Sales Inbox (sales@contoso.com): Appointments, Contacts, and Tasks None → Server-Side Synchronization',
    'Sid Service (sid@contoso.com): Incoming Email None → Server-Side Synchronization or Email Router',
    'Cody Customizer (cody@contoso.com): Outgoing Email Microsoft Dynamics 365 for Outlook → Server-Side Synchronization or Email Router',
  ],
  notes: ['Test & Enable: Sales Inbox (sales@contoso.com), Sid Service (sid@contoso.com), Cody Customizer (cody@contoso.com).'],
  expiry: 'Only Ada Admin can confirm. Expires at 2025-03-01 10:25 UTC; nothing changes until then.',
  confirmTitle: 'Confirm',
  confirmationId: 'C-3f9c2d4e-8a1b-4c5d-9e6f-0a1b2c3d4e5f',
};

export const sampleUsageError: UsageErrorView = {
  commandName: 'list mailboxes',
  problem: '"--page" must be a whole number from 1 to 500; got "two".',
  usage: 'list mailboxes [pending|failed|disabled] [--profile <name>] [--page <n>]',
  example: 'list mailboxes pending --page 2',
  helpCommand: 'help list mailboxes',
};

export const sampleJobRunning: JobProgressView = {
  jobId: 'job-2025-03-01-0007',
  title: 'Test & Enable mailboxes of profile Microsoft Exchange Online',
  status: 'running',
  total: 120,
  tested: 40,
  succeeded: 37,
  failed: 3,
  requestedBy: 'Ada Admin',
  startedAt: '2025-03-01T10:00:00Z',
  completedAt: null,
  failures: [],
  actions: [{ title: 'Refresh status', command: 'job status job-2025-03-01-0007' }],
};

const sampleJobFailures = [
  { mailboxName: 'Payroll', emailAddress: 'payroll@contoso.com', reason: 'Email address is not approved and the mailbox has been disabled.' },
  { mailboxName: 'Fabrikam liaison', emailAddress: 'liaison@fabrikam.com', reason: 'The mailbox location could not be determined (Autodiscover).' },
  { mailboxName: 'Blair Brooks 2', emailAddress: 'blair.brooks2@contoso.com', reason: 'Web server returned ConnectFailure; will retry in 5 minutes.' },
];

export const sampleJobDone: JobProgressView = {
  ...sampleJobRunning,
  status: 'done',
  tested: 120,
  succeeded: 117,
  failed: 3,
  completedAt: '2025-03-01T10:04:12Z',
  failures: sampleJobFailures,
  seeAllFailuresCommand: { title: 'List failed mailboxes', command: 'list mailboxes failed --profile "Microsoft Exchange Online"' },
  actions: [],
};

export const sampleMailboxAlertSucceeded: MailboxAlertView = {
  outcome: 'succeeded',
  mailboxName: 'Otto Owner',
  emailAddress: 'otto@contoso.com',
  profileName: 'Microsoft Exchange Online',
  level: AlertLevel.Information,
  occurredAt: '2025-03-01T10:02:30Z',
  incomingEmailStatus: TestStatus.Success,
  outgoingEmailStatus: TestStatus.Success,
  actStatus: TestStatus.Success,
  message: 'The email configuration test completed: incoming and outgoing email and appointments, contacts, and tasks synchronize.',
};

export const sampleMailboxAlertFailed: MailboxAlertView = {
  outcome: 'failed',
  mailboxName: 'Payroll',
  emailAddress: 'payroll@contoso.com',
  profileName: 'Microsoft Exchange Online',
  level: AlertLevel.Error,
  occurredAt: '2025-03-01T10:03:05Z',
  incomingEmailStatus: TestStatus.Failure,
  outgoingEmailStatus: TestStatus.Failure,
  actStatus: TestStatus.NotRun,
  message: 'Email cannot be received for the mailbox Payroll because the email address of the mailbox is not approved. The mailbox has been disabled.',
  whatToDo: [
    'Ask an approver (Global or Exchange administrator with System Administrator) to approve payroll@contoso.com.',
    'Then run Test & Enable on the mailbox again.',
  ],
  actions: [{ title: 'Show mailbox', command: 'show mailbox payroll@contoso.com' }],
};

export const sampleAlertsWall: AlertsWallView = {
  regarding: { type: 'mailbox', name: 'Sales Inbox' },
  total: 3,
  actions: [{ title: 'Diagnose and fix', command: 'diagnose mailbox-queue-sales' }],
  alerts: [
    { level: AlertLevel.Warning, createdOn: '2025-03-01T10:15:00Z', text: 'An error occurred in sending email while connecting to the email server. Web server returned ConnectFailure. Dynamics 365 will try to send email again later.' },
    { level: AlertLevel.Error, createdOn: '2025-02-28T17:40:00Z', text: 'The credentials specified in the associated email server profile are incorrect or have insufficient permissions.' },
    { level: AlertLevel.Information, createdOn: '2025-02-27T09:00:00Z', text: 'The mailbox Sales Inbox was tested and enabled.' },
  ],
};

export const sampleAuditList: AuditListView = {
  total: 3,
  entries: [
    {
      at: '2025-03-01T10:01:00Z',
      actorName: 'Ada Admin',
      action: 'Approved email address',
      target: { type: 'mailbox', name: 'Sales Inbox' },
      rule: 'seed2019:ce-online/exchange-online:exchange-admin+system-admin',
      details: 'emailrouteraccessapproval: Pending Approval → Approved',
    },
    {
      at: '2025-03-01T09:58:00Z',
      actorName: 'Ada Admin',
      action: 'Set default profile',
      target: { type: 'organization', name: 'Contoso Sales' },
      rule: 'privilege:prvWriteOrganization',
      details: 'defaultemailserverprofileid: Contoso Exchange 2016 (Hybrid) → Microsoft Exchange Online',
    },
    {
      at: '2025-03-01T09:00:00Z',
      actorName: 'system',
      action: 'Disabled mailbox after 10 transient failures',
      target: { type: 'mailbox', name: 'Payroll' },
      rule: null,
      details: '',
    },
  ],
};

export const sampleSecurityRoles: SecurityRolesView = {
  roles: [
    { name: 'System Administrator', businessUnit: 'Contoso', holdsAllPrivileges: true, privileges: [] },
    {
      name: 'Delegated Mailbox Approver',
      businessUnit: 'Contoso',
      holdsAllPrivileges: false,
      privileges: [
        { privilege: 'prvApproveRejectEmailAddress', depth: 'Organization' },
        { privilege: 'prvReadMailbox', depth: 'Organization' },
      ],
    },
    {
      name: 'Sales Mailbox Helper',
      businessUnit: 'Contoso Sales',
      holdsAllPrivileges: false,
      privileges: [
        { privilege: 'prvReadMailbox', depth: 'BusinessUnit' },
        { privilege: 'prvWriteMailbox', depth: 'User' },
      ],
    },
    { name: 'Salesperson', businessUnit: 'Contoso Sales', holdsAllPrivileges: false, privileges: [] },
  ],
};

export const sampleApprovalRequest: ApprovalRequestView = {
  requestId: 'apr-0042',
  version: 7,
  mailboxName: 'Sales Inbox',
  emailAddress: 'sales@contoso.com',
  ownerName: 'Otto Owner',
  regardingType: 'queue',
  profileName: 'Microsoft Exchange Online',
  whyApprovalIsNeeded: 'Process emails only for approved queues is on, and the address of this queue changed to sales@contoso.com.',
  requestedBy: 'Otto Owner',
  requestedAt: '2025-03-01T09:45:00Z',
  approverUserIds: ['29:1a2b3c-ada', '29:4d5e6f-erin'],
};

export const sampleApprovalApproved: ApprovalDecidedView = {
  requestId: sampleApprovalRequest.requestId,
  version: 8,
  mailboxName: sampleApprovalRequest.mailboxName,
  emailAddress: sampleApprovalRequest.emailAddress,
  ownerName: sampleApprovalRequest.ownerName,
  regardingType: sampleApprovalRequest.regardingType,
  profileName: sampleApprovalRequest.profileName,
  whyApprovalIsNeeded: sampleApprovalRequest.whyApprovalIsNeeded,
  requestedBy: sampleApprovalRequest.requestedBy,
  requestedAt: sampleApprovalRequest.requestedAt,
  decision: 'approved',
  decidedBy: 'Ada Admin',
  decidedAt: '2025-03-01T10:01:00Z',
  note: 'Test & Enable was queued for this mailbox.',
};

export const sampleApprovalRejected: ApprovalDecidedView = {
  ...sampleApprovalApproved,
  decision: 'rejected',
  decidedBy: 'Erin Exchange',
  decidedAt: '2025-03-01T10:03:00Z',
  note: undefined,
  remark: 'This address belongs to a shared mailbox that is being retired; use sales@contoso.com instead.',
};

/** A request made again after a rejection: the approver sees who rejected it before, when and why. */
export const sampleApprovalAskedAgain: ApprovalRequestView = {
  ...sampleApprovalRequest,
  previousRejection: { decidedBy: 'Erin Exchange', decidedAt: '2025-02-27T16:40:00Z', reason: 'The mailbox still pointed at the old Exchange server.' },
};

export interface CardGalleryEntry {
  readonly name: string;
  readonly template: CardTemplateName;
  readonly render: () => AdaptiveCardJson;
}

/** Every card once (twice where a card has distinct states), rendered from the samples above. */
export const sampleSyncHealth: SyncHealthView = {
  organizationName: 'Contoso',
  activeMailboxes: 11,
  byHealth: { working: 5, failing: 3, retrying: 1, blocked: 1, notTested: 1 },
  byCause: [{ cause: 'anotherPrimaryOrganization', count: 2 }, { cause: 'credentials', count: 1 }, { cause: 'notApproved', count: 1 }, { cause: 'serverUnreachable', count: 1 }],
  failingLongest: [
    { mailboxId: 'mailbox-otto', name: 'Otto Owner', emailAddress: 'otto@contoso.com', cause: 'anotherPrimaryOrganization', summary: 'Exchange synchronizes this mailbox with another Dynamics 365 organization.', failingSince: '2026-11-28T09:00:00Z' },
    { mailboxId: 'mailbox-support', name: 'Support', emailAddress: 'support@contoso.com', cause: 'credentials', summary: 'Exchange refused the credentials of the email server profile.', failingSince: '2026-12-03T14:30:00Z' },
  ],
  lastTestCompletedOn: '2026-12-06T08:00:00Z',
  neverTested: 1,
  pendingApprovals: [{ mailboxId: 'mailbox-pia', name: 'Pia Pending', emailAddress: 'pia@contoso.com', requestedOn: '2026-12-02T12:00:00Z', ageDays: 4 }],
  trend: [
    { day: '2026-11-30', succeeded: 2, failed: 1 },
    { day: '2026-12-01', succeeded: 0, failed: 0 },
    { day: '2026-12-02', succeeded: 4, failed: 2 },
    { day: '2026-12-03', succeeded: 1, failed: 3 },
    { day: '2026-12-04', succeeded: 0, failed: 1 },
    { day: '2026-12-05', succeeded: 6, failed: 2 },
    { day: '2026-12-06', succeeded: 3, failed: 3 },
  ],
  actions: [
    { title: 'Failed mailboxes', command: 'mailboxes failed' },
    { title: 'Pending approvals', command: 'mailboxes pending' },
    { title: 'Diagnose Otto Owner', command: 'diagnose otto@contoso.com' },
  ],
};

export const sampleDiagnosis: DiagnosisView = {
  name: 'Otto Owner',
  emailAddress: 'otto@contoso.com',
  health: 'failing',
  causes: [
    {
      code: 'anotherPrimaryOrganization',
      summary: 'Exchange synchronizes this mailbox with another Dynamics 365 organization.',
      advice: 'Otto Owner is configured to synchronize appointments, contacts, and tasks with another organization (Fabrikam Sales). To synchronize with this organization instead, turn on "Sync items with Exchange from this org only" and test again.',
    },
  ],
  fix: { kind: 'syncFromThisOrgOnly', label: 'Sync from this org only' },
  emailRouterAccessApproval: EmailApprovalStatus.Approved,
  incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  actDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
  mailboxStatus: TestStatus.Failure,
  incomingEmailStatus: TestStatus.Success,
  outgoingEmailStatus: TestStatus.Success,
  actStatus: TestStatus.Failure,
  testMailboxAccessCompletedOn: '2026-12-06T08:00:00Z',
  postponeTestEmailConfigurationUntil: null,
  latestAlerts: [
    { level: AlertLevel.Error, text: 'Appointments, contacts, and tasks for Otto Owner are configured to synchronize with another organization (Fabrikam Sales).', createdOn: '2026-12-06T08:00:00Z' },
    { level: AlertLevel.Information, text: 'Incoming and outgoing email for Otto Owner were tested and enabled.', createdOn: '2026-12-06T08:00:00Z' },
  ],
  actions: [
    { title: 'Sync from this org only', command: 'sync from this org only otto@contoso.com on' },
    { title: 'Alerts', command: 'alerts otto@contoso.com' },
  ],
};

export const cardGallery: readonly CardGalleryEntry[] = [
  { name: 'help (overview)', template: 'help', render: () => renderHelpCard(sampleHelpOverview) },
  { name: 'help (one command)', template: 'help', render: () => renderHelpCard(sampleHelpCommand) },
  { name: 'whoami', template: 'whoami', render: () => renderWhoAmICard(sampleWhoAmI) },
  { name: 'profiles', template: 'profiles', render: () => renderProfilesCard(sampleProfiles) },
  { name: 'profiles (Exchange Online missing)', template: 'profiles', render: () => renderProfilesCard(sampleProfilesWithoutExchangeOnline) },
  { name: 'email settings', template: 'email-settings', render: () => renderEmailSettingsCard(sampleEmailSettings) },
  { name: 'mailbox list', template: 'mailbox-list', render: () => renderMailboxListCard(sampleMailboxList) },
  { name: 'mailbox detail', template: 'mailbox-detail', render: () => renderMailboxDetailCard(sampleMailboxDetail) },
  { name: 'operation result', template: 'operation-result', render: () => renderOperationResultCard(sampleOperationResult) },
  { name: 'refusal', template: 'refusal', render: () => renderRefusalCard(sampleRefusal) },
  { name: 'did you mean', template: 'did-you-mean', render: () => renderDidYouMeanCard(sampleDidYouMean) },
  { name: 'confirmation', template: 'confirmation', render: () => renderConfirmationCard(sampleConfirmation) },
  { name: 'usage error', template: 'usage-error', render: () => renderUsageErrorCard(sampleUsageError) },
  { name: 'job progress (running)', template: 'job-progress', render: () => renderJobProgressCard(sampleJobRunning) },
  { name: 'job progress (done)', template: 'job-progress', render: () => renderJobProgressCard(sampleJobDone) },
  { name: 'mailbox alert (succeeded)', template: 'mailbox-alert', render: () => renderMailboxAlertCard(sampleMailboxAlertSucceeded) },
  { name: 'mailbox alert (failed)', template: 'mailbox-alert', render: () => renderMailboxAlertCard(sampleMailboxAlertFailed) },
  { name: 'alerts wall', template: 'alerts-wall', render: () => renderAlertsWallCard(sampleAlertsWall) },
  { name: 'audit list', template: 'audit-list', render: () => renderAuditListCard(sampleAuditList) },
  { name: 'security roles', template: 'security-roles', render: () => renderSecurityRolesCard(sampleSecurityRoles) },
  { name: 'approval (base)', template: 'approval', render: () => renderApprovalBaseCard(sampleApprovalRequest) },
  { name: 'approval (approver)', template: 'approval', render: () => renderApprovalApproverCard(sampleApprovalRequest) },
  { name: 'approval (asked again after a rejection)', template: 'approval', render: () => renderApprovalApproverCard(sampleApprovalAskedAgain) },
  { name: 'approval (approved)', template: 'approval', render: () => renderApprovalDecidedCard(sampleApprovalApproved) },
  { name: 'approval (rejected)', template: 'approval', render: () => renderApprovalDecidedCard(sampleApprovalRejected) },
  { name: 'sync health', template: 'sync-health', render: () => renderSyncHealthCard(sampleSyncHealth) },
  { name: 'diagnosis', template: 'diagnosis', render: () => renderDiagnosisCard(sampleDiagnosis) },
  { name: 'mailbox list (pending, actionable)', template: 'mailbox-list', render: () => renderMailboxListCard(samplePendingList) },
  { name: 'mailbox list (failed, actionable)', template: 'mailbox-list', render: () => renderMailboxListCard(sampleFailedList) },
];
