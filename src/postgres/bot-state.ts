// The bot's own state in PostgreSQL, as the composition root opens it: connect (PostgreSQL 13 or later, failures
// naming DATABASE_URL without its password), migrate under the migration lock, start the job system (pg-boss,
// which hands Test & Enable runs and retry checks to one instance each), and keep an eye on the connection so
// that /healthz can say when the database is gone. While it is gone, every statement fails with
// StateStoreUnavailableError (src/postgres/unavailable.ts); once it is back, the pool connects afresh, the LISTEN
// connection is opened again, and audit entries and events held meanwhile are written.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { OrganizationRecords } from '../app/ports.js';
import { PostgresAppliedBatches } from './applied-batches.js';
import { PostgresApprovalRequestRepository } from './approval-requests.js';
import { PostgresAuditLog } from './audit-log.js';
import { openPostgresPool } from './connection.js';
import { listenForEvents, PostgresEventOutboxRepository } from './event-outbox.js';
import { PostgresJobDispatch, type PostgresJobDispatchOptions } from './job-dispatch.js';
import { startJobSystem } from './job-system.js';
import { PostgresJobRepository } from './jobs-repository.js';
import { loadMigrations, migrate, type MigrationReport } from './migrations.js';
import { PostgresNotifyRepository } from './notify-repository.js';
import { PostgresPendingChoiceRepository } from './pending-choices.js';
import { RecordsWithStateInPostgres } from './records-with-state.js';
import { reportingUnavailability } from './unavailable.js';

