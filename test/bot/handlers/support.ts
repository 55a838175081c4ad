// Helpers for the command handler tests: read what a user sees on a card (texts, buttons and what they
// run), compare the store's domain sections before and after, and click command buttons.
import { z } from 'zod';
import { adaptiveCardJsonSchema, cardByteSize, CARD_BYTE_BUDGET, type AdaptiveCardJson } from '../../../src/cards/index.js';
import type { DocumentEmailConfigStore } from '../../../src/store/email-config-store.js';
import { cardOf, type ActivityOptions, type TestBot } from '../../support/bot-harness.js';
import type { AcceptedActivity } from '../../support/fake-connector.js';
import { cardProblems, executeActions } from '../../cards/card-inspection.js';
import type { User } from '../../../src/domain/model.js';

export interface Button {
  readonly title: string;
  readonly command: string;
}

const commandDataSchema = z.object({ command: z.string() });

/** The card a message carries, checked as an Adaptive Card. */
export function cardIn(activity: AcceptedActivity | undefined): AdaptiveCardJson {
  return adaptiveCardJsonSchema.parse(cardOf(activity));
}

/** Every `command` button of a card: its title and the command it runs. */
export function buttonsOf(card: AdaptiveCardJson): Button[] {
  return executeActions(card)
    .filter((action) => action.verb === 'command')
    .map((action) => ({ title: action.title, command: commandDataSchema.parse(action.data).command }));
}

export const buttonsIn = (activity: AcceptedActivity | undefined): Button[] => buttonsOf(cardIn(activity));

/** Fails the test with the SDK's complaints or the size, so every card a handler sends is checked. */
export function expectWellFormed(card: AdaptiveCardJson): void {
  const problems = cardProblems(card);
  if (problems.length > 0) throw new Error(`The card has problems: ${problems.join('; ')}`);
  const size = cardByteSize(card);
  if (size > CARD_BYTE_BUDGET) throw new Error(`The card is ${size} bytes, over the ${CARD_BYTE_BUDGET}-byte budget`);
}

/** The email-configuration sections of the data file (not the notify or job sections other parts keep). */
export function domainSnapshot(store: DocumentEmailConfigStore): string {
  const document = store.document();
  return JSON.stringify({
    organization: document.organization,
    businessUnits: document.businessUnits,
    securityRoles: document.securityRoles,
    users: document.users,
    queues: document.queues,
    profiles: document.profiles,
    mailboxes: document.mailboxes,
    alerts: document.alerts,
    audit: document.audit,
  });
}

const invokeCardSchema = z.object({ statusCode: z.literal(200), type: z.literal('application/vnd.microsoft.card.adaptive'), value: adaptiveCardJsonSchema });
const invokeMessageSchema = z.object({ statusCode: z.literal(200), type: z.literal('application/vnd.microsoft.activity.message'), value: z.string() });

export interface InvokeOutcome {
  /** The card that replaced the clicked one (decisions), or undefined when the clicked card stays. */
  readonly replacement: AdaptiveCardJson | undefined;
  /** The invoke's short message when the clicked card stays. */
  readonly message: string | undefined;
  /** New messages the bot posted in answer to the click. */
  readonly replies: AcceptedActivity[];
}

