// The names of the chat commands, their help categories and the Teams conversation scopes: plain data that the
// registrations, the handler environment, the views and the parser share. A leaf: it imports nothing.
export const commandIds = [
  'help',
  'whoami',
  'profiles',
  'verifyProfile',
  'setDefaultProfile',
  'settings',
  'setDefaultIncoming',
  'setDefaultOutgoing',
  'setDefaultAct',
  'mailboxes',
  'mailbox',
  'diagnose',
  'applyDefaultSettings',
  'editMailboxes',
  'changeEmail',
  'syncFromThisOrgOnly',
  'approveMailbox',
  'rejectMailbox',
  'requestApproval',
  'approvalRequired',
  'testMailbox',
  'testProfileMailboxes',
  'job',
  'health',
  'alerts',
  'audit',
  'subscribeAlerts',
  'unsubscribeAlerts',
  'roles',
  'grantApprovePrivilege',
  'revokeApprovePrivilege',
] as const;
export type CommandId = (typeof commandIds)[number];

export const commandCategories = [
  'Getting started',
  'Profiles',
  'Email settings',
  'Mailboxes',
  'Approval',
  'Test & Enable',
  'Alerts and audit',
  'Security',
] as const;
export type CommandCategory = (typeof commandCategories)[number];

/** Teams conversation scopes, spelled as the manifest spells them. */
export const conversationScopes = ['personal', 'team', 'groupChat'] as const;
export type ConversationScope = (typeof conversationScopes)[number];
export const everywhere: readonly ConversationScope[] = conversationScopes;
