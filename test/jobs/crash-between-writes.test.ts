// Test & Enable results go to two places that share no transaction: the organization's records (mailbox results,
// alerts, audit) and the job's own state. A process that dies between the two writes must leave, after the next
// start, every mailbox recorded exactly once: in the job's results, in the audit log and on the alert walls, and
// tested at Exchange no more often than needed.
import { describe, expect, it } from 'vitest';
import { batchInDoubt, type JobRecord } from '../../src/app/jobs/job-records.js';
import type { JobRepository } from '../../src/app/jobs/ports.js';
import type { OrganizationRecords } from '../../src/app/ports.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { exampleStore } from '../support/fixtures.js';
import { mailboxByEmail, runnerFor, settle, settleMicrotasks, storedJob } from './support.js';

const ADDRESSES = ['ada@contoso.com', 'otto@contoso.com'];

/** Stands for the process dying at one step: that step and every write after it fail. */
class Crash {
  happened = false;
  check(): void {
    if (this.happened) throw new Error('the process is gone');
  }
}

type JobWrite = 'writeAhead' | 'commit' | 'other';

/** Which step of a batch a job update is. */
function kindOf(before: JobRecord, after: JobRecord | null): JobWrite {
  if (after === null) return 'other';
  if (batchInDoubt(after) !== undefined && batchInDoubt(before) === undefined) return 'writeAhead';
  if (batchInDoubt(after) === undefined && batchInDoubt(before) !== undefined && after.results.length > before.results.length) return 'commit';
  return 'other';
}

/**
 * The job repository of a process that dies at one step: the batch written ahead and then nothing more, or
 * everything up to (not including) the commit of a batch on its job.
 */
function crashingRepository(crash: Crash, dieAt: JobWrite) {
  return (inner: JobRepository): JobRepository => ({
    shared: inner.shared,
    jobs: () => inner.jobs(),
    changedJobs: (since) => inner.changedJobs(since),
    nextJobId: () => inner.nextJobId(),
    subscriptions: () => inner.subscriptions(),
    create: (job, retain) => (crash.check(), inner.create(job, retain)),
    changeSubscriptions: (work) => (crash.check(), inner.changeSubscriptions(work)),
    update: async (jobIds, change) => {
      crash.check();
      const kinds = (await inner.jobs()).filter((job) => jobIds.includes(job.id)).map((job) => kindOf(job, change(job)));
      if (dieAt === 'commit' && kinds.includes('commit')) {
        crash.happened = true;
        throw new Error('the process is gone');
      }
      const written = await inner.update(jobIds, change);
      if (dieAt === 'writeAhead' && kinds.includes('writeAhead')) crash.happened = true;
      return written;
    },
  });
}

/** The records; after a crash nothing reaches them. */
function recordsAfter(crash: Crash) {
  return (inner: OrganizationRecords): OrganizationRecords =>
    Object.assign(Object.create(inner) as OrganizationRecords, {
      apply: (batch: Parameters<OrganizationRecords['apply']>[0]) => (crash.check(), inner.apply(batch)),
    });
}

const idsOf = (store: DocumentEmailConfigStore) => ADDRESSES.map((address) => mailboxByEmail(store, address).id);

function user(store: DocumentEmailConfigStore) {
  const ada = store.userById('user-ada');
  if (ada === undefined) throw new Error('no Ada');
  return ada;
}

/** Runs a job of Ada's and Otto's mailboxes on a runner that dies at `dieOn`, then restarts on the same data. */
async function crashAndRestart(dieAt: JobWrite) {
  const store = await exampleStore();
  const crash = new Crash();
  const first = runnerFor(store, { tag: 'first', records: recordsAfter(crash), repository: crashingRepository(crash, dieAt) });
  await first.runner.start();
  await first.runner.createJob({ requester: user(store), mailboxIds: idsOf(store), origin: 'command', title: 'Test & Enable Ada and Otto' });
  for (let round = 0; round < 20 && !crash.happened; round++) await settleMicrotasks();
  expect(crash.happened).toBe(true);
  const inDoubt = batchInDoubt(storedJob(store, 'J-1'));
  const auditBefore = store.recentAudit(100).filter((entry) => entry.action === 'mailbox.testAndEnable').length;
  const stopping = first.runner.stop();
  await first.time.advance(10_000);
  await stopping;

  const second = runnerFor(store, { tag: 'second', connector: first.connector });
  await second.runner.start();
  await settle(second.runner);
  await second.runner.stop();
  return { store, inDoubt, auditBefore, first, second };
}

function expectRecordedOnce(store: DocumentEmailConfigStore): void {
  const job = storedJob(store, 'J-1');
  expect(job.status).toBe('done');
  expect(batchInDoubt(job)).toBeUndefined();
  expect(job.results.map((result) => result.mailboxId).sort()).toEqual(idsOf(store).sort());
  const audited = store.recentAudit(100).filter((entry) => entry.action === 'mailbox.testAndEnable').map((entry) => entry.target.id);
  expect(audited.sort()).toEqual(idsOf(store).sort());
  // One success alert on Ada's wall, not two.
  const ada = mailboxByEmail(store, 'ada@contoso.com');
  expect(store.alertsFor({ type: 'mailbox', id: ada.id }, 100).filter((alert) => alert.code === 'TestSucceeded')).toHaveLength(1);
}

describe('a crash between the records write and the job write', () => {
  it('after the batch was written ahead but before the records: the next start forgets it and tests those mailboxes again, once', async () => {
    const { store, inDoubt, auditBefore, first, second } = await crashAndRestart('writeAhead');
    expect(inDoubt?.results).toHaveLength(2);
    expect(auditBefore).toBe(0);
    expectRecordedOnce(store);
    // Tested before the crash (its result never reached the records) and once more after it.
    expect(second.connector.callsFor('ada@contoso.com')).toBe(2);
    expect(second.notifications.deliveredKeys()).toHaveLength(2);
    expect(first.notifications.deliveredKeys()).toHaveLength(0);
  });

  it('after the records but before the job took the results: the next start commits them and tests nothing again', async () => {
    const { store, inDoubt, auditBefore, second } = await crashAndRestart('commit');
    // The crash left the batch in doubt with its results already in the records.
    expect(inDoubt?.results).toHaveLength(2);
    expect(auditBefore).toBe(2);
    expectRecordedOnce(store);
    expect(second.connector.callsFor('ada@contoso.com')).toBe(1);
    expect(second.connector.callsFor('otto@contoso.com')).toBe(1);
    // The restart hands the batch's notifications to the outbox (which drops keys it has seen).
    expect(second.notifications.deliveredKeys()).toHaveLength(2);
  });
});
