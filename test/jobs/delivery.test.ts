import { z } from 'zod';
// Alerts and job cards through the real outbox over a scripted Teams transport: throttling, refusals, and a
// restart while messages wait. (Over HTTP, the composition root's adapter currently turns proactive failures
// into successes, so Teams' 429 and 403 cannot be observed end to end; see the report of this work.)
import { afterEach, describe, expect, it } from 'vitest';
import type { UseCaseContext } from '../../src/app/context.js';
import { createInProcessEventBus } from '../../src/app/events.js';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import type { TestAndEnableJobService } from '../../src/app/jobs/service.js';
import { createTestAndEnableJobs } from '../../src/main.js';
import type { CoreServices } from '../../src/bot/services.js';
import type { User } from '../../src/domain/model.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import { silentLogger } from '../../src/shared/logger.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox } from '../../src/notify/outbox.js';
import type { OutboundActivity } from '../../src/app/outbox-records.js';
import type { DeliveryAddress, ProactiveSender, SendOutcome } from '../../src/notify/sender.js';
import { createInMemoryEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentJobRepository } from '../../src/store/jobs-repository.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { DocumentNotifyRepository } from '../../src/store/notify-repository.js';
import { exampleDocument } from '../support/fixtures.js';
import { taggedIds, waitUntil } from './support.js';

interface Delivered {
  readonly conversationId: string;
  readonly activityId: string;
  readonly activity: OutboundActivity;
  readonly update: boolean;
}

/** Teams as a script: a seeded share of 429s, refusals for some conversations, success for the rest. */
class ScriptedTeams implements ProactiveSender {
  readonly delivered: Delivered[] = [];
  throttled = 0;
  private nextId = 1;
  private seed = 7;

  constructor(
    private readonly options: {
      readonly throttleShare?: number;
      readonly refuse?: ReadonlyMap<string, { readonly status: number; readonly code: string }>;
      /** Conversations that get 429 with a long Retry-After on every attempt. */
      readonly stall?: ReadonlySet<string>;
      /** Messages deleted in Teams: updating them answers 404 ActivityNotFoundInConversation. */
      readonly deleted?: ReadonlySet<string>;
    } = {},
  ) {}

