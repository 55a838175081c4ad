// An in-memory NotifyRepository (the port is src/app/notify-state.ts), for tests and local runs.
import { applyNotifyChanges, notifyStateSchema, type NotifyChanges, type NotifyRepository, type NotifyState } from '../app/notify-state.js';

/**
 * For tests and local runs: keeps the state as JSON text, so every load parses it again through the schemas
 * (records that are not plain JSON, or not valid, fail here just as they would from a file).
 */
export class InMemoryNotifyRepository implements NotifyRepository {
  private document: string;
  /** How many times `save` was called, for tests that check one write per operation. */
  saveCount = 0;
  /** When set, the next `save` rejects with this error (and clears it), to test failure paths. */
  failNextSave: Error | undefined;

  constructor(initial: Partial<NotifyState> = {}) {
    this.document = JSON.stringify(notifyStateSchema.parse(initial));
  }

  load(): Promise<NotifyState> {
    return Promise.resolve(this.snapshot());
  }

  save(changes: NotifyChanges): Promise<void> {
    this.saveCount += 1;
    const failure = this.failNextSave;
    if (failure !== undefined) {
      this.failNextSave = undefined;
      return Promise.reject(failure);
    }
    // A record that breaks the schema rejects (as a database write would) and nothing is written.
    const next = notifyStateSchema.safeParse(applyNotifyChanges(this.snapshot(), changes));
    if (!next.success) return Promise.reject(next.error);
    this.document = JSON.stringify(next.data);
    return Promise.resolve();
  }

  /** The stored state, parsed afresh. */
  snapshot(): NotifyState {
    const raw: unknown = JSON.parse(this.document);
    return notifyStateSchema.parse(raw);
  }
}
