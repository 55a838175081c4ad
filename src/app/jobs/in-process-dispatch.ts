// The dispatch of a single process (the data file, which a lock keeps to one process): a run is taken here at
// once, and a retry check is a timer of this process. The runner always asks for its earliest due retry, so
// the latest check asked for replaces the one before.
import { systemJobTimers, type DispatchedWork, type JobDispatch, type JobTimers } from './ports.js';

/** This process never loses a run to another. */
const neverAborted: AbortSignal = new AbortController().signal;

export interface InProcessJobDispatchOptions {
  readonly timers?: JobTimers;
  /** Milliseconds since the epoch, by the runner's clock (a retry check waits until its due time by it). */
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
}

export class InProcessJobDispatch implements JobDispatch {
  private work: DispatchedWork | undefined;
  private retryTimer: { cancel(): void } | undefined;
  private readonly runs = new Set<Promise<unknown>>();
  private readonly timers: JobTimers;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;

  constructor(options: InProcessJobDispatchOptions = {}) {
    this.timers = options.timers ?? systemJobTimers;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
  }

  start(work: DispatchedWork): Promise<void> {
    this.work = work;
    return Promise.resolve();
  }

  async dispatchRun(jobId: string): Promise<void> {
    const work = this.work;
    // Stopped (or not started yet): the next start dispatches every unfinished job.
    if (work === undefined) return;
    const run = await work.takeRun(jobId, neverAborted);
    if (run === undefined) return;
    const ended: Promise<unknown> = run.ended.catch(this.onError).finally(() => this.runs.delete(ended));
    this.runs.add(ended);
  }

  dispatchRetryCheck(dueAt: Date): Promise<void> {
    this.retryTimer?.cancel();
    const work = this.work;
    if (work === undefined) return Promise.resolve();
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      work.checkRetries().catch(this.onError);
    }, Math.max(0, dueAt.getTime() - this.now()));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.work = undefined;
    await Promise.allSettled([...this.runs]);
  }
}
