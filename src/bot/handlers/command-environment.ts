// The handler environment for one recognised command, built by the dispatcher (and the preview's dry run):
// what the command writes and its problem card come from its registration, so this sits above the registry.
import { actingAsSignedIn } from '../../app/signed-in.js';
import type { WriteDescription } from '../../domain/confirmation.js';
import { commandLine, commandLineWith } from '../commands/command-lines.js';
import type { CommandArgs, RecognisedCommand } from '../commands/parser.js';
import { commandRegistry, type CommandId } from '../commands/registry.js';
import type { CommandRequest, Reply } from '../requests.js';
import { problemCard, type FailedCommand } from '../views/problems.js';
import type { PendingChoices } from './choices.js';
import type { CommandDispatcherDependencies, HandlerEnvironment } from './environment.js';

/** Whether the command changes something; its failures then say that nothing was changed. */
export function writesSomething(command: RecognisedCommand): boolean {
  return describeWrite(command).kind !== 'none';
}

type WriteDescribers = { readonly [Id in CommandId]: { describeWrite(args: CommandArgs<Id>): WriteDescription } };

function describeWriteOf<Id extends CommandId>(id: Id, args: CommandArgs<Id>): WriteDescription {
  const definition: WriteDescribers[Id] = commandRegistry[id];
  return definition.describeWrite(args);
}

/** What the command's registration says it writes, for these arguments. */
export const describeWrite = (command: RecognisedCommand): WriteDescription => describeWriteOf(command.id, command.args);

/** The command as its problem card needs it: its name and its line with names replaced. */
export const failedCommand = (command: RecognisedCommand): FailedCommand => ({
  name: commandRegistry[command.id].name,
  lineWith: (replacements) => commandLineWith(command, replacements),
});

/** With `choices`, corrections of a failed write are offered as choices kept there (see views/problems.ts). */
export function handlerEnvironment(deps: CommandDispatcherDependencies, command: RecognisedCommand, request: CommandRequest, choices?: PendingChoices): HandlerEnvironment {
  // A card may carry a choice's id only once the choice is kept: the card is sent after every offer was saved.
  const offersBeingSaved: Promise<void>[] = [];
  const offerChoice =
    choices === undefined
      ? undefined
      : (commandText: string): string => {
          const offered = choices.offerSuggestion({ owner: request.requester, commandText, conversationId: request.conversation.id });
          offersBeingSaved.push(offered.saved);
          return offered.id;
        };
  const send = (reply: Reply): Promise<string | undefined> => request.respond.send(reply);
  return {
    deps,
    request,
    commandText: commandLine(command),
    requester: request.requester,
    useCases: actingAsSignedIn(deps.useCases, request.requester, request.credential),
    send,
    sendCard: (card) => send({ card }),
    fail: async (error, attempted) => {
      const organization = await deps.useCases.records.organization();
      const card = problemCard(error, { command: failedCommand(command), attempted, organization, writes: writesSomething(command), ...(offerChoice === undefined ? {} : { offerChoice }) });
      await Promise.all(offersBeingSaved);
      await send({ card });
    },
  };
}
