import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_DOCS_PATH, REGENERATE_COMMAND_DOCS, renderCommandDocs } from '../../../src/bot/commands/docs.js';
import { commandHelp, helpOverview, MANIFEST_LIMITS, manifestCommandLists } from '../../../src/bot/commands/help.js';
import { parseCommand } from '../../../src/bot/commands/parser.js';
import { allCommands, commandIds } from '../../../src/bot/commands/registry.js';

describe('helpOverview', () => {
  it('groups every command once, by category, in registry order', () => {
    const sections = helpOverview();
    expect(sections.map((section) => section.category)).toEqual([
      'Getting started',
      'Profiles',
      'Email settings',
      'Mailboxes',
      'Approval',
      'Test & Enable',
      'Alerts and audit',
      'Security',
    ]);
    expect(sections.flatMap((section) => section.commands.map((command) => command.id)).sort()).toEqual([...commandIds].sort());
    expect(sections[0]?.commands[0]).toEqual({
      id: 'help',
      name: 'help',
      usage: 'help [command]',
      summary: 'List the commands, or explain one command with its usage and examples.',
    });
  });

  it('leaves out commands that do not work in the scope', () => {
    const personal = helpOverview('personal').flatMap((section) => section.commands.map((command) => command.id));
    expect(personal).not.toContain('subscribeAlerts');
    expect(helpOverview('team').flatMap((section) => section.commands.map((command) => command.id))).toContain('subscribeAlerts');
  });
});

describe('commandHelp', () => {
  it('gives usage, aliases, examples and the mailbox keywords a command accepts', () => {
    const help = commandHelp('approveMailbox');
    expect(help).toMatchObject({
      name: 'approve mailbox',
      usage: 'approve mailbox <mailboxes|pending>',
      category: 'Approval',
      examples: ['approve mailbox alice@contoso.com', 'approve mailbox pending'],
      mailboxKeywords: [{ keyword: 'pending', meaning: 'every mailbox whose email address is Pending Approval' }],
    });
    expect(help.aliases).toContain('approve email');
  });
});

describe('manifestCommandLists', () => {
  const lists = manifestCommandLists();

  it('makes one list per scope: personal, team and group chat', () => {
    expect(lists.map((list) => list.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
  });

  it('keeps within what Teams shows', () => {
    for (const list of lists) {
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(MANIFEST_LIMITS.commandsPerList);
      for (const command of list.commands) {
        expect(command.title.length, command.title).toBeLessThanOrEqual(32);
        expect(command.description.length, command.title).toBeLessThanOrEqual(128);
        expect(command.description.length, command.title).toBeGreaterThan(0);
      }
    }
  });

  it('lists only titles the parser understands as a command usable in that scope', () => {
    for (const list of lists) {
      const [scope] = list.scopes;
      for (const { title } of list.commands) {
        const result = parseCommand(title, { scope });
        const command = allCommands().find((candidate) => candidate.manifest.title === title);
        expect(command?.scopes, title).toContain(scope);
        expect(result.kind === 'usage' && result.problem.includes('works only in'), title).toBe(false);
        expect('id' in result ? result.id : undefined, title).toBe(command?.id);
      }
    }
  });

  it('puts the everyday commands in the personal menu and subscriptions in the shared ones', () => {
    const titles = (scope: string) => lists.find((list) => list.scopes[0] === scope)?.commands.map((command) => command.title);
    expect(titles('personal')).toEqual(expect.arrayContaining(['help', 'approve mailbox', 'test mailbox', 'mailboxes']));
    expect(titles('personal')).not.toContain('subscribe alerts for profile');
    expect(titles('team')).toContain('subscribe alerts for profile');
    expect(titles('groupChat')).toContain('unsubscribe alerts for profile');
  });
});

describe('docs/commands.md', () => {
  it('matches what the registry generates', () => {
    const committed = readFileSync(new URL(`../../../${COMMAND_DOCS_PATH}`, import.meta.url), 'utf8');
    expect(committed === renderCommandDocs(), `${COMMAND_DOCS_PATH} is out of date: run ${REGENERATE_COMMAND_DOCS}`).toBe(true);
  });

  it('documents every command with its usage and examples', () => {
    const docs = renderCommandDocs();
    for (const command of allCommands()) {
      expect(docs, command.id).toContain(`### ${command.name}\n`);
      expect(docs, command.id).toContain(`Usage: \`${command.usage}\``);
      for (const example of command.examples) expect(docs, command.id).toContain(`- \`${example.input}\``);
    }
  });

  it('shows the real option values, including the different ACT numbering', () => {
    const docs = renderCommandDocs();
    expect(docs).toContain('| 2 · Server-Side Synchronization or Email Router | 2 · Server-Side Synchronization or Email Router | 1 · Server-Side Synchronization |');
    expect(docs).toContain('| 3 · Forward Mailbox | not allowed | not allowed |');
  });
});
