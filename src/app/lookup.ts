// Finding profiles, roles, users and queues by what an admin types.
import type { DomainError } from '../domain/errors.js';
import type { EmailServerProfile, Queue, SecurityRole, User } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import { buildNameIndex, resolveOne } from './name-resolution.js';
import { readAll, type OrganizationRecords } from './ports.js';

/** A profile by name or id (inactive ones included: callers decide whether inactive is acceptable). */
export async function findProfile(records: OrganizationRecords, typed: string): Promise<Result<EmailServerProfile, DomainError>> {
  const index = buildNameIndex(await readAll((page) => records.profilePage(page)), { idOf: (profile) => profile.id, namesOf: (profile) => [profile.name] });
  return resolveOne(typed, index, {
    noun: ['email server profile', 'email server profiles'],
    unknownCode: 'UnknownProfile',
    distinguish: (profile) => `${profile.name} (${profile.id})`,
    idOf: (profile) => profile.id,
  });
}

export async function findRole(records: OrganizationRecords, typed: string): Promise<Result<SecurityRole, DomainError>> {
  const [roles, directory] = await Promise.all([readAll((page) => records.securityRolePage(page)), records.directory()]);
  const index = buildNameIndex(roles, { idOf: (role) => role.id, namesOf: (role) => [role.name] });
  return resolveOne(typed, index, {
    noun: ['security role', 'security roles'],
    unknownCode: 'UnknownRole',
    distinguish: (role) => `${role.name} in business unit ${directory.businessUnitById(role.businessUnitId)?.name ?? role.businessUnitId} (${role.id})`,
    idOf: (role) => role.id,
  });
}

const userNames = (user: User): readonly string[] => [user.fullName, user.primaryEmail, user.userPrincipalName];

/** A user by full name, primary email, UPN or id. */
export async function findUser(records: OrganizationRecords, typed: string): Promise<Result<User, DomainError>> {
  const index = buildNameIndex(await readAll((page) => records.userPage(page)), { idOf: (user) => user.id, namesOf: userNames });
  return resolveOne(typed, index, {
    noun: ['user', 'users'],
    unknownCode: 'UnknownUser',
    distinguish: (user) => user.primaryEmail || user.userPrincipalName,
    idOf: (user) => user.id,
  });
}

export type UserOrQueue = { readonly type: 'systemuser'; readonly user: User } | { readonly type: 'queue'; readonly queue: Queue };

/** A user (full name, primary email, UPN, id) or a queue (name, email address, id). */
export async function findUserOrQueue(records: OrganizationRecords, typed: string): Promise<Result<UserOrQueue, DomainError>> {
  const [users, queues] = await Promise.all([readAll((page) => records.userPage(page)), readAll((page) => records.queuePage(page))]);
  const candidates: UserOrQueue[] = [
    ...users.map((user): UserOrQueue => ({ type: 'systemuser', user })),
    ...queues.map((queue): UserOrQueue => ({ type: 'queue', queue })),
  ];
  const idOf = (entry: UserOrQueue): string => (entry.type === 'systemuser' ? `systemuser:${entry.user.id}` : `queue:${entry.queue.id}`);
  const index = buildNameIndex(candidates, {
    idOf,
    namesOf: (entry) => (entry.type === 'systemuser' ? userNames(entry.user) : [entry.queue.name, entry.queue.emailAddress]),
    hiddenKeysOf: (entry) => [entry.type === 'systemuser' ? entry.user.id : entry.queue.id],
  });
  return resolveOne(typed, index, {
    noun: ['user or queue', 'users or queues'],
    unknownCode: 'UnknownUser',
    distinguish: (entry) => (entry.type === 'systemuser' ? `user ${entry.user.primaryEmail}` : `queue ${entry.queue.emailAddress}`),
    idOf,
  });
}
