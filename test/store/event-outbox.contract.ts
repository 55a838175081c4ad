// The contract of the `EventOutboxRepository` port, run against the data file and PostgreSQL: recorded events
// reach every consumer in order, once each consumer marked them they are not handed to it again, and sequence
// numbers are never reused.
import { describe, expect, it } from 'vitest';
import type { EventOutboxRepository } from '../../src/app/event-outbox.js';
import type { AppEvent } from '../../src/app/events.js';

export interface EventOutboxUnderTest {
  readonly repository: EventOutboxRepository;
  /** Records events as a committed change does (the store's commit; the database's insert). */
  readonly record: (events: readonly AppEvent[]) => Promise<void>;
}

export const decided = (index: number): AppEvent => ({ type: 'emailAddressDecided', mailboxId: `mailbox-${index}`, decision: 'approved', decidedById: 'user-admin' });

export function describeEventOutboxContract(name: string, open: () => Promise<EventOutboxUnderTest>): void {
  describe(`EventOutboxRepository contract: ${name}`, () => {
    it('hands each consumer the recorded events in order, and not again once marked', async () => {
      const { repository, record } = await open();
      await record([decided(1), decided(2)]);
      await record([decided(3)]);
      const pending = await repository.pendingFor('cards');
      expect(pending.map((stored) => stored.event)).toEqual([decided(1), decided(2), decided(3)]);
      const sequences = pending.map((stored) => stored.sequence);
      expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
      expect(new Set(sequences).size).toBe(3);

      await repository.markDispatched('cards', sequences[1] ?? 0, ['cards', 'jobs']);
      expect((await repository.pendingFor('cards')).map((stored) => stored.event)).toEqual([decided(3)]);
      // Another consumer keeps its own position.
      expect(await repository.pendingFor('jobs')).toHaveLength(3);
    });

    it('never moves a position back, and never reuses a sequence once everyone handled the events', async () => {
      const { repository, record } = await open();
      await record([decided(1), decided(2)]);
      const [first, second] = await repository.pendingFor('cards');
      await repository.markDispatched('cards', second?.sequence ?? 0, ['cards']);
      await repository.markDispatched('cards', first?.sequence ?? 0, ['cards']);
      expect(await repository.pendingFor('cards')).toEqual([]);
      await record([decided(3)]);
      const [third] = await repository.pendingFor('cards');
      expect(third?.event).toEqual(decided(3));
      expect(third?.sequence).toBeGreaterThan(second?.sequence ?? Number.POSITIVE_INFINITY);
    });

    it('refuses an event that breaks the schema and records nothing of its batch', async () => {
      const { repository, record } = await open();
      const broken = { type: 'emailAddressDecided', mailboxId: '', decision: 'approved', decidedById: 'user-admin' } as const;
      await expect(record([decided(1), broken])).rejects.toThrow();
      expect(await repository.pendingFor('cards')).toEqual([]);
    });
  });
}
