// The audit log contract on the embedded store and on PostgreSQL; and what only PostgreSQL must add: several
// instances appending to one trail, a retried append stored once.
import { describe, expect, it } from 'vitest';
import { PostgresAuditLog } from '../../src/postgres/audit-log.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { exampleDocument } from '../support/fixtures.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import { auditEntry, describeAuditLogContract } from './audit-log.contract.js';

const postgres = usePostgresForTests();

describeAuditLogContract('embedded store', async () => new EmbeddedOrganizationRecords(createInMemoryEmailConfigStore({ ...(await exampleDocument()), audit: [] })));

describeAuditLogContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  return new PostgresAuditLog(pool);
});

describe('the audit log shared by two instances on PostgreSQL', () => {
  it('holds what both appended, and an entry appended again (a retry) once', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const [first, second] = [new PostgresAuditLog(database.pool), new PostgresAuditLog(other)];
    await Promise.all([
      ...Array.from({ length: 25 }, (_, index) => first.append([auditEntry(index * 2 + 1)])),
      ...Array.from({ length: 25 }, (_, index) => second.append([auditEntry(index * 2 + 2)])),
    ]);
    await second.append([auditEntry(1)]);
    const seenByFirst = await first.recent(100);
    expect(seenByFirst).toHaveLength(50);
    expect(seenByFirst).toEqual(await second.recent(100));
    expect(seenByFirst[0]?.id).toBe('audit-0050');
  });
});
