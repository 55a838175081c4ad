// Security roles: granting and revoking privileges (e.g. "Approve Email Addresses for Users or Queues",
// which the seed says a system admin can add to any role) and assigning roles to users.
import { domainError, type DomainError } from '../domain/errors.js';
import type { SecurityRole, User } from '../domain/model.js';
import { Privileges, privilegeDisplayName, type Privilege, type PrivilegeDepth, type RoleTemplate } from '../domain/options.js';
import { canAssignRole, canManageSecurityRoles } from '../domain/permissions.js';
import { privilegeDepthLabel } from '../domain/privileges.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, roleTarget, userTarget } from './audit.js';
import { canReadConfiguration, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { describeInputProblem, privilegeDepthInput, privilegeInput } from './inputs.js';
import { findRole, findUser } from './lookup.js';
import type { Directory } from '../domain/directory.js';
import { readAll, type OrganizationRecords } from './ports.js';
import { carryOut } from './unit-of-work.js';

export interface SecurityRoleView {
  readonly role: SecurityRole;
  readonly businessUnitName: string;
  /** Privileges with depth, in the order of `Privileges`; a System Administrator role lists all at Organization. */
  readonly privileges: readonly { readonly privilege: Privilege; readonly displayName: string; readonly depth: PrivilegeDepth }[];
  readonly memberCount: number;
}

const SYSTEM_ADMINISTRATOR: RoleTemplate = 'SystemAdministrator';

function roleView(role: SecurityRole, directory: Directory, users: readonly User[]): SecurityRoleView {
  const privileges = Privileges.flatMap((privilege) => {
    const depth: PrivilegeDepth | undefined = role.template === SYSTEM_ADMINISTRATOR ? 'Organization' : role.privileges[privilege];
    return depth === undefined ? [] : [{ privilege, displayName: privilegeDisplayName[privilege], depth }];
  });
  return {
    role,
    businessUnitName: directory.businessUnitById(role.businessUnitId)?.name ?? role.businessUnitId,
    privileges,
    memberCount: users.filter((user) => user.securityRoleIds.includes(role.id)).length,
  };
}

const allUsers = (records: OrganizationRecords): Promise<readonly User[]> => readAll((page) => records.userPage(page));

export async function listSecurityRoles(context: UseCaseContext, requester: Requester): Promise<Result<readonly SecurityRoleView[], DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const decision = canReadConfiguration(requester, directory);
  if (!decision.allowed) return err(refusal('Listing the security roles', decision));
  const [roles, users] = await Promise.all([readAll((page) => records.securityRolePage(page)), allUsers(records)]);
  const sorted = [...roles].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return ok(sorted.map((role) => roleView(role, directory, users)));
}

export interface RoleChange {
  readonly role: SecurityRoleView;
  /** False when the role already was as asked (nothing committed). */
  readonly changed: boolean;
}

export interface GrantPrivilegeInput {
  /** Role name or id. */
  readonly role: string;
  readonly privilege: Privilege;
  readonly depth: PrivilegeDepth;
}

const systemAdministratorHoldsEverything = (role: SecurityRole): DomainError =>
  domainError('NotApplicable', `${role.name} is a System Administrator role: it always holds every privilege at Organization depth, so its privileges cannot be changed.`);

/** Sets a privilege on a role at a depth (replacing any other depth). System Administrator only (`canManageSecurityRoles`). */
export function grantPrivilege(context: UseCaseContext, requester: Requester, input: GrantPrivilegeInput): Promise<Result<RoleChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const privilege = privilegeInput.safeParse(input.privilege);
    const depth = privilegeDepthInput.safeParse(input.depth);
    if (!privilege.success) return err(domainError('InvalidValue', describeInputProblem(privilege.error)));
    if (!depth.success) return err(domainError('InvalidValue', describeInputProblem(depth.error)));
    const found = await findRole(records, input.role);
    if (!found.ok) return found;
    const role = found.value;
    const directory = await records.directory();
    const decision = canManageSecurityRoles(requester, directory);
    if (!decision.allowed) return err(refusal(`Granting ${privilegeDisplayName[privilege.data]} to the role ${role.name}`, decision));
    if (role.template === SYSTEM_ADMINISTRATOR) return err(systemAdministratorHoldsEverything(role));
    const before = role.privileges[privilege.data];
    const changed = before !== depth.data;
    const after: SecurityRole = { ...role, privileges: { ...role.privileges, [privilege.data]: depth.data } };
    const was = before === undefined ? 'not granted' : privilegeDepthLabel[before];
    const users = await allUsers(records);
    return ok({
      intents: changed ? [{ kind: 'setRolePrivileges', roleId: role.id, privileges: after.privileges, expected: role }] : [],
      audit: changed
        ? [
            auditEntry(context, requester, {
              action: 'role.grantPrivilege',
              target: roleTarget(role),
              rule: decision.rule,
              details: `${privilegeDisplayName[privilege.data]} (${privilege.data}): ${was} → ${privilegeDepthLabel[depth.data]}`,
            }),
          ]
        : [],
      events: [],
      answer: () => ({ role: roleView(after, directory, users), changed }),
    });
  });
}

