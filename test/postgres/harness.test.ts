import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

describe('the embedded PostgreSQL of the test setup', () => {
  let postgres: TestPostgres | undefined;
  beforeAll(async () => { postgres = await startTestPostgres(); }, 60_000);
  afterAll(async () => { await postgres?.stop(); });

  it('is a real PostgreSQL 13 or later, with a fresh database per call', async () => {
    if (!postgres) throw new Error('PostgreSQL did not start');
    const first = await postgres.createDatabase();
    const second = await postgres.createDatabase();
    expect(first).not.toBe(second);
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(130000);
    } finally {
      await client.end();
    }
  });
});
