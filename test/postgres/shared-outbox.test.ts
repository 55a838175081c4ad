// Two (then three) outboxes on one PostgreSQL, as several bot instances run them: every message is sent exactly
// once, in order per conversation, within Teams' limits for the sum of the instances, also when one instance
// dies holding claims and when Teams answers 429 to a tenth of the requests.
import { describe, expect, it } from 'vitest';
import type { OutboundActivity } from '../../src/app/outbox-records.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox, type OutboxOptions } from '../../src/notify/outbox.js';
import type { DeliveryAddress, ProactiveSender, SendOutcome } from '../../src/notify/sender.js';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { personalChats, personalMessage } from '../notify/activities.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const postgres = usePostgresForTests();

interface Call {
  readonly conversationId: string;
  readonly text: string;
  readonly startedAt: number;
  readonly ok: boolean;
}

/** Teams as both instances see it: one log of every request; every tenth request is answered 429. */
class FakeTeams {
  readonly calls: Call[] = [];
  senderFor(instance: string, options: { readonly hangAfter?: number } = {}): ProactiveSender {
    let made = 0;
    const run = async (address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome> => {
      made += 1;
      // A killed instance: its request never comes back.
      if (options.hangAfter !== undefined && made > options.hangAfter) return await new Promise<SendOutcome>(() => undefined);
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
      const ok = this.calls.length % 10 !== 9;
      this.calls.push({ conversationId: address.conversationId, text: activity.text ?? '', startedAt, ok });
      return ok
        ? { ok: true, activityId: `${instance}-${this.calls.length}` }
        : { ok: false, failure: { status: 429, code: 'Throttled', message: 'Too many requests.', retryAfterMs: 20 } };
    };
    return { send: run, update: (address, _id, activity) => run(address, activity) };
  }
}

const maxInAnyWindow = (times: readonly number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
};

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('outboxes of several instances on one PostgreSQL', () => {
  it('send 240 messages once each, in order per conversation, within the shared limits, although one instance dies', async () => {
    const database = await postgres.migratedDatabase();
    const teams = new FakeTeams();
    const chats = personalChats(24, 'https://smba.trafficmanager.net/emea/');
    const tuning: Partial<OutboxOptions> = {
      globalLimits: [{ limit: 60, windowMs: 1_000 }],
      backoff: { baseMs: 10, maxMs: 50 },
      maxConcurrentSends: 8,
      sharedPollMs: 100,
      claimLeaseMs: 600,
      attemptTimeoutMs: 500,
    };
    const instances: Outbox[] = [];
    const open = async (name: string, hangAfter?: number): Promise<Outbox> => {
      const pool = await database.open();
      const repository = new PostgresNotifyRepository(pool, { instanceId: name });
      const references = await ConversationReferenceRegistry.open(repository);
      // A killed instance never times its requests out either: it is gone, holding its claims and rate slots.
      const killed = hangAfter === undefined ? {} : { attemptTimeoutMs: 600_000 };
      const outbox = await Outbox.open({ repository, references, sender: teams.senderFor(name, hangAfter === undefined ? {} : { hangAfter }), shared: repository, ...tuning, ...killed });
      instances.push(outbox);
      return outbox;
    };
    // The person talked to instance A only; B and C learn their chats from the shared store.
    const first = await open('instance-a');
    const registryOfA = await ConversationReferenceRegistry.open(new PostgresNotifyRepository(database.pool, { instanceId: 'recorder' }));
    for (const chat of chats) await registryOfA.recordInbound(personalMessage(chat));
    const second = await open('instance-b');
    const dying = await open('instance-c', 3);
    try {
      for (const outbox of instances) outbox.start();
      const keys: string[] = [];
      const enqueues: Promise<unknown>[] = [];
      for (let index = 0; index < 240; index++) {
        const chat = chats[index % chats.length];
        if (chat === undefined) throw new Error('no chat');
        const key = `alert-${index}`;
        keys.push(key);
        const outbox = [first, second, dying][index % 3] ?? first;
        enqueues.push(outbox.enqueue({ idempotencyKey: key, target: { kind: 'user', tenantId: chat.tenantId ?? '00000000-0000-0000-0000-000000000001', aadObjectId: chat.aadObjectId }, activity: { type: 'message', text: key } }));
        // The same alert enqueued again by another instance is a duplicate, not a second message.
        if (index % 50 === 0) enqueues.push(second.enqueue({ idempotencyKey: key, target: { kind: 'user', tenantId: chat.tenantId ?? '00000000-0000-0000-0000-000000000001', aadObjectId: chat.aadObjectId }, activity: { type: 'message', text: key } }));
      }
      await Promise.all(enqueues);
      await until(async () => {
        const { rows } = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending'");
        return Number(rows[0]?.n) === 0;
      }, 60_000);

      const delivered = teams.calls.filter((call) => call.ok).map((call) => call.text);
      expect(delivered).toHaveLength(240);
      expect(new Set(delivered)).toEqual(new Set(keys));
      const { rows } = await database.pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM outbox_messages GROUP BY state');
      expect(rows.map((row) => [row.state, Number(row.n)])).toEqual([['sent', 240]]);
      // Enqueue order is the order the shared store took the entries in (the three instances enqueued at once).
      const { rows: enqueued } = await database.pool.query<{ key: string; conversation: string }>('SELECT idempotency_key AS key, conversation_id AS conversation FROM outbox_messages ORDER BY position');
      for (const chat of chats) {
        const calls = teams.calls.filter((call) => call.conversationId === chat.conversationId);
        // In enqueue order within the conversation, and never more than Teams allows, counting every instance.
        expect(calls.filter((call) => call.ok).map((call) => call.text)).toEqual(enqueued.filter((row) => row.conversation === chat.conversationId).map((row) => row.key));
        expect(maxInAnyWindow(calls.map((call) => call.startedAt), 1_000)).toBeLessThanOrEqual(7);
      }
      expect(maxInAnyWindow(teams.calls.map((call) => call.startedAt), 1_000)).toBeLessThanOrEqual(60);
      expect(teams.calls.some((call) => !call.ok)).toBe(true);
    } finally {
      await Promise.race([Promise.all(instances.map((outbox) => outbox.stop())), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    }
  }, 90_000);
});
