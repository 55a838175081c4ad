// Which record batches were written to Dynamics 365, known to every instance: the idempotency keys of the
// Dataverse adapter's writes, kept in PostgreSQL instead of one instance's data file. An instance settling a batch
// another one left in doubt (killed between the write ahead and its commit on the job, or mid-decision) asks here
// and finds it applied, instead of writing it again.
//
// The record write and this insert are two systems: an instance killed between them leaves the key unrecorded and
// the batch is written again by whoever settles it (docs/scale-out.md). While PostgreSQL does not answer, the keys
// are kept in this instance's memory (it still knows them) and inserted once it answers again.
import type pg from 'pg';
import { connectionLossReason } from './unavailable.js';

/** This instance's own keys, remembered for its own answers even while PostgreSQL is gone: the newest few thousand. */
const REMEMBERED_LOCALLY = 5_000;

export class PostgresAppliedBatches {
  readonly #local = new Set<string>();
  /** Keys written to Dynamics 365 while PostgreSQL did not answer, oldest first. */
  readonly #unsaved: string[] = [];

  constructor(private readonly pool: pg.Pool) {}

  /** Called by the records adapter once a keyed batch was written (audit entries and events are kept elsewhere). */
  async recordWrittenElsewhere(written: { readonly idempotencyKey?: string }): Promise<void> {
    const key = written.idempotencyKey;
    if (key === undefined) return;
    this.#remember(key);
    this.#unsaved.push(key);
    await this.#saveUnsaved();
  }

  async wasApplied(idempotencyKey: string): Promise<boolean> {
    if (this.#local.has(idempotencyKey)) return true;
    await this.#saveUnsaved();
    const { rowCount } = await this.pool.query('SELECT 1 FROM applied_batches WHERE key = $1', [idempotencyKey]);
    return rowCount === 1;
  }

  #remember(key: string): void {
    this.#local.add(key);
    if (this.#local.size > REMEMBERED_LOCALLY) this.#local.delete(this.#local.values().next().value ?? '');
  }

  async #saveUnsaved(): Promise<void> {
    if (this.#unsaved.length === 0) return;
    const keys = [...this.#unsaved];
    try {
      await this.pool.query(
        `WITH removed AS (DELETE FROM applied_batches WHERE applied_at < now() - interval '7 days')
         INSERT INTO applied_batches (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING`,
        [keys],
      );
      this.#unsaved.splice(0, keys.length);
    } catch (error) {
      // The write to Dynamics 365 stands; its key waits here for the database (this instance knows it meanwhile).
      if (connectionLossReason(error) === undefined) throw error;
    }
  }
}
