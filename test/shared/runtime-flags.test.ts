import { describe, expect, it } from 'vitest';
import { botNodeFlags } from '../../src/shared/runtime-flags.js';

describe('the Node options the bot runs with', () => {
  it("caps V8's young generation at Node 20's 16 MB semi-spaces when nothing else is asked for", () => {
    expect(botNodeFlags([])).toEqual(['--max-semi-space-size=16']);
    expect(botNodeFlags(['--enable-source-maps', '--max-old-space-size=512'])).toEqual(['--max-semi-space-size=16']);
  });

  it("leaves the operator's own semi-space size alone, on the command line or in NODE_OPTIONS, in either spelling", () => {
    expect(botNodeFlags(['--max-semi-space-size=64'])).toEqual([]);
    expect(botNodeFlags(['', '--trace-gc --max_semi_space_size=32'])).toEqual([]);
  });
});
