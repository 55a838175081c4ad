// The organization's records as a remote system serves them: every read is asynchronous, collections come a
// page at a time behind an opaque continuation (Dataverse's `@odata.nextLink`; there is no offset), and every
// write is an intent checked against the version its caller read (see intents.ts). Whether an adapter keeps a
// local copy and indexes is its own business: the embedded store answers from memory, a Dataverse adapter asks.
import type { Directory } from '../../domain/directory.js';
import type { Alert, BusinessUnit, EmailServerProfile, Mailbox, MailboxRegarding, Organization, Queue, SecurityRole, User } from '../../domain/model.js';
import type { ChangeSet } from './change-set.js';
import type { IntentBatch, IntentConflict, IntentOutcome } from './intents.js';

/** Which mailboxes a page lists (all given conditions hold). */
export interface MailboxQuery {
  readonly approval?: Mailbox['emailRouterAccessApproval'];
  readonly status?: Mailbox['mailboxStatus'];
  /** Enabled for none of incoming email, outgoing email and appointments/contacts/tasks. */
  readonly disabled?: boolean;
  readonly profileId?: string;
  readonly activeOnly?: boolean;
  /** Test & Enable is scheduled (`testemailconfigurationscheduled`): waiting for a first run or a retry. */
  readonly testScheduled?: boolean;
}

/** One page request: no cursor for the first page, then the `nextCursor` of the page before. */
export interface PageRequest {
  /** Opaque: only ever a `nextCursor` this adapter handed out, passed back unchanged. */
  readonly cursor?: string;
  /** Most items wanted; an adapter may return fewer (and still a `nextCursor`). */
  readonly limit: number;
}

export interface CursorPage<T> {
  readonly items: readonly T[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * A cursor the adapter did not issue, issued for another listing, or no longer able to continue (the
 * records it pointed into changed shape). The caller starts the listing again from the first page.
 */
export class InvalidCursorError extends Error {
  override readonly name: string = 'InvalidCursorError';
  constructor(readonly reason: string) {
    super(`This list position is no longer valid (${reason}); start the list again from its first page.`);
  }
}

/**
 * The system that holds the records failed (Dynamics 365 unreachable, a privilege missing, service protection):
 * the message says what an admin can do about it, and the bot shows it as it is instead of a generic error.
 */
export class RecordsBackendError extends Error {
  override readonly name: string = 'RecordsBackendError';
  constructor(
    message: string,
    /** `unreachable`: nothing could be read or written; the bot says so plainly. */
    readonly reason: 'unreachable' | 'refused' | 'other',
  ) {
    super(message);
  }
}

/** The ordering every mailbox page uses, so a listing is stable across pages: by name, then by id. */
export const MAILBOX_PAGE_ORDER = 'name, then id' as const;

export interface OrganizationRecords {
  /**
   * The records the permission model reads (organization, users, queues, roles, business units, profiles),
   * as a synchronous view consistent at one moment. Use cases load it once, then evaluate synchronously.
   */
  directory(): Promise<Directory>;
  organization(): Promise<Organization>;

  user(id: string): Promise<User | undefined>;
  /** Case-insensitive. */
  userByAadObjectId(aadObjectId: string): Promise<User | undefined>;
  queue(id: string): Promise<Queue | undefined>;
  securityRole(id: string): Promise<SecurityRole | undefined>;
  businessUnit(id: string): Promise<BusinessUnit | undefined>;
  profile(id: string): Promise<EmailServerProfile | undefined>;
  /** Case-insensitive exact name; the first listed wins when names repeat. */
  profileByName(name: string): Promise<EmailServerProfile | undefined>;
  /**
   * `fresh`: read it from the system of record now, not from a local copy: another bot instance (or a person in
   * Dynamics 365) may have just changed it, and the caller acts on what it reads (handling an event raised elsewhere).
   */
  mailbox(id: string, read?: { readonly fresh?: boolean }): Promise<Mailbox | undefined>;
  /** Case-insensitive, surrounding spaces ignored. */
  mailboxByEmail(emailAddress: string): Promise<Mailbox | undefined>;
  /** The mailbox of a user or queue (its owner in Dataverse terms). */
  mailboxByRegarding(owner: MailboxRegarding): Promise<Mailbox | undefined>;

  userPage(page: PageRequest): Promise<CursorPage<User>>;
  queuePage(page: PageRequest): Promise<CursorPage<Queue>>;
  profilePage(page: PageRequest): Promise<CursorPage<EmailServerProfile>>;
  securityRolePage(page: PageRequest): Promise<CursorPage<SecurityRole>>;
  businessUnitPage(page: PageRequest): Promise<CursorPage<BusinessUnit>>;
  /** Matching mailboxes ordered by name, then id (`MAILBOX_PAGE_ORDER`). */
  mailboxPage(query: MailboxQuery, page: PageRequest): Promise<CursorPage<Mailbox>>;
  /** How many mailboxes match (Dataverse: `$count`). */
  mailboxCount(query: MailboxQuery): Promise<number>;

  /** The newest `limit` alerts on one Alerts wall, newest first. */
  alertsFor(regarding: Alert['regarding'], limit: number): Promise<readonly Alert[]>;

  /**
   * A token that changes whenever any record changes, for caches derived from many records (name indexes,
   * rendered cards). `undefined` when the adapter cannot tell: callers then read afresh every time.
   */
  revision(): Promise<string | undefined>;

  /**
   * Carries out the batch's intents, each only if what it changes is still at the version it expects.
   * On a conflict nothing of the batch is applied (an adapter writing row by row checks every expected
   * version before its first write) and the outcome names the record that moved.
   */
  apply(batch: IntentBatch): Promise<IntentOutcome>;

  /**
   * Whether the batch with this idempotency key was applied (a second `apply` of it writes nothing and answers
   * as the first did). An adapter whose writes of such a batch are durable elsewhere (Dataverse: the platform
   * records test outcomes itself) answers true for them.
   */
  wasApplied(idempotencyKey: string): Promise<boolean>;

  /**
   * True when the platform itself records Test & Enable outcomes on the mailbox (Dataverse: server-side
   * synchronization writes the status columns and trace logs). The mailbox's version then moves because of the
   * test itself, which is not a sign that a result went stale; `recordTestOutcome` writes nothing there.
   */
  readonly recordsTestOutcomesItself?: boolean;

  /**
   * What `apply(batch)` would write now, as whole records (for previews before a confirmation), without writing.
   * A stale expected version answers with the conflict `apply` would give.
   */
  changesOf(batch: IntentBatch): Promise<{ readonly ok: true; readonly changes: ChangeSet } | { readonly ok: false; readonly conflict: IntentConflict }>;
}

/** Page size for reading a whole collection: large pages, few round trips. */
const READ_ALL_PAGE_SIZE = 500;

/** Every item of a cursor-paged collection, following the cursors to the end. */
export async function readAll<T>(pageOf: (page: PageRequest) => Promise<CursorPage<T>>, pageSize = READ_ALL_PAGE_SIZE): Promise<readonly T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await pageOf(cursor === undefined ? { limit: pageSize } : { cursor, limit: pageSize });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

/** The first item of a cursor-paged collection that `matches`, reading no further pages than needed. */
export async function findFirst<T>(pageOf: (page: PageRequest) => Promise<CursorPage<T>>, matches: (item: T) => boolean, pageSize = READ_ALL_PAGE_SIZE): Promise<T | undefined> {
  let cursor: string | undefined;
  do {
    const page = await pageOf(cursor === undefined ? { limit: pageSize } : { cursor, limit: pageSize });
    const found = page.items.find(matches);
    if (found !== undefined) return found;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return undefined;
}
