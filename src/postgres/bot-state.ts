// The bot's own state in PostgreSQL, as the composition root opens it: connect (PostgreSQL 13 or later, failures
// naming DATABASE_URL without its password), migrate under the migration lock, and keep an eye on the
// connection so that /healthz can say when the database is gone.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { OrganizationRecords } from '../app/ports.js';
import { PostgresApprovalRequestRepository } from './approval-requests.js';
import { PostgresAuditLog } from './audit-log.js';
import { openPostgresPool } from './connection.js';
import { listenForEvents, PostgresEventOutboxRepository } from './event-outbox.js';
import { PostgresJobRepository } from './jobs-repository.js';
import { loadMigrations, migrate, type MigrationReport } from './migrations.js';
import { PostgresNotifyRepository } from './notify-repository.js';
import { PostgresPendingChoiceRepository } from './pending-choices.js';
import { RecordsWithStateInPostgres } from './records-with-state.js';

export interface PostgresBotState {
  /** This process's name in claims and leases: host, process id and a random part. */
  readonly instanceId: string;
  readonly migrations: MigrationReport;
  readonly notify: PostgresNotifyRepository;
  readonly audit: PostgresAuditLog;
  readonly eventOutbox: PostgresEventOutboxRepository;
  readonly jobs: PostgresJobRepository;
  readonly approvals: PostgresApprovalRequestRepository;
  /** Confirmations and suggestions waiting for the click on their card, which may reach any instance. */
  readonly choices: PostgresPendingChoiceRepository;
  /** The organization's records with the audit entries and events of every write kept here. */
  records(backend: OrganizationRecords): OrganizationRecords;
  /**
   * Calls `dispatch` whenever any instance records events (LISTEN/NOTIFY), and every `sweepMs` besides (a
   * consumer whose instance died is taken over once its lease expired). Returns a stop function.
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
  readonly onHealthChange?: (healthy: boolean, error?: unknown) => void;
}

export async function openPostgresBotState(databaseUrl: string, options: PostgresBotStateOptions = {}): Promise<PostgresBotState> {
  const pool: pg.Pool = await openPostgresPool(databaseUrl, { max: 20 });
  try {
    const migrations = await migrate(pool, await loadMigrations());
    const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
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
    return {
      instanceId,
      migrations,
      notify,
      audit: new PostgresAuditLog(pool),
      eventOutbox: new PostgresEventOutboxRepository(pool, { instanceId }),
      jobs: new PostgresJobRepository(pool),
      approvals: new PostgresApprovalRequestRepository(pool),
      choices: new PostgresPendingChoiceRepository(pool),
      records: (backend) => new RecordsWithStateInPostgres(backend, pool),
      watchEvents: async (dispatch, onError, sweepMs = 15_000) => {
        const stopListening = await listenForEvents(pool, dispatch, onError);
        const sweep = setInterval(dispatch, sweepMs);
        sweep.unref();
        return async () => {
          clearInterval(sweep);
          await stopListening();
        };
      },
      healthy: () => healthy,
      close: async () => {
        clearInterval(probe);
        clearInterval(prune);
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
