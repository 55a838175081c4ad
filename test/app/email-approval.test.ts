import { describe, expect, it } from 'vitest';
import { approveEmail, decideEmailApproval, rejectEmail, requestApproval } from '../../src/app/email-approval.js';
import { EmailApprovalStatus, TestStatus } from '../../src/domain/options.js';
import { orgBuilder, BuiltInRoleIds } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg, NOW } from './support.js';

describe('approveEmail', () => {
  it('approves a pending mailbox, records who and by which rule, and tells the approval-card sender', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await approveEmail(context, user('ada'), { mailboxes: ['pia@contoso.com'] }));

    expect(result.counts).toEqual({ changed: 1, unchanged: 0, refused: 0, invalid: 0 });
    const [outcome] = result.outcomes;
    expect(outcome?.status).toBe('changed');
    expect(outcome?.mailbox.mailbox.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(outcome?.mailbox.ownerName).toBe('Pia Pending');
    expect(outcome?.mailbox.profileName).toBe('Microsoft Exchange Online');
    const stored = store.mailboxById('mailbox-pia');
    expect(stored?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    // Ada is a Global administrator: her approval is the Microsoft 365 admin's approval too.
    expect(stored?.isEmailAddressApprovedByO365Admin).toBe(true);
    expect(outcome?.mailbox.mailbox.version).toBe(stored?.version);

    const [entry] = store.recentAudit(10);
    expect(entry).toMatchObject({
      actorId: 'ada',
      actorName: 'Ada Admin',
      action: 'mailbox.approveEmail',
      target: { type: 'mailbox', id: 'mailbox-pia', name: 'Pia Pending' },
      rule: outcome?.decision?.rule,
      at: NOW,
    });
    expect(entry?.rule).toMatch(/^seed2019:/);
    expect(entry?.details).toContain('Pending Approval → Approved');
    expect(events.published).toEqual([{ type: 'emailAddressDecided', mailboxId: 'mailbox-pia', decision: 'approved', decidedById: 'ada' }]);
  });

  it('reports an already approved mailbox as unchanged, without an error, a commit or an event', async () => {
    const { context, events, commit, user } = harnessForOrg(smallOrg());
    await approveEmail(context, user('ada'), { mailboxes: ['Pia Pending'] });
    commit.mockClear();
    events.published.length = 0;

    const again = expectOk(await approveEmail(context, user('ada'), { mailboxes: ['Pia Pending'] }));
    expect(again.outcomes[0]?.status).toBe('unchanged');
    expect(again.outcomes[0]?.reason).toBe('Its email address is already Approved.');
    expect(commit).not.toHaveBeenCalled();
    expect(events.published).toEqual([]);
  });

  it('refuses a System Administrator without a Microsoft 365 admin role, with the permission reason, and changes nothing', async () => {
    const { context, store, commit, events, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await approveEmail(context, user('sam'), { mailboxes: ['pia@contoso.com'] }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.allowed).toBe(false);
    expect(error.decision?.edition).toBe('seed2019');
    expect(error.message).toContain(error.decision?.reason ?? 'a reason');
    expect(commit).not.toHaveBeenCalled();
    expect(events.published).toEqual([]);
    expect(store.document()).toBe(before);
  });

  it('refuses the whole call when not one selected mailbox may be approved', async () => {
    // Gail holds the privilege and is a Global administrator, but no System Administrator: the seed table says no.
    const org = orgBuilder({ version: '9.1.0.5805' })
      .role('approver', { privileges: { prvApproveRejectEmailAddress: 'Organization' } })
      .user('gail', { roles: [BuiltInRoleIds.systemCustomizer, 'approver'], office365Roles: ['GlobalAdministrator'] })
      .user('hal')
      .user('ivy')
      .build();
    const { context, store, commit, user } = harnessForOrg(org);
    const error = expectErr(await approveEmail(context, user('gail'), { mailboxes: ['hal@contoso.com', 'ivy@contoso.com'] }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.message).toContain('Hal:');
    expect(error.message).toContain('Ivy:');
    expect(commit).not.toHaveBeenCalled();
    expect(store.mailboxById('mailbox-hal')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('approves what it may and reports the others as refused with their reason, in one commit', async () => {
    // From 9.2.22104.00170 a user may approve their own mailbox (UPN = address), and nobody else's.
    const org = orgBuilder({ version: '9.2.22104.00170' })
      .role('salesperson', { privileges: { prvReadMailbox: 'User', prvWriteMailbox: 'User' } })
      .user('hal', { roles: ['salesperson'] })
      .user('ivy', { roles: ['salesperson'] })
      .build();
    const { context, store, commit, user } = harnessForOrg(org);
    const result = expectOk(await approveEmail(context, user('hal'), { mailboxes: ['hal@contoso.com', 'ivy@contoso.com'] }));
    expect(result.outcomes.map((outcome) => [outcome.mailbox.mailbox.id, outcome.status])).toEqual([
      ['mailbox-hal', 'changed'],
      ['mailbox-ivy', 'refused'],
    ]);
    const refused = result.outcomes[1];
    expect(refused?.decision?.allowed).toBe(false);
    expect(refused?.reason).toBe(refused?.decision?.reason);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(store.mailboxById('mailbox-ivy')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(store.recentAudit(10).map((entry) => entry.target.id)).toEqual(['mailbox-hal']);
  });

  it('mixes changed and unchanged outcomes in one call and commits once', async () => {
    const org = orgBuilder({ version: '9.1.0.5805' })
      .user('gail', { roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['GlobalAdministrator'] })
      .user('hal')
      .user('ivy', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: true } })
      .build();
    const { context, commit, user } = harnessForOrg(org);
    const result = expectOk(await approveEmail(context, user('gail'), { mailboxes: ['hal@contoso.com', 'ivy@contoso.com'] }));
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['changed', 'unchanged']);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('records the Microsoft 365 admin approval on an approved address that lacked it', async () => {
    const org = orgBuilder({ version: '9.1.0.5805' })
      .user('gail', { roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['ExchangeAdministrator'] })
      .user('ivy', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: false } })
      .build();
    const { context, store, user } = harnessForOrg(org);
    const result = expectOk(await approveEmail(context, user('gail'), { mailboxes: ['ivy@contoso.com'] }));
    expect(result.outcomes[0]?.status).toBe('changed');
    expect(result.outcomes[0]?.reason).toContain('Email Address O365 Admin Approval Status: No → Yes');
    expect(store.mailboxById('mailbox-ivy')?.isEmailAddressApprovedByO365Admin).toBe(true);
  });

  it('asks for Test & Enable when approval was the only thing missing and the organization wants that', async () => {
    const { context, events, user } = harnessForOrg(smallOrg({ settings: { testAndEnableAfterApproval: true } }));
    await approveEmail(context, user('ada'), { mailboxes: ['pia@contoso.com', 'otto@contoso.com'] });
    // Otto's mailbox has no profile and no server-side synchronization: approving it is not enough to test it.
    expect(events.published).toContainEqual({ type: 'testAndEnableRequested', mailboxIds: ['mailbox-pia'], requestedById: 'ada', origin: 'approval' });
  });

  it('does not ask for Test & Enable after approval unless the organization wants it', async () => {
    const { context, events, user } = harnessForOrg(smallOrg());
    await approveEmail(context, user('ada'), { mailboxes: ['pia@contoso.com'] });
    expect(events.published.map((event) => event.type)).toEqual(['emailAddressDecided']);
  });

  it('approves all pending mailboxes with one commit, even two hundred of them', async () => {
    let builder = orgBuilder({ version: '9.1.0.5805' }).user('ada', { roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['GlobalAdministrator'], mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } });
    for (let index = 0; index < 200; index++) builder = builder.user(`user-${String(index).padStart(3, '0')}`);
    const { context, commit, store, user } = harnessForOrg(builder.build());
    const result = expectOk(await approveEmail(context, user('ada'), { mailboxes: 'pending' }));
    expect(result.counts.changed).toBe(200);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(store.recentAudit(500)).toHaveLength(200);
  });
});

describe('rejectEmail', () => {
  it('sets Rejected and clears the Microsoft 365 admin approval', async () => {
    const org = smallOrg();
    const { context, store, events, user } = harnessForOrg(org);
    const result = expectOk(await rejectEmail(context, user('evan'), { mailboxes: ['Sales Inbox'], remark: 'The inbox is retired.' }));
    expect(result.outcomes[0]?.status).toBe('changed');
    expect(store.mailboxById('mailbox-sales-inbox')).toMatchObject({ emailRouterAccessApproval: EmailApprovalStatus.Rejected, isEmailAddressApprovedByO365Admin: false });
    expect(store.recentAudit(1)[0]?.action).toBe('mailbox.rejectEmail');
    expect(events.published).toEqual([{ type: 'emailAddressDecided', mailboxId: 'mailbox-sales-inbox', decision: 'rejected', decidedById: 'evan', remark: 'The inbox is retired.' }]);
  });

  it('asks for a reason only once the mailbox exists and the requester may reject it, and changes nothing', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    const before = store.mailboxById('mailbox-sales-inbox');
    expect(expectErr(await rejectEmail(context, user('evan'), { mailboxes: ['Sales Inbox'], remark: '  ' })).code).toBe('ReasonRequired');
    expect(expectErr(await rejectEmail(context, user('evan'), { mailboxes: ['No Such Inbox'] })).code).toBe('UnknownMailbox');
    expect(expectErr(await rejectEmail(context, user('otto'), { mailboxes: ['Sales Inbox'] })).code).toBe('PermissionDenied');
    expect(commit).not.toHaveBeenCalled();
    expect(store.mailboxById('mailbox-sales-inbox')).toBe(before);
  });

  it('refuses a user the permission model does not allow, with its reason', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await rejectEmail(context, user('otto'), { mailboxes: ['Sales Inbox'] }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason.length).toBeGreaterThan(0);
  });

  it('passes unknown names back with suggestions instead of rejecting anything', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    const error = expectErr(await rejectEmail(context, user('ada'), { mailboxes: ['Sales Inbx'] }));
    expect(error.unknownNames).toEqual([{ name: 'Sales Inbx', suggestions: ['Sales Inbox'] }]);
    expect(commit).not.toHaveBeenCalled();
  });
});

