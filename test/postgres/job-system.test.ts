// pg-boss as the job system of several instances: the properties the bot relies on, on a real PostgreSQL.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureQueue, startJobSystem } from '../../src/postgres/job-system.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let postgres: TestPostgres | undefined;
beforeAll(async () => { postgres = await startTestPostgres(); }, 60_000);
afterAll(async () => { await postgres?.stop(); });

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