export interface RevokePrivilegeInput {
  readonly role: string;
  readonly privilege: Privilege;
}

export function revokePrivilege(context: UseCaseContext, requester: Requester, input: RevokePrivilegeInput): Promise<Result<RoleChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const privilege = privilegeInput.safeParse(input.privilege);
    if (!privilege.success) return err(domainError('InvalidValue', describeInputProblem(privilege.error)));
    const found = await findRole(records, input.role);
    if (!found.ok) return found;
    const role = found.value;
    const directory = await records.directory();
    const decision = canManageSecurityRoles(requester, directory);
    if (!decision.allowed) return err(refusal(`Revoking ${privilegeDisplayName[privilege.data]} from the role ${role.name}`, decision));
    if (role.template === SYSTEM_ADMINISTRATOR) return err(systemAdministratorHoldsEverything(role));
    const before = role.privileges[privilege.data];
    const remaining = Object.fromEntries(Object.entries(role.privileges).filter(([name]) => name !== privilege.data));
    const after: SecurityRole = { ...role, privileges: remaining };
    const users = await allUsers(records);
    return ok({
      intents: before === undefined ? [] : [{ kind: 'setRolePrivileges', roleId: role.id, privileges: remaining, expected: role }],
      audit:
        before === undefined
          ? []
          : [
              auditEntry(context, requester, {
                action: 'role.revokePrivilege',
                target: roleTarget(role),
                rule: decision.rule,
                details: `${privilegeDisplayName[privilege.data]} (${privilege.data}): ${privilegeDepthLabel[before]} → not granted`,
              }),
            ],
      events: [],
      answer: () => ({ role: roleView(before === undefined ? role : after, directory, users), changed: before !== undefined }),
    });
  });
}

export interface RoleAssignmentInput {
  /** User full name, primary email, UPN or id. */
  readonly user: string;
  /** Role name or id. */
  readonly role: string;
}

export interface RoleAssignmentChange {
  readonly user: User;
  readonly roles: readonly SecurityRole[];
  /** False when the user already had (or already lacked) the role. */
  readonly changed: boolean;
}

function assignment(context: UseCaseContext, requester: Requester, input: RoleAssignmentInput, assign: boolean): Promise<Result<RoleAssignmentChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const foundUser = await findUser(records, input.user);
    if (!foundUser.ok) return foundUser;
    const foundRole = await findRole(records, input.role);
    if (!foundRole.ok) return foundRole;
    const user = foundUser.value;
    const role = foundRole.value;
    const directory = await records.directory();
    const decision = canAssignRole(requester, role, directory);
    if (!decision.allowed) return err(refusal(`${assign ? 'Assigning' : 'Removing'} the role ${role.name} ${assign ? 'to' : 'from'} ${user.fullName}`, decision));
    const holds = user.securityRoleIds.includes(role.id);
    const changed = holds !== assign;
    const after: User = { ...user, securityRoleIds: assign ? [...user.securityRoleIds, role.id] : user.securityRoleIds.filter((id) => id !== role.id) };
    const rolesOf = (subject: User): SecurityRole[] => subject.securityRoleIds.flatMap((id) => directory.roleById(id) ?? []);
    return ok({
      intents: changed ? [{ kind: 'setUserSecurityRoles', userId: user.id, securityRoleIds: after.securityRoleIds, expected: user }] : [],
      audit: changed
        ? [
            auditEntry(context, requester, {
              action: assign ? 'user.assignRole' : 'user.removeRole',
              target: userTarget(user),
              rule: decision.rule,
              details: `${assign ? 'Assigned' : 'Removed'} security role ${role.name}`,
            }),
          ]
        : [],
      events: [],
      answer: () => {
        const current = changed ? after : user;
        return { user: current, roles: rolesOf(current), changed };
      },
    });
  });
}

/** Assigns a security role to a user (`canAssignRole`: Delegated Mailbox Approver only by a Global or Exchange admin). */
export function assignRole(context: UseCaseContext, requester: Requester, input: RoleAssignmentInput): Promise<Result<RoleAssignmentChange, DomainError>> {
  return assignment(context, requester, input, true);
}

export function removeRole(context: UseCaseContext, requester: Requester, input: RoleAssignmentInput): Promise<Result<RoleAssignmentChange, DomainError>> {
  return assignment(context, requester, input, false);
}
