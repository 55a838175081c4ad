// Public API of the cards: pure renderers from view models to Adaptive Card JSON, the action contract
// the bot parses, and the attachment wrapper.
export * from './actions.js';
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  ADAPTIVE_CARD_SCHEMA_URL,
  ADAPTIVE_CARD_VERSION,
  CARD_BYTE_BUDGET,
  MAX_REFRESH_USER_IDS,
  adaptiveCardJsonSchema,
  cardByteSize,
  toAdaptiveCardAttachment,
  type AdaptiveCardAttachment,
  type AdaptiveCardJson,
} from './card-json.js';
export { MAX_BUTTONS_PER_SET } from './buttons.js';
export { escapeMarkdown, escapeMarkdownLine } from './format.js';
export type * from './view-models.js';
export { renderAlertsWallCard, MAX_ALERTS_PER_CARD } from './alerts-wall-card.js';
export { renderApprovalApproverCard, renderApprovalBaseCard, renderApprovalDecidedCard, approvalRefreshUserIds } from './approval-card.js';
export { renderAuditListCard, MAX_AUDIT_ENTRIES_PER_CARD } from './audit-list-card.js';
export {
  renderConfirmationCard,
  MAX_CONFIRMATION_RECORDS,
  MAX_OVERWRITTEN_LINES,
  type ConfirmationFieldView,
  type ConfirmationRecordView,
  type ConfirmationView,
} from './confirmation-card.js';
export { renderDidYouMeanCard, MAX_SUGGESTIONS } from './did-you-mean-card.js';
export { renderEmailSettingsCard } from './email-settings-card.js';
export { renderHelpCard } from './help-card.js';
export { renderJobProgressCard } from './job-progress-card.js';
export { renderMailboxAlertCard } from './mailbox-alert-card.js';
export { renderMailboxDetailCard } from './mailbox-detail-card.js';
export { renderMailboxListCard, MAX_MAILBOX_ROWS_PER_CARD } from './mailbox-list-card.js';
export { MAX_OUTCOME_ROWS_PER_CARD } from './mailbox-outcomes.js';
export { renderOperationResultCard } from './operation-result-card.js';
export { renderProfilesCard } from './profiles-card.js';
export { renderRefusalCard } from './refusal-card.js';
export { renderSecurityRolesCard, MAX_ROLES_PER_CARD } from './security-roles-card.js';
export { renderUsageErrorCard } from './usage-error-card.js';
export { renderWhoAmICard } from './whoami-card.js';
export { renderDiagnosisCard, fixButton, MAX_DIAGNOSIS_ALERTS, type DiagnosisView } from './diagnosis-card.js';
export { renderSyncHealthCard, causeLabel, type SyncHealthView } from './sync-health-card.js';
