// The organization's records with the bot's state in PostgreSQL: the records port contract still holds through
// the wrapper, and a write's audit entries and events land in PostgreSQL only when the write succeeded.
import { describe, expect, it } from 'vitest';
import { appCaller } from '../../src/app/ports/intents.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { PostgresAuditLog } from '../../src/postgres/audit-log.js';
import { PostgresEventOutboxRepository } from '../../src/postgres/event-outbox.js';
import { RecordsWithStateInPostgres } from '../../src/postgres/records-with-state.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { documentWithMailboxes } from '../store/documents.js';
import { auditEntry } from '../store/audit-log.contract.js';
import { decided } from '../store/event-outbox.contract.js';
import { describeRecordsPortContract, type OrganizationSeed } from '../store/records-port.contract.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const postgres = usePostgresForTests();

const documentOf = (seed: OrganizationSeed): DataFileDocument => ({ ...documentWithMailboxes(0), ...seed, users: [...seed.users], queues: [...seed.queues], mailboxes: [...seed.mailboxes], profiles: [...seed.profiles], securityRoles: [...seed.securityRoles], businessUnits: [...seed.businessUnits] });

describeRecordsPortContract('embedded store with its audit and events in PostgreSQL', async (seed) => {
  const { pool } = await postgres.migratedDatabase();
  return new RecordsWithStateInPostgres(new EmbeddedOrganizationRecords(createInMemoryEmailConfigStore(documentOf(seed))), pool);
});

describe('a write with its audit and events in PostgreSQL', () => {
  it('records them once the write succeeded, and not at all for a write refused on a conflict', async () => {
    const { pool } = await postgres.migratedDatabase();
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
    const records = new RecordsWithStateInPostgres(new EmbeddedOrganizationRecords(store), pool);
    const [mailbox] = store.mailboxes();
    if (mailbox === undefined) throw new Error('no mailbox');
    const batch = (expectedMailboxVersion: number, index: number) => ({
      caller: appCaller,
      intents: [{ kind: 'setAddressApproval' as const, owner: mailbox.regarding, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion }],
      audit: [auditEntry(index)],
      events: [decided(index)],
    });
    expect((await records.apply(batch(mailbox.version, 1))).ok).toBe(true);
    expect((await records.apply(batch(mailbox.version, 2))).ok).toBe(false);
    expect((await new PostgresAuditLog(pool).recent(10)).map((entry) => entry.id)).toEqual(['audit-0001']);
    expect((await new PostgresEventOutboxRepository(pool, { instanceId: 'a' }).pendingFor('cards')).map((stored) => stored.event)).toEqual([decided(1)]);
    // Nothing of it went to the data file.
    expect(store.recentAudit(10)).toEqual([]);
    expect(store.document().eventOutbox?.events ?? []).toEqual([]);
  });
});
