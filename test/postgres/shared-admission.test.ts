// How an outbox on the shared PostgreSQL uses the shared rate windows, which decide how close a fan-out by
// several instances gets to Teams' allowed rate (bench: `npm run bench -- --only=fanoutInstances`):
// - a send stops counting when Teams has answered, not once its outcome is saved as well;
// - while the store says the tenant's window is full, no other conversation asks it before the window frees.
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { NotifyRepository, SharedAdmission, SharedOutboxCoordination } from '../../src/app/notify-state.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox } from '../../src/notify/outbox.js';
import type { ProactiveSender, SendOutcome } from '../../src/notify/sender.js';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { personalChats, personalMessage, TENANT } from '../notify/activities.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const outboxes: Outbox[] = [];
const postgres = usePostgresForTests();
// Registered after the database's hooks, so it runs before them: the outboxes stop before their pools end.
afterAll(async () => {
  await Promise.all(outboxes.map((outbox) => outbox.stop()));
});

const sent: SendOutcome = { ok: true, activityId: 'activity-1' };
const answering = (onSend: () => void = () => undefined): ProactiveSender => ({
  send: () => {
    onSend();
    return Promise.resolve(sent);
  },
  update: () => Promise.resolve(sent),
});

/** The store's coordination, with `admit` replaced (the rest is the real PostgreSQL repository's). */
function withAdmit(repository: PostgresNotifyRepository, admit: SharedOutboxCoordination['admit']): SharedOutboxCoordination {
  return {
    instanceId: repository.instanceId,
    insertNew: (entries) => repository.insertNew(entries),
    claimHead: (conversationId, leaseMs) => repository.claimHead(conversationId, leaseMs),
    pendingConversations: () => repository.pendingConversations(),
    settledEntries: (keys) => repository.settledEntries(keys),
    reference: (lookup) => repository.reference(lookup),
    admit,
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function repositoryWithChats(count: number): Promise<{ pool: pg.Pool; repository: PostgresNotifyRepository; chats: ReturnType<typeof personalChats> }> {
  const database = await postgres.migratedDatabase();
  const repository = new PostgresNotifyRepository(database.pool, { instanceId: 'instance-a' });
  const chats = personalChats(count, 'https://smba.trafficmanager.net/emea/');
  const registry = await ConversationReferenceRegistry.open(repository);
  for (const chat of chats) await registry.recordInbound(personalMessage(chat));
  return { pool: database.pool, repository, chats };
}

describe('an outbox on the shared PostgreSQL and the shared rate windows', () => {
  it('ends a send in the windows when Teams answers, before the outcome is saved', async () => {
    const { pool, repository, chats } = await repositoryWithChats(1);
    const events: string[] = [];
    let openSave: () => void = () => undefined;
    const saveGate = new Promise<void>((resolve) => (openSave = resolve));
    // Saves of outcomes wait until the test lets them through.
    const gated: NotifyRepository = {
      load: () => repository.load(),
      save: async (changes) => {
        events.push('save started');
        await saveGate;
        await repository.save(changes);
        events.push('saved');
      },
    };
    const shared = withAdmit(repository, async (scopes, inFlightTimeoutMs) => {
      const admission = await repository.admit(scopes, inFlightTimeoutMs);
      if (!admission.ok) return admission;
      return {
        ok: true,
        release: async () => {
          events.push('released');
          await admission.release();
        },
      } satisfies SharedAdmission;
    });
    const outbox = await Outbox.open({ repository: gated, references: await ConversationReferenceRegistry.open(repository), sender: answering(() => events.push('answered')), shared });
    outboxes.push(outbox);
    outbox.start();
    const chat = chats[0];
    if (chat === undefined) throw new Error('no chat');
    await outbox.enqueue({ idempotencyKey: 'alert-1', target: { kind: 'user', tenantId: TENANT, aadObjectId: chat.aadObjectId }, activity: { type: 'message', text: 'alert-1' } });

    await until(() => events.includes('released'), 10_000);
    expect(events).not.toContain('saved');
    openSave();
    await until(() => events.includes('saved'), 10_000);
    expect(events.indexOf('answered')).toBeLessThan(events.indexOf('released'));
    // Both scopes' slots (the conversation's and the tenant's) were ended, once each.
    const completed = async (): Promise<boolean[]> =>
      (await pool.query<{ completed: boolean }>('SELECT completed_at IS NOT NULL AS completed FROM rate_limit_sends')).rows.map((row) => row.completed);
    const deadline = Date.now() + 5_000;
    while ((await completed()).includes(false) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await completed()).toEqual([true, true]);
    expect(events.filter((event) => event === 'released')).toHaveLength(1);
  }, 30_000);

  it("asks the store for no conversation while it says the tenant's window is full, and sends everything once it frees", async () => {
    const { repository, chats } = await repositoryWithChats(4);
    const refusedForMs = 300;
    const calls: { readonly at: number; readonly refused: boolean }[] = [];
    let refusedAt = 0;
    const shared = withAdmit(repository, async (scopes, inFlightTimeoutMs) => {
      const at = Date.now();
      if (calls.length === 0) {
        const tenantScope = scopes.find((scope) => scope.scope.startsWith('tenant:'))?.scope ?? '';
        calls.push({ at, refused: true });
        refusedAt = Date.now();
        return { ok: false, waitMs: refusedForMs, fullScope: tenantScope };
      }
      calls.push({ at, refused: false });
      return await repository.admit(scopes, inFlightTimeoutMs);
    });
    let sends = 0;
    // One send at a time: without the hold, the next conversation would ask the store as soon as the first was refused.
    const outbox = await Outbox.open({ repository, references: await ConversationReferenceRegistry.open(repository), sender: answering(() => (sends += 1)), shared, maxConcurrentSends: 1 });
    outboxes.push(outbox);
    outbox.start();
    await outbox.enqueueMany(
      chats.map((chat, index) => ({ idempotencyKey: `alert-${index}`, target: { kind: 'user' as const, tenantId: TENANT, aadObjectId: chat.aadObjectId }, activity: { type: 'message' as const, text: `alert-${index}` } })),
    );

    await until(() => sends === chats.length, 10_000);
    expect(calls[0]?.refused).toBe(true);
    const later = calls.slice(1);
    expect(later.length).toBeGreaterThanOrEqual(chats.length);
    // Node's timers do not fire early; a millisecond of slack for Date.now()'s rounding.
    for (const call of later) expect(call.at).toBeGreaterThanOrEqual(refusedAt + refusedForMs - 1);
  }, 30_000);
});
