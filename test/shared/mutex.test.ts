import { describe, expect, it } from 'vitest';
import { Mutex } from '../../src/shared/mutex.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Mutex', () => {
  it('runs work one piece at a time, in call order, even when earlier work awaits longer', async () => {
    const mutex = new Mutex();
    const steps: string[] = [];
    const piece = (name: string, waits: number) => async () => {
      steps.push(`${name} start`);
      for (let i = 0; i < waits; i++) await tick();
      steps.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([mutex.runExclusive(piece('a', 3)), mutex.runExclusive(piece('b', 0)), mutex.runExclusive(piece('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(steps).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('passes a failure to its caller only, and runs the next piece', async () => {
    const mutex = new Mutex();
    const failed = mutex.runExclusive(() => Promise.reject(new Error('save failed')));
    const next = mutex.runExclusive(() => Promise.resolve('saved'));
    await expect(failed).rejects.toThrow('save failed');
    await expect(next).resolves.toBe('saved');
  });

  it('is busy while work is queued or running, and idle() waits for all of it', async () => {
    const mutex = new Mutex();
    expect(mutex.busy).toBe(false);
    let finished = 0;
    void mutex.runExclusive(async () => {
      await tick();
      finished += 1;
    });
    void mutex.runExclusive(() => Promise.reject(new Error('ignored here')).finally(() => (finished += 1))).catch(() => undefined);
    expect(mutex.busy).toBe(true);
    await mutex.idle();
    expect(finished).toBe(2);
    expect(mutex.busy).toBe(false);
  });
});
