// Who did what, kept apart from the organization's records: in production the records live in Dataverse and
// the audit trail in the bot's own database. Entries of a use case's changes travel with its IntentBatch;
// `append` is for entries that accompany no record change.
import type { AuditEntry } from '../../domain/model.js';

export interface AuditLog {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** The newest `limit` entries, newest first (among equal timestamps, the later appended first). */
  recent(limit: number): Promise<readonly AuditEntry[]>;
}
