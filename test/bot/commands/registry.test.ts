import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/commands/parser.js';
import {
  allCommands,
  commandCategories,
  commandIds,
  commandPhrases,
  commandRegistry,
  matchCommandWords,
  type CommandId,
} from '../../../src/bot/commands/registry.js';

describe('command registry', () => {
  it('keys every entry by its own id, in the order of commandIds', () => {
    expect(Object.keys(commandRegistry)).toEqual([...commandIds]);
    for (const id of commandIds) expect(commandRegistry[id].id).toBe(id);
  });

  it('never gives two commands the same name or alias', () => {
    const spelled = commandPhrases().map((phrase) => phrase.words.join(' '));
    const duplicates = spelled.filter((phrase, index) => spelled.indexOf(phrase) !== index);
    expect(duplicates).toEqual([]);
  });

  it('writes names and aliases as lower-case single-spaced words the tokenizer keeps whole', () => {
    for (const phrase of commandPhrases()) {
      const text = phrase.words.join(' ');
      expect(text, text).toMatch(/^[a-z&]+( [a-z&]+)*$/);
    }
  });

  it('starts every usage line with the command name', () => {
    for (const command of allCommands()) expect(command.usage.startsWith(command.name), command.id).toBe(true);
  });

  it('files every command under a known category and every category has commands', () => {
    const used = new Set(allCommands().map((command) => command.category));
    expect(used).toEqual(new Set(commandCategories));
  });

  it('declares where it makes sense and lists menus only where it works', () => {
    for (const command of allCommands()) {
      expect(command.scopes.length, command.id).toBeGreaterThan(0);
      for (const scope of command.manifest.menu) expect(command.scopes, command.id).toContain(scope);
    }
  });

  it('uses manifest titles that the parser recognises as the same command', () => {
    for (const command of allCommands()) {
      const result = parseCommand(command.manifest.title);
      expect(result.kind === 'command' || result.kind === 'usage', command.manifest.title).toBe(true);
      expect('id' in result ? result.id : undefined, command.manifest.title).toBe(command.id);
    }
  });

  it('reaches every name and alias through longest match', () => {
    for (const phrase of commandPhrases()) expect(matchCommandWords(phrase.words), phrase.words.join(' ')).toEqual({ id: phrase.id, wordCount: phrase.words.length });
  });

  it('lets the longest phrase win over a shorter one it starts with', () => {
    expect(matchCommandWords(['test', 'mailboxes', 'for', 'profile', 'x'])).toEqual({ id: 'testProfileMailboxes', wordCount: 4 });
    expect(matchCommandWords(['test', 'mailboxes', 'x'])).toEqual({ id: 'testMailbox', wordCount: 2 });
  });

  it('says which mailbox keywords each mailbox command accepts, and the schema agrees', () => {
    // edit mailboxes needs at least one setting besides the selector.
    const suffix: Partial<Record<CommandId, string>> = { editMailboxes: ' act=none' };
    const selectorCommands = allCommands().filter((command) => command.mailboxKeywords.length > 0);
    expect(selectorCommands.map((command) => command.id)).toEqual(['applyDefaultSettings', 'editMailboxes', 'approveMailbox', 'rejectMailbox', 'testMailbox']);
    for (const command of selectorCommands) {
      for (const keyword of ['all', 'pending'] as const) {
        const result = parseCommand(`${command.name} ${keyword}${suffix[command.id] ?? ''}`);
        expect(result.kind, `${command.id} ${keyword}`).toBe(command.mailboxKeywords.includes(keyword) ? 'command' : 'usage');
      }
    }
  });
});
