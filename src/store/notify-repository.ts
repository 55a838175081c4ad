// The notify module's persistence (references + outbox) as a section of the data file.
import { applyNotifyChanges, type NotifyChanges, type NotifyRepository, type NotifyState } from '../app/notify-state.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';

export class DocumentNotifyRepository implements NotifyRepository {
  constructor(private readonly store: DocumentEmailConfigStore) {}

  load(): Promise<NotifyState> {
    return Promise.resolve(this.store.document().notify);
  }

  save(changes: NotifyChanges): Promise<void> {
    return this.store.transactDocument((current) => ({
      next: { ...current, notify: applyNotifyChanges(current.notify, changes) },
      result: undefined,
    }));
  }
}
