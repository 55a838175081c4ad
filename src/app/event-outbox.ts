// The event outbox: domain events are written in the same commit as the change that caused them
// (`ChangeSet.events`), and a dispatcher hands them to each named consumer from there, in order. Each consumer's
// position (the sequence of the last event it handled) is persisted after its handler finished, so a crash right
// after a commit loses no event (the next start dispatches it) and an event a consumer finished is never handed to
// it again. A handler that fails (or a crash inside it) is retried with the same event: handlers make their
// effects idempotent by the event's sequence or by keys derived from the records it names.
import { z } from 'zod';
import { approvalRequestReasonSchema, type AppEvent, type AppEventListener, type InProcessEventBus } from './events.js';

const recordId = z.string().trim().min(1, 'must not be empty');

/** The events as the data file keeps them; strict, so a hand-edited or damaged entry is named at start-up. */
export const appEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('approvalRequested'), mailboxId: recordId, requestedById: recordId, reason: approvalRequestReasonSchema }).strict(),
  z.object({ type: z.literal('emailAddressDecided'), mailboxId: recordId, decision: z.enum(['approved', 'rejected']), decidedById: recordId, remark: z.string().optional() }).strict(),
  z
    .object({
      type: z.literal('testAndEnableRequested'),
      mailboxIds: z.array(recordId),
      requestedById: recordId,
      origin: z.enum(['applyDefaults', 'command', 'approval']),
    })
    .strict(),
]) satisfies z.ZodType<AppEvent>;

export const storedEventSchema = z.object({ sequence: z.number().int().min(1), event: appEventSchema }).strict();
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** How far one consumer got: every event up to `dispatchedThrough` was handled by it. */
export const consumerOffsetSchema = z.object({ consumer: recordId, dispatchedThrough: z.number().int().min(0) }).strict();
export type ConsumerOffset = z.infer<typeof consumerOffsetSchema>;

export const eventOutboxSectionSchema = z
  .object({
    /** The sequence the last recorded event got; never reused, even once the events are pruned. */
    lastSequence: z.number().int().min(0),
    /** Events not yet handled by every consumer, oldest first. */
    events: z.array(storedEventSchema),
    /** An array, not an object keyed by name: consumer names never meet `Object.prototype`. */
    consumers: z.array(consumerOffsetSchema),
  })
  .strict();
export type EventOutboxSection = z.infer<typeof eventOutboxSectionSchema>;

export const EMPTY_EVENT_OUTBOX: EventOutboxSection = { lastSequence: 0, events: [], consumers: [] };

/** The section with `events` appended under the next sequence numbers (pure; the store calls it inside a commit). */
export function appendEvents(section: EventOutboxSection, events: readonly AppEvent[]): EventOutboxSection {
  if (events.length === 0) return section;
  // Parsed, not cast: an event the code built wrong is refused before it reaches the data file (and copied, so
  // the stored event shares nothing with the caller's arrays).
  const stored = events.map((event, index) => ({ sequence: section.lastSequence + index + 1, event: appEventSchema.parse(event) }));
  return { ...section, lastSequence: section.lastSequence + events.length, events: [...section.events, ...stored] };
}

const offsetOf = (section: EventOutboxSection, consumer: string): number =>
  section.consumers.find((offset) => offset.consumer === consumer)?.dispatchedThrough ?? 0;

/** The events `consumer` has not handled yet, oldest first. */
export const pendingFor = (section: EventOutboxSection, consumer: string): readonly StoredEvent[] => {
  const through = offsetOf(section, consumer);
  return section.events.filter((stored) => stored.sequence > through);
};

/**
 * The section once `consumer` handled everything through `sequence` (an offset never moves back). Events every
 * one of `consumers` has handled are dropped: nobody will ask for them again.
 */
export function markDispatched(section: EventOutboxSection, consumer: string, sequence: number, consumers: readonly string[]): EventOutboxSection {
  const through = Math.max(offsetOf(section, consumer), sequence);
  const offsets = [...section.consumers.filter((offset) => offset.consumer !== consumer), { consumer, dispatchedThrough: through }];
  const handledByAll = Math.min(...[...new Set([...consumers, consumer])].map((name) => offsets.find((offset) => offset.consumer === name)?.dispatchedThrough ?? 0));
  return { ...section, consumers: offsets, events: section.events.filter((stored) => stored.sequence > handledByAll) };
}

/** Where the outbox lives (the data file today). */
export interface EventOutboxRepository {
  /** The committed events `consumer` has not handled yet, oldest first. */
  pendingFor(consumer: string): Promise<readonly StoredEvent[]>;
  /** Persists that `consumer` handled every event through `sequence`; `consumers` are all known consumers (for pruning). */
  markDispatched(consumer: string, sequence: number, consumers: readonly string[]): Promise<void>;
}

