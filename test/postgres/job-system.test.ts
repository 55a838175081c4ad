// pg-boss as the job system of several instances: the properties the bot relies on, on a real PostgreSQL.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRunEnd } from '../../src/app/jobs/ports.js';
import { JOB_QUEUES } from '../../src/postgres/job-dispatch.js';
import { ensureQueue, startJobSystem } from '../../src/postgres/job-system.js';
import { exampleStore } from '../support/fixtures.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { ManualTime, runnerFor } from '../jobs/support.js';
import { jobRecord } from '../store/jobs-repository.contract.js';
import { openSharedJobs } from './shared-jobs.js';

let postgres: TestPostgres | undefined;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => { postgres = await startTestPostgres(); }, 60_000);
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await postgres?.stop();
}, 60_000);

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the job system shared by two instances', () => {
  it('hands each of 200 jobs to exactly one of two instances', async () => {
    if (!postgres) throw new Error('PostgreSQL did not start');
    const url = await postgres.createDatabase();
    const instances: PgBoss[] = [];
    try {
      // Started one after the other: the second finds pg-boss's schema already installed.
      for (const name of ['instance-a', 'instance-b']) instances.push(await startJobSystem({ connectionString: url, applicationName: name }));
      const [first, second] = instances;
      if (!first || !second) throw new Error('instances did not start');
      await ensureQueue(first, { name: 'test-mailbox', retryLimit: 0, retryDelaySeconds: 1 });
      const handledBy = new Map<string, string[]>();
      for (const [index, boss] of instances.entries()) {
        await boss.work<{ mailboxId: string }>('test-mailbox', { batchSize: 5, pollingIntervalSeconds: 0.5 }, async (jobs) => {
          for (const job of jobs) handledBy.set(job.data.mailboxId, [...(handledBy.get(job.data.mailboxId) ?? []), `instance-${index}`]);
          await Promise.resolve();
        });
      }
      const ids = Array.from({ length: 200 }, (_, index) => `mailbox-${index}`);
      await first.insert('test-mailbox', ids.map((mailboxId) => ({ data: { mailboxId } })));
      await waitFor(() => handledBy.size === ids.length, 30_000);
      // Give a duplicate, if any, the time to show up.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect([...handledBy.values()].every((instancesThatRanIt) => instancesThatRanIt.length === 1)).toBe(true);
      expect(handledBy.size).toBe(200);
    } finally {
      await Promise.all(instances.map((boss) => boss.stop({ graceful: false })));
    }
  }, 60_000);

  it('copies a job that fails every retry to the dead-letter queue', async () => {
    if (!postgres) throw new Error('PostgreSQL did not start');
    const boss = await startJobSystem({ connectionString: await postgres.createDatabase() });
    try {
      await ensureQueue(boss, { name: 'fragile', retryLimit: 1, retryDelaySeconds: 1, deadLetter: 'fragile-dead' });
      let attempts = 0;
      await boss.work('fragile', { pollingIntervalSeconds: 0.5 }, async () => {
        attempts += 1;
        await Promise.resolve();
        throw new Error('Exchange said no');
      });
      const dead: unknown[] = [];
      await boss.work<{ mailboxId: string }>('fragile-dead', { pollingIntervalSeconds: 0.5 }, async ([job]) => {
        dead.push(job?.data);
        await Promise.resolve();
      });
      await boss.send('fragile', { mailboxId: 'mbx-1' });
      await waitFor(() => dead.length === 1, 30_000);
      expect(attempts).toBe(2);
      expect(dead).toEqual([{ mailboxId: 'mbx-1' }]);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 60_000);
});

