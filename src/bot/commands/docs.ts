// docs/commands.md, rendered from the registry in memory. scripts/gen-command-docs.ts writes it to disk
// and a test fails when the committed file differs.
import { actMethodLabel, incomingMethodLabel, outgoingMethodLabel, PrivilegeDepths, type PrivilegeDepth } from '../../domain/options.js';
import type { CommandArgs } from './parser.js';
import { allCommands, commandCategories, commandRegistry, type AnyCommandDefinition, type CommandId, type ConversationScope, type WriteDescription } from './registry.js';
import {
  depthSpellings,
  MAX_MAILBOXES_PER_COMMAND,
  mailboxKeywordMeaning,
  mailboxKeywords,
  methodSpellings,
  methodValues,
  type MethodWord,
} from './values.js';
import { MAX_COMMAND_LENGTH } from '../../shared/limits.js';

export const COMMAND_DOCS_PATH = 'docs/commands.md';
export const REGENERATE_COMMAND_DOCS = 'npx tsx scripts/gen-command-docs.ts';

const scopeName: Readonly<Record<ConversationScope, string>> = { personal: 'personal chat', team: 'team channels', groupChat: 'group chats' };
const methodOrder: readonly MethodWord[] = ['serverSideSync', 'outlook', 'none', 'forward'];
/** The names the security role editor shows. */
const depthLabel: Readonly<Record<PrivilegeDepth, string>> = {
  User: 'User',
  BusinessUnit: 'Business Unit',
  ParentChildBusinessUnit: 'Parent: Child Business Units',
  Organization: 'Organization',
};

const code = (text: string): string => `\`${text}\``;
const anchor = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

function methodCell(value: number | undefined, labels: Readonly<Record<number, string>>): string {
  return value === undefined ? 'not allowed' : `${value} · ${labels[value] ?? ''}`;
}

/** What the confirmation rules (docs/confirmations.md) do with the command, from its write metadata. */
type ExampleWrites = {
  readonly [Id in CommandId]: { readonly examples: readonly { readonly args: CommandArgs<Id> }[]; describeWrite(args: CommandArgs<Id>): WriteDescription };
};

function exampleWrites<Id extends CommandId>(id: Id): WriteDescription[] {
  const definition: ExampleWrites[Id] = commandRegistry[id];
  return definition.examples.map((example) => definition.describeWrite(example.args));
}

function confirmationLine(command: AnyCommandDefinition): string {
  const writes = exampleWrites(command.id);
  const kinds = new Set(writes.map((write) => write.kind));
  if (kinds.size === 1 && kinds.has('none')) return 'none; it changes nothing.';
  const overwrites = writes.some((write) => write.overwrites);
  const selection = command.mailboxKeywords.length > 0;
  const parts = [
    selection
      ? `runs directly when typed for one mailbox; previewed first for several mailboxes or ${command.mailboxKeywords.join(' or ')}`
      : kinds.has('bulk')
        ? 'always previewed first: it changes several records'
        : 'runs directly when typed',
    ...(overwrites ? ['previewed first when it would overwrite settings set before, listing them'] : []),
    'previewed first when chosen on a card',
  ];
  return `${parts.join('; ')} ([rules](confirmations.md)).`;
}

function commandSection(command: AnyCommandDefinition): string[] {
  const lines = [`### ${command.name}`, '', command.summary, '', `Usage: ${code(command.usage)}`, ''];
  if (command.aliases.length > 0) lines.push(`Also: ${command.aliases.map(code).join(', ')}`, '');
  lines.push('Examples:', '', ...command.examples.map((example) => `- ${code(example.input)}`), '');
  if (command.mailboxKeywords.length > 0) {
    lines.push(`Mailbox keywords: ${command.mailboxKeywords.map((keyword) => `${code(keyword)} (${mailboxKeywordMeaning[keyword]})`).join(', ')}.`, '');
  }
  for (const note of command.notes) lines.push(`> ${note}`, '');
  lines.push(`Who can run it: ${command.whoCanRun}`, '', `Confirmation: ${confirmationLine(command)}`, '');
  const menu = command.manifest.menu.length === 0 ? 'not in the Teams command menu' : `in the Teams command menu of ${command.manifest.menu.map((scope) => scopeName[scope]).join(', ')}`;
  lines.push(`Works in ${command.scopes.map((scope) => scopeName[scope]).join(', ')}; ${menu}.`, '');
  return lines;
}