describe('decideEmailApproval', () => {
  it('decides when the mailbox still has the version the approver saw', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const seen = store.mailboxById('mailbox-pia');
    const decided = expectOk(await decideEmailApproval(context, user('evan'), { mailboxId: 'mailbox-pia', decision: 'approved', expectedVersion: seen?.version ?? 0 }));
    expect(decided.outcome).toBe('changed');
    expect(decided.mailbox.mailbox.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(decided.mailbox.mailbox.version).toBe((seen?.version ?? 0) + 1);
    expect(events.published).toEqual([{ type: 'emailAddressDecided', mailboxId: 'mailbox-pia', decision: 'approved', decidedById: 'evan' }]);
  });

  it('returns VersionConflict with the current state when the version moved, and writes nothing', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    const seen = store.mailboxById('mailbox-pia')?.version ?? 0;
    expectOk(await rejectEmail(context, user('ada'), { mailboxes: ['pia@contoso.com'], remark: 'Not a Contoso employee.' }));
    commit.mockClear();

    const error = expectErr(await decideEmailApproval(context, user('evan'), { mailboxId: 'mailbox-pia', decision: 'approved', expectedVersion: seen }));
    expect(error.code).toBe('VersionConflict');
    if (error.code !== 'VersionConflict') throw new Error('narrowing');
    expect(error.current.mailbox.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
    expect(error.current.mailbox.version).toBe(seen + 1);
    expect(commit).not.toHaveBeenCalled();
    expect(store.mailboxById('mailbox-pia')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
  });

  it('lets only the first of two simultaneous approvers decide', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const seen = store.mailboxById('mailbox-pia')?.version ?? 0;
    const [first, second] = await Promise.all([
      decideEmailApproval(context, user('ada'), { mailboxId: 'mailbox-pia', decision: 'approved', expectedVersion: seen }),
      decideEmailApproval(context, user('evan'), { mailboxId: 'mailbox-pia', decision: 'rejected', expectedVersion: seen }),
    ]);
    expect(expectOk(first).outcome).toBe('changed');
    const conflict = expectErr(second);
    expect(conflict.code).toBe('VersionConflict');
    expect(store.mailboxById('mailbox-pia')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(store.recentAudit(10)).toHaveLength(1);
  });

  it('refuses an approver the permission model does not allow', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const error = expectErr(await decideEmailApproval(context, user('sam'), { mailboxId: 'mailbox-pia', decision: 'approved', expectedVersion: store.mailboxById('mailbox-pia')?.version ?? 0 }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.rule).toMatch(/^seed2019:/);
  });

  it('reports an unknown mailbox id', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await decideEmailApproval(context, user('ada'), { mailboxId: 'mailbox-nobody', decision: 'approved', expectedVersion: 1 })).code).toBe('UnknownMailbox');
  });
});