export interface PostgresBotState {
  /** This process's name in claims and leases: host, process id and a random part. */
  readonly instanceId: string;
  readonly migrations: MigrationReport;
  readonly notify: PostgresNotifyRepository;
  readonly audit: PostgresAuditLog;
  readonly eventOutbox: PostgresEventOutboxRepository;
  readonly jobs: PostgresJobRepository;
  /** Test & Enable runs and retry checks, each handed to one instance (pg-boss). */
  readonly jobDispatch: PostgresJobDispatch;
  readonly approvals: PostgresApprovalRequestRepository;
  /** Which batches were written to Dynamics 365, for every instance (the Dataverse adapter's idempotency keys). */
  readonly appliedBatches: PostgresAppliedBatches;
  /** Confirmations and suggestions waiting for the click on their card, which may reach any instance. */
  readonly choices: PostgresPendingChoiceRepository;
  /** The organization's records with the audit entries and events of every write kept here. */
  records(backend: OrganizationRecords): OrganizationRecords;
  /**
   * Calls `dispatch` whenever any instance records events (LISTEN/NOTIFY), and every `sweepMs` besides (a
   * consumer whose instance died is taken over once its lease expired). A lost LISTEN connection is reported
   * through `onError` and opened again every `listenRetryMs` until the database answers; `dispatch` then runs
   * once, for what was appended meanwhile. Returns a stop function.
   */
  watchEvents(dispatch: () => void, onError: (error: Error) => void, sweepMs?: number): Promise<() => Promise<void>>;
  /** False since the last health probe failed (checked every `healthProbeMs`). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Teams' longest rate window (an hour) and the attempt timeout: older sends count in no window. */
const RATE_HISTORY_MS = 3_600_000 + 30_000;

export interface PostgresBotStateOptions {
  readonly healthProbeMs?: number;
  /** Job dispatch tuning (tests shorten the heartbeat). */
  readonly jobDispatch?: PostgresJobDispatchOptions;
  /** How often pg-boss looks for runs whose instance died; default 10 s. */
  readonly superviseIntervalSeconds?: number;
  readonly onJobSystemError?: (error: Error) => void;
  readonly onHealthChange?: (healthy: boolean, error?: unknown) => void;
  /** Between two attempts to listen for events again after the connection was lost. Default 2 s. */
  readonly listenRetryMs?: number;
  /** Between two attempts to write audit entries and events held while the database was gone. Default 2 s. */
  readonly heldWriteRetryMs?: number;
  /** A record write succeeded but its audit entries and events could not be written yet (they are held and retried). */
  readonly onWriteHeld?: (error: unknown) => void;
}

export async function openPostgresBotState(databaseUrl: string, options: PostgresBotStateOptions = {}): Promise<PostgresBotState> {
  const connected: pg.Pool = await openPostgresPool(databaseUrl, { max: 20 });
  // Every repository gets the pool that reports a lost database as StateStoreUnavailableError.
  const pool = reportingUnavailability(connected);
  try {
    const migrations = await migrate(connected, await loadMigrations());
    const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const boss = await startJobSystem({
      connectionString: databaseUrl,
      ...(options.superviseIntervalSeconds === undefined ? {} : { superviseIntervalSeconds: options.superviseIntervalSeconds }),
      ...(options.onJobSystemError === undefined ? {} : { onError: options.onJobSystemError }),
    });
    let jobDispatch: PostgresJobDispatch;
    try {
      jobDispatch = await PostgresJobDispatch.open(boss, options.jobDispatch);
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw error;
    }
    let healthy = true;
    const probe = setInterval(() => {
      pool.query('SELECT 1').then(
        () => {
          if (!healthy) options.onHealthChange?.(true);
          healthy = true;
        },
        (error: unknown) => {
          if (healthy) options.onHealthChange?.(false, error);
          healthy = false;
        },
      );
    }, options.healthProbeMs ?? 5_000);
    probe.unref();
    const notify = new PostgresNotifyRepository(pool, { instanceId });
    // Sends older than Teams' longest window (an hour) no longer count anywhere.
    const prune = setInterval(() => {
      notify.pruneRateHistory(RATE_HISTORY_MS).catch(() => undefined);
    }, 10 * 60_000);
    prune.unref();
    const recordsWithState = new Set<RecordsWithStateInPostgres>();
    return {
      instanceId,
      migrations,
      notify,
      audit: new PostgresAuditLog(pool),
      eventOutbox: new PostgresEventOutboxRepository(pool, { instanceId }),
      jobs: new PostgresJobRepository(pool, { enqueueRun: (client, jobId) => jobDispatch.enqueueRunIn(client, jobId) }),
      jobDispatch,
      approvals: new PostgresApprovalRequestRepository(pool),
      appliedBatches: new PostgresAppliedBatches(pool),
      choices: new PostgresPendingChoiceRepository(pool),
      records: (backend) => {
        const records = new RecordsWithStateInPostgres(backend, pool, {
          ...(options.heldWriteRetryMs === undefined ? {} : { retryMs: options.heldWriteRetryMs }),
          ...(options.onWriteHeld === undefined ? {} : { onHeld: options.onWriteHeld }),
        });
        recordsWithState.add(records);
        return records;
      },
      watchEvents: async (dispatch, onError, sweepMs = 15_000) => {
        let stopped = false;
        let stopListening: (() => Promise<void>) | undefined;
        let retry: NodeJS.Timeout | undefined;
        const listen = async (): Promise<void> => {
          stopListening = await listenForEvents(pool, dispatch, (error) => {
            stopListening = undefined;
            onError(error);
            listenAgainLater();
          });
        };
        const listenAgainLater = (): void => {
          if (stopped || retry !== undefined) return;
          retry = setTimeout(() => {
            retry = undefined;
            if (stopped) return;
            listen().then(
              // Events appended while nobody listened are dispatched now, not at the next sweep.
              () => dispatch(),
              () => listenAgainLater(),
            );
          }, options.listenRetryMs ?? 2_000);
          retry.unref();
        };
        await listen();
        const sweep = setInterval(dispatch, sweepMs);
        sweep.unref();
        return async () => {
          stopped = true;
          clearInterval(sweep);
          clearTimeout(retry);
          await stopListening?.();
        };
      },
      healthy: () => healthy,
      close: async () => {
        clearInterval(probe);
        clearInterval(prune);
        for (const records of recordsWithState) records.stop();
        await boss.stop({ graceful: true, timeout: 5_000 });
        await connected.end();
      },
    };
  } catch (error) {
    await connected.end().catch(() => undefined);
    throw error;
  }
}
