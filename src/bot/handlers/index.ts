// The command dispatcher: every command of the registry goes to the handler of its registration, which calls
// the use case with the requester identified from the activity and answers with a card. A write that the
// confirmation rules (src/domain/confirmation.ts) hold back is previewed first and runs only on Confirm.
import { explainPlatformRefusal, platformRefusalIn } from '../../app/platform-refusal.js';
import { RecordsBackendError, StateStoreUnavailableError } from '../../app/ports.js';
import { MAX_SUGGESTIONS, renderConfirmationCard, renderDidYouMeanCard, type AdaptiveCardJson } from '../../cards/index.js';
import { confirmationReasons, mayNeedConfirmation, type ConfirmationReason } from '../../domain/confirmation.js';
import { parseCommand, type CommandArgs, type RecognisedCommand } from '../commands/parser.js';
import { commandRegistry, type CommandId } from '../commands/registry.js';
import type { ChoiceActionHandler, CommandRequest, Reply, SuggestionOffer } from '../requests.js';
import type { CommandDispatcher } from '../turn-handler.js';
import {
  cancelledNotice,
  choiceRefusedMessage,
  choiceRefusedNotice,
  confirmationView,
  confirmedNotice,
  previewFailedNotice,
  renderNoticeCard,
  stateStoreUnavailableNotice,
} from '../views/index.js';
import { PendingChoices } from './choices.js';
import { commandLine } from '../commands/command-lines.js';
import { describeWrite, handlerEnvironment } from './command-environment.js';
import type { CommandDispatcherDependencies, HandlerEnvironment } from './environment.js';
import { correctsSpellingOnly, createNaturalReader, partialReadingReply } from './natural.js';
import { previewWrite, type WritePreview } from './preview.js';

export type { CommandDispatcherDependencies } from './environment.js';

type Handlers = { readonly [Id in CommandId]: { handle(args: CommandArgs<Id>, env: HandlerEnvironment): Promise<void> } };

function runHandler<Id extends CommandId>(id: Id, args: CommandArgs<Id>, env: HandlerEnvironment): Promise<void> {
  const definition: Handlers[Id] = commandRegistry[id];
  return definition.handle(args, env);
}

/** The dispatcher, and the handlers of the choices its cards offer, sharing one set of pending choices. */
export interface CommandDispatch {
  readonly dispatchCommand: CommandDispatcher;
  readonly handleChoice: ChoiceActionHandler;
  readonly offerSuggestions: SuggestionOffer;
}

