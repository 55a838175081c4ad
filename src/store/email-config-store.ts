// The system of record: `EmailConfigStore` over one data-file document. Reads are synchronous against
// indexes derived from the last committed document; every commit is one serialized, atomic write.
// The file-backed and in-memory stores run the same code; only lowdb's adapter differs.
import { z } from 'zod';
import { appendEvents, EMPTY_EVENT_OUTBOX } from '../app/event-outbox.js';
import type { ChangeSet, MailboxQuery } from '../app/ports.js';
import type { Directory } from '../domain/directory.js';
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
import type { ExchangeSimulation } from '../app/exchange-simulation.js';
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
import { describeIssues, formatJsonPath } from '../shared/zod-problems.js';
import { LruCache } from '../shared/lru-cache.js';

export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly conflict: readonly string[] };

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

/**
 * The embedded store's own synchronous view of its document (the application reads through
 * `OrganizationRecords`, which `EmbeddedOrganizationRecords` serves from this).
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

import { byNameThenId, matchesMailboxQuery } from '../app/record-pages.js';
export { byNameThenId, isMailboxDisabled } from '../app/record-pages.js';

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

const mailboxRegardingKey = (mailbox: Mailbox): string => regardingKey(mailbox.regarding.type, mailbox.regarding.id);
const alertRegardingKey = (alert: Alert): string => regardingKey(alert.regarding.type, alert.regarding.id);

/** Index of `item` in `sorted` (ascending by `compare`), or where it would be inserted. */
function binarySearch<T>(sorted: readonly T[], item: T, compare: (a: T, b: T) => number): { readonly index: number; readonly found: boolean } {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = sorted[middle];
    if (candidate === undefined) break;
    const order = compare(candidate, item);
    if (order === 0) return { index: middle, found: true };
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  return { index: low, found: false };
}

/** Above this many changed mailboxes, re-sorting once is cheaper than moving each one into place. */
const RESORT_THRESHOLD = 256;

/**
 * The mailbox section's read indexes. Kept up to date in place: a commit that changes k mailboxes costs
 * O(k) map updates (and O(k log n) to keep the name order), not a rebuild over every mailbox.
 */
class MailboxIndexes {
  readonly byId: Map<string, Mailbox>;
  /** Position in the section array: records are replaced in place or appended, never removed. */
  readonly positionById: Map<string, number>;
  readonly byEmail: Map<string, Mailbox>;
  /** Group arrays are handed out by `mailboxesByName`, so they are replaced, never changed. */
  readonly byName: Map<string, readonly Mailbox[]>;
  readonly byRegarding: Map<string, Mailbox>;
  #inOrder: Mailbox[] | undefined;
  /** Matching mailboxes in name order, per query; dropped whenever a mailbox changes. */
  readonly #queryResults = new Map<string, readonly Mailbox[]>();

  constructor(public section: readonly Mailbox[]) {
    this.byId = indexBy(section, (mailbox) => mailbox.id);
    this.positionById = new Map(section.map((mailbox, index) => [mailbox.id, index]));
    this.byEmail = indexBy(section, (mailbox) => lookupKey(mailbox.emailAddress));
    this.byName = groupBy(section, (mailbox) => lookupKey(mailbox.name));
    this.byRegarding = indexBy(section, mailboxRegardingKey);
  }

  get inOrder(): readonly Mailbox[] {
    this.#inOrder ??= [...this.section].sort(byNameThenId);
    return this.#inOrder;
  }

  matching(query: MailboxQuery): readonly Mailbox[] {
    const key = JSON.stringify([query.approval, query.status, query.disabled, query.profileId, query.activeOnly === true, query.testScheduled]);
    let result = this.#queryResults.get(key);
    if (result === undefined) {
      result = this.inOrder.filter((mailbox) => matchesMailboxQuery(mailbox, query));
      this.#queryResults.set(key, result);
    }
    return result;
  }

