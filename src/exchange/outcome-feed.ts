// The observation path of a connector that keeps its reported outcomes in memory: an append-only log read
// with a cursor (the sequence number of the last outcome read), with long polls woken by each new outcome.
import type { ObservedOutcomes, ReportedTestOutcome } from '../app/exchange-connector.js';

const CURSOR = /^\d+$/;
/** Outcomes a feed keeps at least (and at most twice as many, see `report`). */
export const DEFAULT_RETAINED_OUTCOMES = 1_000;

/** Reads from a cursor the feed never gave out are a bug of the caller, not "no news". */
export class UnknownCursorError extends Error {
  constructor(cursor: string) {
    super(`"${cursor}" is not a cursor of this Exchange connector's outcome feed.`);
    this.name = 'UnknownCursorError';
  }
}

export class OutcomeFeed {
  /** Retained outcomes; `entries[i]` has sequence number `firstSequence + i` (sequence numbers start at 1). */
  private entries: ReportedTestOutcome[] = [];
  private firstSequence = 1;
  private readonly wakers = new Set<() => void>();

  /**
   * @param retained outcomes kept at least, for slow readers; a reader further behind skips the oldest (its tests
   * time out). A reader is behind by at most the tests it has in flight (8 for the job runner), so a thousand is
   * plenty; keeping 10,000 held about 9 MB of read outcomes after a 10,000-mailbox Test & Enable (docs/performance.md).
   */
  constructor(private readonly retained = DEFAULT_RETAINED_OUTCOMES) {}

  /** The sequence number of the latest outcome (0 before the first). */
  private get lastSequence(): number {
    return this.firstSequence + this.entries.length - 1;
  }

  report(outcome: ReportedTestOutcome): void {
    this.entries.push(outcome);
    // Trimmed in steps of `retained`, so a long run copies each outcome at most once more.
    const excess = this.entries.length - this.retained;
    if (excess >= this.retained) {
      this.entries = this.entries.slice(excess);
      this.firstSequence += excess;
    }
    for (const wake of [...this.wakers]) wake();
  }

  async read(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    // Without a cursor: from now on, fixed before anything is awaited.
    const after = cursor === undefined ? this.lastSequence : this.parse(cursor);
    while (!signal.aborted && this.lastSequence <= after) await this.nextReportOrAbort(signal);
    if (signal.aborted && this.lastSequence <= after) return { outcomes: [], cursor: String(after) };
    const from = Math.max(0, after + 1 - this.firstSequence);
    return { outcomes: this.entries.slice(from), cursor: String(this.lastSequence) };
  }

  private parse(cursor: string): number {
    if (!CURSOR.test(cursor)) throw new UnknownCursorError(cursor);
    const after = Number(cursor);
    if (after > this.lastSequence) throw new UnknownCursorError(cursor);
    return after;
  }

  private nextReportOrAbort(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
