import { describe, expect, it } from 'vitest';
import { botNodeFlags } from '../../src/shared/runtime-flags.js';

describe('the Node options the bot runs with', () => {
  it("caps V8's young generation at Node 20's 16 MB semi-spaces and the old generation's growth at 1.25x when nothing else is asked for", () => {
    expect(botNodeFlags([])).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=25']);
    expect(botNodeFlags(['--enable-source-maps', '--max-old-space-size=512'])).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=25']);
  });

  it("leaves the operator's own value of each option alone, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(botNodeFlags(['--max-semi-space-size=64'])).toEqual(['--heap-growing-percent=25']);
    expect(botNodeFlags(['', '--trace-gc --max_semi_space_size=32'])).toEqual(['--heap-growing-percent=25']);
    expect(botNodeFlags(['--heap_growing_percent=100'])).toEqual(['--max-semi-space-size=16']);
    expect(botNodeFlags(['--max-semi-space-size=8', '--heap-growing-percent=50'])).toEqual([]);
  });
});
