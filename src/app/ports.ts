// What the use cases need from the outside world. Adapters in src/store, src/exchange, src/notify implement these.
import type { Directory } from '../domain/directory.js';
import type {
  Alert,
  AuditEntry,
  BusinessUnit,
  EmailServerProfile,
  Mailbox,
  Queue,
  SecurityRole,
  User,
} from '../domain/model.js';
import type { ChangeSet } from './ports/change-set.js';
import type { MailboxQuery } from './ports/records.js';

export * from './ports/change-set.js';
export * from './ports/records.js';
export * from './ports/intents.js';
export * from './ports/audit-log.js';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(prefix: string): string;
}

export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly conflict: readonly string[] };

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

/**
 * The embedded store's synchronous view, still used by the background workflows (jobs, approval cards) until
 * they move to `OrganizationRecords`. Use cases read through `OrganizationRecords` and write intents.
 */
export interface EmailConfigStore extends Directory {
  mailboxById(id: string): Mailbox | undefined;
  users(): readonly User[];
  queues(): readonly Queue[];
  profiles(): readonly EmailServerProfile[];
  securityRoles(): readonly SecurityRole[];
  businessUnits(): readonly BusinessUnit[];
  mailboxes(): readonly Mailbox[];
  userByAadObjectId(aadObjectId: string): User | undefined;
  mailboxByEmail(emailAddress: string): Mailbox | undefined;
  mailboxesByName(name: string): readonly Mailbox[];
  mailboxByRegarding(type: 'systemuser' | 'queue', id: string): Mailbox | undefined;
  profileByName(name: string): EmailServerProfile | undefined;
  queryMailboxes(query: MailboxQuery, offset: number, limit: number): Page<Mailbox>;
  alertsFor(regarding: Alert['regarding'], limit: number): readonly Alert[];
  recentAudit(limit: number): readonly AuditEntry[];
  commit(changes: ChangeSet): Promise<CommitOutcome>;
}
