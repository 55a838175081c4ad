// One bot instance's Test & Enable job state on a shared PostgreSQL, as the tests of several instances need it:
// the job repository and the pg-boss dispatch, over connections the test can cut as a SIGKILL would (every
// statement from then on hangs: no heartbeat, no failure reported, nothing written).
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { JobRepository } from '../../src/app/jobs/ports.js';
import { PostgresJobDispatch } from '../../src/postgres/job-dispatch.js';
import { PostgresJobRepository } from '../../src/postgres/jobs-repository.js';

export interface SharedJobsInstance {
  readonly repository: JobRepository;
  readonly dispatch: PostgresJobDispatch;
  /** From now on, nothing of this instance reaches PostgreSQL. */
  kill(): void;
  /** Stops pg-boss and closes the connections; after `kill`, only closes the connections (a dead instance stops nothing). */
  close(): Promise<void>;
}

/** pg-boss's minimum: a killed instance's run is failed about this long after its last heartbeat. */
export const HEARTBEAT_SECONDS = 10;

export async function openSharedJobs(url: string, options: { readonly now?: () => number } = {}): Promise<SharedJobsInstance> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  // Connections dropped as the test's server stops are no failure of the test.
  pool.on('error', () => undefined);
  let dead = false;
  const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);
  const boss = new PgBoss({
    // The query's own result, as pg-boss's pool does (a multi-statement text answers with an array of them).
    db: { executeSql: (text, values) => (dead ? hang<{ rows: unknown[] }>() : pool.query(text, values)) },
    schema: 'pgboss',
    superviseIntervalSeconds: 1,
    monitorIntervalSeconds: 1,
  });
  boss.on('error', () => undefined);
  await boss.start();
  const dispatch = await PostgresJobDispatch.open(boss, { heartbeatSeconds: HEARTBEAT_SECONDS, pollingIntervalSeconds: 0.5, ...(options.now === undefined ? {} : { now: options.now }) });
  const inner = new PostgresJobRepository(pool, { enqueueRun: (client, jobId) => dispatch.enqueueRunIn(client, jobId) });
  const alive = <T>(call: () => Promise<T>): Promise<T> => (dead ? hang<T>() : call());
  const repository: JobRepository = {
    shared: inner.shared,
    jobs: () => alive(() => inner.jobs()),
    changedJobs: (since) => alive(() => inner.changedJobs(since)),
    nextJobId: () => alive(() => inner.nextJobId()),
    create: (job, retain) => alive(() => inner.create(job, retain)),
    update: (jobIds, change) => alive(() => inner.update(jobIds, change)),
    subscriptions: () => alive(() => inner.subscriptions()),
    changeSubscriptions: (work) => alive(() => inner.changeSubscriptions(work)),
  };
  return {
    repository,
    dispatch,
    kill: () => {
      dead = true;
    },
    close: async () => {
      if (!dead) await boss.stop({ graceful: false, close: false });
      await pool.end();
    },
  };
}
