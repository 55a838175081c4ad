// Who hears about a batch of Test & Enable results, and the hand-over to the outbox.
// - The requester follows the job on its one card: they get no owner alert of their own and no profile digest.
// - The mailbox owner gets a mailbox alert card per result that put an alert on the mailbox's wall (success, or
//   failure with what to do); for failures the profile owner must fix, only if the organization notifies owners.
// - The profile owner and every channel or group chat subscribed to the profile get ONE card per batch with the
//   alerts the profile's wall got: a profile job of thousands of failures must not become thousands of messages.
// - Recipients the bot cannot reach (never installed, removed) are not sent anything: they are reported to the
//   requester instead. Keys are `alert:<job>:<mailbox>:<attempt>:<recipient>` and
//   `alert:<job>:profile:<profile>:<batch>:<recipient>`, the same after a restart, so the outbox never sends twice.
import { z } from 'zod';
import type { AlertSubscriptionRecord, JobRecord, UnreachableRecipient } from '../../app/jobs/job-records.js';
import type { DecidedMailbox, JobNotifications, NotificationPlan, PlannedNotification } from '../../app/jobs/ports.js';
import type { OrganizationRecords } from '../../app/ports.js';
import type { Directory } from '../../domain/directory.js';
import { isAlertConditionCode } from '../../domain/alert-catalog.js';
import type { Alert } from '../../domain/model.js';
import type { Logger } from '../../shared/logger.js';
import {
  deliveryTargetSchema,
  outboundActivitySchema,
  type ConversationDirectory,
  type DeliveryTarget,
  type MessageRequest,
  type OutboundActivity,
  type ProactiveMessages,
} from '../../app/proactive-messages.js';
import { deadLetterExplanation, mailboxAlertActivity, mailboxAlertView, ownerHearsOf, profileAlertsActivity } from './views.js';

/** What a pending notification carries in the job record. */
export const notificationPayloadSchema = z.object({ target: deliveryTargetSchema, activity: outboundActivitySchema }).strict();

/** Where the bot can reach whom. */
export type ReferenceLookup = ConversationDirectory;

/** One recipient, the same whichever way it is reached: `user:<aadObjectId>` or `conversation:<id>`. */
export const recipientKey = (target: DeliveryTarget): string => (target.kind === 'user' ? `user:${target.aadObjectId}` : `conversation:${target.conversationId}`);

/** "Otto Owner", or "the channel 19:…" for a subscribed conversation. */
export async function recipientName(target: DeliveryTarget, records: Pick<OrganizationRecords, 'userByAadObjectId'>, references: ReferenceLookup): Promise<string> {
  if (target.kind === 'user') return (await records.userByAadObjectId(target.aadObjectId))?.fullName ?? `the user ${target.aadObjectId}`;
  return conversationName(target.conversationId, references);
}

/** "the channel 19:…", "the group chat …", or "the conversation …". */
function conversationName(conversationId: string, references: ReferenceLookup): string {
  const type = references.forConversation(conversationId)?.conversationType;
  return `${type === 'channel' ? 'the channel' : type === 'groupChat' ? 'the group chat' : 'the conversation'} ${conversationId}`;
}

/** Why the bot cannot reach the target now, or undefined when it can try. */
export function unreachableBecause(target: DeliveryTarget, references: ReferenceLookup): string | undefined {
  const reference = target.kind === 'user' ? references.forUser(target.tenantId, target.aadObjectId) : references.forConversation(target.conversationId);
  if (reference === undefined) return target.kind === 'user' ? deadLetterExplanation.NotInstalled : 'has never had the bot in it';
  if (!reference.active) return reference.inactiveReason === null ? deadLetterExplanation.ReferenceInactive : `cannot be reached: ${reference.inactiveReason}`;
  return undefined;
}

export interface OutboxJobNotificationsDependencies {
  readonly records: OrganizationRecords;
  readonly outbox: Pick<ProactiveMessages, 'enqueueMany'>;
  readonly references: ReferenceLookup;
  readonly subscriptions: () => Promise<readonly AlertSubscriptionRecord[]>;
  /** Progress cards are someone else's concern; called for every change of a job. */
  readonly onJobChanged: (job: JobRecord) => void;
  readonly logger: Pick<Logger, 'error'>;
}

/** Where the requester's job card is, when it is in a conversation known now. */
const jobCardConversation = (job: JobRecord): string | undefined => (job.report.kind === 'message' ? job.report.conversationId : undefined);

interface PlanBuilder {
  readonly notifications: PlannedNotification[];
  readonly unreachable: Map<string, UnreachableRecipient>;
}

export class OutboxJobNotifications implements JobNotifications {
  constructor(private readonly deps: OutboxJobNotificationsDependencies) {}

  async plan(job: JobRecord, batch: number, decided: readonly DecidedMailbox[]): Promise<NotificationPlan> {
    const builder: PlanBuilder = { notifications: [], unreachable: new Map() };
    const directory = await this.deps.records.directory();
    this.planOwnerAlerts(job, decided, directory, builder);
    await this.planProfileAlerts(job, batch, decided, directory, builder);
    return { notifications: builder.notifications, unreachable: [...builder.unreachable.values()] };
  }

