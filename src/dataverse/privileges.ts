// The privileges the bot's application user needs in its custom security role, each with why.
// docs/dataverse.md lists the same; a start-up check can ask RetrieveUserPrivilegeByPrivilegeName
// for each and name the missing ones. Depth: Organization for all (the bot works on every mailbox).
export interface RequiredPrivilege {
  readonly name: string;
  /** Where it sits in the security-role editor. */
  readonly table: string;
  readonly why: string;
}

export const APPLICATION_USER_PRIVILEGES: readonly RequiredPrivilege[] = [
  { name: 'prvReadMailbox', table: 'Mailbox (Read)', why: 'load and refresh mailboxes, re-read one before a decision, poll Test & Enable' },
  { name: 'prvWriteMailbox', table: 'Mailbox (Write)', why: 'schedule Test & Enable, delivery methods, sync from this org only, apply default settings' },
  { name: 'prvAppendMailbox', table: 'Mailbox (Append)', why: "set a mailbox's email server profile (a lookup)" },
  { name: 'prvAppendToEmailServerProfile', table: 'Email Server Profile (Append To)', why: 'the other side of setting the profile lookup' },
  { name: 'prvReadEmailServerProfile', table: 'Email Server Profile (Read)', why: 'list profiles and test all mailboxes of a profile' },
  { name: 'prvReadUser', table: 'User (Read)', why: 'map a Teams user to a systemuser by azureactivedirectoryobjectid, read approval status' },
  { name: 'prvWriteUser', table: 'User (Write)', why: "approve or reject a user's email address (emailrouteraccessapproval)" },
  { name: 'prvReadQueue', table: 'Queue (Read)', why: 'queue mailboxes and their approval status' },
  { name: 'prvWriteQueue', table: 'Queue (Write)', why: "approve or reject a queue's email address" },
  { name: 'prvReadOrganization', table: 'Organization (Read)', why: 'default email settings, default profile, approval requirements' },
  { name: 'prvWriteOrganization', table: 'Organization (Write)', why: "change System Settings › Email from chat (approval requirements, default email settings); optional: without it those commands are refused" },
  { name: 'prvReadBusinessUnit', table: 'Business Unit (Read)', why: 'business-unit depth of the permission model' },
  { name: 'prvReadTraceLog', table: 'Trace Log / Alerts (Read)', why: 'the alerts Test & Enable writes about each mailbox' },
  { name: 'prvReadRole', table: 'Security Role (Read)', why: "load security roles, their privileges and who holds them (the permission model), check privileges (RetrieveUserPrivilegeByPrivilegeName)" },
  { name: 'prvApproveRejectEmailAddress', table: 'Miscellaneous: Approve Email Addresses for Users or Queues', why: 'approve and reject email addresses' },
];