export function createCommandDispatch(deps: CommandDispatcherDependencies): CommandDispatch {
  const choices = new PendingChoices(deps.useCases.clock, deps.pendingChoices);
  const naturalReader = createNaturalReader(deps.useCases.records, deps.logger);

  const run = async (command: RecognisedCommand, request: CommandRequest): Promise<void> => {
    const env = handlerEnvironment(deps, command, request, choices);
    try {
      await runHandler(command.id, command.args, env);
    } catch (error) {
      // Dynamics 365 refused the write itself (an approval by someone without the Entra role): the refusal card.
      const refusal = platformRefusalIn(error);
      if (refusal !== null) {
        const attempted = commandRegistry[command.id].name;
        deps.logger.warn('Dynamics 365 refused a command', { command: command.id, requester: request.requester.id });
        await env.fail(await explainPlatformRefusal(refusal, request.requester, (await deps.useCases.records.organization()).version, attempted, deps.adminRoleEligibility), attempted);
        return;
      }
      const name = commandRegistry[command.id].name;
      if (error instanceof StateStoreUnavailableError) {
        // PostgreSQL is gone for now (/healthz says so too): its transactions rolled back, nothing was half-written.
        deps.logger.warn('command not run: the state store is unavailable', { command: command.id, requester: request.requester.id, reason: error.reason });
        await request.respond.send({ card: renderNoticeCard(stateStoreUnavailableNotice(name, commandLine(command))) });
        return;
      }
      // A bug or a failed write must still be answered, and an invoke must still get its response.
      deps.logger.error('command failed', { command: command.id, requester: request.requester.id, error });
      if (error instanceof RecordsBackendError) {
        // Dynamics 365 failed: its admin message says what to do (and nothing was half-written by the bot).
        await request.respond.send({
          card: renderNoticeCard({
            title: error.reason === 'unreachable' ? 'Dynamics 365 is unreachable' : `Dynamics 365 could not complete ${name}`,
            tone: 'attention',
            lines: [error.message],
            actions: [{ title: `Help: ${name}`, command: `help ${name}` }],
          }),
        });
        return;
      }
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

  /** The preview of a write, or undefined when it may run directly (or changes nothing). */
  const confirmationFor = async (
    command: RecognisedCommand,
    request: CommandRequest,
  ): Promise<{ readonly preview: WritePreview; readonly reasons: readonly ConfirmationReason[] } | undefined> => {
    const write = describeWrite(command);
    const reachedBy = request.reachedBy ?? 'typed';
    if (!mayNeedConfirmation(write, reachedBy)) return undefined;
    const outcome = await previewWrite(deps, request, (dryDeps, dryRequest) => handlerEnvironment(dryDeps, command, dryRequest), (env) => runHandler(command.id, command.args, env));
    if (outcome.kind === 'nothingChanges') return undefined;
    const reasons = confirmationReasons(write, reachedBy, outcome.preview.overwrittenValues);
    return reasons.length === 0 ? undefined : { preview: outcome.preview, reasons };
  };

  const confirmationCard = async (
    command: RecognisedCommand,
    request: CommandRequest,
    found: { readonly preview: WritePreview; readonly reasons: readonly ConfirmationReason[] },
    previewedAgain: boolean,
  ): Promise<AdaptiveCardJson> => {
    const commandText = commandLine(command);
    const confirmation = await choices.openConfirmation({
      owner: request.requester,
      commandText,
      reachedBy: request.reachedBy ?? 'typed',
      fingerprint: found.preview.fingerprint,
      conversationId: request.conversation.id,
    });
    return renderConfirmationCard(confirmationView({ commandText, write: describeWrite(command), reasons: found.reasons, preview: found.preview, confirmation, previewedAgain }));
  };

  const dispatchCommand: CommandDispatcher = async (command, request) => {
    const found = await confirmationFor(command, request).catch((error: unknown) => {
      if (error instanceof StateStoreUnavailableError) return error;
      // A preview that breaks must not let the write through unseen: answer as for a failed command.
      deps.logger.error('could not preview a write', { command: command.id, requester: request.requester.id, error });
      return 'failed' as const;
    });
    if (found === 'failed') {
      await request.respond.send({ card: renderNoticeCard(previewFailedNotice(commandLine(command))) });
      return;
    }
    if (found instanceof StateStoreUnavailableError) {
      await request.respond.send({ card: renderNoticeCard(stateStoreUnavailableNotice(commandRegistry[command.id].name, commandLine(command))) });
      return;
    }
    if (found === undefined) return run(command, request);
    await request.respond.send({ card: await confirmationCard(command, request, found, false) });
  };

  const parsedAgain = (commandText: string, request: CommandRequest): RecognisedCommand | undefined => {
    const parsed = parseCommand(commandText, { scope: request.conversation.scope });
    return parsed.kind === 'command' ? parsed : undefined;
  };

  const handleChoice: ChoiceActionHandler = async (action, request) => {
    switch (action.verb) {
      case 'suggestion.choose': {
        const taken = await choices.findSuggestion(action.data.suggestionId, request.requester, request.conversation.id);
        if (!taken.ok) return { message: choiceRefusedMessage(taken.refusal) };
        const command = parsedAgain(taken.choice.commandText, request);
        if (command === undefined) return { message: `“${taken.choice.commandText}” is no longer a command I understand. Nothing was changed.` };
        // A chosen suggestion is never typed: any write it makes is previewed first, in a new message.
        await dispatchCommand(command, { ...request, reachedBy: 'button' });
        return { message: 'Here is what it would do.' };
      }
      case 'confirmation.cancel': {
        const taken = await choices.takeConfirmation(action.data.confirmationId, request.requester, request.conversation.id);
        if (!taken.ok) return taken.refusal === 'someoneElse' || taken.refusal === 'otherConversation' ? { message: choiceRefusedMessage(taken.refusal) } : { card: renderNoticeCard(choiceRefusedNotice(taken.refusal)) };
        return { card: renderNoticeCard(cancelledNotice(taken.choice.commandText, request.requester.fullName)) };
      }
      case 'confirmation.confirm': {
        const taken = await choices.takeConfirmation(action.data.confirmationId, request.requester, request.conversation.id);
        if (!taken.ok) return taken.refusal === 'someoneElse' || taken.refusal === 'otherConversation' ? { message: choiceRefusedMessage(taken.refusal) } : { card: renderNoticeCard(choiceRefusedNotice(taken.refusal)) };
        const confirmation = taken.choice;
        const command = parsedAgain(confirmation.commandText, request);
        if (command === undefined) return { card: renderNoticeCard(choiceRefusedNotice('unknown')) };
        const asked: CommandRequest = { ...request, reachedBy: confirmation.reachedBy };
        const outcome = await previewWrite(deps, asked, (dryDeps, dryRequest) => handlerEnvironment(dryDeps, command, dryRequest), (env) => runHandler(command.id, command.args, env));
        if (outcome.kind === 'preview' && outcome.preview.fingerprint !== confirmation.fingerprint) {
          // The records changed since the preview: show what it would do now, to be confirmed again.
          const write = describeWrite(command);
          const reasons = confirmationReasons(write, confirmation.reachedBy, outcome.preview.overwrittenValues);
          return { card: await confirmationCard(command, asked, { preview: outcome.preview, reasons }, true) };
        }
        await run(command, asked);
        return { card: renderNoticeCard(confirmedNotice(confirmation.commandText, request.requester.fullName)) };
      }
    }
  };

  // Every suggestion is kept behind an id: a click is a choice, and a write it names is previewed first.
  const openChoices = async (commandTexts: readonly string[], request: CommandRequest): Promise<string[]> => {
    const offered = commandTexts.map((commandText) => choices.offerSuggestion({ owner: request.requester, commandText, conversationId: request.conversation.id }));
    await Promise.all(offered.map((offer) => offer.saved));
    return offered.map((offer) => offer.id);
  };

  const offerSuggestions: SuggestionOffer = async (input, suggestions, request) => {
    // Only what a person typed is read as a natural request (a button's command is exact or it is a bug), and
    // not a misspelt command, which keeps its "did you mean".
    const typed = request.reachedBy === undefined || request.reachedBy === 'typed';
    const misspeltCommand = suggestions.some((suggestion) => correctsSpellingOnly(input, suggestion));
    const reading = typed && !misspeltCommand ? await naturalReader.read(input, request) : undefined;
    if (reading?.kind === 'command') {
      const command = parsedAgain(reading.commandLine, request);
      if (command !== undefined) return dispatchCommand(command, { ...request, reachedBy: 'guess' });
      deps.logger.error('a natural reading is not a command', { commandLine: reading.commandLine });
    }
    if (reading !== undefined && reading.kind !== 'command') {
      const reply = partialReadingReply(input, reading);
      const offered = reply.offers.slice(0, MAX_SUGGESTIONS);
      const commandTexts = offered.map((offer) => offer.commandLine);
      await request.respond.send({
        card: renderDidYouMeanCard({
          input,
          suggestions: commandTexts,
          titles: offered.map((offer) => offer.title),
          choiceIds: await openChoices(commandTexts, request),
          wording: { statement: reply.statement, question: reply.question },
        }),
      });
      return;
    }
    await request.respond.send({ card: renderDidYouMeanCard({ input, suggestions, choiceIds: await openChoices(suggestions, request) }) });
  };

  return { dispatchCommand, handleChoice, offerSuggestions };
}

/** The dispatcher alone (tests that drive commands without cards). */
export function createCommandDispatcher(deps: CommandDispatcherDependencies): CommandDispatcher {
  return createCommandDispatch(deps).dispatchCommand;
}

export const welcomeReply = (): Reply => ({
  text: 'Hello! I manage server-side synchronization of Dynamics 365 mailboxes with Exchange: profiles, default email settings, mailbox approval and Test & Enable. Type **help** to start, or **whoami** to see what you may do.',
});
