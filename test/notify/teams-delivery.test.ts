// HTTP-level: the outbox, the registry and TeamsSender on a real CloudAdapter in anonymous local mode,
// against the fake Bot Connector over real HTTP.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox, type OutboxOptions } from '../../src/notify/outbox.js';
import { InMemoryNotifyRepository } from '../../src/notify/repository.js';
import { TeamsSender } from '../../src/notify/teams-sender.js';
import { faults, startFakeConnector, teamsRateLimits, type FakeConnector, type FakeConnectorOptions } from '../support/fake-connector.js';
import { TENANT, installationUpdate, personalChats, personalMessage, type PersonalChat } from './activities.js';

interface Harness {
  readonly connector: FakeConnector;
  readonly repository: InMemoryNotifyRepository;
  readonly chats: PersonalChat[];
  readonly sender: TeamsSender;
  open(options?: Partial<OutboxOptions>): Promise<{ outbox: Outbox; registry: ConversationReferenceRegistry }>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function anonymousAdapter(): CloudAdapter {
  const settings = { MicrosoftAppId: '' };
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings)));
}

async function harness(conversations: number, connectorOptions: FakeConnectorOptions = { rateLimits: teamsRateLimits() }): Promise<Harness> {
  const connector = await startFakeConnector(connectorOptions);
  cleanups.push(() => connector.close());
  const repository = new InMemoryNotifyRepository();
  const chats = personalChats(conversations, connector.url);
  const seeding = await ConversationReferenceRegistry.open(repository);
  for (const chat of chats) {
    const recorded = await seeding.recordInbound(personalMessage(chat));
    expect(recorded.ok).toBe(true);
  }
  const sender = new TeamsSender({ adapter: anonymousAdapter(), botAppId: '' });
  return {
    connector,
    repository,
    chats,
    sender,
    // Each call is a fresh process as far as the notify module is concerned: state comes from the repository.
    open: async (options = {}) => {
      const registry = await ConversationReferenceRegistry.open(repository);
      const outbox = await Outbox.open({ repository, references: registry, sender, backoff: { baseMs: 20, maxMs: 200 }, ...options });
      cleanups.push(() => outbox.stop());
      return { outbox, registry };
    },
  };
}

const text = (key: string) => ({ text: `message ${key}` });
const toConversation = (chat: PersonalChat) => ({ kind: 'conversation' as const, conversationId: chat.conversationId });

/** Every request that followed a 429 in the same conversation came at least Retry-After later. */
function gapsAfterThrottling(connector: FakeConnector, conversationId: string): { retryAfterMs: number; gapMs: number }[] {
  const requests = connector.requestsTo(conversationId);
  return requests.flatMap((request, index) => {
    const next = requests[index + 1];
    if (request.status !== 429 || next === undefined) return [];
    return [{ retryAfterMs: (request.retryAfterSeconds ?? 0) * 1_000, gapMs: next.receivedAt - request.receivedAt }];
  });
}

