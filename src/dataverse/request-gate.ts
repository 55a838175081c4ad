// The one door every request of a client goes through: at most `maxConcurrent` in flight, and none at
// all while paused. Dataverse's service protection is per user, and the bot is one (application)
// user, so a 429 pauses the whole client: "a client that keeps sending gets a longer wait".
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The request budget the client keeps to by itself, so that it meets a 429 only when something else spends the
 * same user's budget: Dataverse allows 6,000 requests per user in a 5-minute sliding window.
 */
export interface RequestBudget {
  readonly requestsPerWindow: number;
  readonly windowMs: number;
  /** Combined time of the requests in the window, as the client measures it (at least what the server counts). */
  readonly executionMsPerWindow?: number;
}
export const DATAVERSE_REQUEST_BUDGET: RequestBudget = { requestsPerWindow: 6_000, windowMs: 5 * 60_000, executionMsPerWindow: 1_200_000 };

export class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;
  /** When the requests of the current window were sent (only kept with a budget). */
  private readonly sentAt: number[] = [];
  /** When the requests of the current window ended, and how long each took. */
  private readonly executions: { readonly endedAt: number; readonly ms: number }[] = [];

  constructor(
    readonly maxConcurrent: number,
    private readonly clock: Clock = systemClock,
    private readonly budget: RequestBudget | null = null,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError('maxConcurrent must be a positive integer');
  }

  /** Milliseconds until the budget allows one more request (0: now). */
  private budgetWait(): number {
    if (this.budget === null) return 0;
    const now = this.clock.now();
    while (this.sentAt.length > 0 && (this.sentAt[0] ?? 0) <= now - this.budget.windowMs) this.sentAt.shift();
    while (this.executions.length > 0 && (this.executions[0]?.endedAt ?? 0) <= now - this.budget.windowMs) this.executions.shift();
    let wait = this.sentAt.length < this.budget.requestsPerWindow ? 0 : (this.sentAt[0] ?? now) + this.budget.windowMs - now + 1;
    const executionBudget = this.budget.executionMsPerWindow;
    if (executionBudget !== undefined) {
      // Requests in flight count with the time they have taken so far.
      let spent = this.executions.reduce((sum, execution) => sum + execution.ms, 0) + this.inFlightSince.reduce((sum, since) => sum + (now - since), 0);
      let index = 0;
      let until = now;
      while (spent >= executionBudget && index < this.executions.length) {
        const leaving = this.executions[index];
        if (leaving === undefined) break;
        spent -= leaving.ms;
        until = leaving.endedAt + this.budget.windowMs + 1;
        index += 1;
      }
      if (spent >= executionBudget) until = now + 50;
      wait = Math.max(wait, until - now);
    }
    return wait;
  }

  /** Start times of the requests in flight (only kept with an execution budget). */
  private readonly inFlightSince: number[] = [];

  /** Waits for the pause to end, for the request budget and for a free slot; returns the function that frees the slot. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const pause = Math.max(this.pausedUntil - this.clock.now(), this.budgetWait());
      if (pause > 0) {
        await this.clock.sleep(pause);
        continue;
      }
      if (this.active < this.maxConcurrent) {
        const startedAt = this.clock.now();
        if (this.budget !== null) this.sentAt.push(startedAt);
        const timed = this.budget?.executionMsPerWindow !== undefined;
        if (timed) this.inFlightSince.push(startedAt);
        this.active += 1;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          if (timed) {
            const endedAt = this.clock.now();
            this.inFlightSince.splice(this.inFlightSince.indexOf(startedAt), 1);
            this.executions.push({ endedAt, ms: endedAt - startedAt });
          }
          this.active -= 1;
          this.waiting.shift()?.();
        };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Sends nothing until `ms` from now (a longer pause already set wins). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** When the current (or last) pause ends, in the clock's milliseconds. */
  get resumesAt(): number {
    return this.pausedUntil;
  }

  /** Milliseconds left in the current pause, 0 when not paused. */
  get pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  get inFlight(): number {
    return this.active;
  }
}
