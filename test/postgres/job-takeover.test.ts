// Test & Enable jobs shared by several bot instances on PostgreSQL: a job's run is dispatched through pg-boss to
// exactly one instance, which marks itself the job's owner, so each of its mailboxes is tested by that instance
// alone; a job whose instance died (its run's heartbeat lapsed) is taken over by another, which finishes it with
// every mailbox recorded once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { exampleStore } from '../support/fixtures.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { ManualTime, runnerFor, settleMicrotasks } from '../jobs/support.js';
import { HEARTBEAT_SECONDS, openSharedJobs, type SharedJobsInstance } from './shared-jobs.js';

const EXO = 'profile-exchange-online';

let postgres: TestPostgres | undefined;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await postgres?.stop();
}, 60_000);

/** A new database with the bot's tables; `instance` opens one more instance's job state on it. */
async function sharedDatabase(time: ManualTime): Promise<{ instance(): Promise<SharedJobsInstance> }> {
  const database = await migratedDatabase(postgres);
  cleanups.push(() => database.pool.end());
  return {
    instance: async () => {
      const opened = await openSharedJobs(database.url, { now: () => time.now });
      cleanups.push(() => opened.close());
      return opened;
    },
  };
}

const profileMailboxIds = (store: DocumentEmailConfigStore): string[] => store.queryMailboxes({ profileId: EXO, activeOnly: true }, 0, 100).items.map((mailbox) => mailbox.id);

function ada(store: DocumentEmailConfigStore) {
  const user = store.userById('user-ada');
  if (user === undefined) throw new Error('no Ada');
  return user;
}

/** Each mailbox of the job recorded once: in its results and in the audit log. */
function expectEachRecordedOnce(store: DocumentEmailConfigStore, job: JobRecord): void {
  const ids = job.mailboxes.map((mailbox) => mailbox.id).sort();
  expect(job.results.map((result) => result.mailboxId).sort()).toEqual(ids);
  const audited = store.recentAudit(1_000).filter((entry) => entry.action === 'mailbox.testAndEnable' && entry.details.startsWith(`Job ${job.id},`));
  expect(audited.map((entry) => entry.target.id).sort()).toEqual(ids);
}

async function onlyJob(instance: SharedJobsInstance): Promise<JobRecord> {
  const [job] = await instance.repository.jobs();
  if (job === undefined) throw new Error('the job is not in PostgreSQL');
  return job;
}

/** Moves the test's clock a second at a time (batches get written) until `check` passes, in real time. */
async function advanceUntil(time: ManualTime, check: () => Promise<void>, timeoutMs: number): Promise<void> {
  await vi.waitFor(async () => {
    await time.advance(1_000);
    await settleMicrotasks();
    await check();
  }, { timeout: timeoutMs, interval: 100 });
}

describe('Test & Enable jobs shared by two instances', () => {
  it('runs a dispatched job on exactly one instance: the other tests none of its mailboxes', async () => {
    const time = new ManualTime();
    const database = await sharedDatabase(time);
    const store = await exampleStore();
    const [stateOfA, stateOfB] = [await database.instance(), await database.instance()];
    const a = runnerFor(store, { time, tag: 'a', repository: () => stateOfA.repository, dispatch: stateOfA.dispatch });
    const b = runnerFor(store, { time, tag: 'b', repository: () => stateOfB.repository, dispatch: stateOfB.dispatch });
    await a.runner.start();
    await b.runner.start();
    a.connector.hold.add('*');
    b.connector.hold.add('*');
    const created = await a.runner.createJob({ requester: ada(store), mailboxIds: profileMailboxIds(store), origin: 'profile', title: 'Test & Enable the Exchange Online mailboxes' });
    if (!created.ok) throw new Error(created.error.message);
    // Whichever instance's worker took the run owns the job; a second dispatch of the same job adds nothing.
    await stateOfB.dispatch.dispatchRun(created.value.id);
    const owner = await vi.waitFor(async () => {
      const instance = (await onlyJob(stateOfA)).owner?.instance;
      expect(instance).toBeDefined();
      return instance;
    }, { timeout: 15_000, interval: 50 });
    const [running, idle] = owner === a.runner.instance ? [a, b] : [b, a];
    await vi.waitFor(() => expect(running.connector.heldAddresses().length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    running.connector.release();
    idle.connector.release();
    await advanceUntil(time, async () => expect((await onlyJob(stateOfA)).status).toBe('done'), 20_000);
    const job = await onlyJob(stateOfA);
    expect(idle.connector.calls).toEqual([]);
    // Every mailbox Exchange had to test, tested once (the others were decided without it).
    expect(running.connector.calls.length).toBeGreaterThan(0);
    expect(new Set(running.connector.calls).size).toBe(running.connector.calls.length);
    expectEachRecordedOnce(store, job);
    await a.runner.stop();
    await b.runner.stop();
  }, 60_000);

  it('takes over a job whose instance died, once its heartbeat lapsed, and records every mailbox once', async () => {
    const time = new ManualTime();
    const database = await sharedDatabase(time);
    const store = await exampleStore();
    const stateOfA = await database.instance();
    const a = runnerFor(store, { time, tag: 'a', runner: { concurrency: 2, batchSize: 1 }, repository: () => stateOfA.repository, dispatch: stateOfA.dispatch });
    await a.runner.start();
    a.connector.hold.add('*');
    const created = await a.runner.createJob({ requester: ada(store), mailboxIds: profileMailboxIds(store), origin: 'profile', title: 'Test & Enable the Exchange Online mailboxes' });
    if (!created.ok) throw new Error(created.error.message);
    await vi.waitFor(() => expect(a.connector.heldAddresses()).toHaveLength(2), { timeout: 15_000, interval: 20 });
    // A tests two mailboxes and records them, then dies (SIGKILL: no heartbeat, no stop, nothing more written).
    for (const address of a.connector.heldAddresses().slice(0, 2)) a.connector.release(address);
    await advanceUntil(time, async () => expect((await onlyJob(stateOfA)).results.length).toBeGreaterThanOrEqual(2), 10_000);
    stateOfA.kill();

    const stateOfB = await database.instance();
    const before = await onlyJob(stateOfB);
    expect(before.status).not.toBe('done');
    expect(before.owner?.instance).toBe(a.runner.instance);
    const b = runnerFor(store, { time, tag: 'b', repository: () => stateOfB.repository, dispatch: stateOfB.dispatch });
    await b.runner.start();
    // pg-boss fails A's run once its heartbeat lapsed and retries it; B's worker takes it and finishes the job.
    await advanceUntil(time, async () => expect((await onlyJob(stateOfB)).status).toBe('done'), (HEARTBEAT_SECONDS + 30) * 1_000);
    const job = await onlyJob(stateOfB);
    expect(job.owner?.instance).toBe(b.runner.instance);
    expectEachRecordedOnce(store, job);
    // B tested only what A had not recorded, each once.
    const recordedByA = new Set(before.results.map((result) => job.mailboxes.find((mailbox) => mailbox.id === result.mailboxId)?.emailAddress.toLowerCase()));
    expect(b.connector.calls.filter((address) => recordedByA.has(address))).toEqual([]);
    expect(new Set(b.connector.calls).size).toBe(b.connector.calls.length);
    expect(b.connector.calls.length).toBeGreaterThan(0);
    await b.runner.stop();
  }, 90_000);
});
