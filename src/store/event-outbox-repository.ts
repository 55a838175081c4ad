// The event outbox as the `eventOutbox` section of the data file. Events are appended by the store's commit (with
// the change that caused them); this repository reads them and writes each consumer's offset, through the store's
// serialized document transactions.
import { EMPTY_EVENT_OUTBOX, markDispatched, pendingFor, type EventOutboxRepository, type StoredEvent } from '../app/event-outbox.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';

export class DocumentEventOutboxRepository implements EventOutboxRepository {
  constructor(private readonly store: DocumentEmailConfigStore) {}

  pendingFor(consumer: string): Promise<readonly StoredEvent[]> {
    // Files written before the section existed have none; the schema's default fills it in on the next load.
    return Promise.resolve(pendingFor(this.store.document().eventOutbox ?? EMPTY_EVENT_OUTBOX, consumer));
  }

  markDispatched(consumer: string, sequence: number, consumers: readonly string[]): Promise<void> {
    return this.store.transactDocument((current) => ({
      next: { ...current, eventOutbox: markDispatched(current.eventOutbox ?? EMPTY_EVENT_OUTBOX, consumer, sequence, consumers) },
      result: undefined,
    }));
  }
}
