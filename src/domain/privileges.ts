// Security-role privileges and how far their depth reaches (domain.md §4, Microsoft "Security roles and privileges").
// Pure reads of the Directory: which roles a user holds, at what depth, and whether that depth reaches a record.
import type { Directory } from './directory.js';
import type { Mailbox, MailboxRegarding, SecurityRole, User } from './model.js';
import { PrivilegeDepths, privilegeDepthRank, privilegeDisplayName } from './options.js';
import type { Privilege, PrivilegeDepth, RoleTemplate } from './options.js';

/**
 * Who owns a record, as far as privilege depth cares: the owning user and the owning business unit.
 * Either may be unknown; when only the owner is given, the owner's business unit is used.
 */
export interface RecordOwnership {
  readonly ownerId?: string | null;
  readonly businessUnitId?: string | null;
}

/** Depth names as the security-role editor shows them. */
export const privilegeDepthLabel: Readonly<Record<PrivilegeDepth, string>> = {
  User: 'User',
  BusinessUnit: 'Business Unit',
  ParentChildBusinessUnit: 'Parent: Child Business Units',
  Organization: 'Organization',
};

/** The user's security roles. Role ids that match no role grant nothing, so they are skipped. */
export function securityRolesOf(user: User, directory: Directory): readonly SecurityRole[] {
  return user.securityRoleIds.flatMap((roleId) => {
    const role = directory.roleById(roleId);
    return role === undefined ? [] : [role];
  });
}

/** Whether any of the user's security roles is the given built-in role. */
export function hasRoleTemplate(user: User, template: RoleTemplate, directory: Directory): boolean {
  return securityRolesOf(user, directory).some((role) => role.template === template);
}

const deeper = (a: PrivilegeDepth | null, b: PrivilegeDepth | null): PrivilegeDepth | null => {
  if (a === null) return b;
  if (b === null) return a;
  return privilegeDepthRank[a] >= privilegeDepthRank[b] ? a : b;
};

/**
 * The deepest depth at which any of the user's roles grants the privilege, or null when none does.
 * A System Administrator role holds every privilege at Organization depth whatever its privilege list says.
 */
export function effectivePrivilegeDepth(user: User, privilege: Privilege, directory: Directory): PrivilegeDepth | null {
  return securityRolesOf(user, directory).reduce<PrivilegeDepth | null>((depth, role) => {
    const granted = role.template === 'SystemAdministrator' ? 'Organization' : (role.privileges[privilege] ?? null);
    return deeper(depth, granted);
  }, null);
}

/** Whether `unitId` is `ancestorId` itself or lies anywhere below it. Stops on a parent cycle instead of looping. */
export function isSameOrDescendantBusinessUnit(unitId: string, ancestorId: string, directory: Directory): boolean {
  const visited = new Set<string>();
  let current: string | null = unitId;
  while (current !== null && !visited.has(current)) {
    if (current === ancestorId) return true;
    visited.add(current);
    current = directory.businessUnitById(current)?.parentBusinessUnitId ?? null;
  }
  return false;
}

const owningBusinessUnitOf = (target: RecordOwnership, directory: Directory): string | null => {
  if (target.businessUnitId) return target.businessUnitId;
  if (target.ownerId) return directory.userById(target.ownerId)?.businessUnitId ?? null;
  return null;
};

/**
 * Whether a privilege held at `depth` lets `user` act on a record owned as `target`. Depths are cumulative:
 * every depth reaches the user's own records; Business Unit adds records of the user's business unit;
 * Parent: Child Business Units adds that unit's descendants; Organization reaches everything.
 */
export function depthReaches(depth: PrivilegeDepth, user: User, target: RecordOwnership, directory: Directory): boolean {
  if (target.ownerId === user.id) return true;
  const owningUnit = owningBusinessUnitOf(target, directory);
  switch (depth) {
    case 'User':
      return false;
    case 'BusinessUnit':
      return owningUnit === user.businessUnitId;
    case 'ParentChildBusinessUnit':
      return owningUnit !== null && isSameOrDescendantBusinessUnit(owningUnit, user.businessUnitId, directory);
    case 'Organization':
      return true;
  }
}

