// The contract of the `AuditLog` port, run against the embedded store and PostgreSQL: entries come back newest
// first, as appended, and a bad entry is refused with nothing stored.
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../src/app/ports/audit-log.js';
import type { AuditEntry } from '../../src/domain/model.js';

export function auditEntry(index: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `audit-${String(index).padStart(4, '0')}`,
    at: new Date(Date.UTC(2026, 0, 1, 9, 0, index)).toISOString(),
    actorId: 'user-admin',
    actorName: 'Ada Admin',
    action: 'approveEmail',
    target: { type: 'mailbox', id: `mailbox-${index}`, name: `Mailbox ${index}` },
    rule: 'System Administrator',
    details: `entry ${index}`,
    ...overrides,
  };
}

export function describeAuditLogContract(name: string, open: () => Promise<AuditLog>): void {
  describe(`AuditLog contract: ${name}`, () => {
    it('serves the newest entries first, as appended, up to the limit', async () => {
      const log = await open();
      await log.append([auditEntry(1), auditEntry(2)]);
      await log.append([auditEntry(3)]);
      expect(await log.recent(10)).toEqual([auditEntry(3), auditEntry(2), auditEntry(1)]);
      expect((await log.recent(2)).map((entry) => entry.id)).toEqual(['audit-0003', 'audit-0002']);
      expect(await log.recent(0)).toEqual([]);
    });

    it('stores nothing of a batch with an entry that breaks the schema', async () => {
      const log = await open();
      await log.append([auditEntry(1)]);
      const broken = { ...auditEntry(3), at: 'yesterday' };
      await expect(log.append([auditEntry(2), broken])).rejects.toThrow(/at/);
      expect((await log.recent(10)).map((entry) => entry.id)).toEqual(['audit-0001']);
    });

    it('keeps every entry of many appends made at once', async () => {
      const log = await open();
      await Promise.all(Array.from({ length: 40 }, (_, index) => log.append([auditEntry(index + 1)])));
      const recent = await log.recent(100);
      expect(new Set(recent.map((entry) => entry.id)).size).toBe(40);
    });
  });
}
