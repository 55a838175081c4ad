import { describe, expect, it } from 'vitest';
import { OutcomeFeed } from '../../src/exchange/outcome-feed.js';

const never = new AbortController().signal;
const idsOf = (page: { outcomes: readonly { testId: string }[] }): string[] => page.outcomes.map((outcome) => outcome.testId);

describe('the outcome feed of an in-memory connector', () => {
  it('keeps at least the retained number of outcomes; a reader further behind gets the oldest still kept, in order', async () => {
    const feed = new OutcomeFeed(2);
    const reading = feed.read(undefined, never);
    feed.report({ testId: 't1', result: null });
    const start = await reading;
    expect(idsOf(start)).toEqual(['t1']);
    for (const testId of ['t2', 't3', 't4', 't5']) feed.report({ testId, result: null });
    const behind = await feed.read(start.cursor, never);
    expect(idsOf(behind).at(-1)).toBe('t5');
    expect(idsOf(behind).length).toBeGreaterThanOrEqual(2);
    expect(idsOf(behind)).toEqual([...idsOf(behind)].sort());
    expect(idsOf(behind)).not.toContain('t1');
    // Read up to the end: the next read waits for the next outcome.
    let next: string[] | undefined;
    const waiting = feed.read(behind.cursor, never).then((page) => (next = idsOf(page)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(next).toBeUndefined();
    feed.report({ testId: 't6', result: null });
    await waiting;
    expect(next).toEqual(['t6']);
  });

  it('keeps a bounded number of outcomes by default: a 10,000-mailbox job does not leave its outcomes in memory', async () => {
    const feed = new OutcomeFeed();
    const start = await (async () => {
      const reading = feed.read(undefined, never);
      feed.report({ testId: 'test-00000', result: null });
      return reading;
    })();
    for (let index = 1; index < 10_000; index++) feed.report({ testId: `test-${String(index).padStart(5, '0')}`, result: { parts: { incoming: { status: 'success' } } } });
    // The reader that started with the first outcome is now as far behind as a reader can be: it gets what is left.
    const left = idsOf(await feed.read(start.cursor, never));
    expect(left.at(-1)).toBe('test-09999');
    // At least a thousand for slow readers, at most two thousand (it was every one of the 10,000: about 9 MB).
    expect(left.length).toBeGreaterThanOrEqual(1_000);
    expect(left.length).toBeLessThanOrEqual(2_000);
  });
});
