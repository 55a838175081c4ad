// The notify module's persistence (references + outbox) as a section of the data file.
import { applyNotifyChanges, notifyStateSchema, type NotifyChanges, type NotifyRepository, type NotifyState } from '../app/notify-state.js';
import { describeIssues } from '../shared/zod-problems.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';

export class InvalidNotifyChangesError extends Error {
  override readonly name = 'InvalidNotifyChangesError';
  constructor(readonly problems: readonly string[]) {
    super(`Notify records not saved: ${problems.join('; ')}`);
  }
}

export class DocumentNotifyRepository implements NotifyRepository {
  constructor(private readonly store: DocumentEmailConfigStore) {}

  load(): Promise<NotifyState> {
    return Promise.resolve(this.store.document().notify);
  }

  save(changes: NotifyChanges): Promise<void> {
    // Records the notify code built wrong are refused before the write, so nothing of the save is stored.
    const parsed = notifyStateSchema.safeParse({ references: changes.references ?? [], outbox: changes.outbox ?? [] });
    if (!parsed.success) return Promise.reject(new InvalidNotifyChangesError(describeIssues(parsed.error, { under: ['notify'] })));
    return this.store.transactDocument((current) => ({
      next: { ...current, notify: applyNotifyChanges(current.notify, parsed.data) },
      result: undefined,
    }));
  }
}