  /** Follows a commit: `upserted` in the order they were applied, `section` the array they produced. */
  apply(section: readonly Mailbox[], upserted: readonly Mailbox[]): void {
    if (upserted.length === 0) {
      this.section = section;
      return;
    }
    this.#queryResults.clear();
    if (upserted.length > RESORT_THRESHOLD) this.#inOrder = undefined;
    let length = this.section.length;
    for (const mailbox of upserted) {
      const before = this.byId.get(mailbox.id);
      this.byId.set(mailbox.id, mailbox);
      if (before === undefined) this.positionById.set(mailbox.id, length++);
      else this.#forget(before, mailbox);
      this.byEmail.set(lookupKey(mailbox.emailAddress), mailbox);
      const nameKey = lookupKey(mailbox.name);
      const named = this.byName.get(nameKey) ?? [];
      const at = before === undefined ? -1 : named.indexOf(before);
      if (at >= 0) {
        // Same name, same position: the group keeps its order.
        this.byName.set(nameKey, named.with(at, mailbox));
      } else {
        // Same-name mailboxes are listed in document order, as a fresh index would list them.
        this.byName.set(nameKey, [...named, mailbox].sort((a, b) => (this.positionById.get(a.id) ?? 0) - (this.positionById.get(b.id) ?? 0)));
      }
      this.byRegarding.set(mailboxRegardingKey(mailbox), mailbox);
      this.#moveInOrder(before, mailbox);
    }
    this.section = section;
  }

  /**
   * Removes the keys of a replaced record (those still pointing at it) that its replacement does not take over.
   * A key kept is overwritten by the caller instead: deleting and re-adding it leaves a hole in the map's table
   * each time, and a Test & Enable of 10,000 mailboxes doubled the tables (about 2.5 MB kept).
   */
  #forget(before: Mailbox, after: Mailbox): void {
    const emailKey = lookupKey(before.emailAddress);
    if (emailKey !== lookupKey(after.emailAddress) && this.byEmail.get(emailKey) === before) this.byEmail.delete(emailKey);
    const nameKey = lookupKey(before.name);
    if (nameKey !== lookupKey(after.name)) {
      const group = (this.byName.get(nameKey) ?? []).filter((mailbox) => mailbox !== before);
      if (group.length === 0) this.byName.delete(nameKey);
      else this.byName.set(nameKey, group);
    }
    const regarding = mailboxRegardingKey(before);
    if (regarding !== mailboxRegardingKey(after) && this.byRegarding.get(regarding) === before) this.byRegarding.delete(regarding);
  }

  #moveInOrder(before: Mailbox | undefined, after: Mailbox): void {
    const order = this.#inOrder;
    if (order === undefined) return;
    if (before !== undefined) {
      const at = binarySearch(order, before, byNameThenId);
      if (!at.found) {
        this.#inOrder = undefined;
        return;
      }
      if (byNameThenId(before, after) === 0) {
        order[at.index] = after;
        return;
      }
      order.splice(at.index, 1);
    }
    order.splice(binarySearch(order, after, byNameThenId).index, 0, after);
  }
}

/** An append-only section (alerts, audit): its ids, for the uniqueness check of new records. */
class AppendedIds<T extends { readonly id: string }> {
  readonly ids: Set<string>;
  constructor(public section: readonly T[]) {
    this.ids = new Set(section.map((record) => record.id));
  }
  apply(section: readonly T[], appended: readonly T[]): void {
    for (const record of appended) this.ids.add(record.id);
    this.section = section;
  }
}