  send(address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome> {
    return Promise.resolve(this.answer(address, activity, undefined));
  }

  update(address: DeliveryAddress, activityId: string, activity: OutboundActivity): Promise<SendOutcome> {
    return Promise.resolve(this.answer(address, activity, activityId));
  }

  sendsTo(conversationId: string): Delivered[] {
    return this.delivered.filter((delivery) => delivery.conversationId === conversationId && !delivery.update);
  }

  latest(conversationId: string, activityId: string): Delivered | undefined {
    return this.delivered.filter((delivery) => delivery.conversationId === conversationId && delivery.activityId === activityId).at(-1);
  }

  private random(): number {
    this.seed = (this.seed * 16_807) % 2_147_483_647;
    return this.seed / 2_147_483_647;
  }

  private answer(address: DeliveryAddress, activity: OutboundActivity, updating: string | undefined): SendOutcome {
    if (updating !== undefined && this.options.deleted?.has(updating)) {
      return { ok: false, failure: { status: 404, code: 'ActivityNotFoundInConversation', message: 'The activity was not found.', retryAfterMs: null } };
    }
    if (this.options.stall?.has(address.conversationId)) {
      return { ok: false, failure: { status: 429, code: 'Throttled', message: 'Too many requests.', retryAfterMs: 60_000 } };
    }
    const refusal = this.options.refuse?.get(address.conversationId);
    if (refusal !== undefined) return { ok: false, failure: { ...refusal, message: 'refused', retryAfterMs: null } };
    if (this.random() < (this.options.throttleShare ?? 0)) {
      this.throttled += 1;
      return { ok: false, failure: { status: 429, code: 'Throttled', message: 'Too many requests.', retryAfterMs: 0 } };
    }
    const activityId = updating ?? `activity-${this.nextId++}`;
    this.delivered.push({ conversationId: address.conversationId, activityId, activity, update: updating !== undefined });
    return { ok: true, activityId };
  }
}

const chatOf = (user: User): string => `a:personal-${user.aadObjectId}`;
const CARD_ID = 'job-card-1';

interface Bot {
  readonly store: DocumentEmailConfigStore;
  readonly jobs: TestAndEnableJobService;
  readonly outbox: Outbox;
  stop(): Promise<void>;
}

/** The jobs service as main.ts builds it, over `store`, with everyone in `reachable` known to the bot. */
async function startBot(store: DocumentEmailConfigStore, teams: ScriptedTeams, reachable: readonly string[], tag: string): Promise<Bot> {
  const notify = new DocumentNotifyRepository(store);
  const references = await ConversationReferenceRegistry.open(notify);
  for (const id of reachable) {
    const person = store.userById(id);
    if (person === undefined) throw new Error(`no ${id}`);
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
  const outbox = await Outbox.open({ repository: notify, references, sender: teams, backoff: { baseMs: 5, maxMs: 20 } });
  outbox.start();
  const events = createInProcessEventBus(() => undefined);
  const clock = { now: () => new Date() };
  const ids = taggedIds(tag);
  const records = new EmbeddedOrganizationRecords(store);
  const useCases: UseCaseContext = { records, auditLog: records, clock, ids, events };
  const core: CoreServices = { useCases, events, outbox, references, connector: new SimulatedExchangeConnector(store.exchangeSimulation(), { sleep: () => Promise.resolve() }), clock, ids, logger: silentLogger };
  const jobs = createTestAndEnableJobs(core, new DocumentJobRepository(store), { progressIntervalMs: 50, deliveryReportTimeoutMs: 10_000 }).service;
  await jobs.start();
  return {
    store,
    jobs,
    outbox,
    stop: async () => {
      await jobs.stop();
      await outbox.stop();
    },
  };
}

const EVERYONE = ['user-ada', 'user-evan', 'user-sam', 'user-sid', 'user-erin', 'user-gus', 'user-dana', 'user-cody', 'user-otto', 'user-pia'];

function person(store: DocumentEmailConfigStore, id: string): User {
  const found = store.userById(id);
  if (found === undefined) throw new Error(`no ${id}`);
  return found;
}

/** Starts `test mailbox all` as Ada, with its card (already posted by the command) at CARD_ID in her chat. */
async function testAll(bot: Bot): Promise<string> {
  const ada = person(bot.store, 'user-ada');
  const started = await bot.jobs.startJob({ requester: ada, mailboxIds: bot.store.mailboxes().map((mailbox) => mailbox.id), origin: 'command', title: 'Test & Enable all' });
  if (!started.ok) throw new Error(started.error.message);
  await bot.jobs.reportProgressTo(started.value.id, { conversationId: chatOf(ada), activityId: CARD_ID });
  return started.value.id;
}

const storedJob = (store: DocumentEmailConfigStore, jobId: string): JobRecord | undefined => (store.document().jobs ?? []).find((job) => job.id === jobId);

async function reported(store: DocumentEmailConfigStore, jobId: string): Promise<JobRecord> {
  await waitUntil(() => storedJob(store, jobId)?.deliveryReported === true, `job ${jobId} to report`, 15_000);
  const job = storedJob(store, jobId);
  if (job === undefined) throw new Error('no job');
  return job;
}

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

describe('alert delivery through the outbox', () => {
  it('delivers every alert exactly once while Teams throttles about one request in ten', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument());
    const teams = new ScriptedTeams({ throttleShare: 0.1 });
    const bot = await startBot(store, teams, EVERYONE, 'a');
    stops.push(() => bot.stop());
    const job = await reported(store, await testAll(bot));

    expect(teams.throttled).toBeGreaterThan(0);
    const expected = new Map<string, number>();
    for (const key of job.notificationKeys) {
      const entry = bot.outbox.get(key);
      expect(entry?.state, key).toBe('sent');
      const conversation = entry?.conversationId ?? '';
      expected.set(conversation, (expected.get(conversation) ?? 0) + 1);
    }
    for (const id of EVERYONE) {
      const chat = chatOf(person(store, id));
      expect(teams.sendsTo(chat).length, id).toBe(expected.get(chat) ?? 0);
    }
    // Otto owns his mailbox and the Sales Inbox queue.
    expect(expected.get(chatOf(person(store, 'user-otto')))).toBe(2);
    const summary = teams.latest(chatOf(person(store, 'user-ada')), CARD_ID)?.activity;
    // Teams (and the Agents Playground) refuse an update that carries text and a card: the note is in the card.
    expect(summary?.text).toBeUndefined();
    expect(cardNoteOf(summary)).toBe(`All ${job.notificationKeys.length} alerts were delivered.`);
  });

  it('names in the job summary the owners Teams refused to reach', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument());
    const otto = person(store, 'user-otto');
    const sam = person(store, 'user-sam');
    const teams = new ScriptedTeams({
      refuse: new Map([
        [chatOf(otto), { status: 403, code: 'BotNotInConversationRoster' }],
        [chatOf(sam), { status: 404, code: 'ConversationNotFound' }],
      ]),
    });
    const bot = await startBot(store, teams, ['user-ada', 'user-otto', 'user-sam'], 'b');
    stops.push(() => bot.stop());
    const job = await reported(store, await testAll(bot));
    const text = cardNoteOf(teams.latest(chatOf(person(store, 'user-ada')), CARD_ID)?.activity);
    expect(text).toMatch(/Otto Owner has removed the bot \(Teams: BotNotInConversationRoster\)/);
    expect(text).toMatch(/Sam Sysadmin cannot be reached: the chat no longer exists \(404\)/);
    // Those never installed are named too, and counted once each.
    expect(text).toMatch(/Pia Pending \(owner of pia@contoso\.com\) has not installed the bot/);
    expect(text).toContain(`could not reach ${job.unreachableCount + 2} recipients`);
  });
});

