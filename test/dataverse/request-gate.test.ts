import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/dataverse/http-core.js';
import { RequestGate } from '../../src/dataverse/request-gate.js';
import type { Clock } from '../../src/dataverse/request-gate.js';

/** A clock that only moves when told to; sleepers wake when it passes their time. */
function manualClock(): Clock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ until: now + ms, wake: resolve })),
    async advance(ms) {
      now += ms;
      const due = sleepers.filter((sleeper) => sleeper.until <= now);
      sleepers = sleepers.filter((sleeper) => sleeper.until > now);
      due.forEach((sleeper) => sleeper.wake());
      for (let turn = 0; turn < 10; turn += 1) await Promise.resolve();
    },
  };
}

describe('RequestGate', () => {
  it('lets no more than maxConcurrent through and hands a freed slot to the next waiter', async () => {
    const gate = new RequestGate(2, manualClock());
    const first = await gate.acquire();
    await gate.acquire();
    let thirdIn = false;
    const third = gate.acquire().then(() => {
      thirdIn = true;
    });
    await Promise.resolve();
    expect(thirdIn).toBe(false);
    expect(gate.inFlight).toBe(2);
    first();
    first(); // releasing twice frees one slot only
    await third;
    expect(thirdIn).toBe(true);
    expect(gate.inFlight).toBe(2);
  });

  it('lets nothing through while paused, and a longer pause wins over a shorter one', async () => {
    const clock = manualClock();
    const gate = new RequestGate(4, clock);
    gate.pause(1_000);
    gate.pause(200);
    let admitted = 0;
    const waiting = Promise.all([gate.acquire(), gate.acquire()]).then(() => {
      admitted = 2;
    });
    await clock.advance(999);
    expect(admitted).toBe(0);
    expect(gate.pausedFor).toBe(1);
    await clock.advance(1);
    await waiting;
    expect(admitted).toBe(2);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', 0)).toBe(7_000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter('Sun, 06 Dec 2026 08:00:10 GMT', Date.parse('2026-12-06T08:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });
});

describe('RequestGate with a request budget', () => {
  it('sends no more than the budget in any window, waiting for the oldest request to leave it', async () => {
    const gate = new RequestGate(8, undefined, { requestsPerWindow: 3, windowMs: 300 });
    const sentAt: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 7 }, async () => {
        const release = await gate.acquire();
        sentAt.push(Date.now() - started);
        release();
      }),
    );
    sentAt.sort((a, b) => a - b);
    // In every 300 ms window at most 3 sends: the 4th comes at least 300 ms after the 1st, the 7th after the 4th.
    for (let index = 3; index < sentAt.length; index++) expect((sentAt[index] ?? 0) - (sentAt[index - 3] ?? 0)).toBeGreaterThanOrEqual(299);
    expect(sentAt.at(-1)).toBeLessThan(900 + 200);
  });
});
