// The names people use for records, built from the organization's records for entity resolution (cached per revision).
import type { EmailServerProfile, Mailbox, Queue, User } from '../../domain/model.js';
import type { EntityCatalog, MailboxCandidate } from './entities.js';
import { readAll, type OrganizationRecords } from '../../app/ports.js';

export interface CatalogSources {
  readonly mailboxes: readonly Mailbox[];
  readonly users: readonly User[];
  readonly queues: readonly Queue[];
  readonly profiles: readonly EmailServerProfile[];
}

export function buildEntityCatalog(sources: CatalogSources): EntityCatalog {
  const users = new Map(sources.users.map((user) => [user.id, user]));
  const queues = new Map(sources.queues.map((queue) => [queue.id, queue]));
  const mailboxes: MailboxCandidate[] = sources.mailboxes
    .filter((mailbox) => mailbox.active)
    .map((mailbox) => {
      const localPart = mailbox.emailAddress.split('@')[0] ?? '';
      if (mailbox.regarding.type === 'systemuser') {
        const owner = users.get(mailbox.regarding.id);
        const fullName = owner?.fullName ?? mailbox.name;
        const firstName = fullName.split(/\s+/)[0] ?? '';
        return { id: mailbox.id, address: mailbox.emailAddress, label: fullName, names: [fullName, firstName, localPart, mailbox.name] };
      }
      const queue = queues.get(mailbox.regarding.id);
      const queueName = queue?.name ?? mailbox.name;
      return { id: mailbox.id, address: mailbox.emailAddress, label: queueName, names: [queueName, localPart, mailbox.name] };
    });
  return { mailboxes, profiles: sources.profiles.map((profile) => ({ id: profile.id, name: profile.name })) };
}

/** Built once per revision of the records: every message that is not a command reads it. */
const catalogCache = new WeakMap<OrganizationRecords, { readonly revision: string; readonly catalog: EntityCatalog }>();

export async function loadEntityCatalog(records: OrganizationRecords): Promise<EntityCatalog> {
  const revision = await records.revision();
  const cached = catalogCache.get(records);
  if (revision !== undefined && cached?.revision === revision) return cached.catalog;
  const [mailboxes, users, queues, profiles] = await Promise.all([
    readAll((page) => records.mailboxPage({ activeOnly: true }, page)),
    readAll((page) => records.userPage(page)),
    readAll((page) => records.queuePage(page)),
    readAll((page) => records.profilePage(page)),
  ]);
  const catalog = buildEntityCatalog({ mailboxes, users, queues, profiles });
  if (revision !== undefined) catalogCache.set(records, { revision, catalog });
  return catalog;
}
