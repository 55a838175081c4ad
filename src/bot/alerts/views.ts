// Job records and Test & Enable results as card view models and outgoing activities. Pure: no outbox, no timers.
import type { JobRecord, UnreachableRecipient } from '../../app/jobs/job-records.js';
import type { DecidedMailbox } from '../../app/jobs/ports.js';
import {
  fixButton,
  MAX_OUTCOME_ROWS_PER_CARD,
  renderAlertsWallCard,
  renderJobProgressCard,
  renderMailboxAlertCard,
  toAdaptiveCardAttachment,
  type AdaptiveCardJson,
  type JobProgressView,
  type MailboxAlertView,
} from '../../cards/index.js';
import { alertCondition, isAlertConditionCode, renderAdvice, type AlertConditionCode } from '../../domain/alert-catalog.js';
import type { DiagnosisFix } from '../../domain/diagnosis.js';
import type { Alert, EmailServerProfile, EmailSettings, Mailbox } from '../../domain/model.js';
import { AlertLevel } from '../../domain/options.js';
import { outboundActivitySchema, type DeadLetterReason, type OutboundActivity } from '../../app/proactive-messages.js';
import { approveNotApprovedButton, reasonIsNotApproved, retestFailedButton } from '../views/monitoring.js';

/** What the job card shows for a job record. Failures are every mailbox not enabled, with the reason. */
export function jobProgressView(job: JobRecord): JobProgressView {
  const labels = new Map(job.mailboxes.map((mailbox) => [mailbox.id, mailbox]));
  const failures = job.results.flatMap((result) => {
    if (result.verdict === 'enabled') return [];
    const label = labels.get(result.mailboxId);
    return [{ mailboxName: label?.name ?? result.mailboxId, emailAddress: label?.emailAddress || '(address unknown)', reason: result.reason, ...(result.verdict === 'retryScheduled' ? { willRetry: true } : {}), ...(reasonIsNotApproved(result.reason) ? { notApproved: true } : {}) }];
  });
  const done = job.status === 'done';
  const next = done ? [approveNotApprovedButton(failures), retestFailedButton(failures)].flatMap((button) => (button === undefined ? [] : [button])) : [];
  return {
    jobId: job.id,
    title: job.title,
    status: job.status,
    total: job.mailboxes.length,
    tested: job.results.length,
    succeeded: job.results.length - failures.length,
    failed: failures.length,
    requestedBy: job.requestedByName,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    failures,
    ...(done && failures.length > MAX_OUTCOME_ROWS_PER_CARD ? { seeAllFailuresCommand: { title: 'List failed mailboxes', command: 'mailboxes failed' } } : {}),
    actions: done ? next : [{ title: 'Refresh status', command: `job ${job.id}` }],
  };
}

/** A message with the card; parsed as the outbox will, so a card that is not plain JSON fails here, not later. */
const cardActivity = (card: AdaptiveCardJson, text?: string): OutboundActivity =>
  outboundActivitySchema.parse({
    type: 'message',
    ...(text === undefined ? {} : { text }),
    summary: card.fallbackText,
    attachments: [toAdaptiveCardAttachment(card)],
  });

/**
 * The job card; a delivery note (who could not be reached) goes inside the card, not as message text:
 * the Agents Playground's connector refuses updates that carry both text and a card (400 BadSyntax).
 */
export const jobCardActivity = (job: JobRecord, note?: string): OutboundActivity => {
  const card = renderJobProgressCard(jobProgressView(job));
  return cardActivity(note === undefined ? card : { ...card, body: [...card.body, { type: 'TextBlock', text: note, wrap: true, spacing: 'Medium', isSubtle: true }] });
};

const highestLevel = (alerts: readonly Alert[]): AlertLevel =>
  alerts.reduce<AlertLevel>((highest, alert) => (alert.level > highest ? alert.level : highest), AlertLevel.Information);

const approvalSettingOf = (mailbox: Mailbox): string =>
  mailbox.regarding.type === 'systemuser' ? 'Process emails only for approved users' : 'Process emails only for approved queues';

/** The owner's advice for each condition, once each; never empty for a failure. */
function whatToDo(mailbox: Mailbox, profile: EmailServerProfile | undefined, conditions: readonly AlertConditionCode[], retryAt: string | null): [string, ...string[]] {
  const params = { name: mailbox.name, email: mailbox.emailAddress, profile: profile?.name ?? '(none)', approvalSetting: approvalSettingOf(mailbox) };
  const advice = [...new Set(conditions.map((condition) => renderAdvice(condition, params)))];
  if (retryAt !== null) advice.push(`The test runs again by itself at ${retryAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}.`);
  const [first, ...rest] = advice;
  return [first ?? 'Fix the cause named above, then run Test & Enable again.', ...rest];
}

/**
 * Whether the mailbox owner hears about this result: always for a success or a mailbox-level failure; for a
 * failure the profile owner must fix, only when the organization notifies mailbox owners of those.
 */
export function ownerHearsOf(conditions: readonly AlertConditionCode[], settings: EmailSettings): boolean {
  if (settings.notifyMailboxOwnerOfEmailServerLevelAlerts) return true;
  return conditions.some((condition) => alertCondition(condition).scope === 'mailbox');
}

/** Conditions the bot can fix itself, with the fix the diagnosis card offers for them. */
const FIX_OF_CONDITION: Partial<Readonly<Record<AlertConditionCode, DiagnosisFix>>> = {
  ActConfiguredWithAnotherOrganization: { kind: 'syncFromThisOrgOnly', label: 'Sync from this org only' },
  EmailAddressNotApproved: { kind: 'requestApproval', label: 'Request approval' },
};

