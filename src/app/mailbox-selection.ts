// Which mailboxes a command means: a list of names/addresses, every active mailbox, or the active
// mailboxes waiting for approval (the grid views "Active Mailboxes" of the product).
import { z } from 'zod';
import { domainError, type DomainError } from '../domain/errors.js';
import type { Mailbox } from '../domain/model.js';
import { EmailApprovalStatus } from '../domain/options.js';
import { err, ok, type Result } from '../domain/result.js';
import { buildNameIndex, resolveNames, resolveOne, type NameIndex } from './name-resolution.js';
import type { Directory } from '../domain/directory.js';
import { readAll, type MailboxQuery, type OrganizationRecords } from './ports.js';

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
export async function mailboxNameIndex(records: OrganizationRecords): Promise<NameIndex<Mailbox>> {
  // Built once per revision of the records, not once per command: a lookup in a 10,000-mailbox
  // organization must not cost a full read and index build.
  const revision = await records.revision();
  const cached = nameIndexCache.get(records);
  if (revision !== undefined && cached?.revision === revision) return cached.index;
  const [mailboxes, directory] = await Promise.all([readAll((page) => records.mailboxPage({}, page)), records.directory()]);
  const index = buildMailboxNameIndex(mailboxes, directory);
  if (revision !== undefined) nameIndexCache.set(records, { revision, index });
  return index;
}

const nameIndexCache = new WeakMap<OrganizationRecords, { readonly revision: string; readonly index: NameIndex<Mailbox> }>();

function buildMailboxNameIndex(mailboxes: readonly Mailbox[], directory: Directory): NameIndex<Mailbox> {
  return buildNameIndex(mailboxes, {
    idOf: (mailbox) => mailbox.id,
    namesOf: (mailbox) => {
      if (mailbox.regarding.type === 'systemuser') {
        const user = directory.userById(mailbox.regarding.id);
        return [mailbox.emailAddress, mailbox.name, ...(user === undefined ? [] : [user.fullName, user.primaryEmail, user.userPrincipalName])];
      }
      const queue = directory.queueById(mailbox.regarding.id);
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

const allMatching = (records: OrganizationRecords, query: MailboxQuery): Promise<readonly Mailbox[]> => readAll((page) => records.mailboxPage(query, page));

/** Resolves a selector to mailboxes, in the order typed (or the name order of mailbox pages for `all`/`pending`). */
export async function selectMailboxes(records: OrganizationRecords, selector: MailboxSelector): Promise<Result<readonly Mailbox[], DomainError>> {
  if (selector === 'all') {
    const mailboxes = await allMatching(records, { activeOnly: true });
    return mailboxes.length > 0 ? ok(mailboxes) : err(domainError('NothingSelected', 'There are no active mailboxes.'));
  }
  if (selector === 'pending') {
    const mailboxes = await allMatching(records, { activeOnly: true, approval: EmailApprovalStatus.PendingApproval });
    return mailboxes.length > 0
      ? ok(mailboxes)
      : err(domainError('NothingSelected', 'No active mailbox is waiting for approval (Pending Approval).'));
  }
  return resolveNames(selector, await mailboxNameIndex(records), mailboxResolveOptions);
}

/** Exactly one mailbox by id, email address, mailbox name or its user's/queue's name. */
export async function selectOneMailbox(records: OrganizationRecords, typed: string): Promise<Result<Mailbox, DomainError>> {
  return resolveOne(typed, await mailboxNameIndex(records), mailboxResolveOptions);
}
