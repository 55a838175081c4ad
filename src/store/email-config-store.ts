// The system of record: `EmailConfigStore` over one data-file document. Reads are synchronous against
// indexes derived from the last committed document; every commit is one serialized, atomic write.
// The file-backed and in-memory stores run the same code; only lowdb's adapter differs.
import { z } from 'zod';
import type { CommitOutcome, ChangeSet, EmailConfigStore, MailboxQuery, Page } from '../app/ports.js';
import type {
  Alert,
  AuditEntry,
  BusinessUnit,
  EmailServerProfile,
  Mailbox,
  Organization,
  Queue,
  SecurityRole,
  User,
} from '../domain/model.js';
import type { ExchangeSimulation } from '../exchange/simulation-config.js';
import { DataFileError, inMemoryDocumentDatabase, openJsonFile } from './json-file.js';
import type { DocumentDatabase, FileWriteOperations, Transaction } from './json-file.js';
import {
  DATA_FILE_SCHEMA_VERSION,
  alertSchema,
  auditEntrySchema,
  businessUnitSchema,
  dataFileSchema,
  emailServerProfileSchema,
  mailboxSchema,
  organizationSchema,
  queueSchema,
  securityRoleSchema,
  uniquenessProblems,
  userSchema,
} from './schema.js';
import type { DataFileDocument } from './schema.js';
import { describeIssues, formatJsonPath } from './zod-problems.js';

