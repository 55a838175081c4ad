// One PostgreSQL per test file, with its hooks registered (kept apart from ./postgres.ts, which the bench imports
// outside vitest).
import { afterAll, beforeAll } from 'vitest';
import { migratedDatabase, startTestPostgres, type MigratedDatabase, type TestPostgres, type TestPostgresOptions } from './postgres.js';

export interface PostgresForTests {
  /** The running server (before the file's tests start, there is none). */
  readonly server: TestPostgres;
  /** A new database with the bot's state schema migrated; its pools end after the file's tests. */
  migratedDatabase(): Promise<MigratedDatabase>;
  /** Ends `pool` after the file's tests (a pool opened another way). */
  closeAfterAll<Pool extends { end(): Promise<unknown> }>(pool: Pool): Pool;
}

/**
 * One PostgreSQL for the whole test file: started before its tests, stopped after them, with every pool the file
 * opened through it ended first. Call at the top level of the file.
 */
export function usePostgresForTests(options: TestPostgresOptions = {}): PostgresForTests {
  let postgres: TestPostgres | undefined;
  const pools: { end(): Promise<unknown> }[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres(options);
  }, 60_000);
  afterAll(async () => {
    // A pool whose server a test stopped may already be broken: ending it must not hide the other cleanups.
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await postgres?.stop();
  });
  const closeAfterAll = <Pool extends { end(): Promise<unknown> }>(pool: Pool): Pool => {
    pools.push(pool);
    return pool;
  };
  return {
    get server(): TestPostgres {
      if (postgres === undefined) throw new Error('PostgreSQL did not start');
      return postgres;
    },
    async migratedDatabase() {
      const database = await migratedDatabase(postgres);
      closeAfterAll(database.pool);
      return { ...database, open: async () => closeAfterAll(await database.open()) };
    },
    closeAfterAll,
  };
}
