// The persisted outbox every proactive message goes through.
//
// Guarantees:
// - An entry is saved before any attempt to send it; `enqueue` resolves only after that save.
// - An idempotency key is used once, ever: a second enqueue with it is ignored, also after a restart
//   (entries are never deleted, see NotifyRepository).
// - An entry is marked sent (with the Connector's activity id) only after the Connector confirmed it.
//   Entries not confirmed when the process stopped are sent again by the next instance. The one window
//   that cannot be closed: the Connector accepted a message and the process died before saving "sent";
//   Teams has no idempotency header, so that message is posted twice. Delivery is at least once, and
//   exactly once whenever the process is not killed between those two steps.
// - Per conversation, messages go out one at a time in enqueue order (a retried head holds back the rest),
//   within Teams' limits (7/1 s, 8/2 s, 60/30 s, 1800/h) and a global limit (30/s by default);
//   see rate-limiter.ts for why limits count each request until it completes.
// - Failures are classified by delivery-policy.ts; a terminal 403/404 marks the reference inactive and
//   dead-letters every queued entry of that conversation, in the same write.
// - No polling: one timer for the next moment something becomes due; `stop()` waits for in-flight sends.
import { z } from 'zod';
import { Mutex } from '../shared/mutex.js';
import { describeIssues } from '../shared/zod-problems.js';
import type { ConversationReferenceRecord, ConversationReferenceRegistry } from './conversation-references.js';
import { decideAfterFailure, describeFailure, retryDelayMs, type BackoffOptions } from './delivery-policy.js';
import {
  deliveryTargetSchema,
  outboundActivitySchema,
  type DeadLetter,
  type DeadLetterReason,
  type DeliveryTarget,
  type OutboxEntryRecord,
} from '../app/outbox-records.js';
import { SlidingWindowLimiter, type RateSlot, type RateWindow } from './rate-limiter.js';
import type { NotifyRepository, SharedOutboxCoordination } from '../app/notify-state.js';
import { OutboxRequestError } from '../app/proactive-messages.js';
import type { DeliveryAddress, ProactiveSender, SendOutcome } from './sender.js';

export * from '../app/outbox-records.js';

export const outboxRequestSchema = z
  .object({
    idempotencyKey: z.string().trim().min(1, 'idempotencyKey must not be empty').max(512, 'idempotencyKey is longer than 512 characters'),
    target: deliveryTargetSchema,
    activity: outboundActivitySchema,
    /** Edit the message with this activity id instead of posting a new one. */
    update: z.object({ activityId: z.string().trim().min(1, 'update.activityId must not be empty') }).strict().optional(),
    /** Who asked (free text, e.g. an aadObjectId), carried into reports. */
    requestedBy: z.string().trim().min(1).optional(),
  })
  .strict();
export type OutboxRequest = z.input<typeof outboxRequestSchema>;

// Thrown by `enqueue`; it lives with the port so that senders holding only the port can throw and catch it.
export { OutboxRequestError } from '../app/proactive-messages.js';

export type EnqueueResult =
  /** Saved and queued for delivery. */
  | { readonly status: 'accepted'; readonly entry: OutboxEntryRecord }
  /** The key was seen before; nothing new was saved or sent. `entry` is the earlier one. */
  | { readonly status: 'duplicate'; readonly entry: OutboxEntryRecord }
  /** Saved as a dead letter at once: no active conversation reference for the target. */
  | { readonly status: 'undeliverable'; readonly entry: OutboxEntryRecord };

/** What `enqueueMany` answers per request: `enqueue`'s results, or why a request was refused (nothing saved for it). */
export type EnqueueManyResult = EnqueueResult | { readonly status: 'invalid'; readonly problems: readonly string[] };

interface OutcomeBase {
  readonly idempotencyKey: string;
  readonly target: DeliveryTarget;
  readonly requestedBy: string | null;
  readonly conversationId: string | null;
}
export type DeliveryOutcome =
  | (OutcomeBase & { readonly state: 'sent'; readonly activityId: string | null })
  | (OutcomeBase & { readonly state: 'dead'; readonly deadLetter: DeadLetter });