/** The Alerts walls: alerts per regarding record in posting order, and each wall sorted newest first on demand. */
class AlertIndexes extends AppendedIds<Alert> {
  readonly #walls: Map<string, Alert[]>;
  readonly #sortedWalls = new Map<string, readonly Alert[]>();
  constructor(section: readonly Alert[]) {
    super(section);
    this.#walls = groupBy(section, alertRegardingKey);
  }
  override apply(section: readonly Alert[], appended: readonly Alert[]): void {
    super.apply(section, appended);
    for (const alert of appended) {
      const key = alertRegardingKey(alert);
      const wall = this.#walls.get(key);
      if (wall === undefined) this.#walls.set(key, [alert]);
      else wall.push(alert);
      this.#sortedWalls.delete(key);
    }
  }
  newestFirst(key: string): readonly Alert[] {
    let sorted = this.#sortedWalls.get(key);
    if (sorted === undefined) {
      sorted = newestFirst(this.#walls.get(key) ?? [], (alert) => alert.createdOn);
      this.#sortedWalls.set(key, sorted);
    }
    return sorted;
  }
}

class AuditIndexes extends AppendedIds<AuditEntry> {
  #newestFirst: readonly AuditEntry[] | undefined;
  override apply(section: readonly AuditEntry[], appended: readonly AuditEntry[]): void {
    super.apply(section, appended);
    if (appended.length > 0) this.#newestFirst = undefined;
  }
  get newestFirst(): readonly AuditEntry[] {
    this.#newestFirst ??= newestFirst(this.section, (entry) => entry.at);
    return this.#newestFirst;
  }
}

type PeopleAndSettingsSections = Pick<DataFileDocument, 'users' | 'queues' | 'securityRoles' | 'businessUnits' | 'profiles'>;

/** The small sections: rebuilt whenever their array changes (they change rarely and hold few records). */
class PeopleAndSettingsIndexes {
  readonly usersById: Map<string, User>;
  readonly usersByAadObjectId: Map<string, User>;
  readonly queuesById: Map<string, Queue>;
  readonly rolesById: Map<string, SecurityRole>;
  readonly businessUnitsById: Map<string, BusinessUnit>;
  readonly profilesById: Map<string, EmailServerProfile>;
  readonly profilesByName: Map<string, EmailServerProfile>;

  /** Only these five arrays: holding the document they came from kept every record of its other sections alive (a Test & Enable's 10,000 superseded mailboxes, about 2.4 MB). */
  readonly sections: PeopleAndSettingsSections;

  constructor({ users, queues, securityRoles, businessUnits, profiles }: PeopleAndSettingsSections) {
    const sections = { users, queues, securityRoles, businessUnits, profiles };
    this.sections = sections;
    this.usersById = indexBy(sections.users, (user) => user.id);
    this.usersByAadObjectId = indexBy(sections.users, (user) => lookupKey(user.aadObjectId));
    this.queuesById = indexBy(sections.queues, (queue) => queue.id);
    this.rolesById = indexBy(sections.securityRoles, (role) => role.id);
    this.businessUnitsById = indexBy(sections.businessUnits, (unit) => unit.id);
    this.profilesById = indexBy(sections.profiles, (profile) => profile.id);
    // Profile names are not unique in Dataverse; the first one listed wins a lookup by name.
    this.profilesByName = new Map([...sections.profiles].reverse().map((profile) => [lookupKey(profile.name), profile]));
  }

  describes(document: DataFileDocument): boolean {
    const { sections } = this;
    return (
      sections.users === document.users &&
      sections.queues === document.queues &&
      sections.securityRoles === document.securityRoles &&
      sections.businessUnits === document.businessUnits &&
      sections.profiles === document.profiles
    );
  }
}

/** Sections the indexes are built from; a commit touching only other sections (outbox, jobs…) keeps them. */
const INDEXED_SECTIONS = ['users', 'queues', 'securityRoles', 'businessUnits', 'profiles', 'mailboxes', 'alerts', 'audit'] as const;
const sameIndexedSections = (a: DataFileDocument, b: DataFileDocument): boolean => INDEXED_SECTIONS.every((section) => a[section] === b[section]);

/** Read indexes over one committed document; `follow` brings them to the next one. */
class DocumentIndexes {
  people: PeopleAndSettingsIndexes;
  readonly mailboxes: MailboxIndexes;
  readonly alerts: AlertIndexes;
  readonly audit: AuditIndexes;

  constructor(public document: DataFileDocument) {
    this.people = new PeopleAndSettingsIndexes(document);
    this.mailboxes = new MailboxIndexes(document.mailboxes);
    this.alerts = new AlertIndexes(document.alerts);
    this.audit = new AuditIndexes(document.audit);
  }

