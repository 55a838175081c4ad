// What the platform does to a mailbox's email address approval when the records around it change: pure rules,
// shared by every backend that plays or mirrors the platform (the embedded store, the Dataverse adapter's plan)
// and by the use cases that preview them.
import type { EmailSettings, Mailbox } from './model.js';
import { EmailApprovalStatus } from './options.js';

/**
 * The owner's (user's or queue's) address changed: the mailbox takes it and goes back to Pending Approval, since an
 * approval is for an address.
 */
export function mailboxWithNewAddress(mailbox: Mailbox, address: string): Mailbox {
  return { ...mailbox, emailAddress: address, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, isEmailAddressApprovedByO365Admin: false };
}

/** "Process emails only for approved users" or "…approved queues" (`requireapprovalforuseremail` / `…queueemail`). */
export function withApprovalRequirement(settings: EmailSettings, owners: 'systemuser' | 'queue', required: boolean): EmailSettings {
  return owners === 'systemuser' ? { ...settings, requireApprovalForUserEmail: required } : { ...settings, requireApprovalForQueueEmail: required };
}
