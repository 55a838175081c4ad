// PLACEHOLDER until the command handlers land: answers every command with a notice.
import type { AlertSubscriptions, CoreServices, TestAndEnableJobs } from '../services.js';
import type { CommandDispatcher, Reply } from '../turn-handler.js';

export interface CommandDispatcherDependencies extends CoreServices {
  readonly jobs: TestAndEnableJobs;
  readonly subscriptions: AlertSubscriptions;
}

export function createCommandDispatcher(_deps: CommandDispatcherDependencies): CommandDispatcher {
  return async (command, request) => {
    await request.respond.send({ text: `The ${command.id} command is not available yet.` });
  };
}

export const welcomeReply = (): Reply => ({ text: 'Hello! I manage server-side synchronization of Dynamics 365 mailboxes. Type **help** to start.' });
