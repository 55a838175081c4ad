// The organization's records (the embedded store, or Dataverse) with the bot's own state in PostgreSQL: a write
// goes to the records backend without its audit entries and events, and once it succeeded those are written
// to PostgreSQL in one transaction (events with a NOTIFY, so every instance's dispatcher wakes). The records
// backend and PostgreSQL share no transaction: a process killed between the two writes loses that write's audit
// entries and events (docs/scale-out.md says so); it never records an audit entry for a write that failed.
// PostgreSQL lost while the bot runs: a write that has audit entries or events to keep first checks that the
// database answers, so an outage already there changes nothing (StateStoreUnavailableError); one that begins
// between the two writes holds the audit entries and events in memory and writes them, in order, once the
// database is back (the write itself was made, so the caller is told it succeeded).
import type pg from 'pg';
import type { AuditEntry } from '../domain/model.js';
import type { AppEvent } from '../app/events.js';
import type { IntentBatch, IntentOutcome, OrganizationRecords } from '../app/ports.js';
import { insertAuditEntries } from './audit-log.js';
import { insertAppliedBatchKeys } from './applied-batches.js';
import { insertEvents } from './event-outbox.js';
import { inTransaction } from './transaction.js';
import { connectionLossReason } from './unavailable.js';

/**
 * Writes a record batch's audit entries, its events and its idempotency key together, in one PostgreSQL
 * transaction: an instance settling the batch later never finds it applied without its audit entries.
 */
export async function recordAuditAndEvents(pool: pg.Pool, audit: readonly AuditEntry[], events: readonly AppEvent[], idempotencyKey?: string): Promise<void> {
  if (audit.length === 0 && events.length === 0 && idempotencyKey === undefined) return;
  await inTransaction(pool, async (client) => {
    await insertAuditEntries(client, audit);
    await insertEvents(client, events);
    if (idempotencyKey !== undefined) await insertAppliedBatchKeys(client, [idempotencyKey]);
  });
}

type Records = OrganizationRecords;

export interface RecordsWithStateOptions {
  /** Between two attempts to write held audit entries and events. Default 2 s. */
  readonly retryMs?: number;
  /** Called when a write's audit entries and events are held (the database went away after the write). */
  readonly onHeld?: (error: unknown) => void;
}

interface HeldState {
  readonly audit: readonly AuditEntry[];
  readonly events: readonly AppEvent[];
  readonly idempotencyKey?: string;
}

/** `records` with every batch's audit entries and events written to PostgreSQL instead of the backend. */
export class RecordsWithStateInPostgres implements OrganizationRecords {
  /** Audit entries and events of writes made while PostgreSQL was gone, oldest first. */
  readonly #held: HeldState[] = [];
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly records: OrganizationRecords,
    private readonly pool: pg.Pool,
    private readonly options: RecordsWithStateOptions = {},
  ) {}

  async apply(batch: IntentBatch): Promise<IntentOutcome> {
    const { audit = [], events = [], ...writes } = batch;
    const key = batch.idempotencyKey;
    const keepsState = audit.length > 0 || events.length > 0 || key !== undefined;
    // Nothing is written to the records while the database that keeps their audit entries does not answer.
    if (keepsState) await this.pool.query('SELECT 1');
    const outcome = await this.records.apply(writes);
    if (outcome.ok && keepsState) await this.#record({ audit, events, ...(key === undefined ? {} : { idempotencyKey: key }) });
    return outcome;
  }

  /** How many writes' audit entries and events wait for the database (tests read it). */
  get heldWrites(): number {
    return this.#held.length;
  }

  /** Stops retrying held writes (the bot is stopping; they are lost as in a crash between the two writes). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
  }

  async #record(state: HeldState): Promise<void> {
    // Behind earlier held writes: the audit trail and the events keep their order.
    if (this.#held.length > 0) {
      this.#held.push(state);
      return;
    }
    try {
      await recordAuditAndEvents(this.pool, state.audit, state.events, state.idempotencyKey);
    } catch (error) {
      if (connectionLossReason(error) === undefined) throw error;
      this.#held.push(state);
      this.options.onHeld?.(error);
      this.#retryLater();
    }
  }

  #retryLater(): void {
    if (this.#stopped || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#writeHeld();
    }, this.options.retryMs ?? 2_000);
    this.#retry.unref();
  }

  async #writeHeld(): Promise<void> {
    while (this.#held.length > 0 && !this.#stopped) {
      const [next] = this.#held;
      if (next === undefined) return;
      try {
        // Audit entries are stored once by id; a retried commit whose answer was lost adds them only once.
        await recordAuditAndEvents(this.pool, next.audit, next.events, next.idempotencyKey);
      } catch (error) {
        this.options.onHeld?.(error);
        this.#retryLater();
        return;
      }
      this.#held.shift();
    }
  }

  /** The backend's own answer (Dataverse: the platform records Test & Enable outcomes itself). */
  get recordsTestOutcomesItself(): boolean | undefined {
    return this.records.recordsTestOutcomesItself;
  }

  // Everything else is the backend's own: reads, previews, and whether a batch was applied.
  directory: Records['directory'] = () => this.records.directory();
  organization: Records['organization'] = () => this.records.organization();
  user: Records['user'] = (id) => this.records.user(id);
  userByAadObjectId: Records['userByAadObjectId'] = (id) => this.records.userByAadObjectId(id);
  queue: Records['queue'] = (id) => this.records.queue(id);
  securityRole: Records['securityRole'] = (id) => this.records.securityRole(id);
  businessUnit: Records['businessUnit'] = (id) => this.records.businessUnit(id);
  profile: Records['profile'] = (id) => this.records.profile(id);
  profileByName: Records['profileByName'] = (name) => this.records.profileByName(name);
  mailbox: Records['mailbox'] = (id, read) => this.records.mailbox(id, read);
  mailboxByEmail: Records['mailboxByEmail'] = (address) => this.records.mailboxByEmail(address);
  mailboxByRegarding: Records['mailboxByRegarding'] = (owner) => this.records.mailboxByRegarding(owner);
  userPage: Records['userPage'] = (page) => this.records.userPage(page);
  queuePage: Records['queuePage'] = (page) => this.records.queuePage(page);
  profilePage: Records['profilePage'] = (page) => this.records.profilePage(page);
  securityRolePage: Records['securityRolePage'] = (page) => this.records.securityRolePage(page);
  businessUnitPage: Records['businessUnitPage'] = (page) => this.records.businessUnitPage(page);
  mailboxPage: Records['mailboxPage'] = (query, page) => this.records.mailboxPage(query, page);
  mailboxCount: Records['mailboxCount'] = (query) => this.records.mailboxCount(query);
  alertsFor: Records['alertsFor'] = (regarding, limit) => this.records.alertsFor(regarding, limit);
  revision: Records['revision'] = () => this.records.revision();
  /** The backend's answer (with Dataverse it asks PostgreSQL's applied_batches, written above with the audit). */
  wasApplied: Records['wasApplied'] = (key) => this.records.wasApplied(key);
  changesOf: Records['changesOf'] = (batch) => this.records.changesOf(batch);
}