/** A change set the store refuses to write (a programming error, not a user error). Nothing is written. */
export class InvalidChangeSetError extends Error {
  override readonly name: string = 'InvalidChangeSetError';
  constructor(readonly problems: readonly string[]) {
    super(`The change set cannot be committed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const lookupKey = (text: string): string => text.trim().toLowerCase();
const regardingKey = (type: string, id: string): string => `${type}:${id}`;

/** Newest first by timestamp; among equal timestamps, the one appended later comes first. */
function newestFirst<T>(items: readonly T[], timeOf: (item: T) => string): T[] {
  return items
    .map((item, index) => ({ item, index, time: Date.parse(timeOf(item)) }))
    .sort((a, b) => b.time - a.time || b.index - a.index)
    .map((entry) => entry.item);
}

const nameCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byNameThenId = (a: Mailbox, b: Mailbox): number => nameCollator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * "Disabled" in a mailbox query: server-side synchronization processes nothing for it, i.e. it is
 * enabled for none of incoming email, outgoing email and appointments/contacts/tasks.
 */
export const isMailboxDisabled = (mailbox: Mailbox): boolean =>
  !mailbox.enabledForIncomingEmail && !mailbox.enabledForOutgoingEmail && !mailbox.enabledForAct;

function matchesQuery(mailbox: Mailbox, query: MailboxQuery): boolean {
  return (
    (query.approval === undefined || mailbox.emailRouterAccessApproval === query.approval) &&
    (query.status === undefined || mailbox.mailboxStatus === query.status) &&
    (query.disabled === undefined || isMailboxDisabled(mailbox) === query.disabled) &&
    (query.profileId === undefined || mailbox.emailServerProfileId === query.profileId) &&
    (query.activeOnly !== true || mailbox.active)
  );
}

function indexBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [keyOf(item), item]));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** Indexes over one committed document. Built once per document; sorted views on first use. */
class DocumentIndexes {
  readonly usersById: Map<string, User>;
  readonly usersByAadObjectId: Map<string, User>;
  readonly queuesById: Map<string, Queue>;
  readonly rolesById: Map<string, SecurityRole>;
  readonly businessUnitsById: Map<string, BusinessUnit>;
  readonly profilesById: Map<string, EmailServerProfile>;
  readonly profilesByName: Map<string, EmailServerProfile>;
  readonly mailboxesById: Map<string, Mailbox>;
  readonly mailboxesByEmail: Map<string, Mailbox>;
  readonly mailboxesByName: Map<string, Mailbox[]>;
  readonly mailboxesByRegarding: Map<string, Mailbox>;
  readonly alertsByRegarding: Map<string, Alert[]>;
  #mailboxesInOrder: readonly Mailbox[] | undefined;
  #auditNewestFirst: readonly AuditEntry[] | undefined;

  constructor(readonly document: DataFileDocument) {
    this.usersById = indexBy(document.users, (user) => user.id);
    this.usersByAadObjectId = indexBy(document.users, (user) => lookupKey(user.aadObjectId));
    this.queuesById = indexBy(document.queues, (queue) => queue.id);
    this.rolesById = indexBy(document.securityRoles, (role) => role.id);
    this.businessUnitsById = indexBy(document.businessUnits, (unit) => unit.id);
    this.profilesById = indexBy(document.profiles, (profile) => profile.id);
    // Profile names are not unique in Dataverse; the first one listed wins a lookup by name.
    this.profilesByName = new Map([...document.profiles].reverse().map((profile) => [lookupKey(profile.name), profile]));
    this.mailboxesById = indexBy(document.mailboxes, (mailbox) => mailbox.id);
    this.mailboxesByEmail = indexBy(document.mailboxes, (mailbox) => lookupKey(mailbox.emailAddress));
    this.mailboxesByName = groupBy(document.mailboxes, (mailbox) => lookupKey(mailbox.name));
    this.mailboxesByRegarding = indexBy(document.mailboxes, (mailbox) => regardingKey(mailbox.regarding.type, mailbox.regarding.id));
    this.alertsByRegarding = groupBy(document.alerts, (alert) => regardingKey(alert.regarding.type, alert.regarding.id));
  }

  get mailboxesInOrder(): readonly Mailbox[] {
    this.#mailboxesInOrder ??= [...this.document.mailboxes].sort(byNameThenId);
    return this.#mailboxesInOrder;
  }

  get auditNewestFirst(): readonly AuditEntry[] {
    this.#auditNewestFirst ??= newestFirst(this.document.audit, (entry) => entry.at);
    return this.#auditNewestFirst;
  }
}

// ---------------------------------------------------------------------------------------------
// Applying a change set to a document (pure; throws InvalidChangeSetError).

function parseRecords<T>(section: string, schema: z.ZodType<T>, records: readonly unknown[] | undefined, problems: string[]): T[] {
  if (records === undefined) return [];
  const parsed = z.array(schema).safeParse(records);
  if (parsed.success) return parsed.data;
  problems.push(...describeIssues(parsed.error).map((problem) => `${section}${problem.startsWith('[') ? '' : '.'}${problem}`));
  return [];
}

function upsertById<T extends { readonly id: string }>(section: string, existing: readonly T[], updates: readonly T[], problems: string[]): T[] {
  if (updates.length === 0) return [...existing];
  const next = [...existing];
  const positions = new Map(existing.map((record, index) => [record.id, index]));
  const seen = new Set<string>();
  for (const record of updates) {
    if (seen.has(record.id)) problems.push(`${section}: "${record.id}" appears more than once in the change set`);
    seen.add(record.id);
    const position = positions.get(record.id);
    if (position === undefined) {
      positions.set(record.id, next.length);
      next.push(record);
    } else {
      next[position] = record;
    }
  }
  return next;
}

/** Ids whose stored version differs from the expected one (a mailbox that no longer exists differs too). */
function mailboxVersionConflicts(indexes: DocumentIndexes, expected: ChangeSet['expectedMailboxVersions']): string[] {
  if (expected === undefined) return [];
  return Object.entries(expected)
    .filter(([id, version]) => indexes.mailboxesById.get(id)?.version !== version)
    .map(([id]) => id);
}

function applyChangeSet(document: DataFileDocument, indexes: DocumentIndexes, changes: ChangeSet): DataFileDocument {
  const problems: string[] = [];
  const organization = changes.organization === undefined ? [] : parseRecords('organization', organizationSchema, [changes.organization], problems);
  const users = parseRecords('users', userSchema, changes.users, problems);
  const queues = parseRecords('queues', queueSchema, changes.queues, problems);
  const profiles = parseRecords('profiles', emailServerProfileSchema, changes.profiles, problems);
  const securityRoles = parseRecords('securityRoles', securityRoleSchema, changes.securityRoles, problems);
  const businessUnits = parseRecords('businessUnits', businessUnitSchema, changes.businessUnits, problems);
  const alerts = parseRecords('alerts', alertSchema, changes.alerts, problems);
  const audit = parseRecords('audit', auditEntrySchema, changes.audit, problems);
  // The store owns mailbox versions: whatever the caller passed, the new version follows the stored one.
  const mailboxes = parseRecords('mailboxes', mailboxSchema, changes.mailboxes, problems).map((mailbox) => ({
    ...mailbox,
    version: (indexes.mailboxesById.get(mailbox.id)?.version ?? 0) + 1,
  }));

  const next: DataFileDocument = {
    ...document,
    organization: organization[0] ?? document.organization,
    users: upsertById('users', document.users, users, problems),
    queues: upsertById('queues', document.queues, queues, problems),
    profiles: upsertById('profiles', document.profiles, profiles, problems),
    securityRoles: upsertById('securityRoles', document.securityRoles, securityRoles, problems),
    businessUnits: upsertById('businessUnits', document.businessUnits, businessUnits, problems),
    mailboxes: upsertById('mailboxes', document.mailboxes, mailboxes, problems),
    alerts: alerts.length === 0 ? document.alerts : [...document.alerts, ...alerts],
    audit: audit.length === 0 ? document.audit : [...document.audit, ...audit],
  };
  if (problems.length === 0) {
    problems.push(...uniquenessProblems(next).map((problem) => `${formatJsonPath(problem.path)}: ${problem.message}`));
  }
  if (problems.length > 0) throw new InvalidChangeSetError(problems);
  return next;
}

// ---------------------------------------------------------------------------------------------

/** Sections the indexes are built from; a commit touching only other sections (outbox, jobs…) keeps them. */
const INDEXED_SECTIONS = ['users', 'queues', 'securityRoles', 'businessUnits', 'profiles', 'mailboxes', 'alerts', 'audit'] as const;
const indexedSectionsChanged = (indexed: DataFileDocument, current: DataFileDocument): boolean =>
  INDEXED_SECTIONS.some((section) => indexed[section] !== current[section]);

/** `EmailConfigStore` over a document database (file-backed or in memory). */
export class DocumentEmailConfigStore implements EmailConfigStore {
  readonly #database: DocumentDatabase<DataFileDocument>;
  #indexes: DocumentIndexes;

  constructor(database: DocumentDatabase<DataFileDocument>) {
    this.#database = database;
    this.#indexes = new DocumentIndexes(database.current);
  }

  /** Indexes of the committed document, rebuilt on first read after a commit. */
  get #view(): DocumentIndexes {
    const current = this.#database.current;
    if (indexedSectionsChanged(this.#indexes.document, current)) this.#indexes = new DocumentIndexes(current);
    return this.#indexes;
  }

  /** Successful writes since the store was opened (benchmarks report it). */
  get writesPerformed(): number {
    return this.#database.writesPerformed;
  }

  /**
   * Runs a unit of work on the whole document, serialized with every commit (one write when it returns a
   * next document). For the sections other subsystems own: outbox, references, jobs, approval requests.
   */
  transactDocument<R>(work: (current: DataFileDocument) => Transaction<DataFileDocument, R>): Promise<R> {
    return this.#database.transact(work);
  }

  /** The whole committed document (read-only; for export, benchmarks and tests). */
  document(): DataFileDocument {
    return this.#database.current;
  }

  exchangeSimulation(): ExchangeSimulation {
    return this.#database.current.exchangeSimulation;
  }

  get organization(): Organization {
    return this.#database.current.organization;
  }

  users(): readonly User[] {
    return this.#database.current.users;
  }
  queues(): readonly Queue[] {
    return this.#database.current.queues;
  }
  profiles(): readonly EmailServerProfile[] {
    return this.#database.current.profiles;
  }
  securityRoles(): readonly SecurityRole[] {
    return this.#database.current.securityRoles;
  }
  businessUnits(): readonly BusinessUnit[] {
    return this.#database.current.businessUnits;
  }
  mailboxes(): readonly Mailbox[] {
    return this.#database.current.mailboxes;
  }

  userById(id: string): User | undefined {
    return this.#view.usersById.get(id);
  }
  queueById(id: string): Queue | undefined {
    return this.#view.queuesById.get(id);
  }
  roleById(id: string): SecurityRole | undefined {
    return this.#view.rolesById.get(id);
  }
  businessUnitById(id: string): BusinessUnit | undefined {
    return this.#view.businessUnitsById.get(id);
  }
  profileById(id: string): EmailServerProfile | undefined {
    return this.#view.profilesById.get(id);
  }
  mailboxById(id: string): Mailbox | undefined {
    return this.#view.mailboxesById.get(id);
  }
  /** Case-insensitive. */
  userByAadObjectId(aadObjectId: string): User | undefined {
    return this.#view.usersByAadObjectId.get(lookupKey(aadObjectId));
  }
  /** Case-insensitive, surrounding spaces ignored. */
  mailboxByEmail(emailAddress: string): Mailbox | undefined {
    return this.#view.mailboxesByEmail.get(lookupKey(emailAddress));
  }
  /** Case-insensitive exact name; several mailboxes may share a name. */
  mailboxesByName(name: string): readonly Mailbox[] {
    return this.#view.mailboxesByName.get(lookupKey(name)) ?? [];
  }
  mailboxByRegarding(type: 'systemuser' | 'queue', id: string): Mailbox | undefined {
    return this.#view.mailboxesByRegarding.get(regardingKey(type, id));
  }
  /** Case-insensitive exact name. */
  profileByName(name: string): EmailServerProfile | undefined {
    return this.#view.profilesByName.get(lookupKey(name));
  }

  /** Matching mailboxes ordered by name, then id, so pages are stable between calls. */
  queryMailboxes(query: MailboxQuery, offset: number, limit: number): Page<Mailbox> {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a whole number ≥ 0, got ${offset}`);
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
    const matching = this.#view.mailboxesInOrder.filter((mailbox) => matchesQuery(mailbox, query));
    return { items: matching.slice(offset, offset + limit), total: matching.length, offset, limit };
  }