/** The card a mailbox owner gets for a result with alerts on the mailbox's wall; undefined when there are none. */
export function mailboxAlertView(decided: DecidedMailbox): MailboxAlertView | undefined {
  const { test, after } = decided;
  if (test === undefined || after === undefined) return undefined;
  const wallAlerts = test.alerts.filter((alert) => alert.regarding.type === 'mailbox');
  if (wallAlerts.length === 0) return undefined;
  const base = {
    mailboxName: after.name,
    emailAddress: after.emailAddress,
    profileName: decided.profile?.name ?? null,
    level: highestLevel(wallAlerts),
    occurredAt: decided.decidedAt,
    incomingEmailStatus: after.incomingEmailStatus,
    outgoingEmailStatus: after.outgoingEmailStatus,
    actStatus: after.actStatus,
    message: test.reason,
    actions: [
      { title: 'Show mailbox', command: `mailbox ${after.emailAddress}` },
      { title: 'Show alerts', command: `alerts ${after.emailAddress}` },
    ],
  };
  if (test.verdict === 'enabled') return { ...base, outcome: 'succeeded' };
  const conditions = test.conditions.filter(isAlertConditionCode);
  // The bot's own fix first, where it has one (a write: previewed and confirmed, refused if not allowed).
  const fixes = conditions.flatMap((condition) => {
    const fix = FIX_OF_CONDITION[condition];
    return fix === undefined ? [] : [fixButton(fix, after.emailAddress)];
  });
  return { ...base, actions: [...fixes.slice(0, 1), ...base.actions], outcome: 'failed', whatToDo: whatToDo(after, decided.profile, conditions, after.postponeTestEmailConfigurationUntil) };
}

export const mailboxAlertActivity = (view: MailboxAlertView): OutboundActivity => cardActivity(renderMailboxAlertCard(view));

/** One message per batch with the alerts a profile got: its owner and subscribed channels read the wall, not one card per mailbox. */
export function profileAlertsActivity(job: JobRecord, profile: EmailServerProfile, alerts: readonly Alert[]): OutboundActivity {
  const newestFirst = [...alerts].sort((a, b) => Date.parse(b.createdOn) - Date.parse(a.createdOn));
  const card = renderAlertsWallCard({
    regarding: { type: 'emailserverprofile', name: profile.name },
    alerts: newestFirst.map((alert) => ({ level: alert.level, createdOn: alert.createdOn, text: alert.text })),
    total: alerts.length,
  });
  const count = alerts.length === 1 ? '1 new alert' : `${alerts.length} new alerts`;
  // One message: the sentence heads the card instead of riding beside it as text.
  const heading = `Test & Enable job ${job.id} (${job.title}): ${count} for the email server profile ${profile.name}.`;
  return cardActivity({ ...card, fallbackText: `${heading} ${card.fallbackText}`, body: [{ type: 'TextBlock', text: heading, wrap: true, isSubtle: true }, ...card.body] });
}

/** Why a proactive message did not arrive, in words for the requester. */
export const deadLetterExplanation: Readonly<Record<DeadLetterReason, string>> = {
  NotInstalled: 'has not installed the bot or never talked to it',
  ReferenceInactive: 'can no longer be reached: the bot was removed from that chat or blocked',
  BotNotInConversationRoster: 'has removed the bot (Teams: BotNotInConversationRoster)',
  ConversationBlockedByUser: 'has blocked the bot',
  BotDisabledByAdmin: 'cannot be reached: the tenant admin disabled the bot',
  MessageWritesBlocked: 'cannot be reached: the chat is blocked from new messages',
  ForbiddenOperation: 'has not installed the bot in personal scope',
  Forbidden: 'cannot be reached: Teams refused the message (403)',
  ConversationNotFound: 'cannot be reached: the chat no longer exists (404)',
  ActivityNotFound: 'cannot be reached: the message to update no longer exists (404)',
  MessageTooLarge: 'did not get the alert: the card was too large for Teams',
  Unauthorized: "did not get the alert: Teams refused the bot's credentials (401)",
  BadRequest: 'did not get the alert: Teams refused the message (400)',
  ServiceError: 'did not get the alert: Teams failed with a server error',
  SenderError: 'did not get the alert: sending failed unexpectedly',
  RetriesExhausted: 'did not get the alert: Teams kept throttling or failing, so the bot gave up',
};

const LISTED_IN_TEXT = 10;

export interface DeliverySummary {
  readonly delivered: number;
  readonly pending: number;
  /** Everyone not reached, each once; `total` may exceed the list (a job keeps at most 100 names). */
  readonly unreachable: readonly UnreachableRecipient[];
  readonly unreachableTotal: number;
}

/** The sentence under the job card about the alerts: who could not be reached, and what is still on its way. */
export function deliveryText(summary: DeliverySummary): string | undefined {
  const sentences: string[] = [];
  if (summary.unreachableTotal > 0) {
    const listed = summary.unreachable.slice(0, LISTED_IN_TEXT).map((entry) => `${entry.name} ${entry.reason}`);
    const more = summary.unreachableTotal - listed.length;
    const who = summary.unreachableTotal === 1 ? 'one recipient' : `${summary.unreachableTotal} recipients`;
    sentences.push(`Alerts could not reach ${who}: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`);
    sentences.push('To reach them, ask them to open Mailbox Sync Bot in Teams once; until then, tell them yourself or share the alerts command.');
  }
  if (summary.pending > 0) sentences.push(`${summary.pending === 1 ? 'One alert is' : `${summary.pending} alerts are`} still being delivered.`);
  if (sentences.length === 0 && summary.delivered > 0) sentences.push(summary.delivered === 1 ? 'The alert was delivered.' : `All ${summary.delivered} alerts were delivered.`);
  return sentences.length === 0 ? undefined : sentences.join(' ');
}