/** Whether the user holds the privilege at a depth that reaches a record owned as `target`. */
export function privilegeReaches(user: User, privilege: Privilege, target: RecordOwnership, directory: Directory): boolean {
  const depth = effectivePrivilegeDepth(user, privilege, directory);
  return depth !== null && depthReaches(depth, user, target, directory);
}

/** The shallowest depth that would reach the record: what a role needs to grant for this user. */
export function minimumDepthToReach(user: User, target: RecordOwnership, directory: Directory): PrivilegeDepth {
  return PrivilegeDepths.find((depth) => depthReaches(depth, user, target, directory)) ?? 'Organization';
}

/**
 * Who owns a mailbox for depth checks: `ownerid` is the user (for a queue mailbox, the queue's owner); the business
 * unit is the owner's, except for a queue mailbox, which belongs to the queue's business unit.
 */
export function mailboxOwnership(mailbox: Mailbox, directory: Directory): RecordOwnership {
  if (mailbox.regarding.type === 'queue') {
    return { ownerId: mailbox.ownerId, businessUnitId: directory.queueById(mailbox.regarding.id)?.businessUnitId ?? null };
  }
  return { ownerId: mailbox.ownerId, businessUnitId: directory.userById(mailbox.ownerId)?.businessUnitId ?? null };
}

/**
 * Ownership of the mailbox that belongs to a user or a queue, for when only the user or queue is known
 * (a user's mailbox is owned by that user; a queue's by the queue's owner). Undefined when the record is unknown.
 */
export function regardingOwnership(regarding: MailboxRegarding, directory: Directory): RecordOwnership | undefined {
  if (regarding.type === 'queue') {
    const queue = directory.queueById(regarding.id);
    return queue === undefined ? undefined : { ownerId: queue.ownerId, businessUnitId: queue.businessUnitId };
  }
  const user = directory.userById(regarding.id);
  return user === undefined ? undefined : { ownerId: user.id, businessUnitId: user.businessUnitId };
}

/** The outcome of checking one privilege against one record, with what was held and what was needed. */
export interface PrivilegeCheck {
  readonly privilege: Privilege;
  /** Deepest depth the user holds, or null when no role grants the privilege. */
  readonly held: PrivilegeDepth | null;
  /** Shallowest depth that reaches the record for this user. */
  readonly needed: PrivilegeDepth;
  readonly reaches: boolean;
}

export function checkPrivilege(user: User, privilege: Privilege, target: RecordOwnership, directory: Directory): PrivilegeCheck {
  const held = effectivePrivilegeDepth(user, privilege, directory);
  return {
    privilege,
    held,
    needed: minimumDepthToReach(user, target, directory),
    reaches: held !== null && depthReaches(held, user, target, directory),
  };
}

/** "owned by Bob Ray in business unit Sales", tolerating owners and units the directory does not know. */
export function describeOwnership(target: RecordOwnership, directory: Directory): string {
  const owner = target.ownerId ? directory.userById(target.ownerId) : undefined;
  const unitId = owningBusinessUnitOf(target, directory);
  const unit = unitId === null ? undefined : directory.businessUnitById(unitId);
  const ownerText = owner?.fullName ?? (target.ownerId ? `unknown user ${target.ownerId}` : 'no known owner');
  const unitText = unit?.name ?? unitId ?? 'an unknown business unit';
  return `owned by ${ownerText} in business unit ${unitText}`;
}

/**
 * A clause saying why a failed check failed, naming the depth held and the depth needed, e.g.
 * "Gus Grant holds Write Mailbox (prvWriteMailbox) at User depth, which does not reach this mailbox (owned by …);
 * it needs at least Business Unit depth".
 */
export function describePrivilegeShortfall(user: User, check: PrivilegeCheck, targetText: string): string {
  const privilegeText = `${privilegeDisplayName[check.privilege]} (${check.privilege})`;
  const neededText = `at least ${privilegeDepthLabel[check.needed]} depth`;
  if (check.held === null) {
    return `none of ${user.fullName}'s security roles grants ${privilegeText}, and reaching ${targetText} needs ${neededText}`;
  }
  return `${user.fullName} holds ${privilegeText} at ${privilegeDepthLabel[check.held]} depth, which does not reach ${targetText}; it needs ${neededText}`;
}
