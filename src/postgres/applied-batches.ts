// Which record batches were written to Dynamics 365, known to every instance: the idempotency keys of the
// Dataverse adapter's writes, kept in PostgreSQL instead of one instance's data file. An instance settling a batch
// another one left in doubt (killed between the write ahead and its commit on the job, or mid-decision) asks here
// and finds it applied, instead of writing it again.
//
// The key is inserted by RecordsWithStateInPostgres in the transaction of the batch's audit entries and events
// (`recordAuditAndEvents`), never before them: a batch found applied has its audit trail. The record write and that
// transaction are two systems: an instance killed between them leaves the key unrecorded, and the batch is
// written again by whoever settles it (docs/scale-out.md). The writing instance remembers its own keys meanwhile,
// also while PostgreSQL is gone and the transaction is held for it.
import type pg from 'pg';

/** This instance's own keys, remembered for its own answers: the newest few thousand. */
const REMEMBERED_LOCALLY = 5_000;

/** Inserts keys on `client` (inside the caller's transaction); keys older than a week go with them. */
export async function insertAppliedBatchKeys(client: pg.Pool | pg.PoolClient, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(
    `WITH removed AS (DELETE FROM applied_batches WHERE applied_at < now() - interval '7 days')
     INSERT INTO applied_batches (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING`,
    [keys],
  );
}

export class PostgresAppliedBatches {
  readonly #local = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  /** Called by the records adapter once a keyed batch was written; PostgreSQL gets the key with its audit entries. */
  recordWrittenElsewhere(written: { readonly idempotencyKey?: string }): Promise<void> {
    const key = written.idempotencyKey;
    if (key !== undefined) {
      this.#local.add(key);
      if (this.#local.size > REMEMBERED_LOCALLY) this.#local.delete(this.#local.values().next().value ?? '');
    }
    return Promise.resolve();
  }

  async wasApplied(idempotencyKey: string): Promise<boolean> {
    if (this.#local.has(idempotencyKey)) return true;
    const { rowCount } = await this.pool.query('SELECT 1 FROM applied_batches WHERE key = $1', [idempotencyKey]);
    return rowCount === 1;
  }
}