export interface DeliveryReport {
  readonly sent: readonly { readonly idempotencyKey: string; readonly conversationId: string | null; readonly activityId: string | null }[];
  readonly pending: readonly { readonly idempotencyKey: string; readonly attempts: number }[];
  readonly failed: readonly {
    readonly idempotencyKey: string;
    readonly target: DeliveryTarget;
    readonly requestedBy: string | null;
    readonly reason: DeadLetterReason;
    readonly detail: string;
  }[];
  /** Keys the outbox has never seen. */
  readonly unknown: readonly string[];
}

/** Time source and timer, injectable for tests (vitest's fake timers also work with the default). */
export interface OutboxTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const systemTimers: OutboxTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Structurally compatible with the app's Logger; only what the outbox reports. */
export interface OutboxLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface OutboxOptions {
  readonly repository: NotifyRepository;
  readonly references: ConversationReferenceRegistry;
  readonly sender: ProactiveSender;
  /** Per conversation. Default: Teams' 7/1 s, 8/2 s, 60/30 s, 1800/h. */
  readonly perConversationLimits?: readonly RateWindow[];
  /** Across all conversations. Default: 30/1 s (Teams documents 50 RPS per app per tenant; older docs say 30). */
  readonly globalLimits?: readonly RateWindow[];
  /** Sends in flight at once, across conversations. Default 8. */
  readonly maxConcurrentSends?: number;
  /** Attempts per entry (first try included) before a retryable failure becomes a dead letter. Default 8. */
  readonly maxAttempts?: number;
  /** Jittered exponential back-off. Default base 500 ms, ceiling 60 s. */
  readonly backoff?: BackoffOptions;
  /** An attempt with no answer after this long counts as a transport failure (and is retried). Default 30 s. */
  readonly attemptTimeoutMs?: number;
  readonly timers?: OutboxTimers;
  /** Uniform in [0, 1); injectable so back-off is deterministic in tests. */
  readonly random?: () => number;
  /** Called once per entry when it is sent or dead-lettered. Exceptions from it are logged, not rethrown. */
  readonly onOutcome?: (outcome: DeliveryOutcome) => void;
  readonly log?: OutboxLog;
  /**
   * Several instances on one shared store (PostgreSQL): new entries are inserted first-come, a conversation's
   * head is sent only by the instance that claimed it, the limits are admitted by the store for the sum of
   * the instances, and the store is polled for work other instances enqueued or left behind.
   */
  readonly shared?: SharedOutboxCoordination;
  /** Shared mode: how often to look for other instances' work. Default 1 s. */
  readonly sharedPollMs?: number;
  /** Shared mode: how long a claim on a conversation's head lasts without a save. Default 60 s (twice the attempt timeout). */
  readonly claimLeaseMs?: number;
}

export const TEAMS_PER_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];
export const DEFAULT_GLOBAL_LIMITS: readonly RateWindow[] = [{ limit: 30, windowMs: 1_000 }];

/** Messages waiting for one conversation, oldest first, and that conversation's rate history. */
interface Lane {
  readonly conversationId: string;
  readonly queue: string[];
  busy: boolean;
  /** No attempt before this time (back-off or Retry-After). */
  notBefore: number;
  readonly limiter: SlidingWindowLimiter;
  /** Shared mode: the store says this conversation has pending entries (perhaps enqueued by another instance). */
  remote: boolean;
}

const silentLog: OutboxLog = { warn: () => undefined, error: () => undefined };

const addressOf = (reference: ConversationReferenceRecord): DeliveryAddress => ({
  conversationId: reference.conversationId,
  conversationType: reference.conversationType,
  serviceUrl: reference.serviceUrl,
  channelId: reference.channelId,
  tenantId: reference.tenantId,
  botId: reference.botId,
  userId: reference.userId,
});

const describeTarget = (target: DeliveryTarget): string =>
  target.kind === 'user' ? `user ${target.aadObjectId} (tenant ${target.tenantId})` : `conversation ${target.conversationId}`;

const noReferenceDetail = (target: DeliveryTarget): string =>
  target.kind === 'user'
    ? `${describeTarget(target)} has not installed the bot or never talked to it.`
    : `The bot has never been in ${describeTarget(target)}.`;

