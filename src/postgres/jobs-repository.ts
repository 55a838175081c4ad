// Test & Enable jobs and alert subscriptions in PostgreSQL. Job numbers come from a sequence, so ids are unique
// across instances and never reused; `update` locks the named rows (FOR UPDATE) for its read-modify-write, so
// changes from several instances to one job apply one after another, none lost. A new job's run is enqueued
// (pg-boss) in the transaction that inserts the job: no job is left without a run by a crash between the two.
import type pg from 'pg';
import { z } from 'zod';
import { alertSubscriptionRecordSchema, jobRecordSchema, type AlertSubscriptionRecord, type JobRecord } from '../app/jobs/job-records.js';
import type { JobRepository } from '../app/jobs/ports.js';
import { describeIssues } from '../shared/zod-problems.js';
import { inTransaction } from './transaction.js';

export class InvalidJobRecordError extends Error {
  override readonly name = 'InvalidJobRecordError';
}

const jobsSchema = z.array(jobRecordSchema);
const subscriptionsSchema = z.array(alertSubscriptionRecordSchema);

function parsed<T>(schema: z.ZodType<T>, value: unknown, where: string, under: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidJobRecordError(`${where}: ${describeIssues(result.error, { under: [under] }).join('; ')}`);
  return result.data;
}

const JOB_NUMBER = /^J-(\d+)$/;

/** Enqueues a job's run on the connection of the transaction creating the job. */
export type EnqueueRunInTransaction = (client: pg.PoolClient, jobId: string) => Promise<void>;

/** Changes committed this long after their transaction began are still seen by `changedJobs`. */
const CHANGE_OVERLAP = '1 minute';

export class PostgresJobRepository implements JobRepository {
  /** Every instance on the database sees these jobs: each is run by the instance its run was dispatched to (JobRecord.owner). */
  readonly shared = true;
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { readonly enqueueRun?: EnqueueRunInTransaction } = {},
  ) {}

  async changedJobs(since: string | undefined): Promise<{ readonly jobs: readonly JobRecord[]; readonly next: string }> {
    // updated_at is the writing transaction's start: a later commit is caught by reading a minute back each time.
    const { rows } = await this.pool.query<{ record: unknown; read_at: string }>(
      `WITH read AS (SELECT now() AS at)
       SELECT jobs.record, read.at::text AS read_at FROM read LEFT JOIN jobs
         ON $1::timestamptz IS NULL OR jobs.updated_at > $1::timestamptz - interval '${CHANGE_OVERLAP}'
       ORDER BY jobs.number`,
      [since ?? null],
    );
    const next = rows[0]?.read_at ?? since ?? '';
    return { jobs: parsed(jobsSchema, rows.flatMap((row) => (row.record === null ? [] : [row.record])), 'jobs', 'jobs'), next };
  }

  async jobs(): Promise<readonly JobRecord[]> {
    const { rows } = await this.pool.query<{ record: unknown }>('SELECT record FROM jobs ORDER BY number');
    return parsed(jobsSchema, rows.map((row) => row.record), 'jobs', 'jobs');
  }

  async nextJobId(): Promise<string> {
    const { rows } = await this.pool.query<{ number: string }>("SELECT nextval('job_numbers') AS number");
    return `J-${rows[0]?.number ?? ''}`;
  }

  create(job: JobRecord, retainFinished: number): Promise<readonly string[]> {
    const [record] = parsed(jobsSchema, [job], 'job not saved', 'jobs');
    const number = JOB_NUMBER.exec(job.id)?.[1];
    if (record === undefined || number === undefined) throw new InvalidJobRecordError(`job not saved: its id ${job.id} is not J-<number>`);
    return inTransaction(this.pool, async (client) => {
      const inserted = await client.query('INSERT INTO jobs (id, number, status, record) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [record.id, number, record.status, JSON.stringify(record)]);
      if (inserted.rowCount !== 1) throw new Error(`Job id ${job.id} is already taken.`);
      await this.options.enqueueRun?.(client, record.id);
      const { rows } = await client.query<{ id: string }>(
        `WITH removed AS (
           DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status = 'done' ORDER BY number DESC OFFSET $1) RETURNING id, number
         ) SELECT id FROM removed ORDER BY number DESC`,
        [Math.max(0, retainFinished)],
      );
      return rows.map((row) => row.id);
    });
  }

  update(jobIds: readonly string[], change: (job: JobRecord) => JobRecord | null): Promise<readonly JobRecord[]> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM jobs WHERE id = ANY($1::text[]) ORDER BY number FOR UPDATE', [[...jobIds]]);
      const stored = parsed(jobsSchema, rows.map((row) => row.record), 'jobs', 'jobs');
      const changed = stored.flatMap((job) => {
        const next = change(job);
        return next === null ? [] : [next];
      });
      const written = parsed(jobsSchema, changed, 'job not saved', 'jobs');
      if (written.length > 0) {
        await client.query(
          `UPDATE jobs SET status = j->>'status', record = j, updated_at = now()
           FROM jsonb_array_elements($1::jsonb) AS t(j) WHERE jobs.id = j->>'id'`,
          [JSON.stringify(written)],
        );
      }
      return written;
    });
  }

  async subscriptions(): Promise<readonly AlertSubscriptionRecord[]> {
    const { rows } = await this.pool.query<{ subscriptions: unknown }>('SELECT subscriptions FROM alert_subscriptions');
    return parsed(subscriptionsSchema, rows[0]?.subscriptions ?? [], 'alert_subscriptions', 'alertSubscriptions');
  }

  changeSubscriptions<R>(work: (current: readonly AlertSubscriptionRecord[]) => { readonly next: readonly AlertSubscriptionRecord[] | null; readonly result: R }): Promise<R> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ subscriptions: unknown }>('SELECT subscriptions FROM alert_subscriptions FOR UPDATE');
      const { next, result } = work(parsed(subscriptionsSchema, rows[0]?.subscriptions ?? [], 'alert_subscriptions', 'alertSubscriptions'));
      if (next !== null) {
        await client.query('UPDATE alert_subscriptions SET subscriptions = $1, updated_at = now()', [JSON.stringify(parsed(subscriptionsSchema, next, 'alert subscriptions not saved', 'alertSubscriptions'))]);
      }
      return result;
    });
  }
}
