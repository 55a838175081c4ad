// `OrganizationRecords` and `AuditLog` over the embedded store. Reads answer from the store's in-memory
// indexes. A cursor names the last record served, never an offset: mailbox pages go on after its name and id,
// other collections after its place in the section (records are replaced in place, never removed), so a
// record changed between two pages is neither listed twice nor skipped unless it is renamed.
// A batch of intents becomes one atomic commit: every expected version is checked inside the serialized
// write, and any mismatch writes nothing.
import { mailboxWithNewAddress, withApprovalRequirement } from '../domain/address-approval.js';
import { createHash } from 'node:crypto';
import type {
  AuditLog,
  ChangeSet,
  CursorPage,
  IntentBatch,
  IntentConflict,
  IntentOutcome,
  MailboxQuery,
  OrganizationRecords,
  PageRequest,
  RecordIntent,
  RecordType,
} from '../app/ports.js';
import { InvalidCursorError } from '../app/ports.js';
import type { AppEvent } from '../app/events.js';
import type { Directory } from '../domain/directory.js';
import type { Alert, AuditEntry, BusinessUnit, EmailServerProfile, Mailbox, MailboxRegarding, Organization, Queue, SecurityRole, User } from '../domain/model.js';
import { scheduleTestAndEnable } from '../domain/test-and-enable.js';
import { mailboxListing, pageOf, type Listing } from '../app/record-pages.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';
import type { DataFileDocument } from './schema.js';

/**
 * Positions by id in a section, kept while the section array is the same object (a change replaces it).
 * Records are replaced in place or appended, never removed, so a position stays valid for good.
 */
class Positions<T extends { readonly id: string }> {
  readonly #positions = new WeakMap<readonly T[], ReadonlyMap<string, number>>();
  of(section: readonly T[]): ReadonlyMap<string, number> {
    let positions = this.#positions.get(section);
    if (positions === undefined) {
      positions = new Map(section.map((record, index) => [record.id, index]));
      this.#positions.set(section, positions);
    }
    return positions;
  }
}

