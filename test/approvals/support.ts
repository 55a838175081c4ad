// Helpers for the approval-card tests: a bot over an organization file (optionally edited), approvers who have
// talked to the bot, and readers for the approval cards the fake Bot Connector received.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { requestApproval } from '../../src/app/email-approval.js';
import { approvalDecisionDataSchema, adaptiveCardJsonSchema, CardVerb, type AdaptiveCardJson } from '../../src/cards/index.js';
import type { Mailbox, User } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { cardOf, startTestBot, type TestBot, type TestBotOptions } from '../support/bot-harness.js';
import type { AcceptedActivity } from '../support/fake-connector.js';
import { collectNodes } from '../cards/card-inspection.js';
import { examplePath } from '../support/fixtures.js';

/** A copy of an example organization file with some fields replaced, in a temp directory. */
export async function editedOrganizationFile(exampleName: string, edit: (organization: Record<string, unknown>) => void): Promise<{ path: string; remove: () => Promise<void> }> {
  const raw: unknown = JSON.parse(await readFile(examplePath(exampleName), 'utf8'));
  const organization = z.record(z.string(), z.unknown()).parse(raw);
  edit(organization);
  const directory = await mkdtemp(join(tmpdir(), 'approval-org-'));
  const path = join(directory, exampleName);
  await writeFile(path, JSON.stringify(organization));
  return { path, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** Edits `emailSettings` of an organization file object. */
export function setEmailSetting(organization: Record<string, unknown>, name: string, value: unknown): void {
  const settings = z.record(z.string(), z.unknown()).parse(organization.emailSettings ?? {});
  organization.emailSettings = { ...settings, [name]: value };
}

export async function startApprovalBot(options: TestBotOptions = {}): Promise<TestBot> {
  // Short back-off keeps retried deliveries quick; the report waits briefly so tests see it soon.
  return startTestBot({ outbox: { backoff: { baseMs: 10, maxMs: 50 } }, ...options });
}

/** Each user sends the bot a message, which records their personal chat (a conversation reference). */
export async function greet(t: TestBot, ...users: readonly User[]): Promise<void> {
  for (const user of users) await t.say(user, 'hello');
}

export const users = (t: TestBot, ...firstNames: readonly string[]): User[] => firstNames.map((name) => t.user(name));

export function mailboxOf(t: TestBot, user: User): Mailbox {
  const mailbox = t.bot.services.store.mailboxByRegarding('systemuser', user.id);
  if (mailbox === undefined) throw new Error(`${user.fullName} has no mailbox`);
  return mailbox;
}

/**
 * Asks for approval through the use case, as `request approval <mailbox>` does: Empty becomes Pending Approval,
 * Rejected stays Rejected with a new request. A mailbox already pending is a mistake in the test.
 */
export async function askForApproval(t: TestBot, requester: User, mailboxAddress: string): Promise<void> {
  const before = t.bot.services.store.mailboxByEmail(mailboxAddress)?.emailRouterAccessApproval;
  if (before === EmailApprovalStatus.PendingApproval) throw new Error(`${mailboxAddress} was already pending approval`);
  const result = await requestApproval(t.bot.services.useCases, requester, { mailbox: mailboxAddress });
  if (!result.ok) throw new Error(`request approval failed: ${result.error.message}`);
}

/** The data of the Reject button inside "Reject…", with the reason typed into its input. */
export function rejectDataOf(card: AdaptiveCardJson, reason: string): Record<string, unknown> {
  return { ...decisionDataOf(card, CardVerb.RejectEmail), rejectReason: reason };
}

export interface SentApprovalCard {
  readonly activityId: string;
  readonly conversationId: string;
  readonly card: AdaptiveCardJson;
}

const isApprovalCard = (card: AdaptiveCardJson): boolean =>
  collectNodes(card.body).some((node) => node.type === 'TextBlock' && node.text === 'Email address approval');

function approvalCardOf(activity: AcceptedActivity | undefined): AdaptiveCardJson | undefined {
  const raw = cardOf(activity);
  if (raw === undefined) return undefined;
  const card = adaptiveCardJsonSchema.safeParse(raw);
  return card.success && isApprovalCard(card.data) ? card.data : undefined;
}

/** The approval cards posted (not updates) to the user's personal chat, oldest first. */
export function approvalCardsSentTo(t: TestBot, user: User): SentApprovalCard[] {
  const conversationId = t.personalChatOf(user);
  return t.connector.messagesSentTo(conversationId).flatMap((activity) => {
    const card = approvalCardOf(activity);
    return card === undefined ? [] : [{ activityId: activity.activityId, conversationId, card }];
  });
}

/** The message's latest content after in-place updates. */
export function currentApprovalCard(t: TestBot, sent: SentApprovalCard): AdaptiveCardJson | undefined {
  return approvalCardOf(t.connector.currentActivity(sent.conversationId, sent.activityId));
}

/** Plain messages (no card) the user's personal chat received, text only. */
export const textsSentTo = (t: TestBot, user: User): string[] =>
  t.connector
    .messagesSentTo(t.personalChatOf(user))
    .filter((activity) => activity.attachments.length === 0)
    .map((activity) => activity.text ?? '');

export async function waitForApprovalCards(t: TestBot, recipients: readonly User[], count = 1): Promise<SentApprovalCard[]> {
  await t.connector.waitFor(
    () => recipients.every((user) => approvalCardsSentTo(t, user).length >= count),
    5_000,
    `${count} approval card(s) for ${recipients.map((user) => user.fullName).join(', ')}`,
  );
  return recipients.map((user) => {
    const sent = approvalCardsSentTo(t, user).at(count - 1);
    if (sent === undefined) throw new Error(`no approval card for ${user.fullName}`);
    return sent;
  });
}

/** The `{ requestId, version }` an Approve (or Reject) button carries. */
export function decisionDataOf(card: AdaptiveCardJson, verb: string = CardVerb.ApproveEmail): { requestId: string; version: number } {
  const { refresh: _refresh, ...rest } = card;
  const button = collectNodes(rest).find((node) => node.type === 'Action.Execute' && node.verb === verb);
  if (button === undefined) throw new Error(`The card has no ${verb} button`);
  return approvalDecisionDataSchema.parse(button.data);
}

/** Verbs of the card's Action.Execute buttons (not its refresh action). */
export function buttonVerbs(card: AdaptiveCardJson): string[] {
  const { refresh: _refresh, ...rest } = card;
  return collectNodes(rest)
    .filter((node) => node.type === 'Action.Execute')
    .map((node) => String(node.verb));
}

/** The invoke response body the turn handler wrote, parsed. */
export const invokeBodySchema = z.object({ statusCode: z.number(), type: z.string(), value: z.unknown() });

export function answeredCard(body: unknown): AdaptiveCardJson {
  const parsed = invokeBodySchema.parse(body);
  if (parsed.statusCode !== 200 || parsed.type !== 'application/vnd.microsoft.card.adaptive') {
    throw new Error(`Expected a card answer, got ${JSON.stringify(parsed)}`);
  }
  return adaptiveCardJsonSchema.parse(parsed.value);
}

/** Every visible text of a card joined, for `toMatch`. */
export function cardTextOf(card: AdaptiveCardJson | undefined): string {
  if (card === undefined) return '';
  return collectNodes(card.body)
    .flatMap((node) => [node.text, node.title, node.value].filter((value): value is string => typeof value === 'string'))
    .join('\n');
}

/** Audit entries of approve/reject decisions on a mailbox. */
export const decisionAudit = (t: TestBot, mailboxId: string) =>
  t.bot.services.store
    .recentAudit(1_000)
    .filter((entry) => entry.target.id === mailboxId && (entry.action === 'mailbox.approveEmail' || entry.action === 'mailbox.rejectEmail'));
