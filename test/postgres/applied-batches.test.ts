// Which batches were written to the records, shared by the instances through PostgreSQL: a keyed batch one instance
// wrote is "applied" for another (which settles it instead of writing it again), and its key is stored in the
// transaction of its audit entries, so a batch is never found applied without its audit trail.
import { describe, expect, it } from 'vitest';
import { appCaller } from '../../src/app/ports/intents.js';
import type { AuditEntry } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { PostgresAppliedBatches } from '../../src/postgres/applied-batches.js';
import { PostgresAuditLog } from '../../src/postgres/audit-log.js';
import { RecordsWithStateInPostgres } from '../../src/postgres/records-with-state.js';
import { reportingUnavailability } from '../../src/postgres/unavailable.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { auditEntry } from '../store/audit-log.contract.js';
import { documentWithMailboxes } from '../store/documents.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import type { MigratedDatabase } from '../support/postgres.js';

const postgres = usePostgresForTests();

/** One instance: its records (the embedded store stands in for Dynamics 365) with the bot's state in PostgreSQL. */
async function instanceOn(database: MigratedDatabase) {
  const pool = reportingUnavailability(await database.open());
  const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
  return { store, applied: new PostgresAppliedBatches(pool), records: new RecordsWithStateInPostgres(new EmbeddedOrganizationRecords(store), pool) };
}

const approvalOf = (store: ReturnType<typeof createInMemoryEmailConfigStore>, key: string, audit: readonly AuditEntry[]) => {
  const [mailbox] = store.mailboxes();
  if (mailbox === undefined) throw new Error('no mailbox');
  return {
    caller: appCaller,
    intents: [{ kind: 'setAddressApproval' as const, owner: mailbox.regarding, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion: mailbox.version }],
    idempotencyKey: key,
    audit,
  };
};

describe('applied batches shared by two instances on PostgreSQL', () => {
  it('a keyed batch one instance wrote is applied for the other, once, with its audit entry; a key nobody wrote is not', async () => {
    const database = await postgres.migratedDatabase();
    const [first, second] = [await instanceOn(database), await instanceOn(database)];
    expect((await first.records.apply(approvalOf(first.store, 'decision-R-1', [auditEntry(1)]))).ok).toBe(true);
    expect(await second.applied.wasApplied('decision-R-1')).toBe(true);
    expect(await second.applied.wasApplied('decision-R-2')).toBe(false);
    expect((await new PostgresAuditLog(database.pool).recent(10)).map((entry) => entry.id)).toEqual(['audit-0001']);
  });

  it('stores no key when the audit entries of the batch cannot be stored: never applied without its audit trail', async () => {
    const database = await postgres.migratedDatabase();
    const [first, second] = [await instanceOn(database), await instanceOn(database)];
    const unreadable = { ...auditEntry(2), actorId: '' };
    await expect(first.records.apply(approvalOf(first.store, 'J-1:batch-1', [unreadable]))).rejects.toThrow(/audit entry/);
    expect(await second.applied.wasApplied('J-1:batch-1')).toBe(false);
    const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) FROM applied_batches');
    expect(rows[0]?.count).toBe('0');
  });

  it('the writing instance knows its own keys, also while PostgreSQL is gone; the others only from the transaction of the audit entries', async () => {
    const database = await postgres.migratedDatabase();
    const [first, second] = [await instanceOn(database), await instanceOn(database)];
    await first.applied.recordWrittenElsewhere({ idempotencyKey: 'decision-R-7' });
    await postgres.server.stopServer();
    try {
      expect(await first.applied.wasApplied('decision-R-7')).toBe(true);
      await expect(second.applied.wasApplied('decision-R-7')).rejects.toThrow(/temporarily unavailable/);
    } finally {
      await postgres.server.startServer();
    }
    expect(await second.applied.wasApplied('decision-R-7')).toBe(false);
  }, 60_000);
});
