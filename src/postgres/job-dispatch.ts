// Test & Enable work handed to one of several bot instances through pg-boss queues shared by all of them
// (docs/scale-out.md):
// - Runs: one pg-boss job per Test & Enable job, singletonKey = the job id, on an `exclusive` queue (one queued or
//   active per key): dispatching a job already queued or under way adds nothing. The instance running it keeps
//   it alive with heartbeats; a killed instance's run is failed once its heartbeat lapses and retried, so another
//   instance takes the job over. Runs that fail every retry go to a dead-letter queue (a start dispatches every
//   unfinished job again).
// - Retry checks: a retry falling due is one pg-boss job per due moment (singletonKey = the time, sent to start
//   then, `exclusive`), so instances asking for the same moment get one; it asks for a check on a `stately` queue
//   with one key (one check under way and at most one waiting), so checks never overlap and two instances never
//   start retry jobs for the same mailboxes.
import type pg from 'pg';
import type { Job, PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { DispatchedWork, JobDispatch } from '../app/jobs/ports.js';
import { describeIssues } from '../shared/zod-problems.js';
import { ensureQueue } from './job-system.js';

export const JOB_QUEUES = {
  runs: 'test-and-enable-runs',
  deadRuns: 'test-and-enable-runs-dead',
  retryDue: 'test-and-enable-retry-due',
  retryChecks: 'test-and-enable-retry-checks',
} as const;

/** The one key of the retry checks: one under way and one waiting, whoever asked. */
const RETRY_CHECK_KEY = 'retry-check';

export interface PostgresJobDispatchOptions {
  /** Test & Enable jobs this instance runs at once (they share its testing pool); the rest wait for any instance. Default 8. */
  readonly runsAtOnce?: number;
  /**
   * A run whose instance sent no heartbeat for this long is failed and retried by another instance. At least 10
   * (pg-boss's minimum); default 20. Workers refresh it every half of that.
   */
  readonly heartbeatSeconds?: number;
  /** How often idle workers look for work when no notification woke them. Default 2 s. */
  readonly pollingIntervalSeconds?: number;
  /** The clock retry due times are read by (the runner's). */
  readonly now?: () => number;
  readonly log?: { warn(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void };
}

const runSchema = z.object({ jobId: z.string().min(1) }).strict();
const retryDueSchema = z.object({ dueAt: z.iso.datetime({ offset: true }) }).strict();

function parsedData<T>(schema: z.ZodType<T>, job: Job<unknown>, queue: string): T {
  const result = schema.safeParse(job.data);
  if (!result.success) throw new Error(`pg-boss job ${job.id} on ${queue} carries unexpected data: ${describeIssues(result.error).join('; ')}`);
  return result.data;
}

/**
 * pg-boss statements on the connection of a transaction of ours (transactional enqueue). The query's own result, as
 * pg-boss's pool gives it (a multi-statement text answers with an array of results).
 */
const onConnection = (client: pg.PoolClient) => ({
  executeSql: (text: string, values?: unknown[]) => client.query(text, values),
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PostgresJobDispatch implements JobDispatch {
  private stopping = false;
  private readonly runsAtOnce: number;
  private readonly heartbeatSeconds: number;
  private readonly pollingIntervalSeconds: number;
  private readonly now: () => number;

  private constructor(
    private readonly boss: PgBoss,
    private readonly options: PostgresJobDispatchOptions,
  ) {
    this.runsAtOnce = options.runsAtOnce ?? 8;
    this.heartbeatSeconds = Math.max(10, options.heartbeatSeconds ?? 20);
    this.pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    this.now = options.now ?? Date.now;
  }

  /** Creates the queues (a no-op where they exist) and returns the dispatch; `start` begins taking work. */
  static async open(boss: PgBoss, options: PostgresJobDispatchOptions = {}): Promise<PostgresJobDispatch> {
    const dispatch = new PostgresJobDispatch(boss, options);
    await ensureQueue(boss, {
      name: JOB_QUEUES.runs,
      policy: 'exclusive',
      heartbeatSeconds: dispatch.heartbeatSeconds,
      // A run lasts as long as its job (hours for tens of thousands of mailboxes); pg-boss allows a day at most,
      // after which the run is retried and the job resumed where it is.
      expireInSeconds: 24 * 60 * 60,
      // Every stop of an instance running the job counts one retry: enough for many deployments in a row.
      retryLimit: 50,
      retryDelaySeconds: 1,
      retryDelayMaxSeconds: 60,
      deadLetter: JOB_QUEUES.deadRuns,
      notify: true,
    });
    await ensureQueue(boss, { name: JOB_QUEUES.retryDue, policy: 'exclusive', retryLimit: 5, retryDelaySeconds: 5, retryDelayMaxSeconds: 300, notify: true });
    await ensureQueue(boss, { name: JOB_QUEUES.retryChecks, policy: 'stately', retryLimit: 5, retryDelaySeconds: 5, retryDelayMaxSeconds: 300, notify: true });
    return dispatch;
  }

  async start(work: DispatchedWork): Promise<void> {
    this.stopping = false;
    // With LISTEN/NOTIFY a new job wakes idle workers at once; polling is the backstop.
    const polling = { pollingIntervalSeconds: this.pollingIntervalSeconds, notifyPollingIntervalSeconds: this.pollingIntervalSeconds * 5 };
    await this.boss.work<unknown>(JOB_QUEUES.runs, { ...polling, batchSize: 1, localConcurrency: this.runsAtOnce }, async ([job]) => {
      if (job !== undefined) await this.run(work, job);
    });
    await this.boss.work<unknown>(JOB_QUEUES.retryDue, { ...polling, batchSize: 1 }, async ([job]) => {
      if (job !== undefined) await this.retryFallsDue(job);
    });
    await this.boss.work<unknown>(JOB_QUEUES.retryChecks, { ...polling, batchSize: 1 }, () => work.checkRetries());
  }

  /** The run of one job on this instance: the pg-boss job stays active (with heartbeats) until the run ends. */
  private async run(work: DispatchedWork, job: Job<unknown>): Promise<void> {
    const { jobId } = parsedData(runSchema, job, JOB_QUEUES.runs);
    const run = await work.takeRun(jobId, job.signal);
    if (run === undefined) return;
    const end = await run.ended;
    // Failed, so pg-boss retries it: another instance (or this one once started again) resumes the job.
    if (end === 'stopped') throw new Error(`This instance stopped before Test & Enable job ${jobId} was done; another instance resumes it.`);
  }

  /** A retry falls due: ask for the (one) retry check, once the due time has come by the runner's clock too. */
  private async retryFallsDue(job: Job<unknown>): Promise<void> {
    const dueAt = Date.parse(parsedData(retryDueSchema, job, JOB_QUEUES.retryDue).dueAt);
    // pg-boss starts the job by the database's clock; a check made before the runner's clock agrees finds nothing due.
    while (!this.stopping && !job.signal.aborted && this.now() < dueAt) await sleep(Math.min(1_000, dueAt - this.now()));
    if (this.stopping) throw new Error('This instance stopped before the retry check was asked for; another instance asks.');
    await this.boss.send(JOB_QUEUES.retryChecks, {}, { singletonKey: RETRY_CHECK_KEY });
  }

  async dispatchRun(jobId: string): Promise<void> {
    await this.boss.send(JOB_QUEUES.runs, { jobId }, { singletonKey: jobId });
  }

  /** Enqueues the job's run in the transaction of `client` (the one creating the job). */
  async enqueueRunIn(client: pg.PoolClient, jobId: string): Promise<void> {
    await this.boss.send(JOB_QUEUES.runs, { jobId }, { singletonKey: jobId, db: onConnection(client) });
  }

  async dispatchRetryCheck(dueAt: Date): Promise<void> {
    const key = dueAt.toISOString();
    await this.boss.send(JOB_QUEUES.retryDue, { dueAt: key }, { singletonKey: key, startAfter: dueAt });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const names = [JOB_QUEUES.runs, JOB_QUEUES.retryDue, JOB_QUEUES.retryChecks];
    const stopped = await Promise.allSettled(names.map((name) => this.boss.offWork(name, { wait: true })));
    for (const outcome of stopped) {
      if (outcome.status === 'rejected') this.options.log?.warn('could not stop taking Test & Enable work cleanly', { error: outcome.reason });
    }
  }
}