export interface EventDispatcherOptions {
  readonly repository: EventOutboxRepository;
  readonly onError: (error: unknown, event: StoredEvent, consumer: string) => void;
  /**
   * The outbox itself could not be read or written (its store is unavailable): the consumer's events are tried
   * again after `retryAfterMs`. Without it such failures are still retried, silently.
   */
  readonly onOutboxError?: (error: unknown, consumer: string) => void;
  /** Wait before a failed handler is given the same event again. Default 1 s. */
  readonly retryAfterMs?: number;
  /**
   * Test hook: while it answers true for an event, that event stays in the outbox undispatched, exactly as if the
   * process had died right after the commit that recorded it.
   */
  readonly hold?: (stored: StoredEvent) => boolean;
}

interface Consumer {
  readonly name: string;
  readonly listener: AppEventListener;
  /** The running drain, if any; `again` asks it to look once more when it ends. */
  running: Promise<void> | undefined;
  again: boolean;
}

/**
 * Dispatches the outbox to named consumers, each in order and one event at a time. `publish` does not record
 * anything: use cases record events in their commit, and `publish` (called after the commit) only says there is
 * something new to dispatch. Listeners subscribed without a name are numbered in subscription order.
 */
export class EventDispatcher implements InProcessEventBus {
  readonly #options: EventDispatcherOptions;
  readonly #consumers = new Map<string, Consumer>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #started = false;
  #stopped = false;
  #unnamed = 0;

  constructor(options: EventDispatcherOptions) {
    this.#options = options;
  }

  subscribe(listener: AppEventListener, consumer?: string): () => void {
    const name = consumer ?? `listener-${++this.#unnamed}`;
    if (this.#consumers.has(name)) throw new RangeError(`An event consumer named ${name} is already subscribed.`);
    const entry: Consumer = { name, listener, running: undefined, again: false };
    this.#consumers.set(name, entry);
    if (this.#started) this.#drain(entry);
    return () => {
      this.#consumers.delete(name);
    };
  }

  /** The event is committed (in the outbox): dispatch soon. */
  publish(_event: AppEvent): void {
    this.dispatchPending();
  }

  /** Dispatches whatever is in the outbox; until `start`, nothing is dispatched (consumers may not be ready). */
  dispatchPending(): void {
    if (!this.#started || this.#stopped) return;
    for (const consumer of this.#consumers.values()) this.#drain(consumer);
  }

  /** Dispatches what earlier runs left in the outbox, then keeps dispatching after every commit. */
  start(): void {
    this.#started = true;
    this.#stopped = false;
    this.dispatchPending();
  }

  /** Resolves when every consumer is idle (tests use it to wait for follow-ups). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#consumers.values()].flatMap((consumer) => (consumer.running === undefined ? [] : [consumer.running]));
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Stops dispatching; the handler running now finishes (and its offset is written). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    await this.idle();
  }

  #drain(consumer: Consumer): void {
    if (consumer.running !== undefined) {
      consumer.again = true;
      return;
    }
    const dispatched = this.#dispatchTo(consumer).catch((error: unknown) => {
      // The outbox's store failed (PostgreSQL gone): nothing was dispatched past the last position written.
      this.#options.onOutboxError?.(error, consumer.name);
      this.#retryLater(consumer);
    });
    consumer.running = dispatched.finally(() => {
      consumer.running = undefined;
      if (consumer.again && !this.#stopped) {
        consumer.again = false;
        this.#drain(consumer);
      }
    });
  }

  async #dispatchTo(consumer: Consumer): Promise<void> {
    const { repository, onError, hold } = this.#options;
    for (const stored of await repository.pendingFor(consumer.name)) {
      if (this.#stopped || !this.#consumers.has(consumer.name)) return;
      if (hold?.(stored) === true) return;
      try {
        await consumer.listener(stored.event, { sequence: stored.sequence });
      } catch (error) {
        // Later events wait: a consumer sees its events in order. The same event is tried again later.
        onError(error, stored, consumer.name);
        this.#retryLater(consumer);
        return;
      }
      await repository.markDispatched(consumer.name, stored.sequence, [...this.#consumers.keys()]);
    }
  }

  #retryLater(consumer: Consumer): void {
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (!this.#stopped && this.#consumers.has(consumer.name)) this.#drain(consumer);
    }, this.#options.retryAfterMs ?? 1_000);
    timer.unref();
    this.#retryTimers.add(timer);
  }
}
