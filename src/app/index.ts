// The application layer in one import for the bot: use cases, their inputs and results, and the ports.
export type { Requester, UseCaseContext } from './context.js';
export { createInProcessEventBus, type AppEvent, type AppEventListener, type AppEventType, type AppEvents, type ApprovalRequestReason, type InProcessEventBus, type TestAndEnableOrigin } from './events.js';
export { mailboxSelectorSchema, selectMailboxes, selectOneMailbox, type MailboxSelector } from './mailbox-selection.js';
export { deliveryChangesInput, emailAddressInput, privilegeDepthInput, privilegeInput, type DeliveryChanges } from './inputs.js';
export type { MailboxView, ProfileView } from './views.js';
export type { BulkMailboxResult, MailboxOutcome, MailboxOutcomeStatus } from './outcomes.js';
export { setDefaultProfile, verifyProfiles, type ProfileVerification, type SetDefaultProfileInput, type VerifyProfilesInput } from './profiles.js';
export { configureDefaultEmailSettings, showEmailSettings, type EmailSettingsChange, type EmailSettingsView } from './email-settings.js';
export {
  applyDefaultEmailSettings,
  editMailboxes,
  setSyncFromThisOrgOnly,
  type ApplyDefaultEmailSettingsInput,
  type ApplyDefaultEmailSettingsResult,
  type EditMailboxesInput,
  type MailboxChange,
  type SetSyncFromThisOrgOnlyInput,
} from './mailbox-delivery.js';
export {
  approveEmail,
  decideEmailApproval,
  rejectEmail,
  requestApproval,
  type ApprovalDecision,
  type DecideEmailApprovalError,
  type DecideEmailApprovalInput,
  type DecidedMailbox,
  type EmailApprovalInput,
  type RequestApprovalInput,
} from './email-approval.js';
export { decideApprovalRequest, type DecideApprovalRequestError, type DecideApprovalRequestInput, type DecidedApprovalRequest } from './approvals/decide-approval-request.js';
export { EventDispatcher, type EventOutboxRepository, type StoredEvent } from './event-outbox.js';
export { setApprovalRequirement, showApprovalRequirement, type ApprovalAudience, type ApprovalRequirementChange, type ApprovalRequirementView, type SetApprovalRequirementInput } from './approval-requirement.js';
export { changeEmailAddress, type ChangeEmailAddressInput, type EmailAddressChange } from './change-email-address.js';
export {
  assignRole,
  grantPrivilege,
  listSecurityRoles,
  removeRole,
  revokePrivilege,
  type GrantPrivilegeInput,
  type RevokePrivilegeInput,
  type RoleAssignmentChange,
  type RoleAssignmentInput,
  type RoleChange,
  type SecurityRoleView,
} from './security-roles.js';
export {
  alertsFor,
  DEFAULT_PAGE_SIZE,
  listMailboxes,
  mailboxDetail,
  MailboxFilters,
  recentAudit,
  whoAmI,
  type AlertsForInput,
  type AlertWall,
  type ListMailboxesInput,
  type MailboxDetail,
  type MailboxDetailInput,
  type MailboxFilter,
  type ListedMailbox,
  type MailboxListPage,
  type MailboxPermissionSample,
  type WhoAmI,
} from './queries.js';
export { diagnoseMailboxFor, syncHealthFor, type MailboxDiagnosis, type SyncHealthReport } from './diagnosis.js';
