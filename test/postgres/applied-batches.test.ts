// Which batches were written to Dynamics 365, shared by the instances through PostgreSQL: a batch one instance
// wrote is "applied" for another (which settles it instead of writing it again), and a write made while
// PostgreSQL is gone is remembered by its instance and shared once the database answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportingUnavailability } from '../../src/postgres/unavailable.js';
import { PostgresAppliedBatches } from '../../src/postgres/applied-batches.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';

let postgres: TestPostgres | undefined;
const pools: { end(): Promise<void> }[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  await postgres?.stop();
});

describe('applied batches shared by two instances on PostgreSQL', () => {
  it('a key one instance recorded is applied for the other; a key nobody recorded is not', async () => {
    const database = await migratedDatabase(postgres);
    const other = await database.open();
    pools.push(database.pool, other);
    const [first, second] = [new PostgresAppliedBatches(reportingUnavailability(database.pool)), new PostgresAppliedBatches(reportingUnavailability(other))];
    await first.recordWrittenElsewhere({ idempotencyKey: 'J-1:batch-3' });
    await first.recordWrittenElsewhere({ idempotencyKey: 'J-1:batch-3' });
    await first.recordWrittenElsewhere({});
    expect(await second.wasApplied('J-1:batch-3')).toBe(true);
    expect(await second.wasApplied('J-1:batch-4')).toBe(false);
    const { rows } = await database.pool.query<{ count: string }>('SELECT count(*) FROM applied_batches');
    expect(rows[0]?.count).toBe('1');
  });

  it('while PostgreSQL is gone the writing instance still knows its key, and shares it once the database is back', async () => {
    if (postgres === undefined) throw new Error('PostgreSQL did not start');
    const database = await migratedDatabase(postgres);
    const other = await database.open();
    pools.push(database.pool, other);
    const [first, second] = [new PostgresAppliedBatches(reportingUnavailability(database.pool)), new PostgresAppliedBatches(reportingUnavailability(other))];
    await postgres.stopServer();
    try {
      await first.recordWrittenElsewhere({ idempotencyKey: 'decision-R-7' });
      expect(await first.wasApplied('decision-R-7')).toBe(true);
      await expect(second.wasApplied('decision-R-7')).rejects.toThrow(/temporarily unavailable/);
    } finally {
      await postgres.startServer();
    }
    // The next call of the writing instance saves what it held.
    expect(await first.wasApplied('something-else')).toBe(false);
    expect(await second.wasApplied('decision-R-7')).toBe(true);
  }, 60_000);
});
