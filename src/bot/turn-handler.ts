// One Bot Framework turn: record where we can reach the sender, find out who they are, then route
// chat text to the command dispatcher and card actions (Action.Execute invokes or Action.Submit
// fallbacks) to their handlers. Every invoke gets an invoke response; every message gets a reply.
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { RecordsBackendError, StateStoreUnavailableError, type OrganizationRecords } from '../app/ports.js';
import {
  executeActionSchema,
  renderUsageErrorCard,
  submitActionSchema,
  toAdaptiveCardAttachment,
  type CardAction,
} from '../cards/index.js';
import { LruCache } from '../shared/lru-cache.js';
import type { Logger } from '../shared/logger.js';
import type { InboundReferenceResult } from '../app/conversation-reference-records.js';
import type { ConversationReferences } from '../app/proactive-messages.js';
import { describeIssues } from '../shared/zod-problems.js';
import { commandLine } from './commands/command-lines.js';
import { parseCommand, type ParsedCommand, type RecognisedCommand } from './commands/parser.js';
import { commandRegistry } from './commands/registry.js';
import { shorten } from './commands/text.js';
import { ActivityIdentity, identifyRequester, type Identification } from './identity.js';
import { stateStoreUnavailableText } from './views/unavailable.js';
import type { SignInGate } from './sign-in/index.js';
import type {
  ApprovalActionHandler,
  ChoiceActionHandler,
  ChoiceCardAction,
  CommandRequest,
  ConversationInfo,
  Reply,
  Responder,
  SuggestionOffer,
} from './requests.js';

// The request and answer types live in requests.ts so that handlers and services can use them without this module.
export type {
  ApprovalActionHandler,
  ApprovalCardAction,
  CardActionAnswer,
  CardActionRequest,
  ChoiceActionHandler,
  ChoiceCardAction,
  CommandRequest,
  ConversationInfo,
  Reply,
  Responder,
  SuggestionOffer,
} from './requests.js';

export const ADAPTIVE_CARD_INVOKE_TYPE = 'application/vnd.microsoft.card.adaptive';
export const MESSAGE_INVOKE_TYPE = 'application/vnd.microsoft.activity.message';
export const ERROR_INVOKE_TYPE = 'application/vnd.microsoft.error';

export type CommandDispatcher = (command: RecognisedCommand, request: CommandRequest) => Promise<void>;

const choiceVerbs: ReadonlySet<string> = new Set<ChoiceCardAction['verb']>(['confirmation.confirm', 'confirmation.cancel', 'suggestion.choose']);
const isChoiceAction = (action: CardAction): action is ChoiceCardAction => choiceVerbs.has(action.verb);

/** Where conversation references are kept: only recording is needed here. */
export type InboundRecorder = Pick<ConversationReferences, 'recordInbound'>;

export interface TurnDependencies {
  /** Who the requester is (by Entra object id) and which tenant the organization is in. */
  readonly records: Pick<OrganizationRecords, 'organization' | 'userByAadObjectId'>;
  readonly dispatchCommand: CommandDispatcher;
  readonly handleApprovalAction: ApprovalActionHandler;
  readonly handleChoice: ChoiceActionHandler;
  readonly offerSuggestions: SuggestionOffer;
  readonly references: InboundRecorder;
  readonly welcome: () => Reply;
  readonly logger: Logger;
  /** Present when approvals need the approver's own sign-in (REQUIRE_SIGN_IN; src/bot/sign-in). */
  readonly signIn?: SignInGate;
}

const conversationSchema = z
  .object({
    from: z.object({ id: z.string().default('') }).loose().default({ id: '' }),
    conversation: z
      .object({ id: z.string().min(1), conversationType: z.string().optional(), isGroup: z.boolean().optional() })
      .loose(),
    replyToId: z.string().optional(),
  })
  .loose();

const invokeValueSchema = z
  .object({
    action: z.object({ type: z.string().optional() }).loose(),
    trigger: z.enum(['manual', 'automatic']).default('manual'),
  })
  .loose();

/** The fields of lifecycle activities the handler reads; anything malformed counts as absent. */
const accountIdSchema = z.looseObject({ id: z.string() });
const lifecycleSchema = z.looseObject({
  name: z.string().optional().catch(undefined),
  action: z.string().optional().catch(undefined),
  recipient: accountIdSchema.optional().catch(undefined),
  membersAdded: z.array(z.unknown()).optional().catch(undefined),
});
type LifecycleFields = z.infer<typeof lifecycleSchema>;

function botIsAmong(fields: LifecycleFields): boolean {
  const botId = fields.recipient?.id;
  return botId !== undefined && (fields.membersAdded ?? []).some((member) => accountIdSchema.safeParse(member).data?.id === botId);
}

