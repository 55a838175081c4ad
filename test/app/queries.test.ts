import { describe, expect, it, vi } from 'vitest';
import { alertsFor, listMailboxes, mailboxDetail, recentAudit, whoAmI } from '../../src/app/queries.js';
import { approveEmail } from '../../src/app/email-approval.js';
import type { Alert } from '../../src/domain/model.js';
import { AlertLevel, EmailApprovalStatus, TestStatus } from '../../src/domain/options.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

function orgWithUsers(count: number) {
  let builder = orgBuilder({ version: '9.1.0.5805' }).user('admin', { roles: [BuiltInRoleIds.systemAdministrator], mailbox: { active: false } });
  for (let index = 1; index <= count; index++) {
    builder = builder.user(`user-${String(index).padStart(2, '0')}`, {
      mailbox: index % 3 === 0 ? { emailRouterAccessApproval: EmailApprovalStatus.Approved, mailboxStatus: TestStatus.Failure } : {},
    });
  }
  return builder.build();
}

describe('listMailboxes', () => {
  it('pages active mailboxes twenty at a time, counting pages from 1', async () => {
    const { context, user } = harnessForOrg(orgWithUsers(45));
    const first = expectOk(await listMailboxes(context, user('admin')));
    expect(first).toMatchObject({ page: 1, pageSize: 20, pageCount: 3, total: 45, firstItemNumber: 1, filter: 'all' });
    expect(first.items).toHaveLength(20);
    expect(first.items[0]?.mailbox.name).toBe('User 01');
    const last = expectOk(await listMailboxes(context, user('admin'), { page: 3 }));
    expect(last.items.map((view) => view.mailbox.name)).toEqual(['User 41', 'User 42', 'User 43', 'User 44', 'User 45']);
    expect(last.firstItemNumber).toBe(41);
  });

  it('goes on from the cursor of the page before instead of reading the list from its start', async () => {
    const { context, records, user } = harnessForOrg(orgWithUsers(45));
    const first = expectOk(await listMailboxes(context, user('admin')));
    const second = expectOk(await listMailboxes(context, user('admin'), { page: 2, ...(first.nextCursor === null ? {} : { cursor: first.nextCursor }) }));
    expect(first.nextCursor).toEqual(expect.any(String));
    const pages = vi.spyOn(records, 'mailboxPage');
    const third = expectOk(await listMailboxes(context, user('admin'), { page: 3, ...(second.nextCursor === null ? {} : { cursor: second.nextCursor }) }));
    expect(pages).toHaveBeenCalledTimes(1);
    expect(third.items.map((view) => view.mailbox.name)).toEqual(['User 41', 'User 42', 'User 43', 'User 44', 'User 45']);
    expect(third.nextCursor).toBeNull();
    // Without a cursor, page 3 is reached by reading pages 1 and 2 first.
    expect(expectOk(await listMailboxes(context, user('admin'), { page: 3 })).items).toEqual(third.items);
    expect(pages).toHaveBeenCalledTimes(4);
  });

  it('refuses a list position issued for another filter or not issued at all, saying to start again', async () => {
    const { context, user } = harnessForOrg(orgWithUsers(45));
    const all = expectOk(await listMailboxes(context, user('admin')));
    const cursor = all.nextCursor ?? 'missing';
    const foreign = expectErr(await listMailboxes(context, user('admin'), { filter: 'pending', page: 2, cursor }));
    expect(foreign.code).toBe('InvalidValue');
    expect(foreign.message).toContain('start the list again');
    expect(expectErr(await listMailboxes(context, user('admin'), { page: 2, cursor: 'garbage' })).message).toContain('no longer valid');
  });

  it('says how many pages there are when asked for one past the end, and refuses page 0', async () => {
    const { context, user } = harnessForOrg(orgWithUsers(45));
    expect(expectErr(await listMailboxes(context, user('admin'), { page: 4 })).message).toBe('There are only 3 pages of 45 mailboxes; page 4 does not exist.');
    expect(expectErr(await listMailboxes(context, user('admin'), { page: 0 })).code).toBe('InvalidValue');
  });

  it('filters by approval status, failed tests and profile', async () => {
    const { context, user } = harnessForOrg(orgWithUsers(45));
    expect(expectOk(await listMailboxes(context, user('admin'), { filter: 'approved' })).total).toBe(15);
    expect(expectOk(await listMailboxes(context, user('admin'), { filter: 'pending' })).total).toBe(30);
    expect(expectOk(await listMailboxes(context, user('admin'), { filter: 'failed' })).total).toBe(15);
    expect(expectOk(await listMailboxes(context, user('admin'), { filter: 'rejected' })).total).toBe(0);
    const small = harnessForOrg(smallOrg());
    const onExchangeOnline = expectOk(await listMailboxes(small.context, small.user('sam'), { profile: 'Microsoft Exchange Online' }));
    expect(onExchangeOnline.items.map((view) => view.mailbox.id)).not.toContain('mailbox-otto');
    expect(onExchangeOnline.profile?.profile.id).toBe('exo');
  });

  it("shows only the mailboxes the requester's Read Mailbox depth reaches", async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const asCody = expectOk(await listMailboxes(context, user('cody')));
    expect(asCody.readDepth).toBe('BusinessUnit');
    expect(asCody.items.map((view) => view.mailbox.id).sort()).toEqual(['mailbox-cody', 'mailbox-otto', 'mailbox-pia', 'mailbox-sales-inbox']);
    const asOtto = expectOk(await listMailboxes(context, user('otto')));
    expect(asOtto.items.map((view) => view.mailbox.id)).toEqual(['mailbox-otto']);
  });

  it('refuses someone without Read Mailbox', async () => {
    const { context, user } = harnessForOrg(orgBuilder().user('nobody').build());
    const error = expectErr(await listMailboxes(context, user('nobody')));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toContain('Read Mailbox');
  });
});

