// The platform's rules for an address approval when the records around it change (src/domain/address-approval.ts).
import { describe, expect, it } from 'vitest';
import { mailboxWithNewAddress, withApprovalRequirement } from '../../src/domain/address-approval.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { exampleDocument } from '../support/fixtures.js';

describe('address approval rules', () => {
  it('sends an approved mailbox whose address changed back to Pending Approval, with the new address', async () => {
    const document = await exampleDocument();
    const approved = document.mailboxes.find((mailbox) => mailbox.emailRouterAccessApproval === EmailApprovalStatus.Approved && mailbox.isEmailAddressApprovedByO365Admin);
    if (approved === undefined) throw new Error('Contoso has an approved mailbox');
    const moved = mailboxWithNewAddress(approved, 'new.address@contoso.com');
    expect(moved).toEqual({ ...approved, emailAddress: 'new.address@contoso.com', emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, isEmailAddressApprovedByO365Admin: false });
  });

  it('sets the approval requirement for users or for queues, leaving the other as it was', async () => {
    const { settings } = (await exampleDocument()).organization;
    expect(withApprovalRequirement(settings, 'systemuser', !settings.requireApprovalForUserEmail)).toEqual({ ...settings, requireApprovalForUserEmail: !settings.requireApprovalForUserEmail });
    expect(withApprovalRequirement(settings, 'queue', !settings.requireApprovalForQueueEmail)).toEqual({ ...settings, requireApprovalForQueueEmail: !settings.requireApprovalForQueueEmail });
  });
});
