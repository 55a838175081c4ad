// Help-card data and the Teams manifest's command lists, both generated from the registry so they can
// never disagree with what the parser accepts.
import {
  allCommands,
  commandCategories,
  commandRegistry,
  conversationScopes,
  type AnyCommandDefinition,
  type CommandCategory,
  type CommandId,
  type ConversationScope,
} from './registry.js';
import { mailboxKeywordMeaning, type MailboxKeyword } from './values.js';

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

const entryOf = (command: AnyCommandDefinition): HelpEntry => ({ id: command.id, name: command.name, usage: command.usage, summary: command.summary });

/** Commands grouped by category, in registry order; with a scope, only the commands that work there. */
export function helpOverview(scope?: ConversationScope): readonly HelpSection[] {
  const usable = allCommands().filter((command) => scope === undefined || command.scopes.includes(scope));
  return commandCategories
    .map((category) => ({ category, commands: usable.filter((command) => command.category === category).map(entryOf) }))
    .filter((section) => section.commands.length > 0);
}

/** Everything the help card shows for one command. */
export function commandHelp(id: CommandId): CommandHelp {
  const command = commandRegistry[id];
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

/**
 * Limits for `bots[].commandLists`: the schema allows 10 commands per list (12 from manifest 1.24,
 * which we do not target) and 128-character titles, but Teams' menu shows about 32 characters.
 */
export const MANIFEST_LIMITS = { commandsPerList: 10, titleLength: 32, descriptionLength: 128 } as const;

export interface ManifestCommand {
  readonly title: string;
  readonly description: string;
}

export interface ManifestCommandList {
  readonly scopes: readonly [ConversationScope];
  readonly commands: readonly ManifestCommand[];
}

/**
 * The manifest's `commandLists`, one list per scope (personal, team, groupChat) in registry order.
 * Throws when the registry breaks a limit: that is a bug to fix in the registry, not input to tolerate.
 */
export function manifestCommandLists(): readonly ManifestCommandList[] {
  return conversationScopes.flatMap((scope): ManifestCommandList[] => {
    const commands = allCommands()
      .filter((command) => command.manifest.menu.includes(scope))
      .map((command) => ({ title: command.manifest.title, description: command.manifest.description }));
    if (commands.length > MANIFEST_LIMITS.commandsPerList) {
      throw new Error(`The ${scope} command menu lists ${commands.length} commands; Teams allows ${MANIFEST_LIMITS.commandsPerList}.`);
    }
    for (const command of commands) {
      if (command.title.length > MANIFEST_LIMITS.titleLength || command.description.length > MANIFEST_LIMITS.descriptionLength) {
        throw new Error(`The menu entry "${command.title}" is too long for Teams (title ≤ ${MANIFEST_LIMITS.titleLength}, description ≤ ${MANIFEST_LIMITS.descriptionLength}).`);
      }
    }
    return commands.length === 0 ? [] : [{ scopes: [scope], commands }];
  });
}
