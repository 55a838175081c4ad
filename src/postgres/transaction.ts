// One use case's writes as one PostgreSQL transaction: committed together, or rolled back together.
import type pg from 'pg';
import { asUnavailable, connectionLossReason } from './unavailable.js';

/**
 * Runs `work` inside BEGIN … COMMIT on one pooled client; any throw rolls back and is rethrown. A lost connection
 * is rethrown as StateStoreUnavailableError: the server rolls back whatever the transaction had not committed,
 * so nothing of it is half-written, and the broken client leaves the pool instead of being handed out again.
 */
export async function inTransaction<R>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect().catch((error: unknown) => {
    throw asUnavailable(error);
  });
  let lost: Error | undefined;
  // While checked out, the client has no listener of the pool's: a connection dropped between two statements (or
  // its end right after a statement failed on 57P01) would otherwise be an uncaught 'error' that ends the process.
  const onLost = (error: Error): void => {
    lost = error;
  };
  client.on('error', onLost);
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
  } catch (error) {
    if (connectionLossReason(error) !== undefined) lost = error instanceof Error ? error : new Error(String(error));
    throw asUnavailable(error);
  } finally {
    client.removeListener('error', onLost);
    client.release(lost);
  }
}

/**
 * A transaction-scoped advisory lock (released at COMMIT or ROLLBACK): serializes one kind of write across
 * every instance on the database. `name` is hashed by PostgreSQL itself, so every instance gets the same key.
 */
export async function lockForTransaction(client: pg.PoolClient, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
}
