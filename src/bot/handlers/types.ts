// One handler per command id. `CommandHandlers` maps every id of the registry, so a command added to the
// registry without a handler does not compile.
import type { CommandArgs } from '../commands/parser.js';
import type { CommandId } from '../commands/registry.js';
import type { HandlerEnvironment } from './environment.js';

export type CommandHandler<Id extends CommandId> = (args: CommandArgs<Id>, env: HandlerEnvironment) => Promise<void>;

export type CommandHandlers = { readonly [Id in CommandId]: CommandHandler<Id> };
