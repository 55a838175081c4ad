import { describe, expect, it } from 'vitest';
import type { PrivilegeDepth } from '../../src/domain/options.js';
import {
  checkPrivilege,
  describeOwnership,
  describePrivilegeShortfall,
  effectivePrivilegeDepth,
  hasRoleTemplate,
  isSameOrDescendantBusinessUnit,
  mailboxOwnership,
  minimumDepthToReach,
  privilegeReaches,
  regardingOwnership,
} from '../../src/domain/privileges.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';

// Contoso (root)
// ├── Sales ── Sales East
// └── Support
const org = orgBuilder()
  .businessUnit('sales', { name: 'Sales' })
  .businessUnit('sales-east', { name: 'Sales East', parent: 'sales' })
  .businessUnit('support', { name: 'Support' })
  .role('write-user', { privileges: { prvWriteMailbox: 'User' } })
  .role('write-bu', { privileges: { prvWriteMailbox: 'BusinessUnit' } })
  .role('write-deep', { privileges: { prvWriteMailbox: 'ParentChildBusinessUnit' } })
  .role('write-org', { privileges: { prvWriteMailbox: 'Organization' } })
  .user('at-user', { businessUnit: 'sales', roles: ['write-user'] })
  .user('at-bu', { businessUnit: 'sales', roles: ['write-bu'] })
  .user('at-deep', { businessUnit: 'sales', roles: ['write-deep'] })
  .user('at-org', { businessUnit: 'sales', roles: ['write-org'] })
  .user('two-roles', { businessUnit: 'sales', roles: ['write-user', 'write-deep'] })
  .user('admin', { roles: [BuiltInRoleIds.systemAdministrator] })
  .role('no-privileges')
  .user('nobody', { businessUnit: 'sales', roles: ['no-privileges'] })
  .user('colleague', { fullName: 'Cora Colleague', businessUnit: 'sales' })
  .user('east', { businessUnit: 'sales-east' })
  .user('helper', { businessUnit: 'support' })
  .user('boss', { businessUnit: 'root' })
  .queue('east-queue', { owner: 'helper', businessUnit: 'sales-east' })
  .build();

const { directory } = org;

describe('effective privilege depth', () => {
  it('takes the deepest depth over all of the user’s roles', () => {
    expect(effectivePrivilegeDepth(org.user('two-roles'), 'prvWriteMailbox', directory)).toBe('ParentChildBusinessUnit');
  });

  it('is null when no role grants the privilege', () => {
    expect(effectivePrivilegeDepth(org.user('nobody'), 'prvWriteMailbox', directory)).toBeNull();
    expect(effectivePrivilegeDepth(org.user('at-org'), 'prvReadMailbox', directory)).toBeNull();
  });

  it('gives a System Administrator every privilege at Organization depth although its privilege list is empty', () => {
    expect(org.role(BuiltInRoleIds.systemAdministrator).privileges).toEqual({});
    expect(effectivePrivilegeDepth(org.user('admin'), 'prvApproveRejectEmailAddress', directory)).toBe('Organization');
    expect(effectivePrivilegeDepth(org.user('admin'), 'prvWriteOrganization', directory)).toBe('Organization');
  });

  it('ignores role ids that match no role instead of failing', () => {
    const user = { ...org.user('at-bu'), securityRoleIds: ['no-such-role', 'write-bu'] };
    expect(effectivePrivilegeDepth(user, 'prvWriteMailbox', directory)).toBe('BusinessUnit');
  });
});

describe('role templates', () => {
  it('recognises a built-in role by its template, not by its name', () => {
    expect(hasRoleTemplate(org.user('admin'), 'SystemAdministrator', directory)).toBe(true);
    expect(hasRoleTemplate(org.user('admin'), 'SystemCustomizer', directory)).toBe(false);
    expect(hasRoleTemplate(org.user('at-org'), 'SystemAdministrator', directory)).toBe(false);
  });
});

describe('how far each depth reaches from a user in Sales', () => {
  // Mailbox owners seen from a requester in Sales: themselves, the same unit, a child unit, a sibling unit, the parent unit.
  const reachTable: readonly { depth: PrivilegeDepth; user: string; own: boolean; sameUnit: boolean; childUnit: boolean; siblingUnit: boolean; parentUnit: boolean }[] = [
    { depth: 'User', user: 'at-user', own: true, sameUnit: false, childUnit: false, siblingUnit: false, parentUnit: false },
    { depth: 'BusinessUnit', user: 'at-bu', own: true, sameUnit: true, childUnit: false, siblingUnit: false, parentUnit: false },
    { depth: 'ParentChildBusinessUnit', user: 'at-deep', own: true, sameUnit: true, childUnit: true, siblingUnit: false, parentUnit: false },
    { depth: 'Organization', user: 'at-org', own: true, sameUnit: true, childUnit: true, siblingUnit: true, parentUnit: true },
  ];

  it.each(reachTable)('$depth depth reaches exactly the mailboxes its row says', (row) => {
    const requester = org.user(row.user);
    const reaches = (mailboxKey: string): boolean =>
      privilegeReaches(requester, 'prvWriteMailbox', mailboxOwnership(org.userMailbox(mailboxKey), directory), directory);
    expect(effectivePrivilegeDepth(requester, 'prvWriteMailbox', directory)).toBe(row.depth);
    expect({
      own: reaches(row.user),
      sameUnit: reaches('colleague'),
      childUnit: reaches('east'),
      siblingUnit: reaches('helper'),
      parentUnit: reaches('boss'),
    }).toEqual({ own: row.own, sameUnit: row.sameUnit, childUnit: row.childUnit, siblingUnit: row.siblingUnit, parentUnit: row.parentUnit });
  });

  it('reaches nothing without the privilege, not even the user’s own mailbox', () => {
    const requester = org.user('nobody');
    expect(privilegeReaches(requester, 'prvWriteMailbox', mailboxOwnership(org.userMailbox('nobody'), directory), directory)).toBe(false);
  });

  it('names the shallowest depth that would reach each mailbox', () => {
    const requester = org.user('at-user');
    const needed = (mailboxKey: string): PrivilegeDepth => minimumDepthToReach(requester, mailboxOwnership(org.userMailbox(mailboxKey), directory), directory);
    expect([needed('at-user'), needed('colleague'), needed('east'), needed('helper')]).toEqual(['User', 'BusinessUnit', 'ParentChildBusinessUnit', 'Organization']);
  });

  it('uses the owner’s business unit when a target gives only its owner', () => {
    expect(privilegeReaches(org.user('at-bu'), 'prvWriteMailbox', { ownerId: 'colleague' }, directory)).toBe(true);
    expect(privilegeReaches(org.user('at-bu'), 'prvWriteMailbox', { ownerId: 'helper' }, directory)).toBe(false);
  });

  it('lets only Organization depth reach a record whose owner and business unit are unknown', () => {
    expect(privilegeReaches(org.user('at-deep'), 'prvWriteMailbox', { ownerId: 'ghost' }, directory)).toBe(false);
    expect(privilegeReaches(org.user('at-org'), 'prvWriteMailbox', { ownerId: 'ghost' }, directory)).toBe(true);
  });
});

