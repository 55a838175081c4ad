// The audit log in PostgreSQL: append-only rows, each entry stored once (its id is unique, so a retried append
// of the same entries adds nothing), read newest first across every instance.
import type pg from 'pg';
import { z } from 'zod';
import type { AuditLog } from '../app/ports/audit-log.js';
import type { AuditEntry } from '../domain/model.js';
import { describeIssues } from '../shared/zod-problems.js';

const auditEntrySchema = z
  .object({
    id: z.string().min(1),
    at: z.iso.datetime({ offset: true }),
    actorId: z.string().min(1),
    actorName: z.string(),
    action: z.string().min(1),
    target: z.object({ type: z.enum(['mailbox', 'emailserverprofile', 'organization', 'systemuser', 'queue', 'role']), id: z.string().min(1), name: z.string() }).strict(),
    rule: z.string().nullable(),
    details: z.string(),
  })
  .strict() satisfies z.ZodType<AuditEntry>;

/** An entry the code built wrong, or a row someone edited by hand: named, never stored or served half-read. */
export class InvalidAuditEntryError extends Error {
  override readonly name = 'InvalidAuditEntryError';
}

export function parseAuditEntry(value: unknown, where: string): AuditEntry {
  const parsed = auditEntrySchema.safeParse(value);
  if (!parsed.success) throw new InvalidAuditEntryError(`${where}: ${describeIssues(parsed.error, { root: 'audit entry' }).join('; ')}`);
  return parsed.data;
}

/** Inserts entries on `client` (inside the caller's transaction, when it has one). */
export async function insertAuditEntries(client: pg.Pool | pg.PoolClient, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const parsed = entries.map((entry, index) => parseAuditEntry(entry, `audit entry ${index + 1} not saved`));
  await client.query(
    `INSERT INTO audit_entries (id, at, entry)
     SELECT entry->>'id', (entry->>'at')::timestamptz, entry FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(entry, n) ORDER BY n
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(parsed)],
  );
}

export class PostgresAuditLog implements AuditLog {
  constructor(private readonly pool: pg.Pool) {}

  append(entries: readonly AuditEntry[]): Promise<void> {
    return insertAuditEntries(this.pool, entries);
  }

  async recent(limit: number): Promise<readonly AuditEntry[]> {
    const { rows } = await this.pool.query<{ entry: unknown; position: string }>(
      'SELECT entry, position FROM audit_entries ORDER BY at DESC, position DESC LIMIT $1',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((row) => parseAuditEntry(row.entry, `audit_entries row ${row.position}`));
  }
}
