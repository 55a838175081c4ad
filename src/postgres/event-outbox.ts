// The event outbox in PostgreSQL. Events get their sequence from the table's identity (unique across
// instances, never reused); each consumer's position is a row. Every consumer is dispatched by ONE instance
// at a time: `pendingFor` hands events only to the instance holding that consumer's lease (taken when free or
// expired, renewed by every `markDispatched`), so an event is handled once; if that instance dies, another
// takes the lease once it expires and carries on from the last position written. A NOTIFY on every append
// wakes the other instances' dispatchers (`listenForEvents`).
import type pg from 'pg';
import { appEventSchema, type EventOutboxRepository, type StoredEvent } from '../app/event-outbox.js';
import type { AppEvent } from '../app/events.js';
import { describeIssues } from '../shared/zod-problems.js';

export const EVENTS_CHANNEL = 'bot_domain_events';

export interface PostgresEventOutboxOptions {
  /** This instance's name in the lease rows (unique per process). */
  readonly instanceId: string;
  /** How long a consumer stays with this instance without progress before another may take it. Default 60 s. */
  readonly leaseMs?: number;
  /** Most events handed out per `pendingFor`. Default 500. */
  readonly batchSize?: number;
}

export class InvalidStoredEventError extends Error {
  override readonly name = 'InvalidStoredEventError';
}

function parseEvent(value: unknown, where: string): StoredEvent['event'] {
  const parsed = appEventSchema.safeParse(value);
  if (!parsed.success) throw new InvalidStoredEventError(`${where}: ${describeIssues(parsed.error, { root: 'event' }).join('; ')}`);
  return parsed.data;
}

/** Appends events on `client` (inside the caller's transaction: they commit with the change that caused them). */
export async function insertEvents(client: pg.Pool | pg.PoolClient, events: readonly AppEvent[]): Promise<readonly number[]> {
  if (events.length === 0) return [];
  const parsed = events.map((event, index) => parseEvent(event, `event ${index + 1} not recorded`));
  const { rows } = await client.query<{ sequence: string }>(
    `WITH appended AS (
       INSERT INTO domain_events (event)
       SELECT event FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(event, n) ORDER BY n
       RETURNING sequence
     )
     SELECT sequence, pg_notify($2, '') FROM appended ORDER BY sequence`,
    [JSON.stringify(parsed), EVENTS_CHANNEL],
  );
  return rows.map((row) => Number(row.sequence));
}

export class PostgresEventOutboxRepository implements EventOutboxRepository {
  readonly #leaseSeconds: number;
  readonly #batchSize: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresEventOutboxOptions,
  ) {
    this.#leaseSeconds = (options.leaseMs ?? 60_000) / 1000;
    this.#batchSize = options.batchSize ?? 500;
  }

  /** Records events outside any other write (the records adapter calls it once its own write succeeded). */
  append(events: readonly AppEvent[]): Promise<readonly number[]> {
    return insertEvents(this.pool, events);
  }

  async pendingFor(consumer: string): Promise<readonly StoredEvent[]> {
    await this.pool.query('INSERT INTO event_consumers (consumer) VALUES ($1) ON CONFLICT DO NOTHING', [consumer]);
    const { rows: leased } = await this.pool.query<{ dispatched_through: string }>(
      `UPDATE event_consumers SET leased_by = $2, leased_until = clock_timestamp() + make_interval(secs => $3)
       WHERE consumer = $1 AND (leased_by IS NULL OR leased_by = $2 OR leased_until < clock_timestamp())
       RETURNING dispatched_through`,
      [consumer, this.options.instanceId, this.#leaseSeconds],
    );
    const through = leased[0]?.dispatched_through;
    // Another instance dispatches this consumer now.
    if (through === undefined) return [];
    const { rows } = await this.pool.query<{ sequence: string; event: unknown }>(
      'SELECT sequence, event FROM domain_events WHERE sequence > $1 ORDER BY sequence LIMIT $2',
      [through, this.#batchSize],
    );
    return rows.map((row) => ({ sequence: Number(row.sequence), event: parseEvent(row.event, `domain_events row ${row.sequence}`) }));
  }

  async markDispatched(consumer: string, sequence: number, consumers: readonly string[]): Promise<void> {
    await this.pool.query(
      `UPDATE event_consumers SET dispatched_through = GREATEST(dispatched_through, $2),
         leased_until = CASE WHEN leased_by = $3 THEN clock_timestamp() + make_interval(secs => $4) ELSE leased_until END
       WHERE consumer = $1`,
      [consumer, sequence, this.options.instanceId, this.#leaseSeconds],
    );
    // Events every known consumer has handled are not needed any more (sequences are never reused).
    await this.pool.query(
      `DELETE FROM domain_events WHERE sequence <= (
         SELECT COALESCE(MIN(COALESCE(c.dispatched_through, 0)), 0)
         FROM unnest($1::text[]) AS known(consumer) LEFT JOIN event_consumers c ON c.consumer = known.consumer)`,
      [[...new Set([...consumers, consumer])]],
    );
  }

  /** Gives up this instance's leases (on a clean stop), so another instance need not wait for them to expire. */
  async releaseLeases(): Promise<void> {
    await this.pool.query('UPDATE event_consumers SET leased_by = NULL, leased_until = NULL WHERE leased_by = $1', [this.options.instanceId]);
  }
}

/**
 * Calls `onEvents` whenever any instance appends events, on a dedicated connection. Returns a stop function.
 * A lost connection is reported once through `onLost` (the broken client leaves the pool); the caller listens
 * again once the database is back, and its periodic sweep covers the gap.
 */
export async function listenForEvents(pool: pg.Pool, onEvents: () => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  const client = await pool.connect();
  let done = false;
  const lose = (error: Error): void => {
    if (done) return;
    done = true;
    client.release(error);
    onLost(error);
  };
  client.on('notification', (message) => {
    if (message.channel === EVENTS_CHANNEL) onEvents();
  });
  client.on('error', lose);
  client.on('end', () => lose(new Error('Connection terminated')));
  try {
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  } catch (error) {
    done = true;
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  return async () => {
    if (done) return;
    done = true;
    await client.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined);
    client.release();
  };
}