describe('mailbox ownership', () => {
  it('puts a user mailbox in its owner’s business unit', () => {
    expect(mailboxOwnership(org.userMailbox('east'), directory)).toEqual({ ownerId: 'east', businessUnitId: 'sales-east' });
  });

  it('puts a queue mailbox in the queue’s business unit while the queue’s owner owns it', () => {
    expect(mailboxOwnership(org.queueMailbox('east-queue'), directory)).toEqual({ ownerId: 'helper', businessUnitId: 'sales-east' });
    // The Sales user with Parent: Child depth reaches it through Sales East, though its owner sits in Support.
    expect(privilegeReaches(org.user('at-deep'), 'prvWriteMailbox', mailboxOwnership(org.queueMailbox('east-queue'), directory), directory)).toBe(true);
    expect(privilegeReaches(org.user('at-bu'), 'prvWriteMailbox', mailboxOwnership(org.queueMailbox('east-queue'), directory), directory)).toBe(false);
  });

  it('derives the ownership of a user’s or queue’s mailbox from the record itself', () => {
    expect(regardingOwnership({ type: 'systemuser', id: 'colleague' }, directory)).toEqual({ ownerId: 'colleague', businessUnitId: 'sales' });
    expect(regardingOwnership({ type: 'queue', id: 'east-queue' }, directory)).toEqual({ ownerId: 'helper', businessUnitId: 'sales-east' });
    expect(regardingOwnership({ type: 'queue', id: 'no-such-queue' }, directory)).toBeUndefined();
  });

  it('describes an owner by name and business unit', () => {
    expect(describeOwnership(mailboxOwnership(org.userMailbox('colleague'), directory), directory)).toBe('owned by Cora Colleague in business unit Sales');
  });
});

describe('business unit hierarchy', () => {
  it('counts a unit as within itself and its ancestors only', () => {
    expect(isSameOrDescendantBusinessUnit('sales-east', 'sales', directory)).toBe(true);
    expect(isSameOrDescendantBusinessUnit('sales-east', 'root', directory)).toBe(true);
    expect(isSameOrDescendantBusinessUnit('sales', 'sales', directory)).toBe(true);
    expect(isSameOrDescendantBusinessUnit('sales', 'sales-east', directory)).toBe(false);
    expect(isSameOrDescendantBusinessUnit('support', 'sales', directory)).toBe(false);
  });

  it('stops on a cycle of parents instead of looping forever', () => {
    const cyclic = orgBuilder().businessUnit('a', { parent: 'b' }).businessUnit('b', { parent: 'a' }).build();
    expect(isSameOrDescendantBusinessUnit('a', 'root', cyclic.directory)).toBe(false);
    expect(isSameOrDescendantBusinessUnit('a', 'b', cyclic.directory)).toBe(true);
  });
});

describe('privilege shortfalls', () => {
  it('names the depth held and the depth needed when the held depth falls short', () => {
    const requester = org.user('at-bu');
    const check = checkPrivilege(requester, 'prvWriteMailbox', mailboxOwnership(org.userMailbox('east'), directory), directory);
    expect(check).toEqual({ privilege: 'prvWriteMailbox', held: 'BusinessUnit', needed: 'ParentChildBusinessUnit', reaches: false });
    expect(describePrivilegeShortfall(requester, check, 'the mailbox of East')).toBe(
      'At Bu holds Write Mailbox (prvWriteMailbox) at Business Unit depth, which does not reach the mailbox of East; it needs at least Parent: Child Business Units depth',
    );
  });

  it('says no role grants the privilege when none does', () => {
    const requester = org.user('nobody');
    const check = checkPrivilege(requester, 'prvReadMailbox', mailboxOwnership(org.userMailbox('helper'), directory), directory);
    expect(check.held).toBeNull();
    expect(describePrivilegeShortfall(requester, check, 'the mailbox of Helper')).toBe(
      "none of Nobody's security roles grants Read Mailbox (prvReadMailbox), and reaching the mailbox of Helper needs at least Organization depth",
    );
  });
});
