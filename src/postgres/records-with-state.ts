// The organization's records (the embedded store, or Dataverse) with the bot's own state in PostgreSQL: a write
// goes to the records backend without its audit entries and events, and once it succeeded those are written
// to PostgreSQL in one transaction (events with a NOTIFY, so every instance's dispatcher wakes). The records
// backend and PostgreSQL share no transaction: a process killed between the two writes loses that write's audit
// entries and events (docs/scale-out.md says so); it never records an audit entry for a write that failed.
import type pg from 'pg';
import type { AuditEntry } from '../domain/model.js';
import type { AppEvent } from '../app/events.js';
import type { IntentBatch, IntentOutcome, OrganizationRecords } from '../app/ports.js';
import { insertAuditEntries } from './audit-log.js';
import { insertEvents } from './event-outbox.js';
import { inTransaction } from './transaction.js';

/** Writes audit entries and events together, in one PostgreSQL transaction. */
export async function recordAuditAndEvents(pool: pg.Pool, audit: readonly AuditEntry[], events: readonly AppEvent[]): Promise<void> {
  if (audit.length === 0 && events.length === 0) return;
  await inTransaction(pool, async (client) => {
    await insertAuditEntries(client, audit);
    await insertEvents(client, events);
  });
}

type Records = OrganizationRecords;

/** `records` with every batch's audit entries and events written to PostgreSQL instead of the backend. */
export class RecordsWithStateInPostgres implements OrganizationRecords {
  constructor(
    private readonly records: OrganizationRecords,
    private readonly pool: pg.Pool,
  ) {}

  async apply(batch: IntentBatch): Promise<IntentOutcome> {
    const { audit = [], events = [], ...writes } = batch;
    const outcome = await this.records.apply(writes);
    if (outcome.ok) await recordAuditAndEvents(this.pool, audit, events);
    return outcome;
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
  wasApplied: Records['wasApplied'] = (key) => this.records.wasApplied(key);
  changesOf: Records['changesOf'] = (batch) => this.records.changesOf(batch);
}
