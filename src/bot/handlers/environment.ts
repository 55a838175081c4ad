// What every command handler works with: the services, the request (whose requester comes from the
// activity, never from the command text) and helpers to answer, including the card for a domain error.
import type { MailboxSelector, UseCaseContext } from '../../app/index.js';
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/model.js';
import type { CommandArgs, RecognisedCommand } from '../commands/parser.js';
import { commandRegistry, type CommandId, type MailboxKeyword, type MailboxSelection, type WriteDescription, type WriteKind } from '../commands/registry.js';
import type { AlertSubscriptions, CoreServices, TestAndEnableJobs } from '../services.js';
import type { CommandRequest, Reply } from '../turn-handler.js';
import { mailboxRefText, problemCard } from '../views/index.js';
import type { PendingChoices } from './choices.js';

export interface CommandDispatcherDependencies extends CoreServices {
  readonly jobs: TestAndEnableJobs;
  readonly subscriptions: AlertSubscriptions;
}

export interface HandlerEnvironment {
  readonly deps: CommandDispatcherDependencies;
  readonly request: CommandRequest;
  readonly command: RecognisedCommand;
  /** Who asked, as identified from the activity. */
  readonly requester: User;
  readonly useCases: UseCaseContext;
  /** Sends a reply; resolves to the id of the message showing it, when known. */
  send(reply: Reply): Promise<string | undefined>;
  sendCard(card: AdaptiveCardJson): Promise<string | undefined>;
  /** Answers a domain error: a refusal card, a "not found" card with corrections, or a specific notice. */
  fail(error: DomainError, attempted: string): Promise<void>;
}

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

/** A selection that names one mailbox writes one record; a longer list, `all` or `pending` writes several. */
export const selectionWrite = (selection: MailboxSelection<MailboxKeyword>): WriteKind =>
  selection.kind === 'list' && selection.mailboxes.length === 1 ? 'single' : 'bulk';

/** With `choices`, corrections of a failed write are offered as choices kept there (see views/problems.ts). */
export function handlerEnvironment(deps: CommandDispatcherDependencies, command: RecognisedCommand, request: CommandRequest, choices?: PendingChoices): HandlerEnvironment {
  const offerChoice =
    choices === undefined
      ? undefined
      : (commandText: string): string => choices.openSuggestion({ owner: request.requester, commandText, conversationId: request.conversation.id }).id;
  const send = (reply: Reply): Promise<string | undefined> => request.respond.send(reply);
  return {
    deps,
    request,
    command,
    requester: request.requester,
    useCases: deps.useCases,
    send,
    sendCard: (card) => send({ card }),
    fail: async (error, attempted) => {
      const organization = await deps.useCases.records.organization();
      await send({ card: problemCard(error, { command, attempted, organization, writes: writesSomething(command), ...(offerChoice === undefined ? {} : { offerChoice }) }) });
    },
  };
}

/** The use cases' selector for a parsed mailbox selection: `all`, `pending`, or the names and addresses typed. */
export function mailboxSelector(selection: MailboxSelection<MailboxKeyword>): MailboxSelector {
  return selection.kind === 'keyword' ? selection.keyword : selection.mailboxes.map(mailboxRefText);
}

const LISTED_NAMES = 3;

/** "pia@contoso.com", "pia@contoso.com, Sales Inbox and 3 more", "every mailbox Pending Approval". */
export function describeSelection(selection: MailboxSelection<MailboxKeyword>): string {
  if (selection.kind === 'keyword') return selection.keyword === 'all' ? 'every active mailbox' : 'every mailbox Pending Approval';
  const names = selection.mailboxes.map(mailboxRefText);
  const shown = names.slice(0, LISTED_NAMES);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
