// The outbox against a scripted sender, on vitest's fake clock (the outbox's default timers read it).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox, OutboxRequestError, type OutboxOptions } from '../../src/notify/outbox.js';
import { InMemoryNotifyRepository } from '../../src/notify/repository.js';
import type { DeliveryAddress, ProactiveSender, SendOutcome } from '../../src/notify/sender.js';
import type { OutboundActivity } from '../../src/app/outbox-records.js';
import { personalChats, personalMessage, type PersonalChat } from './activities.js';

interface SenderCall {
  readonly at: number;
  readonly operation: 'send' | 'update';
  readonly conversationId: string;
  readonly text: string | undefined;
}

/** A sender whose answers a test scripts; it records when each call started and how many overlapped. */
class ScriptedSender implements ProactiveSender {
  readonly calls: SenderCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  latencyMs = 0;
  private nextId = 1;
  answer: (call: SenderCall, index: number) => SendOutcome | Promise<SendOutcome> = () => ({ ok: true, activityId: `activity-${this.nextId++}` });

  send(address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome> {
    return this.run({ at: Date.now(), operation: 'send', conversationId: address.conversationId, text: activity.text });
  }

  update(address: DeliveryAddress, _activityId: string, activity: OutboundActivity): Promise<SendOutcome> {
    return this.run({ at: Date.now(), operation: 'update', conversationId: address.conversationId, text: activity.text });
  }

  private async run(call: SenderCall): Promise<SendOutcome> {
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      return await this.answer(call, this.calls.length - 1);
    } finally {
      this.inFlight -= 1;
    }
  }
}

const throttled = (retryAfterMs: number | null): SendOutcome => ({
  ok: false,
  failure: { status: 429, code: 'Throttled', message: 'Too many requests.', retryAfterMs },
});
const unavailable: SendOutcome = { ok: false, failure: { status: 503, code: null, message: 'Service unavailable.', retryAfterMs: null } };

const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-01T09:00:00Z') });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  vi.useRealTimers();
});

async function setup(conversations: number, options: Partial<OutboxOptions> = {}) {
  const repository = new InMemoryNotifyRepository();
  const chats = personalChats(conversations, 'https://smba.trafficmanager.net/emea/');
  const registry = await ConversationReferenceRegistry.open(repository);
  for (const chat of chats) await registry.recordInbound(personalMessage(chat));
  const sender = new ScriptedSender();
  const open = async (extra: Partial<OutboxOptions> = {}) => {
    const outbox = await Outbox.open({
      repository,
      references: await ConversationReferenceRegistry.open(repository),
      sender,
      random: () => 0,
      backoff: { baseMs: 100, maxMs: 10_000 },
      ...options,
      ...extra,
    });
    cleanups.push(() => outbox.stop());
    return outbox;
  };
  return { repository, registry, chats, sender, open };
}

const message = (chat: PersonalChat, key: string) => ({
  idempotencyKey: key,
  target: { kind: 'conversation' as const, conversationId: chat.conversationId },
  activity: { text: key },
});

function only<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new Error(`expected exactly one item, got ${items.length}`);
  return item;
}