/** The whole of docs/commands.md. */
export function renderCommandDocs(): string {
  const commands = allCommands();
  const lines: string[] = [
    '# Chat commands',
    '',
    `<!-- Generated from src/bot/commands/registry.ts. Do not edit by hand: run ${REGENERATE_COMMAND_DOCS}. -->`,
    '',
    'Type a command to Mailbox Sync Bot in personal chat, or @mention the bot in a team channel or group chat.',
    'Letter case does not matter, extra spaces and trailing punctuation are ignored, and a name with spaces goes in',
    `quotes (straight "…" or curly “…”). Settings can be written ${code('key=value')} or ${code('key = value')}.`,
    `A command may be at most ${MAX_COMMAND_LENGTH} characters long. A typo gets a "Did you mean …?" answer.`,
    '',
    '## Contents',
    '',
    ...commandCategories.flatMap((category) => {
      const inCategory = commands.filter((command) => command.category === category);
      return inCategory.length === 0 ? [] : [`- **${category}**: ${inCategory.map((command) => `[${command.name}](#${anchor(command.name)})`).join(', ')}`];
    }),
    '',
    '## Mailbox selectors',
    '',
    'Where a command takes mailboxes, name them as:',
    '',
    `- an email address: ${code('alice@contoso.com')}`,
    `- a name, in quotes if it has spaces: ${code('"Sales Inbox"')}`,
    `- a comma list of both: ${code('alice@contoso.com, "Sales Inbox", bob@contoso.com')} (at most ${MAX_MAILBOXES_PER_COMMAND} mailboxes)`,
    '- a keyword, where the command accepts it:',
    '',
    '| Keyword | Means | Accepted by |',
    '|---|---|---|',
    ...mailboxKeywords.map((keyword) => {
      const acceptedBy = commands.filter((command) => command.mailboxKeywords.includes(keyword)).map((command) => code(command.name));
      return `| ${code(keyword)} | ${mailboxKeywordMeaning[keyword]} | ${acceptedBy.join(', ')} |`;
    }),
    '',
    `To mean a mailbox literally called "all" or "pending", put the name in quotes.`,
    '',
    '## Delivery methods',
    '',
    'Methods are written as words, in any letter case. The numbers are the option values stored on the mailbox and',
    'in the default email settings; appointments, contacts, and tasks (ACT) have their own numbering.',
    '',
    '| You type | Incoming email | Outgoing email | Appointments, contacts, and tasks |',
    '|---|---|---|---|',
    ...methodOrder.map((method) => {
      const values: Readonly<Partial<Record<MethodWord, number>>>[] = [methodValues.incoming, methodValues.outgoing, methodValues.act];
      const [incoming, outgoing, act] = values.map((channel) => channel[method]);
      return `| ${methodSpellings[method].map(code).join(', ')} | ${methodCell(incoming, incomingMethodLabel)} | ${methodCell(outgoing, outgoingMethodLabel)} | ${methodCell(act, actMethodLabel)} |`;
    }),
    '',
    '## Privilege depths',
    '',
    `Used by ${code('grant approve privilege to role <role> at <depth>')}:`,
    '',
    ...PrivilegeDepths.map((depth) => `- ${depthLabel[depth]}: ${depthSpellings[depth].map(code).join(', ')}`),
    '',
  ];
  for (const category of commandCategories) {
    const inCategory = commands.filter((command) => command.category === category);
    if (inCategory.length === 0) continue;
    lines.push(`## ${category}`, '', ...inCategory.flatMap(commandSection));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
