// Card-only wording and colours for domain values. Option-set labels themselves come from
// src/domain/options.ts so that a card says exactly what Dynamics 365 says.
import {
  AlertLevel,
  EmailApprovalStatus,
  TestStatus,
  alertLevelLabel,
  approvalStatusLabel,
  testStatusLabel,
  type Office365Role,
  type PrivilegeDepth,
} from '../domain/options.js';
import type { PermissionEdition } from '../domain/permissions.js';

/** Adaptive Card TextBlock `color` values. */
/**
 * Only colours that keep WCAG AA contrast (4.5:1) on the Teams light, dark and high-contrast themes: Teams draws
 * Good and Warning text light green and yellow, unreadable on light containers. Status is said in words and
 * symbols; emphasis uses container styles and weight (test/cards/contrast.test.ts).
 */
export type TextColor = 'Default' | 'Attention' | 'Accent';

export const testStatusColor: Readonly<Record<TestStatus, TextColor>> = {
  [TestStatus.NotRun]: 'Default',
  [TestStatus.Success]: 'Default',
  [TestStatus.Failure]: 'Attention',
};

export const approvalStatusColor: Readonly<Record<EmailApprovalStatus, TextColor>> = {
  [EmailApprovalStatus.Empty]: 'Default',
  [EmailApprovalStatus.Approved]: 'Default',
  [EmailApprovalStatus.PendingApproval]: 'Default',
  [EmailApprovalStatus.Rejected]: 'Attention',
};

export const alertLevelColor: Readonly<Record<AlertLevel, TextColor>> = {
  [AlertLevel.Information]: 'Accent',
  [AlertLevel.Warning]: 'Default',
  [AlertLevel.Error]: 'Attention',
};

export const testStatusText = (status: TestStatus): string => testStatusLabel[status];
export const approvalStatusText = (status: EmailApprovalStatus): string => approvalStatusLabel[status];
export const alertLevelText = (level: AlertLevel): string => alertLevelLabel[level];

/** UI names of privilege depths (Security roles editor). */
export const privilegeDepthLabel: Readonly<Record<PrivilegeDepth, string>> = {
  User: 'User',
  BusinessUnit: 'Business Unit',
  ParentChildBusinessUnit: 'Parent: Child Business Units',
  Organization: 'Organization',
};

export const office365RoleLabel: Readonly<Record<Office365Role, string>> = {
  GlobalAdministrator: 'Office 365 Global administrator',
  ExchangeAdministrator: 'Exchange administrator',
};

/** Which edition of Microsoft's approval permission table applies, in words an admin recognises. */
export const permissionEditionLabel: Readonly<Record<PermissionEdition, string>> = {
  legacy: 'Before 9.1.0.5805: only an Office 365 Global administrator approves email addresses',
  seed2019: '9.1.0.5805 or later: Global or Exchange administrator together with System Administrator',
  current2025: '9.2.22104.00170 or later: adds Delegated Mailbox Approver and self-approval of your own mailbox',
};