  /** Moves to `document`, which the committed changes in `pending` turned this one's document into. */
  follow(document: DataFileDocument, pending: PendingChanges): void {
    this.mailboxes.apply(document.mailboxes, pending.mailboxes);
    this.alerts.apply(document.alerts, pending.alerts);
    this.audit.apply(document.audit, pending.audit);
    if (!this.people.describes(document)) this.people = new PeopleAndSettingsIndexes(document);
    this.document = document;
  }
}

/** Records committed on top of the indexed document, in commit order. */
interface PendingChanges {
  readonly mailboxes: readonly Mailbox[];
  readonly alerts: readonly Alert[];
  readonly audit: readonly AuditEntry[];
}

/**
 * What commits see while group commit batches them: the committed indexes plus the changes of earlier
 * commits in the batch (written together later). Only the lookups a commit needs: versions, positions,
 * address owners and ids.
 */
class WorkingChanges implements PendingChanges {
  readonly mailboxes: Mailbox[] = [];
  readonly alerts: Alert[] = [];
  readonly audit: AuditEntry[] = [];
  readonly #mailboxesById = new Map<string, Mailbox>();
  readonly #appendedPositions = new Map<string, number>();
  /** The last mailbox given each address key in this batch. */
  readonly #addressTakenBy = new Map<string, string>();
  readonly #alertIds = new Set<string>();
  readonly #auditIds = new Set<string>();

  constructor(
    readonly base: DocumentIndexes,
    public head: DataFileDocument,
  ) {}

  mailboxById(id: string): Mailbox | undefined {
    return this.#mailboxesById.get(id) ?? this.base.mailboxes.byId.get(id);
  }

  positionOf(id: string): number | undefined {
    return this.#appendedPositions.get(id) ?? this.base.mailboxes.positionById.get(id);
  }