describe('a job card deleted in Teams', () => {
  it('stops updating it and posts the summary as a new message', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument());
    const teams = new ScriptedTeams({ deleted: new Set([CARD_ID]) });
    const bot = await startBot(store, teams, ['user-ada'], 'c');
    stops.push(() => bot.stop());
    const jobId = await testAll(bot);
    await reported(store, jobId);
    const ada = chatOf(person(store, 'user-ada'));
    const summaries = teams.sendsTo(ada).filter((delivery) => delivery.activity.summary?.startsWith('Test & Enable all: Done.') === true);
    expect(summaries).toHaveLength(1);
    expect(bot.outbox.get(`job:${jobId}:summary`)?.state).toBe('sent');
  });
});

describe('a restart while alerts wait in the outbox', () => {
  it('sends the waiting alerts once after the restart and then completes the job summary', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument());
    const otto = person(store, 'user-otto');
    const ada = person(store, 'user-ada');
    const stalled = new ScriptedTeams({ stall: new Set([chatOf(otto)]) });
    const first = await startBot(store, stalled, ['user-ada', 'user-otto'], 'first');
    const jobId = await testAll(first);
    await waitUntil(() => storedJob(store, jobId)?.status === 'done', 'the job to finish');
    await waitUntil(() => cardNoteOf(stalled.latest(chatOf(ada), CARD_ID)?.activity).includes('still being delivered'), 'the summary to say alerts are on their way');
    const waiting = (storedJob(store, jobId)?.notificationKeys ?? []).filter((key) => key.endsWith(`user:${otto.aadObjectId}`));
    expect(waiting).toHaveLength(2);
    for (const key of waiting) expect(first.outbox.get(key)?.state).toBe('pending');
    await first.stop();

    const healthy = new ScriptedTeams();
    const second = await startBot(store, healthy, ['user-ada', 'user-otto'], 'second');
    stops.push(() => second.stop());
    const job = await reported(store, jobId);
    expect(stalled.sendsTo(chatOf(otto))).toHaveLength(0);
    expect(healthy.sendsTo(chatOf(otto))).toHaveLength(2);
    for (const key of waiting) expect(second.outbox.get(key)?.state).toBe('sent');
    // Nothing sent before the restart is sent again.
    expect(healthy.sendsTo(chatOf(ada))).toHaveLength(0);
    expect(cardNoteOf(healthy.latest(chatOf(ada), CARD_ID)?.activity)).toMatch(/could not reach|were delivered/);
    expect(job.deliveryReported).toBe(true);
  });
});

/** The delivery note at the end of a job card (the last TextBlock of its body). */
function cardNoteOf(activity: { readonly attachments?: readonly unknown[] } | undefined): string {
  const card = z
    .object({ content: z.object({ body: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()) }).loose() })
    .loose()
    .safeParse(activity?.attachments?.[0]);
  if (!card.success) return '';
  const blocks = card.data.content.body.filter((element) => element.type === 'TextBlock');
  return blocks[blocks.length - 1]?.text ?? '';
}