/** Conversations welcomed without a stored reference (other tenants): bounded, since anyone can install. */
const WELCOMED_WITHOUT_REFERENCE_ENTRIES = 1024;

function conversationOf(activity: unknown): ConversationInfo | undefined {
  const parsed = conversationSchema.safeParse(activity);
  if (!parsed.success) return undefined;
  const rawType = parsed.data.conversation.conversationType;
  const type = rawType === 'channel' ? 'channel' : rawType === 'groupChat' || parsed.data.conversation.isGroup === true ? 'groupChat' : 'personal';
  return { id: parsed.data.conversation.id, type, scope: type === 'channel' ? 'team' : type, fromId: parsed.data.from.id };
}

const issuesText = (error: z.ZodError): string => describeIssues(error, { root: 'value' }).join('; ');

export function createTurnHandler(deps: TurnDependencies): (context: TurnContext) => Promise<void> {
  const welcomedWithoutReference = new LruCache<true>(WELCOMED_WITHOUT_REFERENCE_ENTRIES);

  const identify = async (identity: ActivityIdentity): Promise<Identification> =>
    identifyRequester(identity, await deps.records.organization(), (id) => deps.records.userByAadObjectId(id));

  const sendReply = async (context: TurnContext, reply: Reply): Promise<string | undefined> => {
    const response = await context.sendActivity({
      type: ActivityTypes.Message,
      ...(reply.text === undefined ? {} : { text: reply.text }),
      ...(reply.card === undefined ? {} : { attachments: [toAdaptiveCardAttachment(reply.card)] }),
    });
    return response?.id;
  };

  const answerParsed = async (context: TurnContext, parsed: ParsedCommand, request: CommandRequest): Promise<void> => {
    switch (parsed.kind) {
      case 'command':
        // An approval typed without a sign-in waits for one (the OAuth card; signin/tokenExchange runs it).
        if (request.credential === undefined && deps.signIn !== undefined && (await deps.signIn.holdCommand(context, { ok: true, user: request.requester, tenantId: request.tenantId }, parsed.id, commandLine(parsed)))) return;
        await deps.dispatchCommand(parsed, request);
        return;
      case 'empty':
        await request.respond.send({ text: 'Type **help** to see what I can do.' });
        return;
      case 'tooLong':
        await request.respond.send({ text: parsed.problem });
        return;
      case 'usage':
        await request.respond.send({ card: renderUsageErrorCard(usageView(parsed)) });
        return;
      case 'unknown':
        await deps.offerSuggestions(parsed.input, parsed.suggestions.map((suggestion) => suggestion.input), request);
        return;
    }
  };

  const onMessage = async (context: TurnContext, conversation: ConversationInfo, identity: ActivityIdentity): Promise<void> => {
    const value: unknown = context.activity.value;
    if (value !== undefined && value !== null) {
      await onSubmit(context, conversation, value, identity);
      return;
    }
    const identification = await identify(identity);
    if (!identification.ok) {
      await sendReply(context, { text: identification.message });
      return;
    }
    const parsed = parseCommand(TurnContextText(context), { scope: conversation.scope });
    const request: CommandRequest = {
      requester: identification.user,
      tenantId: identification.tenantId,
      conversation,
      respond: { send: (reply) => sendReply(context, reply) },
    };
    await answerParsed(context, parsed, request);
  };

  const onSubmit = async (context: TurnContext, conversation: ConversationInfo, value: unknown, identity: ActivityIdentity): Promise<void> => {
    // Strangers get the refusal whatever they clicked: no card, no echo of what the action names.
    const identification = await identify(identity);
    if (!identification.ok) {
      await sendReply(context, { text: identification.message });
      return;
    }
    const action = submitActionSchema.safeParse(value);
    if (!action.success) {
      await sendReply(context, { text: `I could not read that card action (${issuesText(action.error)}). Nothing was changed.` });
      return;
    }
    if (action.data.verb === 'command') {
      const { command, cursor } = action.data.data;
      const request: CommandRequest = {
        requester: identification.user,
        tenantId: identification.tenantId,
        conversation,
        reachedBy: 'button',
        respond: { send: (reply) => sendReply(context, reply) },
        ...(cursor === undefined ? {} : { cursor }),
      };
      await answerParsed(context, parseCommand(command, { scope: conversation.scope }), request);
      return;
    }
    if (isChoiceAction(action.data)) {
      const respond: Responder = { send: (reply) => sendReply(context, reply) };
      const answer = await deps.handleChoice(action.data, { requester: identification.user, tenantId: identification.tenantId, conversation, reachedBy: 'button', respond });
      // Without Action.Execute the clicked card cannot be replaced: the answer becomes a message of its own.
      await sendReply(context, 'card' in answer ? { card: answer.card } : { text: answer.message });
      return;
    }
    if (deps.signIn?.requiresSignIn(action.data) === true) {
      // Action.Submit carries no sign-in: the decision is offered as a typed command, which signs in.
      await sendReply(context, { text: 'Approving or rejecting needs your sign-in, which this Teams client cannot give from a card. Type **approve mailbox <address>** (or **reject mailbox <address> because <reason>**) instead. Nothing was changed.' });
      return;
    }
    const answer = await deps.handleApprovalAction(action.data, {
      identification,
      conversation,
      replyToId: context.activity.replyToId,
      trigger: 'manual',
      via: 'submit',
    });
    await sendReply(context, 'card' in answer ? { card: answer.card } : { text: answer.message });
  };

  const sendInvokeResponse = async (context: TurnContext, statusCode: number, type: string, value: unknown): Promise<void> => {
    // The body carries the real outcome; HTTP 200 means the bot handled the invoke (teams.md §2.1).
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode, type, value } } });
  };

  const onCardInvoke = async (context: TurnContext, conversation: ConversationInfo, identity: ActivityIdentity): Promise<void> => {
    // Strangers get the refusal whatever they clicked (a refresh included): no card, no echo of the action.
    const identification = await identify(identity);
    if (!identification.ok) {
      await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, identification.message);
      return;
    }
    const value = invokeValueSchema.safeParse(context.activity.value);
    const action = value.success ? executeActionSchema.safeParse(value.data.action) : undefined;
    if (!value.success || action === undefined || !action.success) {
      const problem = !value.success ? issuesText(value.error) : action !== undefined && !action.success ? issuesText(action.error) : 'no action';
      await sendInvokeResponse(context, 400, ERROR_INVOKE_TYPE, { code: 'BadRequest', message: `Invalid card action: ${problem}` });
      return;
    }
    if (action.data.verb === 'command') {
      // Navigation (paging, did-you-mean, next steps) posts new messages and leaves the clicked card as it was:
      // only decisions (approvals, confirmations) replace a card in place.
      const respond: Responder = { send: (reply) => sendReply(context, reply) };
      const { command, cursor } = action.data.data;
      await answerParsed(context, parseCommand(command, { scope: conversation.scope }), {
        requester: identification.user,
        tenantId: identification.tenantId,
        conversation,
        reachedBy: 'button',
        respond,
        ...(cursor === undefined ? {} : { cursor }),
      });
      await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, 'Done.');
      return;
    }
    if (isChoiceAction(action.data)) {
      const respond: Responder = { send: (reply) => sendReply(context, reply) };
      const answer = await deps.handleChoice(action.data, { requester: identification.user, tenantId: identification.tenantId, conversation, reachedBy: 'button', respond });
      if ('card' in answer) await sendInvokeResponse(context, 200, ADAPTIVE_CARD_INVOKE_TYPE, answer.card);
      else await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, answer.message);
      return;
    }
    const signedIn = deps.signIn === undefined ? { kind: 'proceed' as const } : await deps.signIn.forCardAction(context, identification, action.data, value.data.trigger);
    if (signedIn.kind === 'answer') {
      await sendInvokeResponse(context, signedIn.answer.statusCode, signedIn.answer.type, signedIn.answer.value);
      return;
    }
    const credential = signedIn.credential;
    const answer = await deps
      .handleApprovalAction(action.data, {
        identification,
        conversation,
        replyToId: context.activity.replyToId,
        trigger: value.data.trigger,
        via: 'invoke',
        ...(credential === undefined ? {} : { credential }),
      })
      .finally(() => credential?.end());
    if ('card' in answer) await sendInvokeResponse(context, 200, ADAPTIVE_CARD_INVOKE_TYPE, answer.card);
    else await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, answer.message);
  };

  /** The sign-in of a command typed before it (src/bot/sign-in): runs the command once signed in. */
  const onSignInInvoke = async (context: TurnContext, conversation: ConversationInfo, identity: ActivityIdentity, name: string, signIn: SignInGate): Promise<void> => {
    const identification = await identify(identity);
    if (!identification.ok) {
      await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, identification.message);
      return;
    }
    await signIn.onSignInInvoke(context, identification, name, (commandText, credential) =>
      answerParsed(context, parseCommand(commandText, { scope: conversation.scope }), {
        requester: identification.user,
        tenantId: identification.tenantId,
        conversation,
        respond: { send: (reply) => sendReply(context, reply) },
        credential,
      }),
    );
  };

  const botWasAdded = (type: string, fields: LifecycleFields): boolean =>
    (type === 'installationUpdate' && fields.action === 'add') || (type === 'conversationUpdate' && botIsAmong(fields));

  /**
   * Teams announces one install twice (installationUpdate and conversationUpdate membersAdded, in either
   * order). Only the one that created or reactivated the conversation's reference is the install; the
   * registry serializes them, so exactly one of the pair sees that.
   */
  const isFirstNoticeOfInstall = (conversationId: string, recorded: InboundReferenceResult | undefined): boolean => {
    if (recorded?.ok === true) return recorded.value.change === 'created' || recorded.value.change === 'reactivated';
    if (welcomedWithoutReference.get(conversationId) !== undefined) return false;
    welcomedWithoutReference.set(conversationId, true);
    return true;
  };

  const recordReference = async (context: TurnContext, identity: ActivityIdentity): Promise<InboundReferenceResult | undefined> => {
    try {
      // Only the organization's own tenant may leave a way to reach it.
      const { tenantId } = identity;
      if (tenantId !== undefined && tenantId.toLowerCase() === (await deps.records.organization()).tenantId.toLowerCase()) {
        return await deps.references.recordInbound(context.activity);
      }
    } catch (error) {
      // Losing a reference only delays proactive alerts; the user's request must still be answered.
      deps.logger.warn('could not record the conversation reference', { error });
    }
    return undefined;
  };

  return async (context: TurnContext): Promise<void> => {
    // Read once for the whole turn: the reference check and the requester's identification share it.
    const identity = ActivityIdentity.of(context.activity);
    const recorded = await recordReference(context, identity);
    const conversation = conversationOf(context.activity);
    const type = activityTypeOf(context);
    if (conversation === undefined) {
      if (type === 'invoke') await sendInvokeResponse(context, 400, ERROR_INVOKE_TYPE, { code: 'BadRequest', message: 'The activity has no conversation.' });
      return;
    }
    if (type === 'message') {
      try {
        await onMessage(context, conversation, identity);
      } catch (error) {
        if (error instanceof StateStoreUnavailableError) {
          // PostgreSQL is gone for now (a card action's preview or choice needed it): said plainly, not "something went wrong".
          deps.logger.warn('turn not completed: the state store is unavailable', { reason: error.reason });
          await sendReply(context, { text: stateStoreUnavailableText() });
          return;
        }
        // The records' system (Dynamics 365) failed before a command could run, e.g. while identifying the person.
        if (!(error instanceof RecordsBackendError)) throw error;
        await sendReply(context, { text: error.reason === 'unreachable' ? `Dynamics 365 is unreachable: ${error.message}` : error.message });
      }
      return;
    }
    // Read only for the other activity types: a message needs none of these fields.
    const lifecycle = lifecycleSchema.safeParse(context.activity);
    const fields: LifecycleFields = lifecycle.success ? lifecycle.data : {};
    if (type === 'invoke') {
      if (fields.name === 'adaptiveCard/action') {
        await onCardInvoke(context, conversation, identity).catch(async (error: unknown) => {
          if (error instanceof StateStoreUnavailableError) {
            // A message answer: Teams shows it and leaves the clicked card as it was, so the same button works once the store is back.
            deps.logger.warn('card action not completed: the state store is unavailable', { reason: error.reason });
            await sendInvokeResponse(context, 200, MESSAGE_INVOKE_TYPE, stateStoreUnavailableText());
            return;
          }
          if (!(error instanceof RecordsBackendError)) throw error;
          await sendInvokeResponse(context, 503, ERROR_INVOKE_TYPE, { code: 'ServiceUnavailable', message: error.message });
        });
      } else if ((fields.name === 'signin/tokenExchange' || fields.name === 'signin/verifyState') && deps.signIn !== undefined) await onSignInInvoke(context, conversation, identity, fields.name, deps.signIn);
      else await sendInvokeResponse(context, 400, ERROR_INVOKE_TYPE, { code: 'NotSupported', message: `This bot does not handle ${shorten(fields.name ?? 'unnamed')} invokes.` });
    } else if (botWasAdded(type, fields) && isFirstNoticeOfInstall(conversation.id, recorded)) {
      await sendReply(context, deps.welcome());
    }
    // Other activity types (typing, reactions, new Teams events) need no answer.
  };
}

const activityTypeOf = (context: TurnContext): string => context.activity.type;

function usageView(parsed: Extract<ParsedCommand, { kind: 'usage' }>): Parameters<typeof renderUsageErrorCard>[0] {
  const command = commandRegistry[parsed.id];
  return { commandName: command.name, usage: parsed.usage, problem: parsed.problem, example: command.examples[0]?.input ?? command.usage, helpCommand: `help ${command.name}` };
}

/** The message text; Teams puts the bot's @mention inside it, which the parser removes. */
function TurnContextText(context: TurnContext): unknown {
  return context.activity.text;
}
