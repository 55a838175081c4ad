// One use case's writes as one PostgreSQL transaction: committed together, or rolled back together.
import type pg from 'pg';

/** Runs `work` inside BEGIN … COMMIT on one pooled client; any throw rolls back and is rethrown. */
export async function inTransaction<R>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/**
 * A transaction-scoped advisory lock (released at COMMIT or ROLLBACK): serializes one kind of write across
 * every instance on the database. `name` is hashed by PostgreSQL itself, so every instance gets the same key.
 */
export async function lockForTransaction(client: pg.PoolClient, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
}