  /** The id of the mailbox that has this address key now, if any. */
  addressOwner(key: string): string | undefined {
    for (const candidate of [this.#addressTakenBy.get(key), this.base.mailboxes.byEmail.get(key)?.id]) {
      if (candidate === undefined) continue;
      const current = this.mailboxById(candidate);
      if (current !== undefined && lookupKey(current.emailAddress) === key) return candidate;
    }
    return undefined;
  }

  hasAlert(id: string): boolean {
    return this.#alertIds.has(id) || this.base.alerts.ids.has(id);
  }

  hasAuditEntry(id: string): boolean {
    return this.#auditIds.has(id) || this.base.audit.ids.has(id);
  }

  record(next: DataFileDocument, applied: AppliedChanges): void {
    let length = this.head.mailboxes.length;
    for (const mailbox of applied.mailboxes) {
      if (this.positionOf(mailbox.id) === undefined) this.#appendedPositions.set(mailbox.id, length++);
      this.#mailboxesById.set(mailbox.id, mailbox);
      this.#addressTakenBy.set(lookupKey(mailbox.emailAddress), mailbox.id);
      this.mailboxes.push(mailbox);
    }
    for (const alert of applied.alerts) {
      this.#alertIds.add(alert.id);
      this.alerts.push(alert);
    }
    for (const entry of applied.audit) {
      this.#auditIds.add(entry.id);
      this.audit.push(entry);
    }
    this.head = next;
  }
}

// ---------------------------------------------------------------------------------------------
// Applying a change set to a document (pure apart from reading the working view; throws InvalidChangeSetError).

function parseRecords<T>(section: string, schema: z.ZodType<T>, records: readonly unknown[] | undefined, problems: string[]): T[] {
  if (records === undefined) return [];
  const parsed = z.array(schema).safeParse(records);
  if (parsed.success) return parsed.data;
  problems.push(...describeIssues(parsed.error).map((problem) => `${section}${problem.startsWith('[') ? '' : '.'}${problem}`));
  return [];
}

type MailboxField = keyof Mailbox;
const MAILBOX_FIELDS = new Set<string>(Object.keys(mailboxSchema.shape));
/** Schemas for the fields an update changes, by the sorted field list (a handful of distinct lists in practice). */
const changedFieldSchemas = new LruCache<z.ZodType<Partial<Mailbox>>>(64);

function schemaForFields(fields: readonly MailboxField[]): z.ZodType<Partial<Mailbox>> {
  return changedFieldSchemas.getOrCreate(fields.join(','), () => {
    const mask: { [Field in MailboxField]?: true } = {};
    for (const field of fields) mask[field] = true;
    return mailboxSchema.pick(mask);
  });
}

/**
 * Validates mailbox updates. An update of a stored mailbox that has the same fields is checked only in the
 * fields it changes (the others are the stored, already valid values): Test & Enable of 10,000 mailboxes
 * parsed every field of every record, about 100 MB of allocations for values that had not changed.
 * Anything else (a new mailbox, unknown or missing fields) gets the whole schema.
 */
function parseMailboxUpdates(updates: readonly unknown[] | undefined, working: WorkingChanges, problems: string[]): Mailbox[] {
  if (updates === undefined) return [];
  const parsed: Mailbox[] = [];
  updates.forEach((update, index) => {
    const report = (error: z.ZodError): void => {
      const at = `mailboxes[${index}]`;
      problems.push(...describeIssues(error).map((problem) => (problem.startsWith('(root)') ? `${at}${problem.slice('(root)'.length)}` : `${at}${problem.startsWith('[') ? '' : '.'}${problem}`)));
    };
    const fields = typeof update === 'object' && update !== null && !Array.isArray(update) ? (update as Readonly<Record<string, unknown>>) : undefined;
    const id = fields?.id;
    const stored = typeof id === 'string' ? working.mailboxById(id) : undefined;
    const keys = fields === undefined ? [] : Object.keys(fields);
    if (fields === undefined || stored === undefined || keys.length !== MAILBOX_FIELDS.size || !keys.every((key) => MAILBOX_FIELDS.has(key))) {
      const whole = mailboxSchema.safeParse(update);
      if (whole.success) parsed.push(whole.data);
      else report(whole.error);
      return;
    }
    // `version` is set by the store whatever the caller passed.
    const changed = (keys as MailboxField[]).filter((key) => key !== 'version' && fields[key] !== stored[key]).sort();
    if (changed.length === 0) {
      parsed.push(stored);
      return;
    }
    const checked = schemaForFields(changed).safeParse(Object.fromEntries(changed.map((key) => [key, fields[key]])));
    if (checked.success) parsed.push({ ...stored, ...checked.data });
    else report(checked.error);
  });
  return parsed;
}

function upsertById<T extends { readonly id: string }>(
  section: string,
  existing: readonly T[],
  updates: readonly T[],
  problems: string[],
  positionOf: (id: string) => number | undefined = (() => {
    const positions = new Map(existing.map((record, index) => [record.id, index]));
    return (id) => positions.get(id);
  })(),
): T[] {
  if (updates.length === 0) return [...existing];
  const next = [...existing];
  const appended = new Map<string, number>();
  const seen = new Set<string>();
  for (const record of updates) {
    if (seen.has(record.id)) problems.push(`${section}: "${record.id}" appears more than once in the change set`);
    seen.add(record.id);
    const position = appended.get(record.id) ?? positionOf(record.id);
    if (position === undefined) {
      appended.set(record.id, next.length);
      next.push(record);
    } else {
      next[position] = record;
    }
  }
  return next;
}

/** Ids whose stored version differs from the expected one (a mailbox that no longer exists differs too). */
function mailboxVersionConflicts(mailboxById: (id: string) => Mailbox | undefined, expected: ChangeSet['expectedMailboxVersions']): string[] {
  if (expected === undefined) return [];
  return Object.entries(expected)
    .filter(([id, version]) => mailboxById(id)?.version !== version)
    .map(([id]) => id);
}

/**
 * Whether the change set may break a uniqueness rule, judged from the changed records alone. It never
 * misses a duplicate; when it answers yes, the full check over the document decides and words the problem.
 */
function mayDuplicate(working: WorkingChanges, changes: ChangeSet, mailboxes: readonly Mailbox[], alerts: readonly Alert[], audit: readonly AuditEntry[]): boolean {
  // Users carry a second unique key (aadObjectId); they change rarely, so the full check handles them.
  if ((changes.users?.length ?? 0) > 0) return true;
  const changedIds = new Set(mailboxes.map((mailbox) => mailbox.id));
  const addressInChangeSet = new Map<string, string>();
  for (const mailbox of mailboxes) {
    const key = lookupKey(mailbox.emailAddress);
    const other = addressInChangeSet.get(key);
    if (other !== undefined && other !== mailbox.id) return true;
    addressInChangeSet.set(key, mailbox.id);
    const owner = working.addressOwner(key);
    if (owner !== undefined && owner !== mailbox.id && !changedIds.has(owner)) return true;
  }
  const newIds = (records: readonly { readonly id: string }[], exists: (id: string) => boolean): boolean => {
    const seen = new Set<string>();
    return records.some((record) => {
      const repeated = seen.has(record.id) || exists(record.id);
      seen.add(record.id);
      return repeated;
    });
  };
  return newIds(alerts, (id) => working.hasAlert(id)) || newIds(audit, (id) => working.hasAuditEntry(id));
}

interface AppliedChanges {
  readonly next: DataFileDocument;
  readonly mailboxes: readonly Mailbox[];
  readonly alerts: readonly Alert[];
  readonly audit: readonly AuditEntry[];
}

function applyChangeSet(document: DataFileDocument, working: WorkingChanges, changes: ChangeSet): AppliedChanges {
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
  const mailboxes = parseMailboxUpdates(changes.mailboxes, working, problems).map((mailbox) => ({
    ...mailbox,
    version: (working.mailboxById(mailbox.id)?.version ?? 0) + 1,
  }));

  const unchangedOr = <T>(existing: readonly T[], updates: readonly unknown[], upsert: () => readonly T[]): readonly T[] => (updates.length === 0 ? existing : upsert());
  const next: DataFileDocument = {
    ...document,
    organization: organization[0] ?? document.organization,
    users: unchangedOr(document.users, users, () => upsertById('users', document.users, users, problems)),
    queues: unchangedOr(document.queues, queues, () => upsertById('queues', document.queues, queues, problems)),
    profiles: unchangedOr(document.profiles, profiles, () => upsertById('profiles', document.profiles, profiles, problems)),
    securityRoles: unchangedOr(document.securityRoles, securityRoles, () => upsertById('securityRoles', document.securityRoles, securityRoles, problems)),
    businessUnits: unchangedOr(document.businessUnits, businessUnits, () => upsertById('businessUnits', document.businessUnits, businessUnits, problems)),
    mailboxes: unchangedOr(document.mailboxes, mailboxes, () => upsertById('mailboxes', document.mailboxes, mailboxes, problems, (id) => working.positionOf(id))),
    alerts: alerts.length === 0 ? document.alerts : [...document.alerts, ...alerts],
    audit: audit.length === 0 ? document.audit : [...document.audit, ...audit],
    ...(changes.events === undefined || changes.events.length === 0 ? {} : { eventOutbox: appendEvents(document.eventOutbox ?? EMPTY_EVENT_OUTBOX, changes.events) }),
  };
  if (problems.length === 0 && mayDuplicate(working, changes, mailboxes, alerts, audit)) {
    problems.push(...uniquenessProblems(next).map((problem) => `${formatJsonPath(problem.path)}: ${problem.message}`));
  }
  if (problems.length > 0) throw new InvalidChangeSetError(problems);
  return { next, mailboxes, alerts, audit };
}

// ---------------------------------------------------------------------------------------------

export interface StoreOptions {
  /** Combine commits queued while a write is in flight into one write (see `DocumentDatabaseOptions`). */
  readonly groupCommit?: boolean;
}

/** `EmailConfigStore` over a document database (file-backed or in memory). */
export class DocumentEmailConfigStore implements EmailConfigStore {
  readonly #database: DocumentDatabase<DataFileDocument>;
  #indexes: DocumentIndexes;
  /** Commits applied on top of the indexed document and not yet followed by the indexes (see `#view`). */
  #working: WorkingChanges | undefined;