export class Outbox {
  private readonly entries = new Map<string, OutboxEntryRecord>();
  /** Entries being saved by `enqueue`, so that a concurrent enqueue with the same key is a duplicate. */
  private readonly reserved = new Map<string, OutboxEntryRecord>();
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Outcomes saved but not yet confirmed by the repository; retried with the next save. */
  private readonly unsaved = new Map<string, OutboxEntryRecord>();
  private readonly settledListeners = new Set<() => void>();
  private readonly globalLimiter: SlidingWindowLimiter;
  private readonly timers: OutboxTimers;
  private readonly random: () => number;
  private readonly log: OutboxLog;
  private readonly maxConcurrentSends: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly attemptTimeoutMs: number;
  private readonly perConversationLimits: readonly RateWindow[];
  /** Outbox writes happen one after another, in call order. */
  private readonly saves = new Mutex();
  /** The enqueue write that has not started yet, which new enqueues join (see `saveNewEntries`). */
  private nextEnqueueSave: { readonly batch: OutboxEntryRecord[]; readonly written: Promise<void> } | undefined;
  private timer: { cancel(): void } | undefined;
  private pollTimer: { cancel(): void } | undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  /**
   * Shared mode: the store said the tenant's window is full until then. Every conversation counts in it, so no
   * lane asks the store before then (each would be refused, after a claim and an admission transaction).
   */
  private sharedWindowFullUntil = 0;
  private running = false;

