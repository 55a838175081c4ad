// Finding profiles, roles, users and queues by what an admin types.
import type { DomainError } from '../domain/errors.js';
import type { EmailServerProfile, Queue, SecurityRole, User } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import { buildNameIndex, resolveOne } from './name-resolution.js';
import type { EmailConfigStore } from './ports.js';

/** A profile by name or id (inactive ones included: callers decide whether inactive is acceptable). */
export function findProfile(store: EmailConfigStore, typed: string): Result<EmailServerProfile, DomainError> {
  const index = buildNameIndex(store.profiles(), { idOf: (profile) => profile.id, namesOf: (profile) => [profile.name] });
  return resolveOne(typed, index, {
    noun: ['email server profile', 'email server profiles'],
    unknownCode: 'UnknownProfile',
    distinguish: (profile) => `${profile.name} (${profile.id})`,
    idOf: (profile) => profile.id,
  });
}

export function findRole(store: EmailConfigStore, typed: string): Result<SecurityRole, DomainError> {
  const index = buildNameIndex(store.securityRoles(), { idOf: (role) => role.id, namesOf: (role) => [role.name] });
  return resolveOne(typed, index, {
    noun: ['security role', 'security roles'],
    unknownCode: 'UnknownRole',
    distinguish: (role) => `${role.name} in business unit ${store.businessUnitById(role.businessUnitId)?.name ?? role.businessUnitId} (${role.id})`,
    idOf: (role) => role.id,
  });
}

const userNames = (user: User): readonly string[] => [user.fullName, user.primaryEmail, user.userPrincipalName];

/** A user by full name, primary email, UPN or id. */
export function findUser(store: EmailConfigStore, typed: string): Result<User, DomainError> {
  const index = buildNameIndex(store.users(), { idOf: (user) => user.id, namesOf: userNames });
  return resolveOne(typed, index, {
    noun: ['user', 'users'],
    unknownCode: 'UnknownUser',
    distinguish: (user) => user.primaryEmail || user.userPrincipalName,
    idOf: (user) => user.id,
  });
}

export type UserOrQueue = { readonly type: 'systemuser'; readonly user: User } | { readonly type: 'queue'; readonly queue: Queue };

/** A user (full name, primary email, UPN, id) or a queue (name, email address, id). */
export function findUserOrQueue(store: EmailConfigStore, typed: string): Result<UserOrQueue, DomainError> {
  const candidates: UserOrQueue[] = [
    ...store.users().map((user): UserOrQueue => ({ type: 'systemuser', user })),
    ...store.queues().map((queue): UserOrQueue => ({ type: 'queue', queue })),
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