  constructor(database: DocumentDatabase<DataFileDocument>) {
    this.#database = database;
    this.#indexes = new DocumentIndexes(database.current);
  }

  /**
   * Indexes of the committed document. After a write they follow the committed changes in place; a
   * document that did not come from `commit` (another subsystem's `transactDocument` that rewrote a
   * domain section) gets its indexes rebuilt.
   */
  get #view(): DocumentIndexes {
    const current = this.#database.current;
    const indexes = this.#indexes;
    if (current === indexes.document) return indexes;
    if (sameIndexedSections(current, indexes.document)) {
      indexes.document = current;
    } else if (this.#working !== undefined && this.#working.base === indexes && sameIndexedSections(current, this.#working.head)) {
      indexes.follow(current, this.#working);
      this.#working = undefined;
    } else {
      this.#indexes = new DocumentIndexes(current);
      this.#working = undefined;
    }
    return this.#indexes;
  }

  /** What a commit running against `current` sees: the committed indexes plus the batch's earlier commits. */
  #workingFor(current: DataFileDocument): WorkingChanges {
    const committed = this.#view;
    const working = this.#working;
    if (working !== undefined && sameIndexedSections(current, working.head)) {
      working.head = current;
      return working;
    }
    // Either the first commit after a write, or (rarely) a document another subsystem rewrote in between.
    this.#working = new WorkingChanges(sameIndexedSections(current, committed.document) ? committed : new DocumentIndexes(current), current);
    return this.#working;
  }