/** Sends an `adaptiveCard/action` invoke and returns its answer and the messages posted in reply to it. */
export async function invokeAction(t: TestBot, user: User, action: { verb: string; data: unknown }, options: ActivityOptions = {}): Promise<InvokeOutcome> {
  const activity = t.activityFrom(user, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', ...action }, trigger: 'manual' } }, { replyToId: 'clicked-card', ...options });
  const { id } = activityIdSchema.parse(activity);
  const answer = await t.post(activity);
  expectOk(answer.status);
  const conversationId = options.conversationId ?? t.personalChatOf(user);
  const replies = t.connector
    .activitiesSentTo(conversationId)
    .filter((sent) => sent.operation === 'reply' && replyToSchema.safeParse(sent.body).data?.replyToId === id);
  const card = invokeCardSchema.safeParse(answer.body);
  const message = invokeMessageSchema.safeParse(answer.body);
  return { replacement: card.success ? card.data.value : undefined, message: message.success ? message.data.value : undefined, replies };
}

/** The whole data of the command button titled `title` (the command, and a list position when it carries one). */
export function buttonDataOf(card: AdaptiveCardJson, title: string): { readonly command: string; readonly cursor?: string } {
  const action = executeActions(card).find((candidate) => candidate.verb === 'command' && candidate.title === title);
  if (action === undefined) throw new Error(`The card has no "${title}" button`);
  return z.object({ command: z.string(), cursor: z.string().optional() }).parse(action.data);
}

/** Clicks a command button with exactly this data, as a client sends it back; returns the first card posted. */
export async function clickData(t: TestBot, user: User, data: unknown, replyToId = 'clicked-card'): Promise<AdaptiveCardJson> {
  const outcome = await invokeAction(t, user, { verb: 'command', data }, { replyToId });
  const posted = outcome.replies.find((reply) => reply.attachments.length > 0);
  if (posted === undefined) throw new Error('The click posted no card');
  return cardIn(posted);
}

/**
 * Clicks a command button: navigation posts a new card and leaves the clicked one as it was (issue 12).
 * Returns the first card posted.
 */
export async function click(t: TestBot, user: User, button: Button, replyToId = 'clicked-card'): Promise<AdaptiveCardJson> {
  const outcome = await invokeAction(t, user, { verb: 'command', data: { command: button.command } }, { replyToId });
  if (outcome.replacement !== undefined) throw new Error('A command button replaced the card it was on');
  const posted = outcome.replies.find((reply) => reply.attachments.length > 0);
  if (posted === undefined) throw new Error(`Clicking "${button.title}" posted no card`);
  return cardIn(posted);
}

export interface Choice {
  readonly title: string;
  readonly suggestionId: string;
}

const suggestionDataSchema = z.object({ suggestionId: z.string() });
const confirmationDataSchema = z.object({ confirmationId: z.string() });

/** Every suggestion button (verb `suggestion.choose`) of a card. */
export function choicesOf(card: AdaptiveCardJson): Choice[] {
  return executeActions(card)
    .filter((action) => action.verb === 'suggestion.choose')
    .map((action) => ({ title: action.title, suggestionId: suggestionDataSchema.parse(action.data).suggestionId }));
}

/** The confirmation id a confirmation card carries on its Confirm button; throws when the card has none. */
export function confirmationIdOf(card: AdaptiveCardJson): string {
  const confirm = executeActions(card).find((action) => action.verb === 'confirmation.confirm');
  if (confirm === undefined) throw new Error(`Not a confirmation card: ${JSON.stringify(card).slice(0, 300)}`);
  const cancel = executeActions(card).find((action) => action.verb === 'confirmation.cancel');
  const { confirmationId } = confirmationDataSchema.parse(confirm.data);
  if (cancel === undefined || confirmationDataSchema.parse(cancel.data).confirmationId !== confirmationId) throw new Error('The Cancel button does not cancel what Confirm confirms');
  return confirmationId;
}

export const isConfirmationCard = (card: AdaptiveCardJson): boolean => executeActions(card).some((action) => action.verb === 'confirmation.confirm');

export const confirm = (t: TestBot, user: User, card: AdaptiveCardJson, options: ActivityOptions = {}): Promise<InvokeOutcome> =>
  invokeAction(t, user, { verb: 'confirmation.confirm', data: { confirmationId: confirmationIdOf(card) } }, options);

export const cancel = (t: TestBot, user: User, card: AdaptiveCardJson, options: ActivityOptions = {}): Promise<InvokeOutcome> =>
  invokeAction(t, user, { verb: 'confirmation.cancel', data: { confirmationId: confirmationIdOf(card) } }, options);

export const choose = (t: TestBot, user: User, choice: Choice, options: ActivityOptions = {}): Promise<InvokeOutcome> =>
  invokeAction(t, user, { verb: 'suggestion.choose', data: { suggestionId: choice.suggestionId } }, options);

/**
 * Types a write the confirmation rules hold back, checks that a confirmation card comes first, confirms it
 * and returns the replies to the Confirm click (the command's result), the first with its card checked.
 */
export async function sayAndConfirm(
  t: TestBot,
  user: User,
  text: string,
  options: ActivityOptions = {},
): Promise<{ readonly activity: AcceptedActivity; readonly card: AdaptiveCardJson; readonly replies: AcceptedActivity[]; readonly confirmation: AdaptiveCardJson }> {
  const { card: confirmation } = await sayForCard(t, user, text, options);
  const outcome = await confirm(t, user, confirmation, options);
  if (outcome.replacement === undefined || isConfirmationCard(outcome.replacement)) throw new Error(`Confirm did not run "${text}": ${outcome.message ?? 'previewed again'}`);
  const [activity] = outcome.replies;
  if (activity === undefined) throw new Error(`No result after confirming "${text}"`);
  const card = cardIn(activity);
  expectWellFormed(card);
  return { activity, card, replies: outcome.replies, confirmation };
}

function expectOk(status: number): void {
  if (status !== 200) throw new Error(`The invoke was answered with HTTP ${status}`);
}

const activityIdSchema = z.object({ id: z.string() });
const replyToSchema = z.object({ replyToId: z.string() });

/**
 * Sends a chat message and returns the bot's replies to it, in order. Unlike `t.say`, it leaves out what
 * other parts send to the same chat meanwhile (approval cards, job reports), which carry no replyToId.
 */
export async function ask(t: TestBot, user: User, text: string, options: ActivityOptions = {}): Promise<AcceptedActivity[]> {
  const activity = t.activityFrom(user, { type: 'message', text }, options);
  const { id } = activityIdSchema.parse(activity);
  const answer = await t.post(activity);
  if (answer.status >= 300) throw new Error(`POST /api/messages answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const conversationId = options.conversationId ?? t.personalChatOf(user);
  return t.connector
    .activitiesSentTo(conversationId)
    .filter((sent) => sent.operation === 'reply' && replyToSchema.safeParse(sent.body).data?.replyToId === id);
}

/** The first reply a command gets, with its card checked for SDK problems and size. */
export async function sayForCard(
  t: TestBot,
  user: User,
  text: string,
  options: ActivityOptions = {},
): Promise<{ readonly activity: AcceptedActivity; readonly card: AdaptiveCardJson; readonly replies: AcceptedActivity[] }> {
  const replies = await ask(t, user, text, options);
  const [activity] = replies;
  if (activity === undefined) throw new Error(`No reply to "${text}"`);
  const card = cardIn(activity);
  expectWellFormed(card);
  return { activity, card, replies };
}