  async deliver(job: JobRecord, notifications: readonly PlannedNotification[]): Promise<void> {
    const requests: MessageRequest[] = [];
    for (const notification of notifications) {
      const payload = notificationPayloadSchema.safeParse(notification.payload);
      if (!payload.success) {
        this.deps.logger.error('a saved job notification is not a message the outbox can send; skipped', { job: job.id, key: notification.key, problem: z.prettifyError(payload.error) });
        continue;
      }
      requests.push({ idempotencyKey: notification.key, target: payload.data.target, activity: payload.data.activity, requestedBy: `job ${job.id}` });
    }
    // One outbox write for the whole batch of alerts.
    const results = await this.deps.outbox.enqueueMany(requests);
    results.forEach((result, index) => {
      if (result.status !== 'invalid') return;
      this.deps.logger.error('the outbox refused a job notification; skipped', { job: job.id, key: requests[index]?.idempotencyKey, problems: result.problems });
    });
  }

  jobChanged(job: JobRecord): void {
    this.deps.onJobChanged(job);
  }

  private planOwnerAlerts(job: JobRecord, decided: readonly DecidedMailbox[], directory: Directory, builder: PlanBuilder): void {
    const settings = directory.organization.settings;
    for (const item of decided) {
      if (item.test === undefined || item.after === undefined) continue;
      if (!item.test.alerts.some((alert) => alert.regarding.type === 'mailbox')) continue;
      if (!ownerHearsOf(item.test.conditions.filter(isAlertConditionCode), settings)) continue;
      // The requester reads every result on their job card: their own owner alert would say it twice.
      if (item.after.ownerId === job.requestedById) continue;
      const owner = directory.userById(item.after.ownerId);
      if (owner === undefined) {
        builder.unreachable.set(`user-id:${item.after.ownerId}`, {
          recipient: `user-id:${item.after.ownerId}`,
          name: `The owner of ${item.after.emailAddress} (${item.after.ownerId})`,
          reason: 'is not a user of this organization',
        });
        continue;
      }
      const target: DeliveryTarget = { kind: 'user', tenantId: directory.organization.tenantId, aadObjectId: owner.aadObjectId };
      this.add(builder, `alert:${job.id}:${item.mailboxId}:${item.attempt}:${recipientKey(target)}`, target, () => {
        const view = mailboxAlertView(item);
        return view === undefined ? undefined : mailboxAlertActivity(view);
      }, `${owner.fullName} (owner of ${item.after.emailAddress})`);
    }
  }

  private async planProfileAlerts(job: JobRecord, batch: number, decided: readonly DecidedMailbox[], directory: Directory, builder: PlanBuilder): Promise<void> {
    const byProfile = new Map<string, Alert[]>();
    for (const item of decided) {
      for (const alert of item.test?.alerts ?? []) {
        if (alert.regarding.type !== 'emailserverprofile') continue;
        const alerts = byProfile.get(alert.regarding.id) ?? [];
        alerts.push(alert);
        byProfile.set(alert.regarding.id, alerts);
      }
    }
    if (byProfile.size === 0) return;
    const subscriptions = await this.deps.subscriptions();
    for (const [profileId, alerts] of byProfile) {
      const profile = directory.profileById(profileId);
      if (profile === undefined) continue;
      let activity: OutboundActivity | undefined;
      const digest = (): OutboundActivity => (activity ??= profileAlertsActivity(job, profile, alerts));
      const keyOf = (target: DeliveryTarget): string => `alert:${job.id}:profile:${profileId}:${batch}:${recipientKey(target)}`;
      const owner = directory.userById(profile.ownerId);
      // Nor does the requester get the profile's digest of the failures their job card already lists.
      if (owner !== undefined && owner.id !== job.requestedById) {
        const target: DeliveryTarget = { kind: 'user', tenantId: directory.organization.tenantId, aadObjectId: owner.aadObjectId };
        this.add(builder, keyOf(target), target, digest, `${owner.fullName} (owner of the profile ${profile.name})`);
      }
      for (const subscription of subscriptions) {
        // A channel that already shows the job card (the job was started there) gets no digest beside it.
        if (subscription.profileId !== profileId || subscription.conversationId === jobCardConversation(job)) continue;
        const target: DeliveryTarget = { kind: 'conversation', conversationId: subscription.conversationId };
        this.add(builder, keyOf(target), target, digest, `${conversationName(subscription.conversationId, this.deps.references)} (subscribed to ${profile.name})`);
      }
    }
  }

  /** Cards are rendered only for recipients the bot can reach: a large job mostly has owners who never installed it. */
  private add(builder: PlanBuilder, key: string, target: DeliveryTarget, activity: () => OutboundActivity | undefined, name: string): void {
    const recipient = recipientKey(target);
    const problem = unreachableBecause(target, this.deps.references);
    if (problem !== undefined) {
      if (!builder.unreachable.has(recipient)) builder.unreachable.set(recipient, { recipient, name, reason: problem });
      return;
    }
    const message = activity();
    if (message === undefined) return;
    // Parsed, not cast: the job record stores plain JSON.
    builder.notifications.push({ key, payload: z.json().parse({ target, activity: message }) });
  }
}
