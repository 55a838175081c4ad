import { describe, expect, it } from 'vitest';
import { changeEmailAddress } from '../../src/app/change-email-address.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('changeEmailAddress', () => {
  it("changes a user's primary email (not the UPN) and the mailbox address, and sends the address back to approval", async () => {
    const { context, store, events, commit, user } = harnessForOrg(smallOrg());
    // Approve first, so the reset is visible.
    const approved = store.mailboxById('mailbox-pia');
    if (approved === undefined) throw new Error('fixture lacks mailbox-pia');
    await store.commit({ mailboxes: [{ ...approved, emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: true }] });
    commit.mockClear();

    const result = expectOk(await changeEmailAddress(context, user('sam'), { who: 'Pia Pending', newAddress: ' pia.pending@contoso.com ' }));
    expect(result).toMatchObject({ previousAddress: 'pia@contoso.com', newAddress: 'pia.pending@contoso.com', changed: true, subject: { type: 'systemuser', id: 'pia' } });
    expect(store.userById('pia')).toMatchObject({ primaryEmail: 'pia.pending@contoso.com', userPrincipalName: 'pia@contoso.com' });
    expect(store.mailboxById('mailbox-pia')).toMatchObject({
      emailAddress: 'pia.pending@contoso.com',
      emailRouterAccessApproval: EmailApprovalStatus.PendingApproval,
      isEmailAddressApprovedByO365Admin: false,
    });
    expect(result.mailbox?.mailbox.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(store.recentAudit(5).map((entry) => [entry.action, entry.target.id])).toEqual(
      expect.arrayContaining([
        ['user.changeEmailAddress', 'pia'],
        ['mailbox.changeEmailAddress', 'mailbox-pia'],
      ]),
    );
    expect(events.published).toEqual([{ type: 'approvalRequested', mailboxId: 'mailbox-pia', requestedById: 'sam', reason: 'emailChanged' }]);
  });

  it("changes a queue's address and its mailbox's", async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    expectOk(await changeEmailAddress(context, user('sam'), { who: 'support@contoso.com', newAddress: 'helpdesk@contoso.com' }));
    expect(store.queueById('support')?.emailAddress).toBe('helpdesk@contoso.com');
    expect(store.mailboxById('mailbox-support')?.emailAddress).toBe('helpdesk@contoso.com');
    expect(store.mailboxByEmail('helpdesk@contoso.com')?.id).toBe('mailbox-support');
  });

  it('refuses an address that is not an email address', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    const error = expectErr(await changeEmailAddress(context, user('sam'), { who: 'Pia Pending', newAddress: 'pia at contoso' }));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toContain('"pia at contoso" is not an email address');
    expect(commit).not.toHaveBeenCalled();
  });

  it('refuses an address another user, queue or mailbox already has', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const taken = expectErr(await changeEmailAddress(context, user('sam'), { who: 'Pia Pending', newAddress: 'OTTO@contoso.com' }));
    expect(taken.message).toBe('OTTO@contoso.com is already used by the user Otto Owner; an email address can belong to only one user, queue or mailbox.');
    const queue = expectErr(await changeEmailAddress(context, user('sam'), { who: 'Pia Pending', newAddress: 'sales@contoso.com' }));
    expect(queue.message).toContain('the queue Sales Inbox');
    expect(store.document()).toBe(before);
  });

  it('leaves everything alone when the address is the same apart from case', async () => {
    const { context, commit, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await changeEmailAddress(context, user('sam'), { who: 'pia', newAddress: 'PIA@contoso.com' }));
    expect(result.changed).toBe(false);
    expect(commit).not.toHaveBeenCalled();
    expect(events.published).toEqual([]);
  });

  it("refuses a user whose Write Mailbox does not reach the other user's mailbox", async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await changeEmailAddress(context, user('otto'), { who: 'Pia Pending', newAddress: 'pia2@contoso.com' }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toContain('Write Mailbox');
    expect(store.document()).toBe(before);
  });

  it('suggests the closest user or queue for an unknown name', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await changeEmailAddress(context, user('sam'), { who: 'Pia Pendin', newAddress: 'pia2@contoso.com' }));
    expect(error.code).toBe('UnknownUser');
    expect(error.unknownNames?.[0]?.suggestions).toContain('Pia Pending');
  });
});