  private constructor(
    private readonly options: OutboxOptions,
    records: readonly OutboxEntryRecord[],
  ) {
    this.timers = options.timers ?? systemTimers;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLog;
    this.maxConcurrentSends = options.maxConcurrentSends ?? 8;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 60_000 };
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000;
    this.perConversationLimits = options.perConversationLimits ?? TEAMS_PER_CONVERSATION_LIMITS;
    this.globalLimiter = new SlidingWindowLimiter(options.globalLimits ?? DEFAULT_GLOBAL_LIMITS);
    if (!Number.isInteger(this.maxConcurrentSends) || this.maxConcurrentSends < 1) {
      throw new RangeError(`maxConcurrentSends must be a positive whole number, got ${this.maxConcurrentSends}.`);
    }
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive whole number, got ${this.maxAttempts}.`);
    }
    // Load order is enqueue order (the repository keeps positions), so lanes are rebuilt in the same order.
    for (const record of records) {
      this.entries.set(record.idempotencyKey, record);
      if (record.state === 'pending' && record.conversationId !== null) this.laneFor(record.conversationId).queue.push(record.idempotencyKey);
    }
  }

  /** Loads the saved outbox. Nothing is sent until `start()`. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const state = await options.repository.load();
    const outbox = new Outbox(options, state.outbox);
    // enqueue never saves a pending entry without a conversation; a hand-edited file might.
    const orphans = state.outbox
      .filter((record) => record.state === 'pending' && record.conversationId === null)
      .map((record) => outbox.dead(record, 'NotInstalled', noReferenceDetail(record.target)));
    if (orphans.length > 0) {
      for (const orphan of orphans) outbox.entries.set(orphan.idempotencyKey, orphan);
      await outbox.persist(orphans);
    }
    return outbox;
  }

  /** Starts delivering, beginning with entries left pending by an earlier run. */
  start(): void {
    this.running = true;
    this.pump();
    if (this.options.shared !== undefined) this.pollShared();
  }

  /** Stops starting new sends and waits for the ones in flight (and their saves) to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer();
    this.pollTimer?.cancel();
    this.pollTimer = undefined;
    await Promise.allSettled([...this.inFlight]);
    await this.saves.idle();
  }

  /**
   * Saves the request, then queues it. After `stop()` requests are still saved (and sent by the next start).
   * Throws `OutboxRequestError` for an invalid request and rethrows a failed save (then nothing was recorded).
   * Requests made while an earlier save is being written share the next write.
   */
  async enqueue(request: OutboxRequest): Promise<EnqueueResult> {
    const [result] = await this.enqueueMany([request]);
    if (result === undefined) throw new Error('enqueueMany returned no result for one request');
    if (result.status === 'invalid') throw new OutboxRequestError(result.problems);
    return result;
  }

  /**
   * `enqueue` for many messages at once (an alert fan-out, approval cards to every approver): the valid,
   * new ones are saved in one write, and queued in the order given. An invalid request is answered
   * `invalid` and does not stop the others. Rethrows a failed save (then none of them was recorded).
   */
  async enqueueMany(requests: readonly OutboxRequest[]): Promise<EnqueueManyResult[]> {
    if (this.options.shared !== undefined) await this.adoptSharedReferences(requests);
    const results: (EnqueueManyResult | undefined)[] = [];
    const toSave: OutboxEntryRecord[] = [];
    for (const request of requests) {
      const parsed = outboxRequestSchema.safeParse(request);
      if (!parsed.success) {
        results.push({ status: 'invalid', problems: describeIssues(parsed.error, { root: '(request)' }) });
        continue;
      }
      const earlier = this.entries.get(parsed.data.idempotencyKey) ?? this.reserved.get(parsed.data.idempotencyKey);
      if (earlier !== undefined) {
        results.push({ status: 'duplicate', entry: earlier });
        continue;
      }
      const entry = this.newEntry(parsed.data);
      this.reserved.set(entry.idempotencyKey, entry);
      toSave.push(entry);
      results.push(undefined);
    }
    const savedElsewhere = new Map<string, OutboxEntryRecord>();
    if (toSave.length > 0) {
      try {
        if (this.options.shared === undefined) await this.saveNewEntries(toSave);
        else for (const entry of (await this.options.shared.insertNew(toSave)).existing) savedElsewhere.set(entry.idempotencyKey, entry);
      } finally {
        for (const entry of toSave) this.reserved.delete(entry.idempotencyKey);
      }
    }
    let saved = 0;
    const answered = results.map((result): EnqueueManyResult => {
      if (result !== undefined) return result;
      const entry = toSave[saved++];
      if (entry === undefined) throw new Error('an enqueued entry went missing');
      // Another instance saved this key first: its entry stands, this request is the duplicate.
      const earlier = savedElsewhere.get(entry.idempotencyKey);
      if (earlier !== undefined) {
        this.entries.set(earlier.idempotencyKey, earlier);
        if (earlier.state === 'pending' && earlier.conversationId !== null) this.laneFor(earlier.conversationId).remote = true;
        return { status: 'duplicate', entry: earlier };
      }
      this.entries.set(entry.idempotencyKey, entry);
      if (entry.state === 'dead') {
        this.emit(entry);
        return { status: 'undeliverable', entry };
      }
      if (entry.conversationId !== null) this.laneFor(entry.conversationId).queue.push(entry.idempotencyKey);
      return { status: 'accepted', entry };
    });
    this.pump();
    return answered;
  }

  private newEntry(request: z.output<typeof outboxRequestSchema>): OutboxEntryRecord {
    const { idempotencyKey, target, activity, update, requestedBy } = request;
    const reference =
      target.kind === 'user' ? this.options.references.forUser(target.tenantId, target.aadObjectId) : this.options.references.forConversation(target.conversationId);
    const pending: OutboxEntryRecord = {
      idempotencyKey,
      target,
      activity,
      update: update ?? null,
      requestedBy: requestedBy ?? null,
      enqueuedAt: this.isoNow(),
      conversationId: reference?.conversationId ?? null,
      state: 'pending',
      attempts: 0,
      sentActivityId: null,
      sentAt: null,
      deadLetter: null,
    };
    if (reference === undefined) return this.dead(pending, 'NotInstalled', noReferenceDetail(target));
    if (!reference.active) {
      return this.dead(pending, 'ReferenceInactive', `${describeTarget(target)} cannot be reached: ${reference.inactiveReason ?? 'its conversation is inactive'}.`);
    }
    return pending;
  }

  /**
   * Saves new entries with the next write that has not started: callers arriving while a write is in
   * flight share one write (each caller's entries are all in it, in call order), instead of queuing one
   * write each behind it.
   */
  private saveNewEntries(entries: readonly OutboxEntryRecord[]): Promise<void> {
    let next = this.nextEnqueueSave;
    if (next === undefined) {
      const batch: OutboxEntryRecord[] = [];
      const written = this.saves.runExclusive(async () => {
        // From here on, new callers start the write after this one.
        this.nextEnqueueSave = undefined;
        await this.options.repository.save({ outbox: batch });
      });
      next = { batch, written };
      this.nextEnqueueSave = next;
    }
    next.batch.push(...entries);
    return next.written;
  }

  /** The entry for a key, in whatever state. */
  get(idempotencyKey: string): OutboxEntryRecord | undefined {
    return this.entries.get(idempotencyKey) ?? this.reserved.get(idempotencyKey);
  }

  /** Where a batch stands now, to tell the requester who was reached and who could not be. */
  deliveryReport(idempotencyKeys: readonly string[]): DeliveryReport {
    const sent: DeliveryReport['sent'][number][] = [];
    const pending: DeliveryReport['pending'][number][] = [];
    const failed: DeliveryReport['failed'][number][] = [];
    const unknown: string[] = [];
    for (const key of idempotencyKeys) {
      const entry = this.get(key);
      if (entry === undefined) unknown.push(key);
      else if (entry.state === 'sent') sent.push({ idempotencyKey: key, conversationId: entry.conversationId, activityId: entry.sentActivityId });
      else if (entry.state === 'pending' || entry.deadLetter === null) pending.push({ idempotencyKey: key, attempts: entry.attempts });
      else {
        failed.push({
          idempotencyKey: key,
          target: entry.target,
          requestedBy: entry.requestedBy,
          reason: entry.deadLetter.reason,
          detail: entry.deadLetter.detail,
        });
      }
    }
    return { sent, pending, failed, unknown };
  }

  /** Resolves with the report once none of the keys is pending; rejects after `timeoutMs` if given. */
  whenSettled(idempotencyKeys: readonly string[], timeoutMs?: number): Promise<DeliveryReport> {
    return new Promise((resolve, reject) => {
      let timeout: { cancel(): void } | undefined;
      const check = (): void => {
        const report = this.deliveryReport(idempotencyKeys);
        if (report.pending.length > 0) return;
        this.settledListeners.delete(check);
        timeout?.cancel();
        resolve(report);
      };
      this.settledListeners.add(check);
      if (timeoutMs !== undefined) {
        timeout = this.timers.setTimeout(() => {
          this.settledListeners.delete(check);
          const { pending } = this.deliveryReport(idempotencyKeys);
          reject(new Error(`${pending.length} of ${idempotencyKeys.length} messages were still pending after ${timeoutMs} ms.`));
        }, timeoutMs);
      }
      check();
    });
  }

  /** Launches every send that is allowed now, and sets one timer for the next one that will be. */
  private pump(): void {
    if (!this.running) return;
    const now = this.timers.now();
    let nextDueAt = Number.POSITIVE_INFINITY;
    // A snapshot: launching moves a lane to the back of the map (round robin across conversations).
    for (const lane of [...this.lanes.values()]) {
      if (this.inFlight.size >= this.maxConcurrentSends) break;
      if (lane.busy) continue;
      if (lane.queue.length === 0 && !lane.remote) {
        if (lane.limiter.waitMs(now) === 0 && lane.limiter.occupied === 0) this.lanes.delete(lane.conversationId);
        continue;
      }
      if (lane.notBefore > now) {
        nextDueAt = Math.min(nextDueAt, lane.notBefore);
        continue;
      }
      const laneWait = lane.limiter.waitMs(now);
      if (laneWait > 0) {
        nextDueAt = Math.min(nextDueAt, now + laneWait);
        continue;
      }
      if (this.sharedWindowFullUntil > now) {
        nextDueAt = Math.min(nextDueAt, this.sharedWindowFullUntil);
        break;
      }
      const globalWait = this.globalLimiter.waitMs(now);
      if (globalWait > 0) {
        // Infinity means "when an in-flight send completes", which pumps again anyway.
        nextDueAt = Math.min(nextDueAt, now + globalWait);
        break;
      }
      this.launch(lane);
    }
    this.scheduleAt(nextDueAt, now);
  }

  private launch(lane: Lane): void {
    lane.busy = true;
    this.lanes.delete(lane.conversationId);
    this.lanes.set(lane.conversationId, lane);
    const run = this.deliverHead(lane)
      .catch((error: unknown) => this.log.error('outbox delivery step failed', { conversationId: lane.conversationId, error }))
      .finally(() => {
        lane.busy = false;
        this.inFlight.delete(run);
        this.pump();
      });
    this.inFlight.add(run);
  }

  private async deliverHead(lane: Lane): Promise<void> {
    if (this.options.shared !== undefined) {
      await this.deliverSharedHead(lane, this.options.shared);
      return;
    }
    const key = lane.queue[0];
    const head = key === undefined ? undefined : this.entries.get(key);
    if (head === undefined) {
      lane.queue.shift();
      return;
    }
    await this.deliverClaimed(lane, this.options.references.forConversation(lane.conversationId), head);
  }

  /**
   * Sends the lane's head (this instance alone may), and saves what came of it. `onAnswered` runs as soon as
   * the request has completed, before the outcome is saved.
   */
  private async deliverClaimed(lane: Lane, reference: ConversationReferenceRecord | undefined, head: OutboxEntryRecord, onAnswered?: () => void): Promise<void> {
    if (reference === undefined || !reference.active) {
      const detail = `The conversation ${lane.conversationId} is no longer known to the bot.`;
      await this.giveUpOnLane(
        lane,
        'ReferenceInactive',
        (entry) =>
          reference === undefined ? detail : `${describeTarget(entry.target)} cannot be reached: ${reference.inactiveReason ?? 'its conversation is inactive'}.`,
        null,
      );
      return;
    }

    const attempt: OutboxEntryRecord = { ...head, attempts: head.attempts + 1 };
    this.entries.set(attempt.idempotencyKey, attempt);
    const outcome = await this.attemptOnce(lane, addressOf(reference), attempt);
    onAnswered?.();

    if (outcome.ok) {
      const sent: OutboxEntryRecord = { ...attempt, state: 'sent', sentActivityId: outcome.activityId ?? attempt.update?.activityId ?? null, sentAt: this.isoNow() };
      this.entries.set(sent.idempotencyKey, sent);
      lane.queue.shift();
      await this.persist([sent]);
      this.emit(sent);
      return;
    }

    const decision = decideAfterFailure(outcome.failure, attempt.update === null ? 'send' : 'update');
    const detail = describeFailure(outcome.failure);
    if (decision.kind === 'retry') {
      if (attempt.attempts < this.maxAttempts) {
        const delay = retryDelayMs(attempt.attempts, decision.retryAfterMs, this.random, this.backoff);
        lane.notBefore = this.timers.now() + delay;
        // Shared: the next attempt may be made by another instance, which must count this one.
        if (this.options.shared !== undefined) await this.persist([attempt]);
        this.log.warn('proactive send will be retried', { conversationId: lane.conversationId, attempts: attempt.attempts, delayMs: delay, failure: detail });
        return;
      }
      await this.giveUpOnHead(lane, attempt, 'RetriesExhausted', `Gave up after ${attempt.attempts} attempts; last answer ${detail}`);
      return;
    }
    if (decision.deactivatesConversation) {
      await this.giveUpOnLane(
        lane,
        decision.reason,
        (entry) => `${describeTarget(entry.target)} could not be reached: Teams answered ${detail}`,
        `Teams answered ${detail}`,
      );
      return;
    }
    await this.giveUpOnHead(lane, attempt, decision.reason, detail);
  }

  /** One HTTP call through the sender, inside the rate limits, bounded by the attempt timeout. */
  private async attemptOnce(lane: Lane, address: DeliveryAddress, entry: OutboxEntryRecord): Promise<SendOutcome> {
    const slots: RateSlot[] = [lane.limiter.acquire(), this.globalLimiter.acquire()];
    let timeout: { cancel(): void } | undefined;
    try {
      const call =
        entry.update === null
          ? this.options.sender.send(address, entry.activity)
          : this.options.sender.update(address, entry.update.activityId, entry.activity);
      const timedOut = new Promise<SendOutcome>((resolve) => {
        timeout = this.timers.setTimeout(
          () =>
            resolve({
              ok: false,
              failure: { status: null, code: 'AttemptTimeout', message: `No answer within ${this.attemptTimeoutMs} ms.`, retryAfterMs: null },
            }),
          this.attemptTimeoutMs,
        );
      });
      return await Promise.race([call, timedOut]);
    } catch (error) {
      return { ok: false, failure: { status: null, code: 'SenderThrew', message: error instanceof Error ? error.message : String(error), retryAfterMs: null } };
    } finally {
      timeout?.cancel();
      const completedAt = this.timers.now();
      for (const slot of slots) slot.release(completedAt);
    }
  }

  /**
   * Shared mode: the store decides which entry is the conversation's head and whether this instance may send
   * it now; the limits are admitted by the store for every instance together.
   */
  private async deliverSharedHead(lane: Lane, shared: SharedOutboxCoordination): Promise<void> {
    const pollMs = this.options.sharedPollMs ?? 1_000;
    const claim = await shared.claimHead(lane.conversationId, this.options.claimLeaseMs ?? 60_000);
    if (claim.kind === 'busy') {
      lane.notBefore = this.timers.now() + pollMs;
      return;
    }
    if (claim.kind === 'empty') {
      // Whatever this instance still had queued here was finished by another one.
      await this.adoptSharedOutcomes(lane.queue.splice(0));
      lane.remote = false;
      return;
    }
    const head = claim.entry;
    const queued = lane.queue.indexOf(head.idempotencyKey);
    if (queued > 0) {
      // Earlier entries of this lane are no longer pending in the store.
      await this.adoptSharedOutcomes(lane.queue.splice(0, queued));
    }
    if (lane.queue[0] !== head.idempotencyKey) lane.queue.unshift(head.idempotencyKey);
    lane.remote = true;
    this.entries.set(head.idempotencyKey, head);
    let reference = this.options.references.forConversation(lane.conversationId);
    if (reference === undefined) {
      reference = await shared.reference({ conversationId: lane.conversationId });
      if (reference !== undefined) this.options.references.adopt([reference]);
    }
    if (reference?.active === true) {
      const tenantScope = `tenant:${reference.tenantId ?? 'none'}`;
      const admission = await shared.admit(
        [
          { scope: `conversation:${lane.conversationId}`, windows: this.perConversationLimits },
          { scope: tenantScope, windows: this.options.globalLimits ?? DEFAULT_GLOBAL_LIMITS },
        ],
        this.attemptTimeoutMs,
      );
      if (!admission.ok) {
        const until = this.timers.now() + admission.waitMs;
        lane.notBefore = until;
        // Like the local global limiter, this holds every lane (in practice the bot serves one tenant).
        if (admission.fullScope === tenantScope) this.sharedWindowFullUntil = Math.max(this.sharedWindowFullUntil, until);
        return;
      }
      // The request stops counting in the windows when it completes, as in the local limiters: held through
      // the save of its outcome as well, every send would occupy the tenant's window a round trip longer, and
      // the shared fan-out would stay that much under the allowed rate.
      let released: Promise<void> | undefined;
      const release = (): Promise<void> =>
        (released ??= admission.release().catch((error: unknown) => this.log.warn('could not record the end of a send in the shared rate windows', { error })));
      try {
        await this.deliverClaimed(lane, reference, head, () => void release());
      } finally {
        await release();
      }
      return;
    }
    await this.deliverClaimed(lane, reference, head);
  }

  /** Asks the store what became of entries this instance queued, and settles them here. */
  private async adoptSharedOutcomes(keys: readonly string[]): Promise<void> {
    const shared = this.options.shared;
    if (shared === undefined || keys.length === 0) return;
    for (const stored of await shared.settledEntries(keys)) {
      const known = this.entries.get(stored.idempotencyKey);
      if (known?.state === 'pending' && stored.state !== 'pending') {
        this.entries.set(stored.idempotencyKey, stored);
        for (const listener of [...this.settledListeners]) listener();
      }
    }
  }

  /** Learns the references of targets this instance has not seen (another instance talked to them). */
  private async adoptSharedReferences(requests: readonly OutboxRequest[]): Promise<void> {
    const shared = this.options.shared;
    if (shared === undefined) return;
    const found: ConversationReferenceRecord[] = [];
    for (const request of requests) {
      const target = deliveryTargetSchema.safeParse(request.target);
      if (!target.success) continue;
      const wanted = target.data;
      const local = wanted.kind === 'user' ? this.options.references.forUser(wanted.tenantId, wanted.aadObjectId) : this.options.references.forConversation(wanted.conversationId);
      if (local !== undefined) continue;
      const stored = await shared.reference(wanted.kind === 'user' ? { tenantId: wanted.tenantId, aadObjectId: wanted.aadObjectId } : { conversationId: wanted.conversationId });
      if (stored !== undefined) found.push(stored);
    }
    if (found.length > 0) this.options.references.adopt(found);
  }

  /** Shared mode: now and then, look for conversations other instances left work in, and for settled entries. */
  private pollShared(): void {
    const shared = this.options.shared;
    if (shared === undefined || !this.running) return;
    const poll = async (): Promise<void> => {
      for (const conversationId of await shared.pendingConversations()) this.laneFor(conversationId).remote = true;
      const waiting = [...this.entries.values()].filter((entry) => entry.state === 'pending').map((entry) => entry.idempotencyKey);
      await this.adoptSharedOutcomes(waiting);
    };
    poll()
      .catch((error: unknown) => this.log.warn('could not look for work in the shared outbox', { error }))
      .finally(() => {
        if (!this.running) return;
        this.pump();
        this.pollTimer = this.timers.setTimeout(() => this.pollShared(), this.options.sharedPollMs ?? 1_000);
      });
  }

  private async giveUpOnHead(lane: Lane, entry: OutboxEntryRecord, reason: DeadLetterReason, detail: string): Promise<void> {
    const dead = this.dead(entry, reason, detail);
    this.entries.set(dead.idempotencyKey, dead);
    lane.queue.shift();
    await this.persist([dead]);
    this.emit(dead);
  }

  /**
   * Dead-letters everything queued for the conversation; with an `inactiveReason`, also marks its reference
   * inactive, in the same write.
   */
  private async giveUpOnLane(
    lane: Lane,
    reason: DeadLetterReason,
    detailFor: (entry: OutboxEntryRecord) => string,
    inactiveReason: string | null,
  ): Promise<void> {
    const dead = lane.queue.splice(0).flatMap((key) => {
      const entry = this.entries.get(key);
      if (entry === undefined) return [];
      const deadEntry = this.dead(entry, reason, detailFor(entry));
      this.entries.set(key, deadEntry);
      return [deadEntry];
    });
    if (inactiveReason !== null) {
      try {
        await this.options.references.deactivate(lane.conversationId, inactiveReason, { outbox: dead });
      } catch (error) {
        this.log.error('could not save the deactivated conversation reference', { conversationId: lane.conversationId, error });
        await this.persist(dead);
      }
    } else {
      await this.persist(dead);
    }
    for (const entry of dead) this.emit(entry);
  }

  private dead(entry: OutboxEntryRecord, reason: DeadLetterReason, detail: string): OutboxEntryRecord {
    return { ...entry, state: 'dead', deadLetter: { reason, detail, at: this.isoNow() } };
  }

  /** Saves outcomes; a failed save is logged and retried with the next one (memory stays the truth meanwhile). */
  private persist(records: readonly OutboxEntryRecord[]): Promise<void> {
    for (const record of records) this.unsaved.set(record.idempotencyKey, record);
    return this.saves.runExclusive(async () => {
      const batch = [...this.unsaved.values()];
      if (batch.length === 0) return;
      try {
        await this.options.repository.save({ outbox: batch });
        for (const record of batch) {
          if (this.unsaved.get(record.idempotencyKey) === record) this.unsaved.delete(record.idempotencyKey);
        }
      } catch (error) {
        this.log.error('could not save outbox outcomes; will retry with the next save', { entries: batch.length, error });
      }
    });
  }

  private emit(entry: OutboxEntryRecord): void {
    const base = { idempotencyKey: entry.idempotencyKey, target: entry.target, requestedBy: entry.requestedBy, conversationId: entry.conversationId };
    const outcome: DeliveryOutcome | undefined =
      entry.state === 'sent'
        ? { ...base, state: 'sent', activityId: entry.sentActivityId }
        : entry.state === 'dead' && entry.deadLetter !== null
          ? { ...base, state: 'dead', deadLetter: entry.deadLetter }
          : undefined;
    if (outcome !== undefined && this.options.onOutcome !== undefined) {
      try {
        this.options.onOutcome(outcome);
      } catch (error) {
        this.log.error('onOutcome callback failed', { idempotencyKey: entry.idempotencyKey, error });
      }
    }
    for (const listener of [...this.settledListeners]) listener();
  }

  private laneFor(conversationId: string): Lane {
    let lane = this.lanes.get(conversationId);
    if (lane === undefined) {
      lane = { conversationId, queue: [], busy: false, notBefore: 0, limiter: new SlidingWindowLimiter(this.perConversationLimits), remote: false };
      this.lanes.set(conversationId, lane);
    }
    return lane;
  }

  private scheduleAt(dueAt: number, now: number): void {
    if (dueAt === this.timerDueAt) return;
    this.cancelTimer();
    if (!Number.isFinite(dueAt)) return;
    this.timerDueAt = dueAt;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, dueAt - now));
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
  }

  private isoNow(): string {
    return new Date(this.timers.now()).toISOString();
  }
}
