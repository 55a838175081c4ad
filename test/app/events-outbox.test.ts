// The event outbox (src/app/event-outbox.ts): events appended under growing sequence numbers, dispatched to each
// named consumer in order, each consumer's offset persisted after its handler finished, a failed handler given
// the same event again, events dropped once every consumer handled them, and nothing dispatched twice across
// dispatchers over the same stored section (a restart).
import { describe, expect, it, vi } from 'vitest';
import {
  appendEvents,
  EMPTY_EVENT_OUTBOX,
  eventOutboxSectionSchema,
  EventDispatcher,
  markDispatched,
  pendingFor,
  type EventOutboxRepository,
  type EventOutboxSection,
  type StoredEvent,
} from '../../src/app/event-outbox.js';
import type { AppEvent } from '../../src/app/events.js';

const decided = (mailboxId: string): AppEvent => ({ type: 'emailAddressDecided', mailboxId, decision: 'approved', decidedById: 'ada' });

/** The section kept in a variable, as the data file keeps it across restarts. */
function memoryOutbox(initial: EventOutboxSection = EMPTY_EVENT_OUTBOX) {
  const state = { section: initial, offsetWrites: 0 };
  const repository: EventOutboxRepository = {
    pendingFor: (consumer) => Promise.resolve(pendingFor(state.section, consumer)),
    markDispatched: (consumer, sequence, consumers) => {
      state.offsetWrites += 1;
      state.section = markDispatched(state.section, consumer, sequence, consumers);
      return Promise.resolve();
    },
  };
  return { state, repository, commit: (...events: AppEvent[]) => (state.section = appendEvents(state.section, events)) };
}

const dispatcher = (repository: EventOutboxRepository, errors: unknown[] = [], hold?: (stored: StoredEvent) => boolean) =>
  new EventDispatcher({ repository, onError: (error) => void errors.push(error), retryAfterMs: 10, ...(hold === undefined ? {} : { hold }) });

describe('the event outbox section', () => {
  it('numbers appended events after the last sequence, even once earlier ones were dropped', () => {
    let section = appendEvents(EMPTY_EVENT_OUTBOX, [decided('a'), decided('b')]);
    section = markDispatched(section, 'cards', 2, ['cards']);
    section = appendEvents(section, [decided('c')]);
    expect(section.events).toEqual([{ sequence: 3, event: decided('c') }]);
    expect(eventOutboxSectionSchema.parse(section)).toEqual(section);
  });

  it('keeps an event until every consumer handled it, and never moves an offset back', () => {
    let section = appendEvents(EMPTY_EVENT_OUTBOX, [decided('a'), decided('b')]);
    section = markDispatched(section, 'cards', 2, ['cards', 'jobs']);
    expect(section.events.map((stored) => stored.sequence)).toEqual([1, 2]);
    section = markDispatched(section, 'jobs', 1, ['cards', 'jobs']);
    expect(section.events.map((stored) => stored.sequence)).toEqual([2]);
    section = markDispatched(section, 'cards', 1, ['cards', 'jobs']);
    expect(pendingFor(section, 'cards')).toEqual([]);
  });

  it('refuses an event the code built wrong instead of storing it', () => {
    const broken = { type: 'emailAddressDecided', mailboxId: '', decision: 'approved', decidedById: 'ada' } as const;
    expect(() => appendEvents(EMPTY_EVENT_OUTBOX, [broken])).toThrow(/must not be empty/);
  });

  it('names a consumer "constructor" or "__proto__" like any other (the offsets are an array, not an object)', () => {
    const section = markDispatched(appendEvents(EMPTY_EVENT_OUTBOX, [decided('a')]), '__proto__', 1, ['__proto__', 'constructor']);
    expect(pendingFor(section, '__proto__')).toEqual([]);
    expect(pendingFor(section, 'constructor').map((stored) => stored.sequence)).toEqual([1]);
    expect(({} as Record<string, unknown>).dispatchedThrough).toBeUndefined();
  });
});

