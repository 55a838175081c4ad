// Two instances' outboxes as two processes on one PostgreSQL, sending through the real Teams sender to the fake
// Bot Connector (which checks Teams' limits across everything it receives and answers 10% of sends 429). One
// instance fans out 5,000 alerts and is SIGKILLed a third of the way through: the other takes over. Nothing is
// lost, the limits hold for the sum of the processes, and the only messages sent twice are those the killed
// process had in flight (Teams has no idempotency header: docs/scale-out.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationReferenceRecord } from '../../src/app/conversation-reference-records.js';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { faults, startFakeConnector, teamsRateLimits, type FakeConnector } from '../support/fake-connector.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { runTypeScript, type RunningChild } from '../store/support/child-process.js';

const TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';
const ALERTS = 5_000;
const CONVERSATIONS = 500;
const TENANT_LIMIT = 150;
/** Sends one process may have in flight (the worker's maxConcurrentSends): the most a kill can duplicate. */
const IN_FLIGHT_PER_PROCESS = 16;

let postgres: TestPostgres | undefined;
let connector: FakeConnector | undefined;
const children: RunningChild[] = [];
const pools: { end(): Promise<void> }[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const child of children) child.process.kill('SIGKILL');
  await Promise.all(pools.map((pool) => pool.end()));
  await connector?.close();
  await postgres?.stop();
});

const reference = (index: number, serviceUrl: string): ConversationReferenceRecord => ({
  conversationId: `a:alerts-${index}`,
  conversationType: 'personal',
  channelId: 'msteams',
  serviceUrl,
  tenantId: TENANT,
  botId: '28:mailbox-sync-bot',
  userId: `29:user-${index}`,
  aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  teamId: null,
  active: true,
  inactiveReason: null,
  firstSeenAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T09:00:00.000Z',
});

describe('a 5,000-alert fan-out by two instances, one SIGKILLed midway', () => {
  it('delivers every alert, duplicates at most what the killed process had in flight, and never exceeds the limits', async () => {
    const database = await migratedDatabase(postgres);
    pools.push(database.pool);
    // Limits recorded, not enforced, by the fake: any violation is the bot's.
    const fake = await startFakeConnector({ rateLimits: teamsRateLimits({ perTenant: [{ limit: TENANT_LIMIT, windowMs: 1_000 }], respondWith429: false }), seed: 16 });
    connector = fake;
    fake.failFraction(0.1, faults.throttled(0));
    await new PostgresNotifyRepository(database.pool, { instanceId: 'seed' }).save({ references: Array.from({ length: CONVERSATIONS }, (_, index) => reference(index, fake.url)) });

    const worker = (instance: string, enqueue?: string): RunningChild => {
      const child = runTypeScript('test/multi-instance/outbox-worker.ts', [], {
        env: { DATABASE_URL: database.url, INSTANCE: instance, TENANT, TENANT_LIMIT: String(TENANT_LIMIT), CLAIM_LEASE_MS: '2000', ...(enqueue === undefined ? {} : { ENQUEUE: enqueue }) },
      });
      children.push(child);
      return child;
    };
    const survivor = worker('instance-b');
    await survivor.waitForOutput(/ready/, 30_000);
    const doomed = worker('instance-a', `0-${ALERTS - 1}`);
    await doomed.waitForOutput(/enqueued 5000/, 30_000);

    const accepted = (): string[] => fake.requests.filter((request) => request.status < 300 && (request.operation === 'send' || request.operation === 'reply')).map((request) => JSON.stringify(request.body).match(/alert-\d+/)?.[0] ?? '');
    await fake.waitFor(() => accepted().length >= ALERTS / 3, 60_000, 'a third of the alerts');
    doomed.process.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const pending = async (): Promise<number> => {
      const { rows } = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending'");
      return Number(rows[0]?.n);
    };
    const deadline = Date.now() + 100_000;
    while ((await pending()) > 0) {
      if (Date.now() > deadline) throw new Error(`${await pending()} alerts still pending`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const delivered = accepted();
    const times = new Map<string, number>();
    for (const key of delivered) times.set(key, (times.get(key) ?? 0) + 1);
    const lost = Array.from({ length: ALERTS }, (_, index) => `alert-${index}`).filter((key) => !times.has(key));
    const duplicated = [...times.values()].filter((count) => count > 1).length;
    expect(lost).toEqual([]);
    expect(duplicated).toBeLessThanOrEqual(IN_FLIGHT_PER_PROCESS);
    const { rows } = await database.pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM outbox_messages GROUP BY state');
    expect(rows.map((row) => [row.state, Number(row.n)])).toEqual([['sent', ALERTS]]);
    expect(fake.requests.some((request) => request.status === 429)).toBe(true);
    expect(fake.violations).toEqual([]);
  }, 180_000);
});
