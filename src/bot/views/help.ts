// The help card's view, generated from the command registry (src/bot/commands/help.ts) so that help
// can never describe a command the parser does not accept.
import type { CommandButtonView, HelpView } from '../../cards/index.js';
import type { CommandHelp, HelpSection } from '../commands/command-catalog.js';
import type { ConversationScope } from '../commands/ids.js';

const scopeLabel: Readonly<Record<ConversationScope, string>> = { personal: 'personal chat', team: 'team channels', groupChat: 'group chats' };

/** Every command usable in this kind of conversation, by category, each with its first example. */
export function helpOverviewView(sections: readonly HelpSection[], helpOf: (entry: HelpSection['commands'][number]) => CommandHelp): HelpView {
  return {
    kind: 'overview',
    categories: sections.map((section) => ({
      title: section.category,
      commands: section.commands.map((entry) => {
        const help = helpOf(entry);
        return { name: help.name, summary: help.summary, usage: help.usage, example: help.examples[0] ?? help.usage };
      }),
    })),
  };
}

/** One command in detail: usage, examples, keywords, notes, where it works and who may run it. */
export function helpCommandView(help: CommandHelp, whoCanRun: string): HelpView {
  const [example = help.usage, ...moreExamples] = help.examples;
  const details = [
    ...help.notes,
    ...help.mailboxKeywords.map(({ keyword, meaning }) => `${keyword} stands for ${meaning}.`),
    ...(moreExamples.length > 0 ? [`More examples: ${moreExamples.join(' · ')}`] : []),
    `Works in ${help.scopes.map((scope) => scopeLabel[scope]).join(', ')}.`,
  ];
  // A command that needs no arguments can be tried right away; the others need the user's own names.
  const actions: CommandButtonView[] = [
    ...(help.examples.includes(help.name) && help.name !== 'help' ? [{ title: `Run: ${help.name}`, command: help.name }] : []),
    { title: 'All commands', command: 'help' },
  ];
  return {
    kind: 'command',
    category: help.category,
    command: { name: help.name, summary: help.summary, usage: help.usage, example, aliases: help.aliases, whoCanRunIt: whoCanRun, details },
    actions,
  };
}