describe('EventDispatcher', () => {
  it('dispatches nothing before start, then each committed event to each consumer in order, once', async () => {
    const outbox = memoryOutbox();
    const events = dispatcher(outbox.repository);
    const seen: string[] = [];
    events.subscribe((event) => void seen.push(`cards:${event.type === 'emailAddressDecided' ? event.mailboxId : ''}`), 'cards');
    events.subscribe((event) => void seen.push(`jobs:${event.type === 'emailAddressDecided' ? event.mailboxId : ''}`), 'jobs');
    outbox.commit(decided('a'), decided('b'));
    events.publish(decided('a'));
    await events.idle();
    expect(seen).toEqual([]);

    events.start();
    await events.idle();
    outbox.commit(decided('c'));
    events.publish(decided('c'));
    await events.idle();
    expect(seen.filter((entry) => entry.startsWith('cards'))).toEqual(['cards:a', 'cards:b', 'cards:c']);
    expect(seen.filter((entry) => entry.startsWith('jobs'))).toEqual(['jobs:a', 'jobs:b', 'jobs:c']);
    expect(outbox.state.section.events).toEqual([]);
    await events.stop();
  });

  it('gives a failed handler the same event again and holds the later ones back until it succeeds', async () => {
    const outbox = memoryOutbox();
    const errors: unknown[] = [];
    const events = dispatcher(outbox.repository, errors);
    const handled: number[] = [];
    let failuresLeft = 2;
    events.subscribe((_event, delivery) => {
      if (delivery?.sequence === 1 && failuresLeft-- > 0) throw new Error('Teams is down');
      handled.push(delivery?.sequence ?? 0);
    }, 'cards');
    outbox.commit(decided('a'), decided('b'));
    events.start();
    const deadline = Date.now() + 2_000;
    while (handled.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await events.stop();
    expect(handled).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });

  it('after a restart hands a consumer only what it had not finished: what a crash held back, nothing twice', async () => {
    const outbox = memoryOutbox();
    let crashed = false;
    const before = dispatcher(outbox.repository, [], () => crashed);
    const firstRun: number[] = [];
    before.subscribe((_event, delivery) => void firstRun.push(delivery?.sequence ?? 0), 'jobs');
    before.start();
    outbox.commit(decided('a'));
    before.publish(decided('a'));
    await before.idle();
    crashed = true;
    outbox.commit(decided('b'));
    before.publish(decided('b'));
    await before.idle();
    await before.stop();
    expect(firstRun).toEqual([1]);

    const after = dispatcher(outbox.repository);
    const secondRun: number[] = [];
    after.subscribe((_event, delivery) => void secondRun.push(delivery?.sequence ?? 0), 'jobs');
    after.start();
    await after.idle();
    await after.stop();
    expect(secondRun).toEqual([2]);
    expect(outbox.state.section.events).toEqual([]);
  });

  it('refuses two consumers with the same name, whose offsets would mix', () => {
    const events = dispatcher(memoryOutbox().repository);
    events.subscribe(() => undefined, 'cards');
    expect(() => events.subscribe(() => undefined, 'cards')).toThrow(/already subscribed/);
  });

  it('survives an outbox whose store is gone (no unhandled rejection) and dispatches once it is back', async () => {
    const { repository, commit } = memoryOutbox();
    let storeUp = false;
    const flaky: EventOutboxRepository = {
      pendingFor: (consumer) => (storeUp ? repository.pendingFor(consumer) : Promise.reject(new Error('state store gone'))),
      markDispatched: (consumer, sequence, consumers) => repository.markDispatched(consumer, sequence, consumers),
    };
    const outboxErrors: string[] = [];
    const events = new EventDispatcher({ repository: flaky, onError: () => undefined, onOutboxError: (_error, consumer) => void outboxErrors.push(consumer), retryAfterMs: 10 });
    const seen: string[] = [];
    events.subscribe((event) => void seen.push(event.type === 'emailAddressDecided' ? event.mailboxId : event.type), 'cards');
    commit(decided('a'));
    events.start();
    await events.idle();
    expect(outboxErrors).toEqual(['cards']);
    expect(seen).toEqual([]);
    // The consumer is tried again by itself: no new commit or sweep is needed once the store answers.
    storeUp = true;
    await vi.waitFor(() => expect(seen).toEqual(['a']));
    await events.stop();
  });
});
