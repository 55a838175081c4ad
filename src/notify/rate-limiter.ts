// Sliding-window limiter that counts a request from when it starts until it completes.
//
// Why completion time: the client cannot know when Teams counted a request, only that it happened between
// sending it and receiving the answer. If a new request starts only once the request `limit` places before
// it *completed* more than `windowMs` ago, then however long the network took, the server saw the two at
// least `windowMs` apart, so no window on the server's side can hold more than `limit` of them.

export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateSlot {
  /** Call when the request has completed (answered or failed), with the completion time. */
  release(completedAt: number): void;
}

interface Reservation {
  /** Completion time; `null` while the request is in flight (it then occupies every window). */
  completedAt: number | null;
}

export class SlidingWindowLimiter {
  private readonly reservations: Reservation[] = [];
  private readonly longestWindowMs: number;

  constructor(private readonly windows: readonly RateWindow[]) {
    for (const window of windows) {
      if (!Number.isInteger(window.limit) || window.limit < 1 || !(window.windowMs > 0)) {
        throw new RangeError(`A rate window needs a positive whole limit and a positive duration, got ${window.limit} per ${window.windowMs} ms.`);
      }
    }
    this.longestWindowMs = Math.max(0, ...windows.map((window) => window.windowMs));
  }

  /**
   * Milliseconds to wait before a request may start at `now`: 0 when it may start now, `Infinity` when a slot
   * frees only once an in-flight request completes.
   */
  waitMs(now: number): number {
    this.prune(now);
    let wait = 0;
    for (const window of this.windows) {
      const occupying = this.reservations.filter(
        (reservation) => reservation.completedAt === null || reservation.completedAt > now - window.windowMs,
      );
      if (occupying.length < window.limit) continue;
      // The window has room once enough of the occupying requests have aged out, earliest completions first.
      const mustExpire = occupying.length - window.limit + 1;
      const completions = occupying
        .map((reservation) => reservation.completedAt ?? Number.POSITIVE_INFINITY)
        .sort((a, b) => a - b);
      const freedAt = (completions[mustExpire - 1] ?? Number.POSITIVE_INFINITY) + window.windowMs;
      wait = Math.max(wait, freedAt - now);
    }
    return wait;
  }

  /** Takes a slot now (callers check `waitMs` first; the limiter does not refuse). */
  acquire(): RateSlot {
    const reservation: Reservation = { completedAt: null };
    this.reservations.push(reservation);
    return {
      release: (completedAt) => {
        if (reservation.completedAt === null) reservation.completedAt = completedAt;
      },
    };
  }

  /** Requests in flight or still inside the longest window; 0 means the limiter holds no state. */
  get occupied(): number {
    return this.reservations.length;
  }

  private prune(now: number): void {
    const horizon = now - this.longestWindowMs;
    for (let index = this.reservations.length - 1; index >= 0; index--) {
      const completedAt = this.reservations[index]?.completedAt;
      if (completedAt !== null && completedAt !== undefined && completedAt <= horizon) this.reservations.splice(index, 1);
    }
  }
}
