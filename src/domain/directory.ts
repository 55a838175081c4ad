// Everything the permission model and the rules read about an organization, as one read-only view: the
// organization and its reference records. Mailboxes are not part of it (the rules get the mailbox they judge),
// so a remote backend can serve it from a cache of people, roles and profiles without loading every mailbox.
// The store implements it with indexes; tests build it from plain arrays.
import type { BusinessUnit, EmailServerProfile, Organization, Queue, SecurityRole, User } from './model.js';

export interface Directory {
  readonly organization: Organization;
  userById(id: string): User | undefined;
  queueById(id: string): Queue | undefined;
  roleById(id: string): SecurityRole | undefined;
  businessUnitById(id: string): BusinessUnit | undefined;
  profileById(id: string): EmailServerProfile | undefined;
}

/** A Directory over plain arrays (tests, org-file validation). The store keeps its own indexes. */
export function directoryFromArrays(data: {
  organization: Organization;
  users: readonly User[];
  queues: readonly Queue[];
  securityRoles: readonly SecurityRole[];
  businessUnits: readonly BusinessUnit[];
  profiles: readonly EmailServerProfile[];
}): Directory {
  const index = <T extends { id: string }>(items: readonly T[]): Map<string, T> => new Map(items.map((item) => [item.id, item]));
  const users = index(data.users);
  const queues = index(data.queues);
  const roles = index(data.securityRoles);
  const units = index(data.businessUnits);
  const profiles = index(data.profiles);
  return {
    organization: data.organization,
    userById: (id) => users.get(id),
    queueById: (id) => queues.get(id),
    roleById: (id) => roles.get(id),
    businessUnitById: (id) => units.get(id),
    profileById: (id) => profiles.get(id),
  };
}