describe('requestApproval', () => {
  it('lets the owner put an Empty mailbox into Pending Approval and asks the approvers', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await requestApproval(context, user('otto'), { mailbox: 'Otto Owner' }));
    expect(result.outcome).toBe('changed');
    expect(store.mailboxById('mailbox-otto')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(store.recentAudit(1)[0]).toMatchObject({ action: 'mailbox.requestApproval', rule: 'app:request-approval:owner' });
    expect(events.published).toEqual([{ type: 'approvalRequested', mailboxId: 'mailbox-otto', requestedById: 'otto', reason: 'requested' }]);
  });

  it('lets a System Administrator ask again for a Rejected mailbox, which stays Rejected until an approver decides', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    await rejectEmail(context, user('ada'), { mailboxes: ['pia@contoso.com'], remark: 'Wrong owner' });
    events.published.length = 0;
    const rejectedVersion = store.mailboxById('mailbox-pia')?.version;

    expect(expectOk(await requestApproval(context, user('sam'), { mailbox: 'pia@contoso.com' })).outcome).toBe('unchanged');

    expect(store.mailboxById('mailbox-pia')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
    expect(store.mailboxById('mailbox-pia')?.version).toBe(rejectedVersion);
    expect(store.recentAudit(1)[0]?.rule).toBe('app:request-approval:system-administrator');
    expect(store.recentAudit(1)[0]?.details).toMatch(/stays Rejected until an approver decides/);
    expect(events.published).toEqual([{ type: 'approvalRequested', mailboxId: 'mailbox-pia', requestedById: 'sam', reason: 'requested' }]);
  });

  it('keeps the reason of a chat rejection in the audit and in the event', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    expectOk(await rejectEmail(context, user('ada'), { mailboxes: ['pia@contoso.com'], remark: '  Wrong owner ' }));
    expect(store.recentAudit(1)[0]?.details).toBe('Email Address Status: Pending Approval → Rejected; Reason: Wrong owner');
    expect(events.published).toEqual([{ type: 'emailAddressDecided', mailboxId: 'mailbox-pia', decision: 'rejected', decidedById: 'ada', remark: 'Wrong owner' }]);
  });

  it('records the events of a decision in the same commit as the decision (the event outbox)', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    expectOk(await approveEmail(context, user('evan'), { mailboxes: ['pia@contoso.com'] }));
    expect(store.document().eventOutbox?.events.map((stored) => stored.event)).toEqual([
      { type: 'emailAddressDecided', mailboxId: 'mailbox-pia', decision: 'approved', decidedById: 'evan' },
    ]);
    expect(store.transactionsWritten).toBe(1);
  });

  it('refuses someone who is neither the owner nor a System Administrator', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await requestApproval(context, user('pia'), { mailbox: 'Otto Owner' }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.message).toContain('Only the mailbox owner or a System Administrator');
    expect(store.document()).toBe(before);
  });

  it('keeps an already pending mailbox pending but asks the approvers again, with an audit entry', async () => {
    const { context, store, events, commit, user } = harnessForOrg(smallOrg());
    const before = store.mailboxByEmail('pia@contoso.com');
    expect(expectOk(await requestApproval(context, user('pia'), { mailbox: 'Pia Pending' })).outcome).toBe('unchanged');
    expect(commit).toHaveBeenCalledTimes(1);
    expect(store.mailboxByEmail('pia@contoso.com')?.emailRouterAccessApproval).toBe(before?.emailRouterAccessApproval);
    expect(events.published).toEqual([expect.objectContaining({ type: 'approvalRequested', reason: 'requested' })]);
    const latest = (await context.auditLog.recent(1))[0];
    expect(latest?.action).toBe('mailbox.requestApproval');
    expect(latest?.details).toMatch(/asked again/);
  });

  it('says there is nothing to ask for an approved mailbox', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await requestApproval(context, user('pia'), { mailbox: 'Sales Inbox' })).code).toBe('NotApplicable');
  });
});

describe('approval and test statuses', () => {
  it('keeps the test statuses as they were when approving', async () => {
    const org = orgBuilder({ version: '9.1.0.5805' })
      .user('ada', { roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['GlobalAdministrator'] })
      .user('bob', { mailbox: { mailboxStatus: TestStatus.Failure } })
      .build();
    const { context, store, user } = harnessForOrg(org);
    await approveEmail(context, user('ada'), { mailboxes: ['bob@contoso.com'] });
    expect(store.mailboxById('mailbox-bob')?.mailboxStatus).toBe(TestStatus.Failure);
  });
});
