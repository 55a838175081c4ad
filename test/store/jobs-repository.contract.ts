// The contract of the `JobRepository` port, run against the data file and PostgreSQL: ids never handed out
// twice, jobs created and changed atomically, finished jobs pruned oldest first, a bad record refused with
// nothing written, and subscriptions changed by read-modify-write.
import { describe, expect, it } from 'vitest';
import type { AlertSubscriptionRecord, JobRecord } from '../../src/app/jobs/job-records.js';
import type { JobRepository } from '../../src/app/jobs/ports.js';

export function jobRecord(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    title: `Test & Enable ${id}`,
    origin: 'command',
    requestedById: 'user-admin',
    requestedByName: 'Ada Admin',
    syncFromThisOrgOnly: null,
    status: 'running',
    createdAt: '2026-03-01T09:00:00.000Z',
    startedAt: '2026-03-01T09:00:00.000Z',
    completedAt: null,
    mailboxes: [{ id: 'mbx-1', name: 'Mailbox 1', emailAddress: 'm1@contoso.com' }],
    results: [],
    report: { kind: 'none' },
    batches: 0,
    pendingNotifications: [],
    notificationKeys: [],
    unreachable: [],
    unreachableCount: 0,
    deliveryReported: false,
    ...overrides,
  };
}

const subscription = (profileId: string): AlertSubscriptionRecord => ({ profileId, conversationId: '19:channel@thread.tacv2', subscribedById: 'user-admin', subscribedAt: '2026-03-01T09:00:00.000Z' });

export function describeJobRepositoryContract(name: string, open: () => Promise<JobRepository>): void {
  describe(`JobRepository contract: ${name}`, () => {
    it('hands out growing ids, never the same twice, also when asked at once', async () => {
      const repository = await open();
      const ids = await Promise.all(Array.from({ length: 20 }, () => repository.nextJobId()));
      expect(new Set(ids).size).toBe(20);
      const numbers = ids.map((id) => Number(/^J-(\d+)$/.exec(id)?.[1]));
      expect(numbers.every((number) => Number.isInteger(number) && number > 0)).toBe(true);
      const later = Number(/^J-(\d+)$/.exec(await repository.nextJobId())?.[1]);
      expect(later).toBeGreaterThan(Math.max(...numbers));
    });

    it('creates jobs, refuses a taken id, and prunes finished jobs beyond the retained ones, oldest first', async () => {
      const repository = await open();
      const ids: string[] = [];
      for (let index = 0; index < 4; index++) {
        const id = await repository.nextJobId();
        ids.push(id);
        expect(await repository.create(jobRecord(id, { status: 'done', completedAt: '2026-03-01T09:01:00.000Z' }), 10)).toEqual([]);
      }
      await expect(repository.create(jobRecord(ids[0] ?? ''), 10)).rejects.toThrow(/already taken/);
      const running = await repository.nextJobId();
      expect(await repository.create(jobRecord(running), 2)).toEqual([ids[1], ids[0]]);
      expect((await repository.jobs()).map((job) => job.id)).toEqual([ids[2], ids[3], running]);
    });

    it('changes the named jobs in one write and returns them as written; a bad record writes nothing', async () => {
      const repository = await open();
      const [first, second] = [await repository.nextJobId(), await repository.nextJobId()];
      await repository.create(jobRecord(first), 10);
      await repository.create(jobRecord(second), 10);
      const written = await repository.update([first, second, 'J-999999'], (job) => (job.id === first ? { ...job, batches: 1, results: [{ mailboxId: 'mbx-1', verdict: 'enabled' }] } : null));
      expect(written.map((job) => [job.id, job.batches])).toEqual([[first, 1]]);
      await expect(repository.update([first, second], (job) => ({ ...job, batches: 2, status: job.id === second ? ('lost' as JobRecord['status']) : job.status }))).rejects.toThrow(/status/);
      expect((await repository.jobs()).map((job) => [job.id, job.batches])).toEqual([
        [first, 1],
        [second, 0],
      ]);
    });

    it('loses no change when many updates of one job run at once', async () => {
      const repository = await open();
      const id = await repository.nextJobId();
      await repository.create(jobRecord(id), 10);
      await Promise.all(Array.from({ length: 25 }, (_, index) => repository.update([id], (job) => ({ ...job, batches: job.batches + 1, notificationKeys: [...job.notificationKeys, `key-${index}`] }))));
      const [job] = await repository.jobs();
      expect(job?.batches).toBe(25);
      expect(new Set(job?.notificationKeys).size).toBe(25);
    });

    it('returns the jobs changed since a read (maybe again, never missing one), and every job on the first read', async () => {
      const repository = await open();
      const [first, second] = [await repository.nextJobId(), await repository.nextJobId()];
      await repository.create(jobRecord(first), 10);
      const initial = await repository.changedJobs(undefined);
      expect(initial.jobs.map((job) => job.id)).toEqual([first]);
      await repository.create(jobRecord(second), 10);
      await repository.update([first], (job) => ({ ...job, batches: 3 }));
      const changed = await repository.changedJobs(initial.next);
      expect(changed.jobs.map((job) => [job.id, job.batches])).toEqual(expect.arrayContaining([[first, 3], [second, 0]]));
    });

    it('changes subscriptions by read-modify-write, none lost when changed at once', async () => {
      const repository = await open();
      expect(await repository.subscriptions()).toEqual([]);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => repository.changeSubscriptions((current) => ({ next: [...current, subscription(`profile-${index}`)], result: current.length }))),
      );
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, index) => index));
      expect(await repository.changeSubscriptions(() => ({ next: null, result: 'unchanged' }))).toBe('unchanged');
      expect((await repository.subscriptions()).map((each) => each.profileId).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `profile-${index}`).sort());
    });
  });
}
