// Pending choices kept in the process, for the single process that owns the data file. Kept in memory on
// purpose: a confirmation promises "this, as previewed, within 10 minutes". After a restart (a deployment, a
// crash) the code and the state it previewed may differ, so the safe answer is to preview again; the card then
// says the confirmation is no longer known and nothing was changed.
import type { PendingChoice, PendingChoiceRepository, StoredChoice } from '../app/ports/pending-choices.js';
import { LruCache } from '../shared/lru-cache.js';

/** Enough for every person's open cards; the oldest choice is dropped first (it is expired by then in practice). */
export const MAX_PENDING_CHOICES = 5_000;

export class InProcessPendingChoiceRepository implements PendingChoiceRepository {
  readonly #choices = new LruCache<StoredChoice>(MAX_PENDING_CHOICES);

  save(choice: PendingChoice): Promise<void> {
    this.#choices.set(choice.id, { used: false, choice });
    return Promise.resolve();
  }

  find(id: string): Promise<StoredChoice | undefined> {
    return Promise.resolve(this.#choices.get(id));
  }

  markUsed(id: string): Promise<boolean> {
    const stored = this.#choices.get(id);
    if (stored === undefined || stored.used) return Promise.resolve(false);
    this.#choices.set(id, { used: true });
    return Promise.resolve(true);
  }
}