/** Pages in the section's own order; the cursor names the last record served. */
function documentOrderListing<T extends { readonly id: string }>(name: string, section: readonly T[], positions: Positions<T>): Listing<T> {
  return {
    name,
    keyOf: (item) => [item.id],
    startAfter: ([id = '']) => {
      const position = positions.of(section).get(id);
      if (position === undefined) throw new InvalidCursorError('the record it continues after no longer exists');
      return position + 1;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Versions of records without a version field: a digest of their content, keys in a fixed order.

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The embedded store's ETag for a record without a version field. */
export const contentVersion = (record: object): string => createHash('sha256').update(canonicalJson(record)).digest('base64url').slice(0, 16);

// ---------------------------------------------------------------------------------------------
// Intents to a change set.

class IntentConflictFound extends Error {
  constructor(readonly conflict: IntentConflict) {
    super(`${conflict.record.type} ${conflict.record.id} changed meanwhile`);
  }
}

const conflict = (type: RecordType, id: string, expected: string, actual: string | null): IntentConflictFound =>
  new IntentConflictFound({ record: { type, id }, expected, actual });

/** Idempotency keys kept in the data file (at least this many, at most twice): far more than are ever in doubt at once. */
export const APPLIED_BATCH_KEYS_KEPT = 1_000;

/** Appends `key`; when the list is full the older half goes at once, so the journal rewrites it rarely (not every time). */
function rememberKey(keys: readonly string[], key: string): string[] {
  const kept = keys.length >= APPLIED_BATCH_KEYS_KEPT * 2 ? keys.slice(keys.length - APPLIED_BATCH_KEYS_KEPT) : [...keys];
  kept.push(key);
  return kept;
}

/** The mailboxes a batch changes, for answering a batch applied before as the first `apply` did. */
function mailboxIdsOf(batch: IntentBatch, mailboxIdOf: (owner: MailboxRegarding) => string | undefined): string[] {
  const ids = batch.intents.flatMap((intent) => {
    if ('mailboxId' in intent) return [intent.mailboxId];
    if (intent.kind === 'setAddressApproval') return [mailboxIdOf(intent.owner) ?? []].flat();
    if (intent.kind === 'changeEmailAddress') return [mailboxIdOf({ type: intent.owner.type, id: intent.owner.expected.id }) ?? []].flat();
    return [];
  });
  return [...new Set(ids)];
}

/** Builds one change set from a batch, against the document the commit runs on. */
class ChangeSetBuilder {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #users = new Map<string, User>();
  readonly #queues = new Map<string, Queue>();
  readonly #roles = new Map<string, SecurityRole>();
  readonly #alerts: Alert[] = [];
  #organization: Organization | undefined;

  constructor(
    private readonly current: DataFileDocument,
    private readonly storedMailbox: (id: string) => Mailbox | undefined,
    private readonly mailboxIdOf: (owner: MailboxRegarding) => string | undefined,
  ) {}

  /** The mailbox as this batch has left it so far, after checking the version the intent read. */
  #mailbox(id: string, expectedVersion: number): Mailbox {
    const stored = this.storedMailbox(id);
    if (stored?.version !== expectedVersion) throw conflict('mailbox', id, String(expectedVersion), stored === undefined ? null : String(stored.version));
    return this.#mailboxes.get(id) ?? stored;
  }

  #checked<T extends { readonly id: string }>(type: RecordType, stored: T | undefined, expected: T, pending: Map<string, T>): T {
    if (stored === undefined) throw conflict(type, expected.id, contentVersion(expected), null);
    const actual = contentVersion(stored);
    if (actual !== contentVersion(expected)) throw conflict(type, expected.id, contentVersion(expected), actual);
    return pending.get(stored.id) ?? stored;
  }

  #organizationExpected(expected: Organization): Organization {
    const stored = this.current.organization;
    const actual = contentVersion(stored);
    if (actual !== contentVersion(expected)) throw conflict('organization', expected.id, contentVersion(expected), actual);
    return this.#organization ?? stored;
  }

  add(intent: RecordIntent): void {
    switch (intent.kind) {
      case 'setAddressApproval': {
        const id = this.mailboxIdOf(intent.owner);
        if (id === undefined) throw conflict(intent.owner.type, intent.owner.id, String(intent.expectedMailboxVersion), null);
        const mailbox = this.#mailbox(id, intent.expectedMailboxVersion);
        this.#mailboxes.set(id, { ...mailbox, emailRouterAccessApproval: intent.status, isEmailAddressApprovedByO365Admin: intent.approvedByO365Admin });
        return;
      }
      case 'scheduleTestAndEnable': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        this.#mailboxes.set(mailbox.id, scheduleTestAndEnable(mailbox, intent.syncFromThisOrgOnly === undefined ? {} : { syncFromThisOrgOnly: intent.syncFromThisOrgOnly }));
        return;
      }
      case 'setDeliveryConfiguration': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        this.#mailboxes.set(mailbox.id, {
          ...mailbox,
          emailServerProfileId: intent.profileId,
          incomingEmailDeliveryMethod: intent.incoming,
          outgoingEmailDeliveryMethod: intent.outgoing,
          actDeliveryMethod: intent.act,
        });
        return;
      }
      case 'setSyncFromThisOrgOnly': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        this.#mailboxes.set(mailbox.id, { ...mailbox, orgMarkedAsPrimaryForExchangeSync: intent.on });
        return;
      }
      case 'changeEmailAddress': {
        const { owner } = intent;
        if (owner.type === 'systemuser') {
          const user = this.#checked('systemuser', this.current.users.find((candidate) => candidate.id === owner.expected.id), owner.expected, this.#users);
          this.#users.set(user.id, { ...user, primaryEmail: intent.address });
        } else {
          const queue = this.#checked('queue', this.current.queues.find((candidate) => candidate.id === owner.expected.id), owner.expected, this.#queues);
          this.#queues.set(queue.id, { ...queue, emailAddress: intent.address });
        }
        const mailboxId = this.mailboxIdOf({ type: owner.type, id: owner.expected.id });
        if (mailboxId === undefined) {
          if (intent.expectedMailboxVersion !== null) throw conflict('mailbox', `${owner.type}:${owner.expected.id}`, String(intent.expectedMailboxVersion), null);
          return;
        }
        if (intent.expectedMailboxVersion === null) throw conflict('mailbox', mailboxId, '(none)', String(this.storedMailbox(mailboxId)?.version ?? ''));
        const mailbox = this.#mailbox(mailboxId, intent.expectedMailboxVersion);
        // A changed address needs approval again, as the platform does when the user's or queue's address changes.
        this.#mailboxes.set(mailboxId, mailboxWithNewAddress(mailbox, intent.address));
        return;
      }
      case 'setApprovalRequirement': {
        const organization = this.#organizationExpected(intent.expected);
        this.#organization = { ...organization, settings: withApprovalRequirement(organization.settings, intent.for, intent.required) };
        return;
      }
      case 'setEmailSettings': {
        const organization = this.#organizationExpected(intent.expected);
        this.#organization = { ...organization, settings: intent.settings };
        return;
      }
      case 'setRolePrivileges': {
        const role = this.#checked('role', this.current.securityRoles.find((candidate) => candidate.id === intent.roleId), intent.expected, this.#roles);
        this.#roles.set(role.id, { ...role, privileges: intent.privileges });
        return;
      }
      case 'setUserSecurityRoles': {
        const user = this.#checked('systemuser', this.current.users.find((candidate) => candidate.id === intent.userId), intent.expected, this.#users);
        this.#users.set(user.id, { ...user, securityRoleIds: [...intent.securityRoleIds] });
        return;
      }
      case 'recordTestOutcome': {
        // The embedded store plays server-side synchronization: it records the run's outcome and alerts.
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        this.#mailboxes.set(mailbox.id, { ...mailbox, ...intent.outcome });
        this.#alerts.push(...intent.alerts);
        return;
      }
    }
  }

  changeSet(audit: readonly AuditEntry[] | undefined, events: readonly AppEvent[] | undefined): ChangeSet {
    return {
      ...(this.#organization === undefined ? {} : { organization: this.#organization }),
      ...(this.#users.size === 0 ? {} : { users: [...this.#users.values()] }),
      ...(this.#queues.size === 0 ? {} : { queues: [...this.#queues.values()] }),
      ...(this.#roles.size === 0 ? {} : { securityRoles: [...this.#roles.values()] }),
      ...(this.#mailboxes.size === 0 ? {} : { mailboxes: [...this.#mailboxes.values()] }),
      ...(this.#alerts.length === 0 ? {} : { alerts: [...this.#alerts] }),
      ...(audit === undefined || audit.length === 0 ? {} : { audit }),
      ...(events === undefined || events.length === 0 ? {} : { events }),
    };
  }

  get changedMailboxIds(): readonly string[] {
    return [...this.#mailboxes.keys()];
  }
}

// ---------------------------------------------------------------------------------------------

/** The sections a record revision covers: what cached names and cards are derived from. */
const RECORD_SECTIONS = ['organization', 'users', 'queues', 'mailboxes', 'profiles', 'securityRoles', 'businessUnits'] as const;

export class EmbeddedOrganizationRecords implements OrganizationRecords, AuditLog {
  #revision = 0;
  #revisionOf: Pick<DataFileDocument, (typeof RECORD_SECTIONS)[number]> | undefined;

  constructor(private readonly store: DocumentEmailConfigStore) {}

  directory(): Promise<Directory> {
    return Promise.resolve(this.store);
  }
  organization(): Promise<Organization> {
    return Promise.resolve(this.store.organization);
  }
  user(id: string): Promise<User | undefined> {
    return Promise.resolve(this.store.userById(id));
  }
  userByAadObjectId(aadObjectId: string): Promise<User | undefined> {
    return Promise.resolve(this.store.userByAadObjectId(aadObjectId));
  }
  queue(id: string): Promise<Queue | undefined> {
    return Promise.resolve(this.store.queueById(id));
  }
  securityRole(id: string): Promise<SecurityRole | undefined> {
    return Promise.resolve(this.store.roleById(id));
  }
  businessUnit(id: string): Promise<BusinessUnit | undefined> {
    return Promise.resolve(this.store.businessUnitById(id));
  }
  profile(id: string): Promise<EmailServerProfile | undefined> {
    return Promise.resolve(this.store.profileById(id));
  }
  profileByName(name: string): Promise<EmailServerProfile | undefined> {
    return Promise.resolve(this.store.profileByName(name));
  }
  mailbox(id: string): Promise<Mailbox | undefined> {
    return Promise.resolve(this.store.mailboxById(id));
  }
  mailboxByEmail(emailAddress: string): Promise<Mailbox | undefined> {
    return Promise.resolve(this.store.mailboxByEmail(emailAddress));
  }
  mailboxByRegarding(owner: MailboxRegarding): Promise<Mailbox | undefined> {
    return Promise.resolve(this.store.mailboxByRegarding(owner.type, owner.id));
  }

  readonly #positions = {
    users: new Positions<User>(),
    queues: new Positions<Queue>(),
    profiles: new Positions<EmailServerProfile>(),
    securityRoles: new Positions<SecurityRole>(),
    businessUnits: new Positions<BusinessUnit>(),
  };

  /** Through a promise, so that a bad cursor or limit rejects as a remote adapter's would. */
  #page<T>(items: () => readonly T[], listing: (items: readonly T[]) => Listing<T>, page: PageRequest): Promise<CursorPage<T>> {
    return new Promise((resolve) => {
      const all = items();
      resolve(pageOf(all, listing(all), page));
    });
  }

  userPage(page: PageRequest): Promise<CursorPage<User>> {
    return this.#page(() => this.store.users(), (users) => documentOrderListing('users', users, this.#positions.users), page);
  }
  queuePage(page: PageRequest): Promise<CursorPage<Queue>> {
    return this.#page(() => this.store.queues(), (queues) => documentOrderListing('queues', queues, this.#positions.queues), page);
  }
  profilePage(page: PageRequest): Promise<CursorPage<EmailServerProfile>> {
    return this.#page(() => this.store.profiles(), (profiles) => documentOrderListing('profiles', profiles, this.#positions.profiles), page);
  }
  securityRolePage(page: PageRequest): Promise<CursorPage<SecurityRole>> {
    return this.#page(() => this.store.securityRoles(), (roles) => documentOrderListing('securityRoles', roles, this.#positions.securityRoles), page);
  }
  businessUnitPage(page: PageRequest): Promise<CursorPage<BusinessUnit>> {
    return this.#page(() => this.store.businessUnits(), (units) => documentOrderListing('businessUnits', units, this.#positions.businessUnits), page);
  }
  /** Mailboxes in name-then-id order (`MAILBOX_PAGE_ORDER`). */
  mailboxPage(query: MailboxQuery, page: PageRequest): Promise<CursorPage<Mailbox>> {
    return this.#page(() => this.store.mailboxesMatching(query), (matching) => mailboxListing(query, matching), page);
  }
  mailboxCount(query: MailboxQuery): Promise<number> {
    return Promise.resolve(this.store.mailboxesMatching(query).length);
  }
  alertsFor(regarding: Alert['regarding'], limit: number): Promise<readonly Alert[]> {
    return Promise.resolve(this.store.alertsFor(regarding, limit));
  }

  revision(): Promise<string | undefined> {
    const document = this.store.document();
    const previous = this.#revisionOf;
    if (previous === undefined || RECORD_SECTIONS.some((section) => previous[section] !== document[section])) {
      this.#revision += 1;
      this.#revisionOf = document;
    }
    return Promise.resolve(String(this.#revision));
  }

  async apply(batch: IntentBatch): Promise<IntentOutcome> {
    type Attempt =
      | { readonly kind: 'conflict'; readonly conflict: IntentConflict }
      | { readonly kind: 'written'; readonly mailboxIds: readonly string[] }
      | { readonly kind: 'alreadyApplied' };
    const key = batch.idempotencyKey;
    const attempt = await this.store.transactWithChangeSet<Attempt>((current, mailboxById) => {
      if (key !== undefined && (current.appliedBatches ?? []).includes(key)) return { changes: null, result: { kind: 'alreadyApplied' } };
      const builder = new ChangeSetBuilder(current, mailboxById, (owner) => this.#mailboxIdOf(current, owner));
      try {
        for (const intent of batch.intents) builder.add(intent);
      } catch (error) {
        if (error instanceof IntentConflictFound) return { changes: null, result: { kind: 'conflict', conflict: error.conflict } };
        throw error;
      }
      const changes = builder.changeSet(batch.audit, batch.events);
      const result: Attempt = { kind: 'written', mailboxIds: builder.changedMailboxIds };
      if (key === undefined) return { changes: Object.keys(changes).length === 0 ? null : changes, result };
      // The key is written with the batch, in the same atomic write.
      return { changes, sections: (next) => ({ ...next, appliedBatches: rememberKey(next.appliedBatches ?? [], key) }), result };
    });
    if (attempt.kind === 'conflict') return { ok: false, conflict: attempt.conflict };
    const mailboxIds = attempt.kind === 'written' ? attempt.mailboxIds : mailboxIdsOf(batch, (owner) => this.store.mailboxByRegarding(owner.type, owner.id)?.id);
    return { ok: true, mailboxes: mailboxIds.flatMap((id) => this.store.mailboxById(id) ?? []) };
  }

  wasApplied(idempotencyKey: string): Promise<boolean> {
    return Promise.resolve((this.store.document().appliedBatches ?? []).includes(idempotencyKey));
  }

  /**
   * For a records adapter without a transaction shared with the data file (Dataverse): once its writes of a
   * batch succeeded, the batch's audit entries, events and idempotency key are kept here, in one write.
   */
  async recordWrittenElsewhere(written: { readonly idempotencyKey?: string; readonly audit?: readonly AuditEntry[]; readonly events?: readonly AppEvent[] }): Promise<void> {
    const key = written.idempotencyKey;
    const changes: ChangeSet = {
      ...(written.audit === undefined || written.audit.length === 0 ? {} : { audit: written.audit }),
      ...(written.events === undefined || written.events.length === 0 ? {} : { events: written.events }),
    };
    if (key === undefined && Object.keys(changes).length === 0) return;
    await this.store.transactWithChangeSet(() => ({
      changes,
      ...(key === undefined ? {} : { sections: (next: DataFileDocument) => ({ ...next, appliedBatches: rememberKey(next.appliedBatches ?? [], key) }) }),
      result: undefined,
    }));
  }

  changesOf(batch: IntentBatch): Promise<{ readonly ok: true; readonly changes: ChangeSet } | { readonly ok: false; readonly conflict: IntentConflict }> {
    const current = this.store.document();
    const builder = new ChangeSetBuilder(current, (id) => this.store.mailboxById(id), (owner) => this.#mailboxIdOf(current, owner));
    try {
      for (const intent of batch.intents) builder.add(intent);
    } catch (error) {
      if (error instanceof IntentConflictFound) return Promise.resolve({ ok: false, conflict: error.conflict });
      throw error;
    }
    return Promise.resolve({ ok: true, changes: builder.changeSet(batch.audit, batch.events) });
  }

  /** The mailbox of an owner; its regarding never changes, so the committed index finds it. */
  #mailboxIdOf(current: DataFileDocument, owner: MailboxRegarding): string | undefined {
    return (
      this.store.mailboxByRegarding(owner.type, owner.id)?.id ??
      current.mailboxes.find((mailbox) => mailbox.regarding.type === owner.type && mailbox.regarding.id === owner.id)?.id
    );
  }

  append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.store.commit({ audit: entries }).then(() => undefined);
  }
  recent(limit: number): Promise<readonly AuditEntry[]> {
    return Promise.resolve(this.store.recentAudit(limit));
  }
}
