import { describe, expect, it } from 'vitest';
import { botNodeFlags } from '../../src/shared/runtime-flags.js';

describe('the Node options the bot runs with', () => {
  it("sizes V8's generations for the bot, not for the machine, when nothing else is asked for", () => {
    expect(botNodeFlags([])).toEqual(['--max-semi-space-size=16', '--max-old-space-size=1536']);
    expect(botNodeFlags(['--enable-source-maps', ''])).toEqual(['--max-semi-space-size=16', '--max-old-space-size=1536']);
  });

  it("leaves the operator's own sizes alone, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(botNodeFlags(['--max-semi-space-size=64'])).toEqual(['--max-old-space-size=1536']);
    expect(botNodeFlags(['', '--trace-gc --max_semi_space_size=32'])).toEqual(['--max-old-space-size=1536']);
    expect(botNodeFlags(['--enable-source-maps', '--max-old-space-size=512'])).toEqual(['--max-semi-space-size=16']);
    expect(botNodeFlags(['', '--max_old_space_size=4096 --max-semi-space-size=8'])).toEqual([]);
  });
});