  /** The newest `limit` alerts on one Alerts wall. */
  alertsFor(regarding: Alert['regarding'], limit: number): readonly Alert[] {
    const wall = this.#view.alertsByRegarding.get(regardingKey(regarding.type, regarding.id)) ?? [];
    return newestFirst(wall, (alert) => alert.createdOn).slice(0, Math.max(0, limit));
  }

  /** The newest `limit` audit entries. */
  recentAudit(limit: number): readonly AuditEntry[] {
    return this.#view.auditNewestFirst.slice(0, Math.max(0, limit));
  }

  /**
   * Checks `expectedMailboxVersions`, then applies every upsert and append as one write. Commits run one
   * at a time, each against the document the previous one left. A version mismatch writes nothing and
   * returns the conflicting ids; a failed write rejects and leaves the store exactly as it was.
   */
  commit(changes: ChangeSet): Promise<CommitOutcome> {
    return this.#database.transact<CommitOutcome>((current) => {
      // `current` is the committed document, so the read indexes are the ones to check against.
      const indexes = this.#view;
      const conflict = mailboxVersionConflicts(indexes, changes.expectedMailboxVersions);
      if (conflict.length > 0) return { next: null, result: { ok: false, conflict } };
      return { next: applyChangeSet(current, indexes, changes), result: { ok: true } };
    });
  }
}

