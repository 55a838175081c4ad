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

export class RequestGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;

  constructor(
    readonly maxConcurrent: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError('maxConcurrent must be a positive integer');
  }

  /** Waits for the pause to end and for a free slot; returns the function that frees the slot. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const pause = this.pausedUntil - this.clock.now();
      if (pause > 0) {
        await this.clock.sleep(pause);
        continue;
      }
      if (this.active < this.maxConcurrent) {
        this.active += 1;
        let released = false;
        return () => {
          if (released) return;
          released = true;
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