describe('mailboxDetail', () => {
  it('shows the mailbox with owner and profile names, recent alerts and what the requester may do', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const alert: Alert = { id: 'alert-1', level: AlertLevel.Error, code: 'Unauthorized', text: 'Credentials are wrong.', regarding: { type: 'mailbox', id: 'mailbox-support' }, createdOn: '2025-02-01T08:00:00.000Z' };
    await store.commit({ alerts: [alert] });
    const detail = expectOk(await mailboxDetail(context, user('ada'), { mailbox: 'Support' }));
    expect(detail.mailbox.ownerName).toBe('Sam Sysadmin');
    expect(detail.mailbox.regarding).toEqual({ type: 'queue', id: 'support', name: 'Support' });
    expect(detail.mailbox.profileName).toBe('Microsoft Exchange Online');
    expect(detail.recentAlerts).toEqual([alert]);
    expect(detail.permissions.find((entry) => entry.action === 'approveEmail')?.decision.allowed).toBe(true);
  });

  it("refuses a mailbox beyond the requester's depth", async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await mailboxDetail(context, user('otto'), { mailbox: 'Pia Pending' }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.rule).toBe('app:read-mailbox:privilege');
  });
});

describe('alertsFor', () => {
  const profileAlert: Alert = { id: 'alert-p', level: AlertLevel.Warning, code: 'ConnectFailure', text: 'Server unreachable.', regarding: { type: 'emailserverprofile', id: 'exo' }, createdOn: '2025-02-01T08:00:00.000Z' };
  const olderAlert: Alert = { ...profileAlert, id: 'alert-o', createdOn: '2025-01-01T08:00:00.000Z' };

  it("shows a profile's Alerts wall, newest first", async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    await store.commit({ alerts: [olderAlert, profileAlert] });
    const wall = expectOk(await alertsFor(context, user('cody'), { target: 'microsoft exchange online' }));
    expect(wall.regarding).toEqual({ type: 'emailserverprofile', id: 'exo', name: 'Microsoft Exchange Online' });
    expect(wall.alerts.map((alert) => alert.id)).toEqual(['alert-p', 'alert-o']);
  });

  it("shows a mailbox's wall and refuses one the requester may not read", async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectOk(await alertsFor(context, user('otto'), { target: 'otto@contoso.com' })).regarding.type).toBe('mailbox');
    expect(expectErr(await alertsFor(context, user('otto'), { target: 'sam@contoso.com' })).code).toBe('PermissionDenied');
  });

  it('suggests mailboxes and profiles for an unknown name', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await alertsFor(context, user('sam'), { target: 'Legacy POP' }));
    expect(error.unknownNames?.[0]?.suggestions).toContain('Legacy POP3');
  });
});

describe('recentAudit', () => {
  it('shows the newest entries first to a System Administrator', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    await approveEmail(context, user('ada'), { mailboxes: ['pia@contoso.com', 'cody@contoso.com'] });
    const entries = expectOk(await recentAudit(context, user('sam'), { count: 1 }));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.actorName).toBe('Ada Admin');
  });

  it('refuses anyone else, and a count out of range', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await recentAudit(context, user('cody'))).decision?.rule).toBe('app:read-audit:system-administrator');
    expect(expectErr(await recentAudit(context, user('sam'), { count: 0 })).code).toBe('InvalidValue');
  });
});

describe('whoAmI', () => {
  it('lists roles, privileges with depth, the edition and what the permission model allows, with reasons', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const me = expectOk(await whoAmI(context, user('cody')));
    expect(me.securityRoles.map((entry) => [entry.role.name, entry.businessUnitName])).toEqual([['Sales Customizer', 'Sales']]);
    expect(me.privileges).toEqual([
      { privilege: 'prvReadMailbox', displayName: 'Read Mailbox', depth: 'BusinessUnit' },
      { privilege: 'prvWriteMailbox', displayName: 'Write Mailbox', depth: 'BusinessUnit' },
    ]);
    expect(me.organization.edition).toBe('seed2019');
    expect(me.mailboxSamples.map((sample) => sample.whose)).toEqual(['own', 'other']);
    const other = me.mailboxSamples[1];
    expect(other?.permissions.find((entry) => entry.action === 'changeDeliveryMethods')?.decision.allowed).toBe(true);
    expect(other?.permissions.find((entry) => entry.action === 'approveEmail')?.decision.allowed).toBe(false);
    expect(me.organizationPermissions.every((entry) => entry.decision.reason.length > 0)).toBe(true);
    expect(me.readAccess.audit.allowed).toBe(false);
  });

  it('describes a System Administrator with every privilege at Organization depth', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const me = expectOk(await whoAmI(context, user('ada')));
    expect(me.office365Roles).toEqual(['GlobalAdministrator']);
    expect(me.privileges.every((entry) => entry.depth === 'Organization')).toBe(true);
    expect(me.organizationPermissions.every((entry) => entry.decision.allowed)).toBe(true);
  });
});
