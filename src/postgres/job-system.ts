// The job system of several bot instances: pg-boss (SKIP LOCKED claiming, retries with back-off, dead letters,
// transactional enqueue), in its own `pgboss` schema of the same database. Its schema is pg-boss's own and
// migrated by pg-boss under its own lock; the bot's tables come from migrations/postgres.
import { PgBoss, type QueuePolicy } from 'pg-boss';

export interface JobSystemOptions {
  readonly connectionString: string;
  /** Identifies the instance in pg-boss's bookkeeping and in logs. */
  readonly applicationName?: string;
  /** pg-boss's own pool (besides one connection that listens for new jobs). Default 5. */
  readonly maxConnections?: number;
  /**
   * How often an instance looks for runs whose instance stopped sending heartbeats (and expired ones). Default 10 s:
   * a killed instance's run is retried elsewhere about this long after its heartbeat lapsed.
   */
  readonly superviseIntervalSeconds?: number;
  readonly onError?: (error: Error) => void;
}

export interface QueueDefinition {
  readonly name: string;
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  /** Back-off doubles the delay each retry up to this; default: a fixed delay. */
  readonly retryDelayMaxSeconds?: number;
  /** Jobs that fail every retry are copied here instead of vanishing. */
  readonly deadLetter?: string;
  /** How many jobs of one singletonKey may be queued or active (pg-boss's queue policies); default `standard`. */
  readonly policy?: QueuePolicy;
  /** An active job whose worker sent no heartbeat for this long is failed (and retried); at least 10. */
  readonly heartbeatSeconds?: number;
  /** Longest a job may stay active (at most 24 hours). Default 15 minutes. */
  readonly expireInSeconds?: number;
  /** New jobs wake the idle workers of every instance at once (LISTEN/NOTIFY); polling stays as the fallback. */
  readonly notify?: boolean;
}

export async function startJobSystem(options: JobSystemOptions): Promise<PgBoss> {
  const supervise = options.superviseIntervalSeconds ?? 10;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: 'pgboss',
    application_name: options.applicationName ?? 'mailbox-sync-bot',
    max: options.maxConnections ?? 5,
    useListenNotify: true,
    // Heartbeat failures are found by the monitor pass, which runs every max(monitor, supervise) seconds.
    superviseIntervalSeconds: supervise,
    monitorIntervalSeconds: supervise,
    // OpenTelemetry stays a no-op without an SDK; nothing to configure here.
  });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  return boss;
}

/**
 * Creates the queue and its dead-letter queue when missing; a no-op for queues that exist (pg-boss creates a queue
 * under its own lock, so instances starting together create it once).
 */
export async function ensureQueue(boss: PgBoss, queue: QueueDefinition): Promise<void> {
  if (queue.deadLetter !== undefined) await boss.createQueue(queue.deadLetter, { retryLimit: 0 });
  await boss.createQueue(queue.name, {
    retryLimit: queue.retryLimit,
    retryDelay: queue.retryDelaySeconds,
    ...(queue.retryDelayMaxSeconds === undefined ? {} : { retryBackoff: true, retryDelayMax: queue.retryDelayMaxSeconds }),
    ...(queue.deadLetter === undefined ? {} : { deadLetter: queue.deadLetter }),
    ...(queue.policy === undefined ? {} : { policy: queue.policy }),
    ...(queue.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: queue.heartbeatSeconds }),
    ...(queue.expireInSeconds === undefined ? {} : { expireInSeconds: queue.expireInSeconds }),
    notify: queue.notify ?? false,
  });
}
