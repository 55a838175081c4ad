// What the help command knows of every command, itself included. The help command is one of the registrations
// the registry collects, so it cannot import the registry: the registry hands itself over here when it loads
// (registerCommandCatalog in registry.ts), and the help command reads it when it runs. The help card's data is
// computed here from those entries (commands/help.ts offers the same over the registry directly).
import { commandCategories, type CommandCategory, type CommandId, type ConversationScope } from './ids.js';
import type { Phrase } from './suggest.js';
import { mailboxKeywordMeaning, type MailboxKeyword } from './values.js';

/** One registered command as help describes it (a command definition is one). */
export interface CatalogEntry {
  readonly id: CommandId;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly category: CommandCategory;
  readonly summary: string;
  readonly usage: string;
  readonly examples: readonly { readonly input: string }[];
  readonly notes: readonly string[];
  readonly mailboxKeywords: readonly MailboxKeyword[];
  readonly scopes: readonly ConversationScope[];
  readonly whoCanRun: string;
}

/** The registry, as far as help needs it. */
export interface CommandCatalog {
  /** Every command, in registry order. */
  commands(): readonly CatalogEntry[];
  entry(id: CommandId): CatalogEntry;
  /** Every name and alias as lower-case words, canonical names first. */
  phrases(): readonly Phrase<CommandId>[];
  /** Longest match of the leading words against names and aliases. */
  matchWords(words: readonly string[]): { readonly id: CommandId; readonly wordCount: number } | undefined;
}

let registered: CommandCatalog | undefined;

/** Called once by registry.ts as it loads. */
export function registerCommandCatalog(catalog: CommandCatalog): void {
  registered = catalog;
}

/** The registry's catalog; it is loaded before any command is parsed, so before help can run. */
export function commandCatalog(): CommandCatalog {
  if (registered === undefined) throw new Error('The command registry is not loaded: import src/bot/commands/registry.ts first.');
  return registered;
}

export interface HelpEntry {
  readonly id: CommandId;
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
}

export interface HelpSection {
  readonly category: CommandCategory;
  readonly commands: readonly HelpEntry[];
}

export interface CommandHelp extends HelpEntry {
  readonly category: CommandCategory;
  readonly aliases: readonly string[];
  readonly examples: readonly string[];
  readonly notes: readonly string[];
  readonly mailboxKeywords: readonly { readonly keyword: MailboxKeyword; readonly meaning: string }[];
  readonly scopes: readonly ConversationScope[];
}

const entryOf = (command: CatalogEntry): HelpEntry => ({ id: command.id, name: command.name, usage: command.usage, summary: command.summary });

/** Commands grouped by category, in the given (registry) order; with a scope, only the commands that work there. */
export function helpSectionsOf(commands: readonly CatalogEntry[], scope?: ConversationScope): readonly HelpSection[] {
  const usable = commands.filter((command) => scope === undefined || command.scopes.includes(scope));
  return commandCategories
    .map((category) => ({ category, commands: usable.filter((command) => command.category === category).map(entryOf) }))
    .filter((section) => section.commands.length > 0);
}

/** Everything the help card shows for one command. */
export function commandHelpOf(command: CatalogEntry): CommandHelp {
  return {
    ...entryOf(command),
    category: command.category,
    aliases: command.aliases,
    examples: command.examples.map((example) => example.input),
    notes: command.notes,
    mailboxKeywords: command.mailboxKeywords.map((keyword) => ({ keyword, meaning: mailboxKeywordMeaning[keyword] })),
    scopes: command.scopes,
  };
}