  /** Successful writes since the store was opened (benchmarks report it). */
  get writesPerformed(): number {
    return this.#database.writesPerformed;
  }

  /** Rewrites the data file whole and empties its journal (see `DocumentDatabase.compact`). */
  compact(): Promise<void> {
    return this.#database.compact();
  }

  /**
   * Waits for every commit already queued, refuses later ones and releases the data file's lock, so that
   * another process may open it. Idempotent.
   */
  close(): Promise<void> {
    return this.#database.close();
  }

  /** Writes that rewrote the whole data file; the others appended a line to its journal. */
  get snapshotsWritten(): number {
    return this.#database.snapshotsWritten;
  }

  /** Transactions (commits and document transactions) whose change was written; see group commit. */
  get transactionsWritten(): number {
    return this.#database.transactionsWritten;
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

  /**
   * Keeps what the simulated Exchange now synchronizes a mailbox with, so that a restarted bot starts
   * from it instead of the organization file's value. Addresses the simulation does not know change nothing.
   */
  recordSimulatedPrimarySyncOrganization(emailAddress: string, organizationId: string | null): Promise<void> {
    const address = lookupKey(emailAddress);
    return this.#database.transact((current) => {
      const simulation = current.exchangeSimulation;
      const index = simulation.mailboxes.findIndex((mailbox) => mailbox.emailAddress === address);
      const mailbox = simulation.mailboxes[index];
      if (mailbox === undefined || mailbox.primarySyncOrganizationId === organizationId) return { next: null, result: undefined };
      const mailboxes = simulation.mailboxes.with(index, { ...mailbox, primarySyncOrganizationId: organizationId });
      return { next: { ...current, exchangeSimulation: { ...simulation, mailboxes } }, result: undefined };
    });
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
    return this.#view.people.usersById.get(id);
  }
  queueById(id: string): Queue | undefined {
    return this.#view.people.queuesById.get(id);
  }
  roleById(id: string): SecurityRole | undefined {
    return this.#view.people.rolesById.get(id);
  }
  businessUnitById(id: string): BusinessUnit | undefined {
    return this.#view.people.businessUnitsById.get(id);
  }
  profileById(id: string): EmailServerProfile | undefined {
    return this.#view.people.profilesById.get(id);
  }
  mailboxById(id: string): Mailbox | undefined {
    return this.#view.mailboxes.byId.get(id);
  }
  /** Case-insensitive. */
  userByAadObjectId(aadObjectId: string): User | undefined {
    return this.#view.people.usersByAadObjectId.get(lookupKey(aadObjectId));
  }
  /** Case-insensitive, surrounding spaces ignored. */
  mailboxByEmail(emailAddress: string): Mailbox | undefined {
    return this.#view.mailboxes.byEmail.get(lookupKey(emailAddress));
  }
  /** Case-insensitive exact name; several mailboxes may share a name. */
  mailboxesByName(name: string): readonly Mailbox[] {
    return this.#view.mailboxes.byName.get(lookupKey(name)) ?? [];
  }
  mailboxByRegarding(type: 'systemuser' | 'queue', id: string): Mailbox | undefined {
    return this.#view.mailboxes.byRegarding.get(regardingKey(type, id));
  }
  /** Case-insensitive exact name. */
  profileByName(name: string): EmailServerProfile | undefined {
    return this.#view.people.profilesByName.get(lookupKey(name));
  }