export interface OpenStoreOptions {
  /** Replace file-system steps of the atomic write (tests simulate crashes with this). */
  readonly operations?: Partial<FileWriteOperations>;
}

/**
 * Opens the data file at `path`, creating it from `seed()` when it does not exist. Throws
 * `DataFileError` (file untouched) when it is corrupt, invalid or of another schema version.
 */
export async function openEmailConfigStore(
  path: string,
  seed: () => DataFileDocument | Promise<DataFileDocument>,
  options: OpenStoreOptions = {},
): Promise<DocumentEmailConfigStore> {
  const database = await openJsonFile<DataFileDocument>({
    path,
    schema: dataFileSchema,
    schemaVersion: DATA_FILE_SCHEMA_VERSION,
    seed,
    ...(options.operations === undefined ? {} : { operations: options.operations }),
  });
  return new DocumentEmailConfigStore(database);
}

/** The same store kept in memory: nothing touches the disk. The document is validated (and copied) first. */
export function createInMemoryEmailConfigStore(document: DataFileDocument): DocumentEmailConfigStore {
  const parsed = dataFileSchema.safeParse(document);
  if (!parsed.success) throw new DataFileError('(in-memory document)', describeIssues(parsed.error));
  return new DocumentEmailConfigStore(inMemoryDocumentDatabase<DataFileDocument>(parsed.data));
}