describe('proactive delivery through CloudAdapter to the fake Bot Connector', () => {
  it('delivers every message exactly once, in order per conversation, within Teams limits, while 10% of requests are throttled', async () => {
    const h = await harness(4);
    h.connector.failFraction(0.1, faults.throttled(1), { operations: ['send', 'reply'] });
    const { outbox } = await h.open();
    outbox.start();

    const keys: string[] = [];
    for (let round = 0; round < 10; round++) {
      for (const chat of h.chats) {
        const key = `${chat.conversationId}#${round}`;
        keys.push(key);
        const result = await outbox.enqueue({ idempotencyKey: key, target: toConversation(chat), activity: text(key) });
        expect(result.status).toBe('accepted');
      }
    }
    const report = await outbox.whenSettled(keys, 15_000);

    expect(report.failed).toEqual([]);
    expect(report.sent).toHaveLength(40);
    const throttled = h.connector.requests.filter((request) => request.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(h.connector.violations).toEqual([]);
    for (const chat of h.chats) {
      const delivered = h.connector.messagesSentTo(chat.conversationId).map((activity) => activity.text);
      expect(delivered).toEqual(Array.from({ length: 10 }, (_, round) => `message ${chat.conversationId}#${round}`));
      expect(h.connector.maxRequestsInWindow(chat.conversationId, 1_000)).toBeLessThanOrEqual(7);
      expect(h.connector.maxRequestsInWindow(chat.conversationId, 2_000)).toBeLessThanOrEqual(8);
      for (const { retryAfterMs, gapMs } of gapsAfterThrottling(h.connector, chat.conversationId)) {
        expect(gapMs).toBeGreaterThanOrEqual(retryAfterMs);
      }
    }
    // The ids the connector gave are the ones the report hands back for later updates.
    const accepted = new Set(h.connector.requests.flatMap((request) => (request.status === 201 && request.answeredId ? [request.answeredId] : [])));
    for (const sent of report.sent) expect(accepted.has(sent.activityId ?? '')).toBe(true);
  });

  it('keeps one conversation below 7 requests per second and 8 per 2 seconds when many messages queue for it', async () => {
    const h = await harness(1);
    const { outbox } = await h.open();
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    const keys = Array.from({ length: 16 }, (_, index) => `burst-${index}`);
    for (const key of keys) await outbox.enqueue({ idempotencyKey: key, target: toConversation(chat), activity: text(key) });
    outbox.start();
    await outbox.whenSettled(keys, 15_000);

    expect(h.connector.messagesSentTo(chat.conversationId)).toHaveLength(16);
    expect(h.connector.violations).toEqual([]);
    expect(h.connector.requests.every((request) => request.status === 201)).toBe(true);
    expect(h.connector.maxRequestsInWindow(chat.conversationId, 1_000)).toBeLessThanOrEqual(7);
    expect(h.connector.maxRequestsInWindow(chat.conversationId, 2_000)).toBeLessThanOrEqual(8);
  });

  it.each([
    ['BotNotInConversationRoster', faults.botNotInConversationRoster(), 'BotNotInConversationRoster'],
    ['ConversationBlockedByUser', faults.conversationBlockedByUser(), 'ConversationBlockedByUser'],
    ['BotDisabledByAdmin', faults.botDisabledByAdmin(), 'BotDisabledByAdmin'],
    ['MessageWritesBlocked (subCode inside the message)', faults.messageWritesBlocked(), 'MessageWritesBlocked'],
    ['404 ConversationNotFound', faults.conversationNotFound(), 'ConversationNotFound'],
  ] as const)('gives up on a conversation answering %s: reference inactive, its queued messages dead-lettered, others delivered', async (_, fault, reason) => {
    const h = await harness(2);
    const [blocked, fine] = h.chats;
    if (blocked === undefined || fine === undefined) throw new Error('harness made too few chats');
    h.connector.failAlways(fault, { conversationId: blocked.conversationId });
    const { outbox, registry } = await h.open();
    const keys = ['b1', 'b2', 'b3', 'f1', 'f2'];
    for (const key of keys) {
      const chat = key.startsWith('b') ? blocked : fine;
      await outbox.enqueue({ idempotencyKey: key, target: { kind: 'user', tenantId: TENANT, aadObjectId: chat.aadObjectId }, activity: text(key), requestedBy: 'admin-1' });
    }
    outbox.start();
    const report = await outbox.whenSettled(keys, 10_000);

    expect(report.sent.map((sent) => sent.idempotencyKey)).toEqual(['f1', 'f2']);
    expect(report.failed.map((failure) => [failure.idempotencyKey, failure.reason, failure.requestedBy])).toEqual([
      ['b1', reason, 'admin-1'],
      ['b2', reason, 'admin-1'],
      ['b3', reason, 'admin-1'],
    ]);
    expect(report.failed[0]?.detail).toContain(blocked.aadObjectId);
    // One refused request, then no more attempts at that conversation.
    expect(h.connector.requestsTo(blocked.conversationId)).toHaveLength(1);
    expect(registry.forConversation(blocked.conversationId)?.active).toBe(false);
    expect(registry.forConversation(blocked.conversationId)?.inactiveReason).toContain(reason);
    // The reference and the dead letters were saved, so a restart knows both.
    const saved = h.repository.snapshot();
    expect(saved.references.find((record) => record.conversationId === blocked.conversationId)?.active).toBe(false);
    expect(saved.outbox.filter((entry) => entry.state === 'dead').map((entry) => entry.idempotencyKey)).toEqual(['b1', 'b2', 'b3']);

    const later = await outbox.enqueue({ idempotencyKey: 'b4', target: toConversation(blocked), activity: text('b4') });
    expect(later.status).toBe('undeliverable');
    expect(later.entry.deadLetter?.reason).toBe('ReferenceInactive');
    expect(h.connector.requestsTo(blocked.conversationId)).toHaveLength(1);
  });

  it('sends again to a conversation once the app is installed again after a 403', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    h.connector.failNext(1, faults.botNotInConversationRoster());
    const { outbox, registry } = await h.open();
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'before', target: toConversation(chat), activity: text('before') });
    await outbox.whenSettled(['before'], 5_000);
    expect(registry.forConversation(chat.conversationId)?.active).toBe(false);

    const reinstalled = await registry.recordInbound(installationUpdate(chat, 'add'));
    expect(reinstalled.ok && reinstalled.value.change).toBe('reactivated');
    await outbox.enqueue({ idempotencyKey: 'after', target: toConversation(chat), activity: text('after') });
    const report = await outbox.whenSettled(['after'], 5_000);
    expect(report.sent.map((sent) => sent.idempotencyKey)).toEqual(['after']);
    expect(h.connector.messagesSentTo(chat.conversationId).map((activity) => activity.text)).toEqual(['message after']);
  });

  it('does not retry a 500, neither in the outbox nor in botbuilder: one request, a ServiceError dead letter, the reference stays active', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    h.connector.failNext(1, faults.serverError(500));
    const { outbox, registry } = await h.open();
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'k', target: toConversation(chat), activity: text('k') });
    const report = await outbox.whenSettled(['k'], 5_000);

    expect(report.failed.map((failure) => failure.reason)).toEqual(['ServiceError']);
    expect(h.connector.requestsTo(chat.conversationId).map((request) => request.status)).toEqual([500]);
    expect(registry.forConversation(chat.conversationId)?.active).toBe(true);
  });

  it.each([502, 503, 504] as const)('retries a %i with back-off and makes exactly one request per attempt', async (status) => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    h.connector.failNext(2, faults.serverError(status));
    const { outbox } = await h.open();
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'k', target: toConversation(chat), activity: text('k') });
    const report = await outbox.whenSettled(['k'], 5_000);

    expect(report.sent).toHaveLength(1);
    expect(h.connector.requestsTo(chat.conversationId).map((request) => request.status)).toEqual([status, status, 201]);
    expect(outbox.get('k')?.attempts).toBe(3);
  });

  it('retries 412 PreconditionFailed and a refused connection', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    h.connector.failNext(1, faults.preconditionFailed());
    const { outbox, registry } = await h.open();
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'k412', target: toConversation(chat), activity: text('k412') });
    expect((await outbox.whenSettled(['k412'], 5_000)).sent).toHaveLength(1);
    expect(h.connector.requestsTo(chat.conversationId).map((request) => request.status)).toEqual([412, 201]);

    // A service URL where nothing listens: no HTTP answer at all, retried until the attempt budget runs out.
    const closed = await startFakeConnector();
    await closed.close();
    await registry.recordInbound(personalMessage({ ...chat, serviceUrl: closed.url }));
    const { outbox: second } = await h.open({ maxAttempts: 2 });
    second.start();
    await second.enqueue({ idempotencyKey: 'refused', target: toConversation(chat), activity: text('refused') });
    const report = await second.whenSettled(['refused'], 5_000);
    expect(report.failed.map((failure) => failure.reason)).toEqual(['RetriesExhausted']);
    expect(report.failed[0]?.detail).toMatch(/ECONNREFUSED|REQUEST_SEND_ERROR/);
  });

  it('sends the entries a stopped instance left unsent exactly once from a new instance, and nothing twice', async () => {
    const h = await harness(2);
    const [flaky, healthy] = h.chats;
    if (flaky === undefined || healthy === undefined) throw new Error('harness made too few chats');
    // The first instance gets through to one conversation only; the other keeps failing with 503.
    h.connector.failAlways(faults.serverError(503), { conversationId: flaky.conversationId });
    const first = await h.open({ maxAttempts: 100 });
    first.outbox.start();
    const keys = ['f1', 'f2', 'f3', 'h1', 'h2', 'h3'];
    for (const key of keys) {
      await first.outbox.enqueue({ idempotencyKey: key, target: toConversation(key.startsWith('f') ? flaky : healthy), activity: text(key) });
    }
    await first.outbox.whenSettled(['h1', 'h2', 'h3'], 5_000);
    await h.connector.waitFor(() => h.connector.requestsTo(flaky.conversationId).length >= 2, 5_000, 'two failed attempts');
    await first.outbox.stop();
    expect(h.repository.snapshot().outbox.filter((entry) => entry.state === 'pending').map((entry) => entry.idempotencyKey)).toEqual(['f1', 'f2', 'f3']);

    h.connector.clearFaults();
    const second = await h.open();
    second.outbox.start();
    const report = await second.outbox.whenSettled(keys, 5_000);
    expect(report.sent).toHaveLength(6);
    expect(h.connector.messagesSentTo(flaky.conversationId).map((activity) => activity.text)).toEqual(['message f1', 'message f2', 'message f3']);
    expect(h.connector.messagesSentTo(healthy.conversationId).map((activity) => activity.text)).toEqual(['message h1', 'message h2', 'message h3']);
    await second.outbox.stop();

    // A third start finds nothing to do.
    const requestsBefore = h.connector.requests.length;
    const third = await h.open();
    third.outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.connector.requests).toHaveLength(requestsBefore);
  });

  it('sends entries enqueued before start, after a restart, exactly once', async () => {
    const h = await harness(3);
    const before = await h.open();
    const keys = h.chats.flatMap((chat) => [`${chat.conversationId}/1`, `${chat.conversationId}/2`]);
    for (const key of keys) {
      const chat = h.chats.find((candidate) => key.startsWith(candidate.conversationId));
      if (chat === undefined) throw new Error(`no chat for ${key}`);
      await before.outbox.enqueue({ idempotencyKey: key, target: toConversation(chat), activity: text(key) });
    }
    // The process "dies" here: nothing was sent, everything was saved.
    expect(h.connector.requests).toHaveLength(0);
    expect(h.repository.snapshot().outbox.every((entry) => entry.state === 'pending')).toBe(true);

    const after = await h.open();
    after.outbox.start();
    const report = await after.outbox.whenSettled(keys, 5_000);
    expect(report.sent.map((sent) => sent.idempotencyKey).sort()).toEqual([...keys].sort());
    const texts = h.connector.requests.map((request) => request.rawBody).filter((body) => body.includes('message '));
    expect(texts).toHaveLength(keys.length);
  });

  it('ignores a duplicate idempotency key, in the same instance and after a restart', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    const first = await h.open();
    first.outbox.start();
    const request = { idempotencyKey: 'alert-42', target: toConversation(chat), activity: text('alert-42') };
    expect((await first.outbox.enqueue(request)).status).toBe('accepted');
    expect((await first.outbox.enqueue(request)).status).toBe('duplicate');
    await first.outbox.whenSettled(['alert-42'], 5_000);
    await first.outbox.stop();

    const second = await h.open();
    second.outbox.start();
    const again = await second.outbox.enqueue({ ...request, activity: { text: 'different text, same key' } });
    expect(again.status).toBe('duplicate');
    expect(again.entry.state).toBe('sent');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.connector.messagesSentTo(chat.conversationId).map((activity) => activity.text)).toEqual(['message alert-42']);
  });

  it('updates a sent message in place with the activity id the connector returned', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    const { outbox } = await h.open();
    outbox.start();
    const card = { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Pending' }] } };
    await outbox.enqueue({ idempotencyKey: 'card', target: toConversation(chat), activity: { attachments: [card] } });
    const sent = (await outbox.whenSettled(['card'], 5_000)).sent[0];
    const activityId = sent?.activityId;
    if (activityId === undefined || activityId === null) throw new Error('no activity id for the sent card');

    const approved = { ...card, content: { ...card.content, body: [{ type: 'TextBlock', text: 'Approved by Ada' }] } };
    await outbox.enqueue({ idempotencyKey: 'card:approved', target: toConversation(chat), activity: { attachments: [approved] }, update: { activityId } });
    const report = await outbox.whenSettled(['card:approved'], 5_000);

    expect(report.sent[0]?.activityId).toBe(activityId);
    const put = h.connector.requests.filter((request) => request.method === 'PUT');
    expect(put.map((request) => [request.conversationId, request.activityId])).toEqual([[chat.conversationId, activityId]]);
    expect(JSON.stringify(h.connector.currentActivity(chat.conversationId, activityId)?.attachments)).toContain('Approved by Ada');
    expect(h.connector.messagesSentTo(chat.conversationId)).toHaveLength(1);
  });

  it('reports an update of a message that no longer exists as ActivityNotFound without deactivating the conversation', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    h.connector.failNext(1, faults.activityNotFound(), { operations: ['update'] });
    const { outbox, registry } = await h.open();
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'upd', target: toConversation(chat), activity: text('upd'), update: { activityId: 'gone-1' } });
    const report = await outbox.whenSettled(['upd'], 5_000);
    expect(report.failed.map((failure) => failure.reason)).toEqual(['ActivityNotFound']);
    expect(registry.forConversation(chat.conversationId)?.active).toBe(true);
  });

  it('follows a refreshed serviceUrl: after an activity arrives from a new service URL, messages go there', async () => {
    const h = await harness(1);
    const [chat] = h.chats;
    if (chat === undefined) throw new Error('harness made no chat');
    const moved = await startFakeConnector();
    cleanups.push(() => moved.close());
    const { outbox, registry } = await h.open();
    const refreshed = await registry.recordInbound(personalMessage({ ...chat, serviceUrl: moved.url }));
    expect(refreshed.ok && refreshed.value.change).toBe('refreshed');
    outbox.start();
    await outbox.enqueue({ idempotencyKey: 'k', target: { kind: 'user', tenantId: TENANT, aadObjectId: chat.aadObjectId }, activity: text('k') });
    await outbox.whenSettled(['k'], 5_000);

    expect(moved.messagesSentTo(chat.conversationId).map((activity) => activity.text)).toEqual(['message k']);
    expect(h.connector.requests).toHaveLength(0);
  });

  it('dead-letters a message for a user who never talked to the bot without calling Teams', async () => {
    const h = await harness(1);
    const outcomes: string[] = [];
    const { outbox } = await h.open({ onOutcome: (outcome) => outcomes.push(`${outcome.idempotencyKey}:${outcome.state}`) });
    outbox.start();
    const result = await outbox.enqueue({
      idempotencyKey: 'stranger',
      target: { kind: 'user', tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-00000000dead' },
      activity: text('stranger'),
    });
    expect(result.status).toBe('undeliverable');
    const [failure, ...others] = outbox.deliveryReport(['stranger']).failed;
    expect(others).toEqual([]);
    expect(failure?.reason).toBe('NotInstalled');
    expect(failure?.detail).toBe('user 00000000-0000-0000-0000-00000000dead (tenant 00000000-0000-0000-0000-000000000001) has not installed the bot or never talked to it.');
    expect(outcomes).toEqual(['stranger:dead']);
    expect(h.connector.requests).toHaveLength(0);
  });
});
