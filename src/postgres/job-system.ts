// The job system of several bot instances: pg-boss (SKIP LOCKED claiming, retries with back-off, dead letters,
// transactional enqueue), in its own `pgboss` schema of the same database. Its schema is pg-boss's own and
// migrated by pg-boss under its own lock; the bot's tables come from migrations/postgres.
import { PgBoss } from 'pg-boss';

export interface JobSystemOptions {
  readonly connectionString: string;
  /** Identifies the instance in pg-boss's bookkeeping and in logs. */
  readonly applicationName?: string;
  readonly onError?: (error: Error) => void;
}

export interface QueueDefinition {
  readonly name: string;
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  /** Jobs that fail every retry are copied here instead of vanishing. */
  readonly deadLetter?: string;
}

export async function startJobSystem(options: JobSystemOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: 'pgboss',
    application_name: options.applicationName ?? 'mailbox-sync-bot',
    useListenNotify: true,
    // OpenTelemetry stays a no-op without an SDK; nothing to configure here.
  });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  return boss;
}

/** Creates the queue and its dead-letter queue when missing; a no-op for queues that exist. */
export async function ensureQueue(boss: PgBoss, queue: QueueDefinition): Promise<void> {
  if (queue.deadLetter !== undefined && (await boss.getQueue(queue.deadLetter)) === null) {
    await boss.createQueue(queue.deadLetter, { retryLimit: 0 });
  }
  if ((await boss.getQueue(queue.name)) === null) {
    await boss.createQueue(queue.name, {
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelaySeconds,
      retryBackoff: true,
      ...(queue.deadLetter === undefined ? {} : { deadLetter: queue.deadLetter }),
    });
  }
}
