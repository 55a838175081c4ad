import { describe, expect, it } from 'vitest';
import { assignRole, grantPrivilege, listSecurityRoles, removeRole, revokePrivilege } from '../../src/app/security-roles.js';
import { DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR } from '../../src/domain/permissions.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('grantPrivilege and revokePrivilege', () => {
  it('grants Approve Email Addresses at a depth and audits it against the role', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const result = expectOk(await grantPrivilege(context, user('sam'), { role: 'salesperson', privilege: 'prvApproveRejectEmailAddress', depth: 'BusinessUnit' }));
    expect(result.changed).toBe(true);
    expect(store.roleById('salesperson')?.privileges.prvApproveRejectEmailAddress).toBe('BusinessUnit');
    expect(result.role.privileges).toContainEqual({ privilege: 'prvApproveRejectEmailAddress', displayName: 'Approve Email Addresses for Users or Queues', depth: 'BusinessUnit' });
    expect(store.recentAudit(1)[0]).toMatchObject({
      action: 'role.grantPrivilege',
      target: { type: 'role', id: 'salesperson', name: 'Salesperson' },
      rule: 'security-roles:system-administrator',
      details: 'Approve Email Addresses for Users or Queues (prvApproveRejectEmailAddress): not granted → Business Unit',
    });
  });

  it('revokes a privilege and reports unchanged when it was not granted', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    expect(expectOk(await revokePrivilege(context, user('sam'), { role: 'Salesperson', privilege: 'prvWriteMailbox' })).changed).toBe(true);
    expect(store.roleById('salesperson')?.privileges).toEqual({ prvReadMailbox: 'User' });
    expect(expectOk(await revokePrivilege(context, user('sam'), { role: 'Salesperson', privilege: 'prvWriteMailbox' })).changed).toBe(false);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('refuses anyone but a System Administrator and changes nothing', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await grantPrivilege(context, user('cody'), { role: 'salesperson', privilege: 'prvWriteMailbox', depth: 'Organization' }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toContain('needs System Administrator');
    expect(store.document()).toBe(before);
  });

  it('will not edit the System Administrator role, which always holds everything', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await revokePrivilege(context, user('sam'), { role: 'System Administrator', privilege: 'prvReadMailbox' })).code).toBe('NotApplicable');
  });

  it('suggests the closest role for an unknown name', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await grantPrivilege(context, user('sam'), { role: 'Salesperon', privilege: 'prvReadMailbox', depth: 'User' }));
    expect(error.code).toBe('UnknownRole');
    expect(error.unknownNames?.[0]?.suggestions).toEqual(['Salesperson']);
  });
});

describe('assignRole and removeRole', () => {
  it('assigns a role to a user and removes it again, one audit entry each', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const assigned = expectOk(await assignRole(context, user('sam'), { user: 'otto@contoso.com', role: 'Sales Customizer' }));
    expect(assigned.changed).toBe(true);
    expect(assigned.roles.map((role) => role.name)).toEqual(['Salesperson', 'Sales Customizer']);
    const removed = expectOk(await removeRole(context, user('sam'), { user: 'Otto Owner', role: 'Sales Customizer' }));
    expect(removed.changed).toBe(true);
    expect(store.userById('otto')?.securityRoleIds).toEqual(['salesperson']);
    expect(store.recentAudit(5).map((entry) => entry.action)).toEqual(['user.removeRole', 'user.assignRole']);
  });

  it('refuses the Delegated Mailbox Approver role to a System Administrator without a Microsoft 365 admin role', async () => {
    const { context, store, user } = harnessForOrg(smallOrg({ version: '9.2.22104.00170' }));
    const error = expectErr(await assignRole(context, user('sam'), { user: 'Pia Pending', role: BuiltInRoleIds.delegatedMailboxApprover }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toBe(DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR.message);
    expect(store.userById('pia')?.securityRoleIds).toEqual(['salesperson']);
  });

  it('lets a Global administrator who is System Administrator assign the Delegated Mailbox Approver role', async () => {
    const { context, store, user } = harnessForOrg(smallOrg({ version: '9.2.22104.00170' }));
    expectOk(await assignRole(context, user('ada'), { user: 'Pia Pending', role: 'Delegated Mailbox Approver' }));
    expect(store.userById('pia')?.securityRoleIds).toContain(BuiltInRoleIds.delegatedMailboxApprover);
  });

  it('reports an assignment the user already has as unchanged', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    expect(expectOk(await assignRole(context, user('sam'), { user: 'pia', role: 'salesperson' })).changed).toBe(false);
    expect(commit).not.toHaveBeenCalled();
  });

  it('refuses a user who is not a System Administrator', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await removeRole(context, user('cody'), { user: 'Pia Pending', role: 'salesperson' })).decision?.rule).toBe('assign-role:system-administrator');
  });
});

describe('listSecurityRoles', () => {
  it('lists roles by name with their privileges, depths and members', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const roles = expectOk(await listSecurityRoles(context, user('cody')));
    const salesperson = roles.find((view) => view.role.id === 'salesperson');
    expect(salesperson?.memberCount).toBe(2);
    expect(salesperson?.privileges.map((entry) => [entry.privilege, entry.depth])).toEqual([
      ['prvReadMailbox', 'User'],
      ['prvWriteMailbox', 'User'],
    ]);
    const administrator = roles.find((view) => view.role.template === 'SystemAdministrator');
    expect(administrator?.privileges.every((entry) => entry.depth === 'Organization')).toBe(true);
    expect(roles.map((view) => view.role.name)).toEqual([...roles.map((view) => view.role.name)].sort((a, b) => a.localeCompare(b)));
  });

  it('refuses someone who may not read the configuration', async () => {
    const { context, user } = harnessForOrg(orgBuilder().user('nobody').build());
    expect(expectErr(await listSecurityRoles(context, user('nobody'))).code).toBe('PermissionDenied');
  });
});
