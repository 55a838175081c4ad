// Commands back to chat text: the exact line a button runs (paging, "did you mean", next steps), written by
// each command's own `toText` (see its registration) from the spellings in src/bot/views/command-line.ts.
// It looks the command up in the registry, so it sits above the registry; the registrations never import it.
import type { Rename } from '../views/command-line.js';
import type { CommandArgs, RecognisedCommand } from './parser.js';
import { commandRegistry, type CommandId } from './registry.js';

const keepName: Rename = (typed) => typed;

type Definitions = { readonly [Id in CommandId]: { toText(args: CommandArgs<Id>, rename: Rename): string } };

function write<Id extends CommandId>(id: Id, args: CommandArgs<Id>, rename: Rename): string {
  const definition: Definitions[Id] = commandRegistry[id];
  return definition.toText(args, rename);
}

/** The chat line for a command; with `rename`, every name or address typed in it passes through it first. */
export function commandLine(command: RecognisedCommand, rename: Rename = keepName): string {
  return write(command.id, command.args, rename);
}

/** The command line with one typed name (compared ignoring case and spaces) replaced by another. */
export function commandLineWith(command: RecognisedCommand, replacements: ReadonlyMap<string, string>): string {
  const normalized = new Map([...replacements].map(([typed, replacement]) => [typed.trim().toLowerCase(), replacement]));
  return commandLine(command, (typed) => normalized.get(typed.trim().toLowerCase()) ?? typed);
}
