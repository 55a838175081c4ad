// What the requester hears when Teams refuses a card, with the real outbox over a scripted transport. (Over HTTP
// the composition root's adapter currently reports proactive failures as successes: see the report of this work.)
import { afterEach, describe, expect, it } from 'vitest';
import { requestApproval } from '../../src/app/email-approval.js';
import { createInProcessEventBus } from '../../src/app/events.js';
import type { UseCaseContext } from '../../src/app/context.js';
import { ApprovalCardService, createApprovalCards } from '../../src/bot/approvals/index.js';
import type { CoreServices } from '../../src/bot/services.js';
import type { User } from '../../src/domain/model.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import { silentLogger } from '../../src/shared/logger.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox } from '../../src/notify/outbox.js';
import type { OutboundActivity } from '../../src/app/outbox-records.js';
import type { DeliveryAddress, ProactiveSender, SendOutcome } from '../../src/notify/sender.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentApprovalRequestRepository } from '../../src/store/approvals-repository.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { DocumentNotifyRepository } from '../../src/store/notify-repository.js';
import { exampleDocument } from '../support/fixtures.js';

interface Sent {
  readonly conversationId: string;
  readonly activity: OutboundActivity;
}

/** Answers every call at once: a Teams refusal for the listed conversations, success for the others. */
class RefusingSender implements ProactiveSender {
  readonly sent: Sent[] = [];
  #nextId = 1;
  constructor(private readonly refusals: ReadonlyMap<string, { status: number; code: string }>) {}

  send(address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome> {
    return Promise.resolve(this.#answer(address, activity));
  }

  update(address: DeliveryAddress, activityId: string, activity: OutboundActivity): Promise<SendOutcome> {
    const outcome = this.#answer(address, activity);
    return Promise.resolve(outcome.ok ? { ok: true, activityId } : outcome);
  }

  #answer(address: DeliveryAddress, activity: OutboundActivity): SendOutcome {
    const refusal = this.refusals.get(address.conversationId);
    if (refusal !== undefined) return { ok: false, failure: { ...refusal, message: 'refused', retryAfterMs: null } };
    this.sent.push({ conversationId: address.conversationId, activity });
    return { ok: true, activityId: `activity-${this.#nextId++}` };
  }
}

const chatOf = (user: User): string => `a:personal-${user.aadObjectId}`;

async function setUp(refused: (users: { evan: User; dana: User }) => ReadonlyMap<string, { status: number; code: string }>) {
  const store = createInMemoryEmailConfigStore(await exampleDocument('contoso-2025.json'));
  const user = (id: string): User => {
    const found = store.userById(id);
    if (found === undefined) throw new Error(`no ${id}`);
    return found;
  };
  const [ada, evan, dana] = [user('user-ada'), user('user-evan'), user('user-dana')];
  const notify = new DocumentNotifyRepository(store);
  const references = await ConversationReferenceRegistry.open(notify);
  for (const person of [ada, evan, dana]) {
    const recorded = await references.recordInbound({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      from: { id: `29:${person.aadObjectId}`, aadObjectId: person.aadObjectId },
      recipient: { id: '28:mailbox-sync-bot' },
      conversation: { id: chatOf(person), conversationType: 'personal', tenantId: store.organization.tenantId },
      channelData: { tenant: { id: store.organization.tenantId } },
    });
    if (!recorded.ok) throw new Error(recorded.error);
  }
  const sender = new RefusingSender(refused({ evan, dana }));
  const outbox = await Outbox.open({ repository: notify, references, sender, maxAttempts: 1 });
  outbox.start();
  const events = createInProcessEventBus(() => undefined);
  const clock = { now: () => new Date() };
  let counter = 0;
  const ids = { next: (prefix: string) => `${prefix}-${++counter}` };
  const records = new EmbeddedOrganizationRecords(store);
  const useCases: UseCaseContext = { records, auditLog: records, clock, ids, events };
  const core: CoreServices = { useCases, events, outbox, references, connector: new SimulatedExchangeConnector(store.exchangeSimulation()), clock, ids, logger: silentLogger };
  const cards = createApprovalCards(core, new DocumentApprovalRequestRepository(store), { reportAfterMs: 2_000 });
  await cards.start();
  return { store, ada, sender, useCases, core, stop: async () => { await cards.stop(); await outbox.stop(); } };
}

describe('when Teams refuses an approval card', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  it('tells the requester which approvers could not be reached, in words', async () => {
    const scene = await setUp(({ evan, dana }) =>
      new Map([
        [chatOf(evan), { status: 403, code: 'ConversationBlockedByUser' }],
        [chatOf(dana), { status: 403, code: 'BotNotInConversationRoster' }],
      ]),
    );
    stops.push(scene.stop);
    const asked = await requestApproval(scene.useCases, scene.ada, { mailbox: 'gus@contoso.com' });
    expect(asked.ok).toBe(true);

    const report = await waitFor(() => scene.sender.sent.find((sent) => sent.conversationId === chatOf(scene.ada) && sent.activity.text !== undefined));
    expect(report.activity.text).toContain('I asked Ada Admin to approve gus@contoso.com (mailbox Gus Global).');
    expect(report.activity.text).toContain('Could not reach: Dana Delegate (the app is not installed for them); Evan Exchange (they blocked the bot).');
    const saved = scene.store.document().approvalRequests?.[0];
    expect(saved?.copies.map((copy) => [copy.approverId, copy.delivery])).toEqual([
      ['user-ada', 'sent'],
      ['user-dana', 'failed'],
      ['user-evan', 'failed'],
    ]);
  });

  it('still answers a card action with a message when something breaks on the way', async () => {
    const scene = await setUp(() => new Map());
    stops.push(scene.stop);
    const broken = new ApprovalCardService(scene.core, {
      all: () => Promise.resolve([]),
      byId: () => Promise.reject(new Error('the data file is gone')),
      update: () => Promise.reject(new Error('the data file is gone')),
      beginDecision: () => Promise.reject(new Error('the data file is gone')),
      settleDecision: () => Promise.reject(new Error('the data file is gone')),
    });

    const answer = await broken.handleAction(
      { verb: 'approval.approve', data: { requestId: 'approval-1', version: 1 } },
      {
        identification: { ok: true, user: scene.ada, tenantId: scene.store.organization.tenantId },
        conversation: { id: chatOf(scene.ada), type: 'personal', scope: 'personal', fromId: `29:${scene.ada.aadObjectId}` },
        replyToId: 'activity-1',
        trigger: 'manual',
        via: 'invoke',
      },
    );

    expect(answer).toEqual({ message: expect.stringMatching(/something went wrong on my side.*may or may not have been recorded/) as unknown });
  });
});

async function waitFor<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
