// Test & Enable jobs shared by several bot instances on PostgreSQL: a job is run by the instance holding its lease,
// so each of its mailboxes is tested by exactly one instance; a job whose instance died (its lease ran out) is taken
// over by another, which finishes it with every mailbox recorded once.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRepository } from '../../src/app/jobs/ports.js';
import { PostgresJobRepository } from '../../src/postgres/jobs-repository.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { exampleStore } from '../support/fixtures.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { ManualTime, runnerFor, settle, settleMicrotasks } from '../jobs/support.js';

const LEASE_MS = 3_000;
const EXO = 'profile-exchange-online';

let postgres: TestPostgres | undefined;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await postgres?.stop();
});

async function sharedJobs(): Promise<() => Promise<JobRepository>> {
  const database = await migratedDatabase(postgres);
  pools.push(database.pool);
  return async () => {
    const pool = await database.open();
    pools.push(pool);
    return new PostgresJobRepository(pool);
  };
}

/** The `repository` option of `runnerFor`: this instance's own repository on the shared database. */
const repositoryFrom = async (open: () => Promise<JobRepository>): Promise<() => JobRepository> => {
  const repository = await open();
  return () => repository;
};

const profileMailboxIds = (store: DocumentEmailConfigStore): string[] => store.queryMailboxes({ profileId: EXO, activeOnly: true }, 0, 100).items.map((mailbox) => mailbox.id);

function ada(store: DocumentEmailConfigStore) {
  const user = store.userById('user-ada');
  if (user === undefined) throw new Error('no Ada');
  return user;
}

/** Each mailbox of the job recorded once: in its results and in the audit log. */
function expectEachRecordedOnce(store: DocumentEmailConfigStore, jobId: string, job: { readonly mailboxes: readonly { readonly id: string }[]; readonly results: readonly { readonly mailboxId: string }[] }): void {
  const ids = job.mailboxes.map((mailbox) => mailbox.id).sort();
  expect(job.results.map((result) => result.mailboxId).sort()).toEqual(ids);
  const audited = store.recentAudit(1_000).filter((entry) => entry.action === 'mailbox.testAndEnable' && entry.details.startsWith(`Job ${jobId},`));
  expect(audited.map((entry) => entry.target.id).sort()).toEqual(ids);
}

describe('Test & Enable jobs shared by two instances', () => {
  it('runs a job on the instance holding its lease only: the other tests none of its mailboxes', async () => {
    const open = await sharedJobs();
    const store = await exampleStore();
    const time = new ManualTime();
    const a = runnerFor(store, { time, tag: 'a', runner: { leaseMs: LEASE_MS }, repository: await repositoryFrom(open) });
    const b = runnerFor(store, { time, tag: 'b', runner: { leaseMs: LEASE_MS }, repository: await repositoryFrom(open) });
    await a.runner.start();
    await b.runner.start();
    a.connector.hold.add('*');
    const created = await a.runner.createJob({ requester: ada(store), mailboxIds: profileMailboxIds(store), origin: 'profile', title: 'Test & Enable the Exchange Online mailboxes' });
    if (!created.ok) throw new Error(created.error.message);
    // Three leases' worth of time: A renews its lease, B looks for jobs to take over and finds none free. The test's
    // clock moves only once A's renewal (real I/O) has reached PostgreSQL, as a live lease of 60 s leaves time for.
    const jobs = await open();
    for (let step = 0; step < 9; step++) {
      await time.advance(LEASE_MS / 3);
      await vi.waitFor(async () => {
        const [stored] = await jobs.jobs();
        expect(Date.parse(stored?.owner?.until ?? '')).toBeGreaterThanOrEqual(time.now + (2 * LEASE_MS) / 3);
      }, { timeout: 5_000, interval: 10 });
    }
    a.connector.release();
    await settle(a.runner);
    for (let step = 0; step < 3; step++) await time.advance(LEASE_MS / 3);
    await settle(a.runner);
    const [job] = await (await open()).jobs();
    if (job === undefined) throw new Error('the job is not in PostgreSQL');
    expect(job.status).toBe('done');
    expect(b.connector.calls).toEqual([]);
    expectEachRecordedOnce(store, job.id, job);
    await a.runner.stop();
    await b.runner.stop();
  });

  it('takes over a job whose instance died, once its lease ran out, and records every mailbox once', async () => {
    const open = await sharedJobs();
    const store = await exampleStore();
    const time = new ManualTime();
    let dead = false;
    const dying = (inner: JobRepository): JobRepository => {
      const alive = <T>(call: () => Promise<T>): Promise<T> => (dead ? Promise.reject(new Error('the process is gone')) : call());
      return {
        shared: inner.shared,
        jobs: () => alive(() => inner.jobs()),
        nextJobId: () => alive(() => inner.nextJobId()),
        create: (job, retain) => alive(() => inner.create(job, retain)),
        update: (jobIds, change) => alive(() => inner.update(jobIds, change)),
        subscriptions: () => alive(() => inner.subscriptions()),
        changeSubscriptions: (work) => alive(() => inner.changeSubscriptions(work)),
      };
    };
    const repositoryOfA = dying(await open());
    const a = runnerFor(store, { time, tag: 'a', runner: { leaseMs: LEASE_MS, concurrency: 2, batchSize: 1 }, repository: () => repositoryOfA });
    await a.runner.start();
    a.connector.hold.add('*');
    const created = await a.runner.createJob({ requester: ada(store), mailboxIds: profileMailboxIds(store), origin: 'profile', title: 'Test & Enable the Exchange Online mailboxes' });
    if (!created.ok) throw new Error(created.error.message);
    // A tests two mailboxes and records them, then dies (SIGKILL: no lease released, nothing more written).
    for (const address of a.connector.heldAddresses().slice(0, 2)) a.connector.release(address);
    await settleMicrotasks(20);
    await time.advance(1_000);
    await settleMicrotasks(20);
    dead = true;
    const stopping = a.runner.stop();
    await time.advance(10_000);
    await stopping;

    const repositoryOfB = await open();
    const before = (await repositoryOfB.jobs())[0];
    expect(before?.status).not.toBe('done');
    const b = runnerFor(store, { time, tag: 'b', runner: { leaseMs: LEASE_MS }, repository: () => repositoryOfB });
    await b.runner.start();
    for (let step = 0; step < 6; step++) await time.advance(LEASE_MS / 3);
    // B's takeover is real I/O: wait until the job it took over is finished.
    await vi.waitFor(async () => {
      await settle(b.runner);
      expect((await repositoryOfB.jobs())[0]?.status).toBe('done');
    }, { timeout: 10_000, interval: 20 });
    const [job] = await repositoryOfB.jobs();
    if (job === undefined) throw new Error('the job is not in PostgreSQL');
    expect(job.status).toBe('done');
    expect(job.owner?.instance).toMatch(/runner-b/);
    expectEachRecordedOnce(store, job.id, job);
    // B tested only what A had not recorded, each once.
    const recordedByA = new Set((before?.results ?? []).map((result) => job.mailboxes.find((mailbox) => mailbox.id === result.mailboxId)?.emailAddress.toLowerCase()));
    expect(b.connector.calls.filter((address) => recordedByA.has(address))).toEqual([]);
    expect(new Set(b.connector.calls).size).toBe(b.connector.calls.length);
    expect(b.connector.calls.length).toBeGreaterThan(0);
    await b.runner.stop();
  });
});
