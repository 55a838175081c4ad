// The event outbox contract on the data file and on PostgreSQL; and what only PostgreSQL must add: with two
// instances dispatching, every event is handled once, and a consumer whose instance died is taken over.
import { describe, expect, it } from 'vitest';
import { EventDispatcher } from '../../src/app/event-outbox.js';
import { insertEvents, listenForEvents, PostgresEventOutboxRepository } from '../../src/postgres/event-outbox.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentEventOutboxRepository } from '../../src/store/event-outbox-repository.js';
import { exampleDocument } from '../support/fixtures.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import { decided, describeEventOutboxContract } from './event-outbox.contract.js';

const postgres = usePostgresForTests();

describeEventOutboxContract('data file', async () => {
  const store = createInMemoryEmailConfigStore(await exampleDocument());
  return {
    repository: new DocumentEventOutboxRepository(store),
    record: async (events) => {
      await store.commit({ events });
    },
  };
});

describeEventOutboxContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  return {
    repository: new PostgresEventOutboxRepository(pool, { instanceId: 'instance-a' }),
    record: async (events) => {
      await insertEvents(pool, events);
    },
  };
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the event outbox shared by two instances on PostgreSQL', () => {
  it('hands a consumer to one instance at a time, and to another once that lease expired', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const first = new PostgresEventOutboxRepository(database.pool, { instanceId: 'instance-a', leaseMs: 300 });
    const second = new PostgresEventOutboxRepository(other, { instanceId: 'instance-b', leaseMs: 300 });
    await insertEvents(database.pool, [decided(1)]);
    expect(await first.pendingFor('cards')).toHaveLength(1);
    expect(await second.pendingFor('cards')).toEqual([]);
    // instance-a "dies" without marking anything: after its lease, instance-b carries on from the last position.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await second.pendingFor('cards')).map((stored) => stored.event)).toEqual([decided(1)]);
    expect(await first.pendingFor('cards')).toEqual([]);
  });

  it('dispatches each of 200 events, recorded by both instances, exactly once across two dispatchers woken by NOTIFY', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const handled: string[] = [];
    const dispatchers = [database.pool, other].map((pool, index) => {
      const dispatcher = new EventDispatcher({
        repository: new PostgresEventOutboxRepository(pool, { instanceId: `instance-${index}` }),
        onError: (error) => {
          throw error;
        },
      });
      dispatcher.subscribe((event) => {
        if (event.type === 'emailAddressDecided') handled.push(event.mailboxId);
        return Promise.resolve();
      }, 'cards');
      dispatcher.start();
      return { dispatcher, pool };
    });
    const stops = await Promise.all(dispatchers.map(({ dispatcher, pool }) => listenForEvents(pool, () => dispatcher.dispatchPending(), () => undefined)));
    try {
      await Promise.all(Array.from({ length: 200 }, (_, index) => insertEvents(index % 2 === 0 ? database.pool : other, [decided(index)])));
      await until(() => handled.length >= 200);
      // Wake both once more: nothing is handled twice.
      for (const { dispatcher } of dispatchers) dispatcher.dispatchPending();
      await Promise.all(dispatchers.map(({ dispatcher }) => dispatcher.idle()));
      expect(handled).toHaveLength(200);
      expect(new Set(handled).size).toBe(200);
    } finally {
      await Promise.all(stops.map((stop) => stop()));
      await Promise.all(dispatchers.map(({ dispatcher }) => dispatcher.stop()));
    }
  });
});
