// The command dispatcher: every command of the registry goes to the handler of its registration, which calls the use case with
// the requester identified from the activity and answers with a card.
import type { CommandArgs, RecognisedCommand } from '../commands/parser.js';
import { commandRegistry, type CommandId } from '../commands/registry.js';
import type { CommandDispatcher, Reply } from '../turn-handler.js';
import { renderNoticeCard } from '../views/index.js';
import { handlerEnvironment, type CommandDispatcherDependencies, type HandlerEnvironment } from './environment.js';

export type { CommandDispatcherDependencies } from './environment.js';

type Handlers = { readonly [Id in CommandId]: { handle(args: CommandArgs<Id>, env: HandlerEnvironment): Promise<void> } };

function runHandler<Id extends CommandId>(id: Id, args: CommandArgs<Id>, env: HandlerEnvironment): Promise<void> {
  const definition: Handlers[Id] = commandRegistry[id];
  return definition.handle(args, env);
}

export function createCommandDispatcher(deps: CommandDispatcherDependencies): CommandDispatcher {
  return async (command: RecognisedCommand, request) => {
    const env = handlerEnvironment(deps, command, request);
    try {
      await runHandler(command.id, command.args, env);
    } catch (error) {
      // A bug or a failed write must still be answered, and an invoke must still get its response.
      deps.logger.error('command failed', { command: command.id, requester: request.requester.id, error });
      const name = commandRegistry[command.id].name;
      await request.respond.send({
        card: renderNoticeCard({
          title: `Something went wrong while running ${name}`,
          tone: 'attention',
          lines: [
            'The error was logged. If the command changes something, check with mailbox, settings or audit whether it took effect before you try again.',
          ],
          actions: [{ title: `Help: ${name}`, command: `help ${name}` }],
        }),
      });
    }
  };
}

export const welcomeReply = (): Reply => ({
  text: 'Hello! I manage server-side synchronization of Dynamics 365 mailboxes with Exchange: profiles, default email settings, mailbox approval and Test & Enable. Type **help** to start, or **whoami** to see what you may do.',
});
