// Which mailboxes a command means: a list of names/addresses, every active mailbox, or the active
// mailboxes waiting for approval (the grid views "Active Mailboxes" of the product).
import { z } from 'zod';
import { domainError, type DomainError } from '../domain/errors.js';
import type { Mailbox } from '../domain/model.js';
import { EmailApprovalStatus } from '../domain/options.js';
import { err, ok, type Result } from '../domain/result.js';
import { buildNameIndex, resolveNames, resolveOne, type NameIndex } from './name-resolution.js';
import type { EmailConfigStore, MailboxQuery } from './ports.js';

/** Names and addresses as typed, `'all'` (every active mailbox) or `'pending'` (active and Pending Approval). */
export type MailboxSelector = 'all' | 'pending' | readonly string[];

/** For callers that receive a selector from outside (card data, HTTP). */
export const mailboxSelectorSchema = z.union([
  z.literal('all'),
  z.literal('pending'),
  z.array(z.string().trim().min(1, 'a mailbox name cannot be empty')).min(1, 'name at least one mailbox'),
]);

/**
 * A mailbox answers to its id, its email address, its own name, and the name and addresses of the user
 * or queue it belongs to (mailbox names are usually the user's full name, but need not be).
 */
export function mailboxNameIndex(store: EmailConfigStore): NameIndex<Mailbox> {
  // Built once per state of the records it reads, not once per command: a lookup in a 10,000-mailbox
  // organization must not cost a full index build.
  const sources = { mailboxes: store.mailboxes(), users: store.users(), queues: store.queues() };
  const cached = nameIndexCache.get(store);
  if (cached !== undefined && cached.mailboxes === sources.mailboxes && cached.users === sources.users && cached.queues === sources.queues) {
    return cached.index;
  }
  const index = buildMailboxNameIndex(store);
  nameIndexCache.set(store, { ...sources, index });
  return index;
}

const nameIndexCache = new WeakMap<
  EmailConfigStore,
  { readonly mailboxes: readonly Mailbox[]; readonly users: readonly unknown[]; readonly queues: readonly unknown[]; readonly index: NameIndex<Mailbox> }
>();

function buildMailboxNameIndex(store: EmailConfigStore): NameIndex<Mailbox> {
  return buildNameIndex(store.mailboxes(), {
    idOf: (mailbox) => mailbox.id,
    namesOf: (mailbox) => {
      if (mailbox.regarding.type === 'systemuser') {
        const user = store.userById(mailbox.regarding.id);
        return [mailbox.emailAddress, mailbox.name, ...(user === undefined ? [] : [user.fullName, user.primaryEmail, user.userPrincipalName])];
      }
      const queue = store.queueById(mailbox.regarding.id);
      return [mailbox.emailAddress, mailbox.name, ...(queue === undefined ? [] : [queue.name, queue.emailAddress])];
    },
  });
}

const mailboxResolveOptions = {
  noun: ['mailbox', 'mailboxes'],
  unknownCode: 'UnknownMailbox',
  distinguish: (mailbox: Mailbox) => mailbox.emailAddress,
  idOf: (mailbox: Mailbox) => mailbox.id,
} as const;

function allMatching(store: EmailConfigStore, query: MailboxQuery): readonly Mailbox[] {
  return store.queryMailboxes(query, 0, Math.max(1, store.mailboxes().length)).items;
}

/** Resolves a selector to mailboxes, in the order typed (or the store's name order for `all`/`pending`). */
export function selectMailboxes(store: EmailConfigStore, selector: MailboxSelector): Result<readonly Mailbox[], DomainError> {
  if (selector === 'all') {
    const mailboxes = allMatching(store, { activeOnly: true });
    return mailboxes.length > 0 ? ok(mailboxes) : err(domainError('NothingSelected', 'There are no active mailboxes.'));
  }
  if (selector === 'pending') {
    const mailboxes = allMatching(store, { activeOnly: true, approval: EmailApprovalStatus.PendingApproval });
    return mailboxes.length > 0
      ? ok(mailboxes)
      : err(domainError('NothingSelected', 'No active mailbox is waiting for approval (Pending Approval).'));
  }
  return resolveNames(selector, mailboxNameIndex(store), mailboxResolveOptions);
}

/** Exactly one mailbox by id, email address, mailbox name or its user's/queue's name. */
export function selectOneMailbox(store: EmailConfigStore, typed: string): Result<Mailbox, DomainError> {
  return resolveOne(typed, mailboxNameIndex(store), mailboxResolveOptions);
}
