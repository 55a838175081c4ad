// Turning permission decisions into refusals, plus the application's own access rules for what the
// permission model of the product does not cover (reading, requesting approval). Those rules are ours:
//  - Mailbox queries need Read Mailbox (prvReadMailbox) at some depth, and show only the mailboxes that
//    depth reaches (System Administrator holds it at Organization depth, so sees everything).
//  - Organization-level reads (profiles, email settings, approval requirement, security roles, alerts of
//    a profile) need Read Mailbox or Read Email Server Profile at any depth, or an admin role
//    (System Administrator or System Customizer): anyone who works with email configuration.
//  - The audit log names everyone's actions, so only a System Administrator reads it.
//  - Requesting approval for a mailbox: a System Administrator, or the mailbox owner.
//  - A disabled user may do none of these, as in the permission model.
// Every check reads the requester's Microsoft 365 roles from the User it is given; `withDirectoryRoles`
// makes that the role directory's answer (see role-directory.ts) before any check runs.
import type { Directory } from '../domain/directory.js';
import { domainError, type DomainError } from '../domain/errors.js';
import type { Mailbox, User } from '../domain/model.js';
import type { Office365Role, PrivilegeDepth } from '../domain/options.js';
import { permissionEditionFor, type PermissionDecision } from '../domain/permissions.js';
import { checkPrivilege, describePrivilegeShortfall, effectivePrivilegeDepth, hasRoleTemplate, mailboxOwnership } from '../domain/privileges.js';
import type { RoleDirectory } from './role-directory.js';

/** The last requester `withDirectoryRoles` made from each user record (the record object is replaced when it changes). */
const requestersWithRoles = new WeakMap<User, User>();

const sameRoles = (a: readonly Office365Role[], b: readonly Office365Role[]): boolean => a.length === b.length && a.every((role, index) => role === b[index]);

/**
 * The requester as the permission checks must see them: with the Entra roles the role directory holds now.
 * While neither the user record nor those roles change, it is the very same object each turn, so caches that
 * are keyed by the requester object (the cards of state-cards.ts) still hit; a changed role makes a new one.
 */
export async function withDirectoryRoles(requester: User, roles: RoleDirectory): Promise<User> {
  const current = await roles.rolesOf(requester.aadObjectId);
  const serviceAdministrator = roles.isServiceAdministrator === undefined ? requester.isServiceAdministrator : await roles.isServiceAdministrator(requester.aadObjectId);
  const same = (user: User): boolean => sameRoles(current, user.office365Roles) && user.isServiceAdministrator === serviceAdministrator;
  if (same(requester)) return requester;
  const previous = requestersWithRoles.get(requester);
  if (previous !== undefined && same(previous)) return previous;
  const withRoles: User = { ...requester, office365Roles: current, isServiceAdministrator: serviceAdministrator };
  requestersWithRoles.set(requester, withRoles);
  return withRoles;
}

/** The refusal a use case returns: the permission model's rule and reason travel with it. */
export function refusal(attempted: string, decision: PermissionDecision): DomainError {
  return domainError('PermissionDenied', `${attempted} was refused: ${decision.reason}`, { decision });
}

const decide = (directory: Directory, allowed: boolean, rule: string, reason: string): PermissionDecision => ({
  allowed,
  edition: permissionEditionFor(directory.organization.version),
  rule,
  reason,
});

const disabledUser = (requester: User, directory: Directory, rule: string): PermissionDecision =>
  decide(directory, false, `${rule}:user-disabled`, `${requester.fullName} is a disabled user and can do nothing in this organization.`);

/** Whether the requester may read mailboxes at all, and how far (null depth: not at all). */
export function mailboxReadScope(requester: User, directory: Directory): { readonly decision: PermissionDecision; readonly depth: PrivilegeDepth | null } {
  if (!requester.active) return { depth: null, decision: disabledUser(requester, directory, 'app:read-mailbox') };
  const depth = effectivePrivilegeDepth(requester, 'prvReadMailbox', directory);
  if (depth === null) {
    return {
      depth,
      decision: decide(
        directory,
        false,
        'app:read-mailbox:privilege',
        `${requester.fullName} holds no Read Mailbox (prvReadMailbox) privilege in any security role, so cannot see mailboxes.`,
      ),
    };
  }
  return {
    depth,
    decision: decide(directory, true, 'app:read-mailbox:privilege', `${requester.fullName} holds Read Mailbox (prvReadMailbox) at ${depth} depth.`),
  };
}

export function canReadMailbox(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision {
  if (!requester.active) return disabledUser(requester, directory, 'app:read-mailbox');
  const check = checkPrivilege(requester, 'prvReadMailbox', mailboxOwnership(mailbox, directory), directory);
  if (check.reaches) {
    return decide(directory, true, 'app:read-mailbox:privilege', `${requester.fullName} holds Read Mailbox (prvReadMailbox) at ${check.held ?? 'no'} depth, which reaches this mailbox.`);
  }
  return decide(directory, false, 'app:read-mailbox:privilege', `${describePrivilegeShortfall(requester, check, `the mailbox ${mailbox.name}`)}.`);
}

export function canReadConfiguration(requester: User, directory: Directory): PermissionDecision {
  const rule = 'app:read-configuration';
  if (!requester.active) return disabledUser(requester, directory, rule);
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) return decide(directory, true, `${rule}:system-administrator`, `${requester.fullName} is a System Administrator.`);
  if (hasRoleTemplate(requester, 'SystemCustomizer', directory)) return decide(directory, true, `${rule}:system-customizer`, `${requester.fullName} is a System Customizer.`);
  for (const privilege of ['prvReadMailbox', 'prvReadEmailServerProfile'] as const) {
    const depth = effectivePrivilegeDepth(requester, privilege, directory);
    if (depth !== null) return decide(directory, true, `${rule}:${privilege}`, `${requester.fullName} holds ${privilege} at ${depth} depth.`);
  }
  return decide(
    directory,
    false,
    `${rule}:denied`,
    `${requester.fullName} has neither an admin role (System Administrator, System Customizer) nor Read Mailbox or Read Email Server Profile, so cannot see the email configuration.`,
  );
}

export function canReadAudit(requester: User, directory: Directory): PermissionDecision {
  if (!requester.active) return disabledUser(requester, directory, 'app:read-audit');
  return hasRoleTemplate(requester, 'SystemAdministrator', directory)
    ? decide(directory, true, 'app:read-audit:system-administrator', `${requester.fullName} is a System Administrator.`)
    : decide(directory, false, 'app:read-audit:system-administrator', `Only a System Administrator may read the audit log, which names everyone's actions; ${requester.fullName} is not one.`);
}

export function canRequestApproval(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision {
  if (!requester.active) return disabledUser(requester, directory, 'app:request-approval');
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) {
    return decide(directory, true, 'app:request-approval:system-administrator', `${requester.fullName} is a System Administrator.`);
  }
  if (mailbox.ownerId === requester.id) {
    return decide(directory, true, 'app:request-approval:owner', `${requester.fullName} owns the mailbox ${mailbox.name}.`);
  }
  return decide(
    directory,
    false,
    'app:request-approval:owner-or-system-administrator',
    `Only the mailbox owner or a System Administrator may request approval for ${mailbox.name}; ${requester.fullName} is neither.`,
  );
}