  /**
   * Matching mailboxes ordered by name, then id, so pages are stable between calls. The matches of a query
   * are kept until a mailbox changes, so paging through a list costs the page, not the organization.
   */
  queryMailboxes(query: MailboxQuery, offset: number, limit: number): Page<Mailbox> {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a whole number ≥ 0, got ${offset}`);
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
    const matching = this.#view.mailboxes.matching(query);
    return { items: matching.slice(offset, offset + limit), total: matching.length, offset, limit };
  }

  /** Every matching mailbox in `byNameThenId` order (kept until a mailbox changes; do not modify). */
  mailboxesMatching(query: MailboxQuery): readonly Mailbox[] {
    return this.#view.mailboxes.matching(query);
  }

  /** The newest `limit` alerts on one Alerts wall. */
  alertsFor(regarding: Alert['regarding'], limit: number): readonly Alert[] {
    return this.#view.alerts.newestFirst(regardingKey(regarding.type, regarding.id)).slice(0, Math.max(0, limit));
  }

  /** The newest `limit` audit entries. */
  recentAudit(limit: number): readonly AuditEntry[] {
    return this.#view.audit.newestFirst.slice(0, Math.max(0, limit));
  }

  /**
   * A unit of work of another subsystem (Test & Enable jobs) that changes domain records and its own
   * sections in one write. The domain records go through the same path as `commit` (validated, versions
   * set by the store, indexes updated in place instead of rebuilt); `sections` then sets the subsystem's
   * own sections on the resulting document. `changes: null` writes nothing.
   */
  transactWithChangeSet<R>(
    work: (current: DataFileDocument, mailboxById: (id: string) => Mailbox | undefined) => {
      readonly changes: ChangeSet | null;
      readonly sections?: (next: DataFileDocument) => DataFileDocument;
      readonly result: R;
    },
  ): Promise<R> {
    return this.#database.transact<R>((current) => {
      const working = this.#workingFor(current);
      const { changes, sections, result } = work(current, (id) => working.mailboxById(id));
      if (changes === null) return { next: null, result };
      const applied = applyChangeSet(current, working, changes);
      const next = sections === undefined ? applied.next : sections(applied.next);
      working.record(next, applied);
      return { next, result };
    });
  }

  /**
   * Checks `expectedMailboxVersions`, then applies every upsert and append as one write. Commits run one
   * at a time, each against the document the previous one left. A version mismatch writes nothing and
   * returns the conflicting ids; a failed write rejects and leaves the store exactly as it was.
   */
  commit(changes: ChangeSet): Promise<CommitOutcome> {
    return this.transactWithChangeSet<CommitOutcome>((_current, mailboxById) => {
      const conflict = mailboxVersionConflicts(mailboxById, changes.expectedMailboxVersions);
      return conflict.length > 0 ? { changes: null, result: { ok: false, conflict } } : { changes, result: { ok: true } };
    });
  }
}

export interface OpenStoreOptions extends StoreOptions {
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
    groupCommit: options.groupCommit ?? false,
  });
  return new DocumentEmailConfigStore(database);
}

/** The same store kept in memory: nothing touches the disk. The document is validated (and copied) first. */
export function createInMemoryEmailConfigStore(document: DataFileDocument, options: StoreOptions = {}): DocumentEmailConfigStore {
  const parsed = dataFileSchema.safeParse(document);
  if (!parsed.success) throw new DataFileError('(in-memory document)', describeIssues(parsed.error));
  return new DocumentEmailConfigStore(inMemoryDocumentDatabase<DataFileDocument>(parsed.data, { groupCommit: options.groupCommit ?? false }));
}
