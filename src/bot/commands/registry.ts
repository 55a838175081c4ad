// The single source of truth for chat commands: it collects each area's registrations (configuration.ts,
// mailboxes.ts, jobs.ts, monitoring.ts, each command one `defineCommand` with its grammar, handler, writes,
// who may run it and its text) and drives the parser, the dispatcher, the help card, docs/commands.md, the
// Teams manifest's command lists and the confirmation rules.
import type { z } from 'zod';
import { configurationCommands } from './configuration.js';
import type { CommandDefinition, CommandId } from './define.js';
import { jobCommands } from './jobs.js';
import { mailboxCommands } from './mailboxes.js';
import { monitoringCommands } from './monitoring.js';
import { commandIds } from './define.js';
import type { Phrase } from './suggest.js';
import { registerCommandCatalog } from './command-catalog.js';

export {
  commandCategories,
  commandIds,
  conversationScopes,
  EXCHANGE_ONLINE_PROFILE_NAME,
  type Alternative,
  type ArgumentOutcome,
  type CommandCategory,
  type CommandDefinition,
  type CommandExample,
  type CommandId,
  type ConversationScope,
  type Interpretation,
  type ManifestEntry,
  type WriteDescription,
  type WriteKind,
} from './define.js';
export type { AlertsTarget, EditableSetting } from './grammar.js';

// Spread in commandIds order, which is also help and docs order (a test holds the keys to it).
export const commandRegistry = {
  ...configurationCommands,
  ...mailboxCommands,
  ...jobCommands,
  ...monitoringCommands,
} satisfies { readonly [Id in CommandId]: CommandDefinition<Id, z.ZodType> };

export type CommandRegistry = typeof commandRegistry;
export type AnyCommandDefinition = CommandRegistry[CommandId];

/** Every command, in registry order (which is also help and docs order). */
export const allCommands = (): readonly AnyCommandDefinition[] => commandIds.map((id) => commandRegistry[id]);

let phrases: readonly Phrase<CommandId>[] | undefined;

/** Every name and alias as lower-case words, canonical names first. */
export function commandPhrases(): readonly Phrase<CommandId>[] {
  phrases ??= [
    ...allCommands().map((command) => ({ id: command.id, name: command.name, words: command.name.split(' ') })),
    ...allCommands().flatMap((command) => command.aliases.map((alias) => ({ id: command.id, name: command.name, words: alias.split(' ') }))),
  ];
  return phrases;
}

let phraseIndex: ReadonlyMap<string, CommandId> | undefined;
let longestPhrase = 0;

/** Longest match of the leading words against names and aliases, so `test mailboxes for profile` wins over `test mailboxes`. */
export function matchCommandWords(words: readonly string[]): { readonly id: CommandId; readonly wordCount: number } | undefined {
  if (phraseIndex === undefined) {
    phraseIndex = new Map(commandPhrases().map((phrase) => [phrase.words.join(' '), phrase.id]));
    longestPhrase = Math.max(...commandPhrases().map((phrase) => phrase.words.length));
  }
  for (let count = Math.min(longestPhrase, words.length); count >= 1; count--) {
    const id = phraseIndex.get(words.slice(0, count).join(' '));
    if (id !== undefined) return { id, wordCount: count };
  }
  return undefined;
}

registerCommandCatalog({ commands: allCommands, entry: (id) => commandRegistry[id], phrases: commandPhrases, matchWords: matchCommandWords });

// Re-exported so that handlers and tests can name argument shapes without reaching into values.ts.
export type { AddressOrName, MailboxFilter, MailboxKeyword, MailboxRef, MailboxSelection } from './values.js';