describe('Test & Enable work dispatched through pg-boss to two instances', () => {
  it('hands each of 40 dispatched job runs to exactly one of two instances, however often both dispatch them', async () => {
    const time = new ManualTime();
    const database = await migratedDatabase(postgres);
    cleanups.push(() => database.pool.end());
    const instances = [await openSharedJobs(database.url, { now: () => time.now }), await openSharedJobs(database.url, { now: () => time.now })];
    for (const instance of instances) cleanups.push(() => instance.close());
    const takenBy = new Map<string, number[]>();
    let dispatched: () => void = () => undefined;
    const allDispatched = new Promise<void>((resolve) => (dispatched = resolve));
    for (const [index, instance] of instances.entries()) {
      await instance.dispatch.start({
        takeRun: (jobId) => {
          takenBy.set(jobId, [...(takenBy.get(jobId) ?? []), index]);
          // Under way until every dispatch was made: none of them may start it again meanwhile.
          const ended = allDispatched.then(() => new Promise<JobRunEnd>((resolve) => setTimeout(() => resolve('finished'), 100)));
          return Promise.resolve({ ended });
        },
        checkRetries: () => Promise.resolve(),
      });
    }
    const jobIds = Array.from({ length: 40 }, (_, index) => `J-${index + 1}`);
    await Promise.all(jobIds.flatMap((jobId) => instances.map((instance) => instance.dispatch.dispatchRun(jobId))));
    const [first] = instances;
    if (first === undefined) throw new Error('no instance');
    await Promise.all(jobIds.map((jobId) => first.dispatch.dispatchRun(jobId)));
    dispatched();
    await vi.waitFor(() => expect(takenBy.size).toBe(jobIds.length), { timeout: 30_000, interval: 50 });
    // Time for a second run of any job, if there were one, to show up.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([...takenBy.values()].filter((takers) => takers.length !== 1)).toEqual([]);
    // Both instances took runs (each runs 8 at once, so neither can have taken all 40 at first).
    expect(new Set([...takenBy.values()].flat())).toEqual(new Set([0, 1]));
  }, 60_000);

  it("enqueues a job's run in the transaction that creates the job", async () => {
    const database = await migratedDatabase(postgres);
    cleanups.push(() => database.pool.end());
    const instance = await openSharedJobs(database.url);
    cleanups.push(() => instance.close());
    const jobId = await instance.repository.nextJobId();
    await instance.repository.create(jobRecord(jobId), 10);
    // A second create of the same id fails and enqueues nothing.
    await expect(instance.repository.create(jobRecord(jobId), 10)).rejects.toThrow(/already taken/);
    const { rows } = await database.pool.query<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1 AND singleton_key = $2', [JOB_QUEUES.runs, jobId]);
    expect(rows.map((row) => row.state)).toEqual(['created']);
  }, 60_000);

  it('creates exactly one retry job when two runners find the same retry due at the same moment', async () => {
    const time = new ManualTime();
    const database = await migratedDatabase(postgres);
    cleanups.push(() => database.pool.end());
    const [stateOfA, stateOfB] = [await openSharedJobs(database.url, { now: () => time.now }), await openSharedJobs(database.url, { now: () => time.now })];
    for (const instance of [stateOfA, stateOfB]) cleanups.push(() => instance.close());
    const store = await exampleStore();
    const a = runnerFor(store, { time, tag: 'a', repository: () => stateOfA.repository, dispatch: stateOfA.dispatch });
    const b = runnerFor(store, { time, tag: 'b', repository: () => stateOfB.repository, dispatch: stateOfB.dispatch });
    await a.runner.start();
    const evan = store.mailboxByEmail('evan@contoso.com');
    const ada = store.userById('user-ada');
    if (evan === undefined || ada === undefined) throw new Error('the example organization changed');
    // Evan's test fails temporarily: a retry is scheduled five minutes on.
    const created = await a.runner.createJob({ requester: ada, mailboxIds: [evan.id], origin: 'command', title: 'Test & Enable Evan' });
    if (!created.ok) throw new Error(created.error.message);
    await vi.waitFor(async () => {
      await time.advance(1_000);
      expect((await stateOfA.repository.jobs())[0]?.status).toBe('done');
    }, { timeout: 15_000, interval: 100 });
    const dueAt = store.mailboxByEmail('evan@contoso.com')?.postponeTestEmailConfigurationUntil;
    expect(dueAt).not.toBeNull();
    // B starts and finds the same retry due at the same moment; both ask for a check at it.
    await b.runner.start();
    await time.advance(Date.parse(dueAt ?? '') - time.now);
    const retryJobs = async () => (await stateOfA.repository.jobs()).filter((job) => job.origin === 'retry');
    await vi.waitFor(async () => expect(await retryJobs()).toHaveLength(1), { timeout: 15_000, interval: 50 });
    // Time for a second one, if any, to show up.
    for (let step = 0; step < 10; step++) {
      await time.advance(100);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await retryJobs()).toHaveLength(1);
    await a.runner.stop();
    await b.runner.stop();
  }, 60_000);
});