describe('outbox', () => {
  it('saves an entry before the sender is asked to send it', async () => {
    const { chats, sender, repository, open } = await setup(1);
    const savedWhenSent: string[] = [];
    sender.answer = () => {
      savedWhenSent.push(...repository.snapshot().outbox.map((entry) => `${entry.idempotencyKey}:${entry.state}`));
      return { ok: true, activityId: 'a-1' };
    };
    const outbox = await open();
    outbox.start();
    await outbox.enqueue(message(only(chats), 'k1'));
    await vi.advanceTimersByTimeAsync(10);

    expect(savedWhenSent).toEqual(['k1:pending']);
    expect(repository.snapshot().outbox.map((entry) => [entry.state, entry.sentActivityId, entry.attempts])).toEqual([['sent', 'a-1', 1]]);
  });

  it('waits exactly as long as Retry-After asks (with no jitter drawn)', async () => {
    const { chats, sender, open } = await setup(1);
    sender.answer = (_, index) => (index === 0 ? throttled(5_000) : { ok: true, activityId: 'a-1' });
    const outbox = await open();
    outbox.start();
    await outbox.enqueue(message(only(chats), 'k1'));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(sender.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sender.calls).toHaveLength(2);
    expect((sender.calls[1]?.at ?? 0) - (sender.calls[0]?.at ?? 0)).toBe(5_000);
    expect(outbox.deliveryReport(['k1']).sent).toHaveLength(1);
  });

  it('backs off exponentially when a retryable failure carries no Retry-After', async () => {
    const { chats, sender, open } = await setup(1);
    sender.answer = (_, index) => (index < 3 ? unavailable : { ok: true, activityId: 'a-1' });
    const outbox = await open({ random: () => 1 });
    outbox.start();
    await outbox.enqueue(message(only(chats), 'k1'));
    await vi.advanceTimersByTimeAsync(1_000);

    const gaps = sender.calls.slice(1).map((call, index) => call.at - (sender.calls[index]?.at ?? 0));
    expect(gaps).toEqual([100, 200, 400]);
    expect(outbox.get('k1')?.state).toBe('sent');
    expect(outbox.get('k1')?.attempts).toBe(4);
  });

  it('gives up after the attempt budget and goes on with the next message of that conversation', async () => {
    const { chats, sender, open } = await setup(1);
    sender.answer = (call) => (call.text === 'doomed' ? throttled(10) : { ok: true, activityId: 'a-2' });
    const outbox = await open({ maxAttempts: 3 });
    outbox.start();
    const chat = only(chats);
    await outbox.enqueue(message(chat, 'doomed'));
    await outbox.enqueue(message(chat, 'next'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(sender.calls.map((call) => call.text)).toEqual(['doomed', 'doomed', 'doomed', 'next']);
    const report = outbox.deliveryReport(['doomed', 'next']);
    expect(report.failed.map((failure) => [failure.idempotencyKey, failure.reason])).toEqual([['doomed', 'RetriesExhausted']]);
    expect(report.failed[0]?.detail).toBe('Gave up after 3 attempts; last answer 429 Throttled: Too many requests.');
    expect(report.sent.map((sent) => sent.idempotencyKey)).toEqual(['next']);
  });

  it('holds back the rest of a conversation while its oldest message is retried, but not other conversations', async () => {
    const { chats, sender, open } = await setup(2);
    const [slow, fast] = chats;
    if (slow === undefined || fast === undefined) throw new Error('setup made too few chats');
    sender.answer = (call, index) => (call.text === 's1' && index === 0 ? throttled(500) : { ok: true, activityId: `a-${index}` });
    const outbox = await open();
    outbox.start();
    await outbox.enqueue(message(slow, 's1'));
    await outbox.enqueue(message(slow, 's2'));
    await outbox.enqueue(message(fast, 'f1'));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(sender.calls.map((call) => call.text)).toEqual(['s1', 'f1', 's1', 's2']);
  });

  it('never has more sends in flight than maxConcurrentSends', async () => {
    const { chats, sender, open } = await setup(10);
    sender.latencyMs = 100;
    const outbox = await open({ maxConcurrentSends: 3 });
    outbox.start();
    const keys = chats.map((chat) => chat.conversationId);
    for (const chat of chats) await outbox.enqueue(message(chat, chat.conversationId));
    await vi.advanceTimersByTimeAsync(2_000);

    expect(outbox.deliveryReport(keys).sent).toHaveLength(10);
    expect(sender.maxInFlight).toBe(3);
  });

  it('keeps all conversations together under the global limit', async () => {
    const { chats, sender, open } = await setup(12);
    const outbox = await open({ globalLimits: [{ limit: 4, windowMs: 1_000 }] });
    outbox.start();
    const started = Date.now();
    for (const chat of chats) await outbox.enqueue(message(chat, chat.conversationId));
    await vi.advanceTimersByTimeAsync(5_000);

    expect(sender.calls).toHaveLength(12);
    const times = sender.calls.map((call) => call.at - started);
    const busiestSecond = Math.max(...times.map((time) => times.filter((other) => other >= time && other < time + 1_000).length));
    expect(busiestSecond).toBe(4);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(2_000);
  });

  it('counts an attempt with no answer as a transport failure and retries it', async () => {
    const { chats, sender, open } = await setup(1);
    sender.answer = (_, index) => (index === 0 ? new Promise<SendOutcome>(() => undefined) : { ok: true, activityId: 'a-1' });
    const outbox = await open({ attemptTimeoutMs: 1_000 });
    outbox.start();
    await outbox.enqueue(message(only(chats), 'k1'));
    await vi.advanceTimersByTimeAsync(999);
    expect(sender.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sender.calls).toHaveLength(2);
    expect(outbox.get('k1')?.state).toBe('sent');
  });

  it('lets stop() wait for the send in flight and starts nothing after it', async () => {
    const { chats, sender, open } = await setup(1);
    sender.latencyMs = 500;
    const outbox = await open();
    outbox.start();
    const chat = only(chats);
    await outbox.enqueue(message(chat, 'k1'));
    await outbox.enqueue(message(chat, 'k2'));
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = outbox.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    await stopping;
    expect(outbox.get('k1')?.state).toBe('sent');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sender.calls.map((call) => call.text)).toEqual(['k1']);
    expect(outbox.get('k2')?.state).toBe('pending');
  });

  it('saves a request enqueued after stop() and sends it from the next start', async () => {
    const { chats, sender, open } = await setup(1);
    const first = await open();
    first.start();
    await first.stop();
    expect((await first.enqueue(message(only(chats), 'late'))).status).toBe('accepted');
    await vi.advanceTimersByTimeAsync(100);
    expect(sender.calls).toHaveLength(0);

    const second = await open();
    second.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(sender.calls.map((call) => call.text)).toEqual(['late']);
  });

  it('rejects the enqueue when the save fails, sends nothing, and accepts the same key later', async () => {
    const { chats, sender, repository, open } = await setup(1);
    const outbox = await open();
    outbox.start();
    repository.failNextSave = new Error('disk full');
    await expect(outbox.enqueue(message(only(chats), 'k1'))).rejects.toThrow('disk full');
    await vi.advanceTimersByTimeAsync(100);
    expect(sender.calls).toHaveLength(0);
    expect(outbox.get('k1')).toBeUndefined();

    expect((await outbox.enqueue(message(only(chats), 'k1'))).status).toBe('accepted');
    await vi.advanceTimersByTimeAsync(100);
    expect(sender.calls).toHaveLength(1);
  });

  it('treats a second enqueue with a key whose save is still running as a duplicate', async () => {
    const { chats, sender, open } = await setup(1);
    const outbox = await open();
    outbox.start();
    const [first, second] = await Promise.all([outbox.enqueue(message(only(chats), 'k1')), outbox.enqueue(message(only(chats), 'k1'))]);
    await vi.advanceTimersByTimeAsync(100);
    expect([first.status, second.status]).toEqual(['accepted', 'duplicate']);
    expect(sender.calls).toHaveLength(1);
  });

  it('keeps a sent outcome whose save failed, and saves it with the next write', async () => {
    const { chats, repository, open } = await setup(1);
    const outbox = await open();
    outbox.start();
    const chat = only(chats);
    await outbox.enqueue(message(chat, 'k1'));
    repository.failNextSave = new Error('disk hiccup');
    await vi.advanceTimersByTimeAsync(10);
    expect(outbox.get('k1')?.state).toBe('sent');
    expect(repository.snapshot().outbox.map((entry) => entry.state)).toEqual(['pending']);

    await outbox.enqueue(message(chat, 'k2'));
    await vi.advanceTimersByTimeAsync(10);
    expect(repository.snapshot().outbox.map((entry) => [entry.idempotencyKey, entry.state])).toEqual([
      ['k1', 'sent'],
      ['k2', 'sent'],
    ]);
  });

  it('saves a batch from enqueueMany in one write, answers each request on its own, and sends in the order given', async () => {
    const { chats, sender, repository, open } = await setup(3);
    const outbox = await open();
    await outbox.enqueue(message(chats[0] ?? only([]), 'earlier'));
    const savesBefore = repository.saveCount;
    const results = await outbox.enqueueMany([
      message(chats[0] ?? only([]), 'a'),
      { ...message(chats[1] ?? only([]), 'b'), activity: { text: 'x'.repeat(2), attachments: 'not a list' } } as never,
      message(chats[1] ?? only([]), 'earlier'),
      message(chats[2] ?? only([]), 'c'),
      { idempotencyKey: 'nobody', target: { kind: 'conversation', conversationId: 'a:unknown' }, activity: { text: 'lost' } },
      message(chats[2] ?? only([]), 'c'),
    ]);

    expect(repository.saveCount - savesBefore).toBe(1);
    expect(results.map((result) => result.status)).toEqual(['accepted', 'invalid', 'duplicate', 'accepted', 'undeliverable', 'duplicate']);
    expect(results[1]?.status === 'invalid' ? results[1].problems.join() : '').toMatch(/activity\.attachments/);
    expect(repository.snapshot().outbox.map((entry) => [entry.idempotencyKey, entry.state])).toEqual([
      ['earlier', 'pending'],
      ['a', 'pending'],
      ['c', 'pending'],
      ['nobody', 'dead'],
    ]);
    outbox.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(sender.calls.map((call) => call.text)).toEqual(['earlier', 'c', 'a']);
  });

  it('lets enqueues that arrive while a save is being written share the next write, each still answered', async () => {
    const { chats, repository, open } = await setup(40);
    const outbox = await open();
    const savesBefore = repository.saveCount;
    const results = await Promise.all(chats.map((chat, index) => outbox.enqueue(message(chat, `k${index}`))));

    expect(results.every((result) => result.status === 'accepted')).toBe(true);
    // All 40 asked before the first write started, so they share it (one write each before).
    expect(repository.saveCount - savesBefore).toBe(1);
    expect(repository.snapshot().outbox.map((entry) => entry.idempotencyKey)).toEqual(chats.map((_, index) => `k${index}`));
  });

  it('refuses an invalid request with the specific problems, saving nothing', async () => {
    const { chats, repository, open } = await setup(1);
    const outbox = await open();
    const saves = repository.saveCount;
    const attempt = outbox.enqueue({ idempotencyKey: ' ', target: { kind: 'conversation', conversationId: only(chats).conversationId }, activity: { text: '  ' } });
    await expect(attempt).rejects.toBeInstanceOf(OutboxRequestError);
    await expect(attempt).rejects.toThrow(/idempotencyKey: idempotencyKey must not be empty.*activity: A message needs non-empty text or at least one attachment/);
    await expect(outbox.enqueue({ idempotencyKey: 'k', target: { kind: 'user', tenantId: 't', aadObjectId: '' }, activity: { text: 'x' } })).rejects.toThrow(
      /target.aadObjectId: aadObjectId must not be empty/,
    );
    expect(repository.saveCount).toBe(saves);
  });

  it('reports each outcome once through onOutcome, and survives a callback that throws', async () => {
    const { chats, sender, open } = await setup(2);
    const [ok, gone] = chats;
    if (ok === undefined || gone === undefined) throw new Error('setup made too few chats');
    sender.answer = (call) =>
      call.conversationId === gone.conversationId
        ? { ok: false, failure: { status: 404, code: 'ConversationNotFound', message: 'Conversation not found.', retryAfterMs: null } }
        : { ok: true, activityId: 'a-1' };
    const outcomes: string[] = [];
    const errors: string[] = [];
    const outbox = await open({
      onOutcome: (outcome) => {
        outcomes.push(`${outcome.idempotencyKey}:${outcome.state}`);
        throw new Error('listener bug');
      },
      log: { warn: () => undefined, error: (text) => errors.push(text) },
    });
    outbox.start();
    await outbox.enqueue(message(ok, 'ok-1'));
    await outbox.enqueue(message(gone, 'gone-1'));
    await outbox.enqueue(message(gone, 'gone-2'));
    await vi.advanceTimersByTimeAsync(100);

    expect(outcomes.sort()).toEqual(['gone-1:dead', 'gone-2:dead', 'ok-1:sent']);
    expect(errors.filter((text) => text === 'onOutcome callback failed')).toHaveLength(3);
    expect(sender.calls.filter((call) => call.conversationId === gone.conversationId)).toHaveLength(1);
  });

  it('resolves whenSettled with the report, and rejects it after a timeout while messages are still pending', async () => {
    const { chats, sender, open } = await setup(1);
    sender.answer = () => throttled(60_000);
    const outbox = await open();
    outbox.start();
    await outbox.enqueue(message(only(chats), 'stuck'));
    const waiting = outbox.whenSettled(['stuck', 'never-enqueued'], 1_000);
    const assertion = expect(waiting).rejects.toThrow('1 of 2 messages were still pending after 1000 ms.');
    await vi.advanceTimersByTimeAsync(1_000);
    await assertion;
    expect(outbox.deliveryReport(['stuck', 'never-enqueued'])).toEqual({
      sent: [],
      pending: [{ idempotencyKey: 'stuck', attempts: 1 }],
      failed: [],
      unknown: ['never-enqueued'],
    });
  });
});
