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

/** Clicks a command button (an `adaptiveCard/action` invoke) and returns the card that replaces the clicked one. */
export async function click(t: TestBot, user: User, button: Button, replyToId = 'clicked-card'): Promise<AdaptiveCardJson> {
  const answer = await t.invoke(user, { verb: 'command', data: { command: button.command } }, { replyToId });
  expectOk(answer.status);
  return invokeCardSchema.parse(answer.body).value;
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
