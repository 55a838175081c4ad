import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingNotificationsOf, type JobRecord } from '../../src/app/jobs/job-records.js';
import { openEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { nodeFileWriteOperations } from '../../src/store/json-file.js';
import { exampleDocument, exampleStore } from '../support/fixtures.js';
import { mailboxByEmail, runnerFor, settle, settleMicrotasks, storedJob, waitUntil } from './support.js';

const EXO = 'profile-exchange-online';

function requester(store: DocumentEmailConfigStore) {
  const ada = store.userById('user-ada');
  if (ada === undefined) throw new Error('no Ada');
  return ada;
}

const profileMailboxIds = (store: DocumentEmailConfigStore): string[] => store.queryMailboxes({ profileId: EXO, activeOnly: true }, 0, 100).items.map((mailbox) => mailbox.id);

/** Each mailbox of the job recorded once, in the results and in the audit log. */
function expectEachRecordedOnce(store: DocumentEmailConfigStore, job: JobRecord): void {
  const ids = job.mailboxes.map((mailbox) => mailbox.id);
  expect(job.results.map((result) => result.mailboxId).sort()).toEqual([...ids].sort());
  const audited = store
    .recentAudit(1_000)
    .filter((entry) => entry.action === 'mailbox.testAndEnable' && entry.details.startsWith(`Job ${job.id},`))
    .map((entry) => entry.target.id);
  expect(audited.sort()).toEqual([...ids].sort());
}

describe('a job interrupted by a stop resumes where it stopped', () => {
  it('tests the rest after a restart, never records a mailbox twice, and drops results that arrive after the stop', async () => {
    const store = await exampleStore();
    const first = runnerFor(store, { tag: 'first', runner: { concurrency: 2, batchSize: 1, stopGraceMs: 5_000 } });
    first.connector.hold.add('*');
    await first.runner.start();
    const mailboxIds = profileMailboxIds(store);
    await first.runner.createJob({ requester: requester(store), mailboxIds, origin: 'profile', title: 'Test & Enable mailboxes of profile Microsoft Exchange Online' });
    await settleMicrotasks();
    for (let released = 0; released < 3; released++) {
      const [address] = first.connector.heldAddresses();
      if (address === undefined) break;
      first.connector.release(address);
      await settleMicrotasks();
    }
    // Two tests are at Exchange when the bot stops; they get the grace period and are then left behind.
    expect(first.connector.heldAddresses()).toHaveLength(2);
    const stopping = first.runner.stop();
    await first.time.advance(5_000);
    await stopping;
    const beforeRestart = storedJob(store, 'J-1');
    expect(beforeRestart.status).toBe('running');
    const decidedBeforeRestart = new Set(beforeRestart.results.map((result) => result.mailboxId));
    expect(decidedBeforeRestart.size).toBeGreaterThanOrEqual(3);
    expect(decidedBeforeRestart.size).toBeLessThan(mailboxIds.length);

    const second = runnerFor(store, { tag: 'second' });
    await second.runner.start();
    await settle(second.runner);
    // The first instance's late answers change nothing.
    first.connector.release();
    await settleMicrotasks();

    const job = storedJob(store, 'J-1');
    expect(job.status).toBe('done');
    expectEachRecordedOnce(store, job);
    for (const id of decidedBeforeRestart) {
      const email = mailboxByEmail(store, job.mailboxes.find((mailbox) => mailbox.id === id)?.emailAddress ?? '').emailAddress;
      expect(second.connector.callsFor(email)).toBe(0);
    }
    // The last batch written before the stop is handed to the outbox again; its keys dedupe there.
    const lastBatchKeys = pendingNotificationsOf(beforeRestart).map((notification) => notification.key);
    expect(second.notifications.delivered[0]?.keys).toEqual(lastBatchKeys);
    expect(new Set([...first.notifications.deliveredKeys(), ...second.notifications.deliveredKeys()])).toEqual(new Set(job.notificationKeys));
  });
});

describe('a crash while results are being written', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('loses no result and duplicates no alert: unwritten mailboxes are tested again by the next start', async () => {
    directory = await mkdtemp(join(tmpdir(), 'jobs-crash-'));
    const path = join(directory, 'db.json');
    let powerCut = false;
    const crashing = await openEmailConfigStore(path, () => exampleDocument(), {
      operations: {
        rename: async (from, to) => {
          if (powerCut) throw new Error('power cut');
          await rename(from, to);
        },
        append: async (file, text) => {
          if (powerCut) throw new Error('power cut');
          await nodeFileWriteOperations.append(file, text);
        },
      },
    });
    const first = runnerFor(crashing, { tag: 'first', runner: { concurrency: 1, batchSize: 2 } });
    first.connector.hold.add('*');
    await first.runner.start();
    const mailboxIds = profileMailboxIds(crashing);
    await first.runner.createJob({ requester: requester(crashing), mailboxIds, origin: 'profile', title: 'Test & Enable mailboxes of profile Microsoft Exchange Online' });
    await settleMicrotasks();
    const heldOne = (): Promise<void> => waitUntil(() => first.connector.heldAddresses().length === 1, 'the next test to reach Exchange');
    for (let released = 0; released < 3; released++) {
      await heldOne();
      first.connector.release(first.connector.heldAddresses()[0]);
    }
    // Batches of two (blocked mailboxes never wait for Exchange, so more than four may be decided).
    await waitUntil(() => storedJob(crashing, 'J-1').results.length >= 4, 'two batches on disk');
    const writtenBeforeCrash = storedJob(crashing, 'J-1').results.length;
    // From here on every write fails: results decided now never reach the file.
    powerCut = true;
    for (let released = 0; released < 2; released++) {
      await heldOne();
      first.connector.release(first.connector.heldAddresses()[0]);
    }
    // The last test is still at Exchange when the process goes down.
    await heldOne();
    const stopping = first.runner.stop();
    await first.time.advance(10_000);
    await stopping;
    first.connector.release();

    const reopened = await openEmailConfigStore(path, () => exampleDocument());
    expect(storedJob(reopened, 'J-1').results).toHaveLength(writtenBeforeCrash);
    const second = runnerFor(reopened, { tag: 'second' });
    await second.runner.start();
    await settle(second.runner);
    const job = storedJob(reopened, 'J-1');
    expect(job.status).toBe('done');
    expectEachRecordedOnce(reopened, job);
    // One Test & Enable alert per mailbox wall, whatever happened in between.
    for (const mailbox of job.mailboxes) {
      const alerts = reopened.alertsFor({ type: 'mailbox', id: mailbox.id }, 100).filter((alert) => alert.createdOn >= '2025-03-01');
      expect(alerts.length, mailbox.emailAddress).toBeGreaterThanOrEqual(1);
      expect(new Set(alerts.map((alert) => alert.code)).size, mailbox.emailAddress).toBe(alerts.length);
    }
    await second.runner.stop();
  });
});
