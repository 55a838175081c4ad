// One registration per command: each holds its grammar, handler, write kind, who may run it and its text.
// These tests hold the parts to each other, so a registration cannot claim what its handler does not do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/commands/parser.js';
import { allCommands } from '../../../src/bot/commands/registry.js';
import { describeWrite } from '../../../src/bot/handlers/command-environment.js';
import { commandLine } from '../../../src/bot/commands/command-lines.js';
import { startTestBot, type TestBot } from '../../support/bot-harness.js';
import { ask, domainSnapshot } from '../handlers/support.js';

const examples = allCommands().flatMap((command) => command.examples.map((example) => ({ command, input: example.input })));

describe('command registrations', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('say who may run each command', () => {
    for (const command of allCommands()) expect(command.whoCanRun.trim().length, command.id).toBeGreaterThan(10);
  });

  it('write every example back as a line that parses to the same command', () => {
    for (const { command, input } of examples) {
      const parsed = parseCommand(input, { scope: command.scopes[0] });
      if (parsed.kind !== 'command') throw new Error(`${input} does not parse`);
      expect(parseCommand(commandLine(parsed), { scope: command.scopes[0] }), input).toEqual(parsed);
    }
  });

  it('change nothing when they say they write nothing: every such example, run as Ada, leaves the records as they were', async () => {
    const reading = examples.filter(({ command, input }) => {
      const parsed = parseCommand(input, { scope: command.scopes[0] });
      return parsed.kind === 'command' && describeWrite(parsed).kind === 'none';
    });
    expect(reading.length).toBeGreaterThan(10);
    const before = domainSnapshot(t.bot.services.store);
    for (const { input } of reading) await ask(t, t.user('ada'), input);
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('describe one named mailbox as a single write and a list, all or pending as a bulk one', () => {
    const kindOf = (input: string): string => {
      const parsed = parseCommand(input);
      if (parsed.kind !== 'command') throw new Error(`${input} does not parse`);
      return describeWrite(parsed).kind;
    };
    expect(kindOf('approve mailbox pia@contoso.com')).toBe('single');
    expect(kindOf('approve mailbox pia@contoso.com, sam@contoso.com')).toBe('bulk');
    expect(kindOf('reject mailbox pending')).toBe('bulk');
    expect(kindOf('test mailbox all')).toBe('bulk');
    expect(kindOf('approval required')).toBe('none');
    expect(kindOf('approval required users off')).toBe('single');
  });
});
