// Option-set values exactly as Dataverse stores them (domain.md §1–§4), under readable names.
// Records keep the numeric values so that data files and audit entries read like the real product.

/** `mailbox.incomingemaildeliverymethod` */
export const IncomingEmailDeliveryMethod = {
  None: 0,
  MicrosoftDynamics365ForOutlook: 1,
  ServerSideSynchronizationOrEmailRouter: 2,
  ForwardMailbox: 3,
} as const;
export type IncomingEmailDeliveryMethod = (typeof IncomingEmailDeliveryMethod)[keyof typeof IncomingEmailDeliveryMethod];

/** `mailbox.outgoingemaildeliverymethod` */
export const OutgoingEmailDeliveryMethod = {
  None: 0,
  MicrosoftDynamics365ForOutlook: 1,
  ServerSideSynchronizationOrEmailRouter: 2,
} as const;
export type OutgoingEmailDeliveryMethod = (typeof OutgoingEmailDeliveryMethod)[keyof typeof OutgoingEmailDeliveryMethod];

/** `mailbox.actdeliverymethod`: note the numbering differs from the email methods. */
export const ActDeliveryMethod = {
  MicrosoftDynamics365ForOutlook: 0,
  ServerSideSynchronization: 1,
  None: 2,
} as const;
export type ActDeliveryMethod = (typeof ActDeliveryMethod)[keyof typeof ActDeliveryMethod];

/** `incomingemailstatus`, `outgoingemailstatus`, `actstatus`, `mailboxstatus` */
export const TestStatus = { NotRun: 0, Success: 1, Failure: 2 } as const;
export type TestStatus = (typeof TestStatus)[keyof typeof TestStatus];

/** `emailrouteraccessapproval` ("Email Address Status" / "Primary Email Status") */
export const EmailApprovalStatus = { Empty: 0, Approved: 1, PendingApproval: 2, Rejected: 3 } as const;
export type EmailApprovalStatus = (typeof EmailApprovalStatus)[keyof typeof EmailApprovalStatus];

/**
 * The profile's email server type. Dataverse's `servertype` has no separate "Exchange Online" value:
 * the Microsoft Exchange Online (server-to-server) profile is type 0 with S2S credentials, so we keep a
 * readable kind and map it to the stored code.
 */
export const ServerTypes = ['ExchangeOnline', 'ExchangeServer', 'ExchangeServerHybrid', 'ExchangeOnlineHybrid', 'Pop3Smtp', 'ImapSmtp'] as const;
export type ServerType = (typeof ServerTypes)[number];
export const serverTypeCode: Readonly<Record<ServerType, number>> = {
  ExchangeOnline: 0,
  ExchangeServer: 0,
  Pop3Smtp: 1,
  ExchangeServerHybrid: 2,
  ExchangeOnlineHybrid: 3,
  ImapSmtp: 4,
};

/** `tracelog.level` */
export const AlertLevel = { Information: 1, Warning: 2, Error: 3 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** Privilege depth: UI names (SDK `PrivilegeDepth` Basic 0 · Local 1 · Deep 2 · Global 3). */
export const PrivilegeDepths = ['User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization'] as const;
export type PrivilegeDepth = (typeof PrivilegeDepths)[number];
export const privilegeDepthRank: Readonly<Record<PrivilegeDepth, number>> = {
  User: 0,
  BusinessUnit: 1,
  ParentChildBusinessUnit: 2,
  Organization: 3,
};

export const Privileges = [
  'prvApproveRejectEmailAddress',
  'prvReadMailbox',
  'prvWriteMailbox',
  'prvReadEmailServerProfile',
  'prvWriteEmailServerProfile',
  'prvWriteOrganization',
] as const;
export type Privilege = (typeof Privileges)[number];

export const privilegeDisplayName: Readonly<Record<Privilege, string>> = {
  prvApproveRejectEmailAddress: 'Approve Email Addresses for Users or Queues',
  prvReadMailbox: 'Read Mailbox',
  prvWriteMailbox: 'Write Mailbox',
  prvReadEmailServerProfile: 'Read Email Server Profile',
  prvWriteEmailServerProfile: 'Write Email Server Profile',
  prvWriteOrganization: 'Write Organization (System Settings)',
};

/** Microsoft 365 (Office 365) admin roles held in Entra, not in Dynamics. */
export const Office365Roles = ['GlobalAdministrator', 'ExchangeAdministrator'] as const;
export type Office365Role = (typeof Office365Roles)[number];

/** Built-in Dynamics 365 security roles the permission model names. Custom roles have no template. */
export const RoleTemplates = ['SystemAdministrator', 'SystemCustomizer', 'DelegatedMailboxApprover'] as const;
export type RoleTemplate = (typeof RoleTemplates)[number];

export const incomingMethodLabel: Readonly<Record<IncomingEmailDeliveryMethod, string>> = {
  0: 'None',
  1: 'Microsoft Dynamics 365 for Outlook',
  2: 'Server-Side Synchronization or Email Router',
  3: 'Forward Mailbox',
};
export const outgoingMethodLabel: Readonly<Record<OutgoingEmailDeliveryMethod, string>> = {
  0: 'None',
  1: 'Microsoft Dynamics 365 for Outlook',
  2: 'Server-Side Synchronization or Email Router',
};
export const actMethodLabel: Readonly<Record<ActDeliveryMethod, string>> = {
  0: 'Microsoft Dynamics 365 for Outlook',
  1: 'Server-Side Synchronization',
  2: 'None',
};
export const testStatusLabel: Readonly<Record<TestStatus, string>> = { 0: 'Not Run', 1: 'Success', 2: 'Failure' };
export const approvalStatusLabel: Readonly<Record<EmailApprovalStatus, string>> = {
  0: 'Empty',
  1: 'Approved',
  2: 'Pending Approval',
  3: 'Rejected',
};
export const alertLevelLabel: Readonly<Record<AlertLevel, string>> = { 1: 'Information', 2: 'Warning', 3: 'Error' };
export const serverTypeLabel: Readonly<Record<ServerType, string>> = {
  ExchangeOnline: 'Exchange Online',
  ExchangeServer: 'Exchange Server',
  ExchangeServerHybrid: 'Exchange Server (Hybrid)',
  ExchangeOnlineHybrid: 'Exchange Online (Hybrid)',
  Pop3Smtp: 'Other (POP3/SMTP)',
  ImapSmtp: 'IMAP/SMTP',
};
