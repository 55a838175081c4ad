// Help-card data and the Teams manifest's command lists, both generated from the registry so they can
// never disagree with what the parser accepts.
import { commandHelpOf, helpSectionsOf, type CommandHelp, type HelpSection } from './command-catalog.js';
import { allCommands, commandRegistry, conversationScopes, type CommandId, type ConversationScope } from './registry.js';

export type { CommandHelp, HelpEntry, HelpSection } from './command-catalog.js';

/** Commands grouped by category, in registry order; with a scope, only the commands that work there. */
export const helpOverview = (scope?: ConversationScope): readonly HelpSection[] => helpSectionsOf(allCommands(), scope);

/** Everything the help card shows for one command. */
export const commandHelp = (id: CommandId): CommandHelp => commandHelpOf(commandRegistry[id]);

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
