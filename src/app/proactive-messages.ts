// Proactive messages (alerts, job cards, approval cards) as the application and its adapters send them:
// who a message is for, what it says, and why one did not arrive, plus the port the notify layer's outbox
// implements. Every message carries an idempotency key: the same key handed over twice is sent once.
import { z } from 'zod';
import type { ConversationReferenceRecord, InboundReferenceResult } from './conversation-reference-records.js';

/** Who a proactive message is for: a user's personal chat (by Entra identity) or a known conversation. */
export const deliveryTargetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('user'),
      tenantId: z.string().trim().min(1, 'tenantId must not be empty'),
      aadObjectId: z.string().trim().min(1, 'aadObjectId must not be empty'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('conversation'),
      conversationId: z.string().trim().min(1, 'conversationId must not be empty'),
    })
    .strict(),
]);
export type DeliveryTarget = z.infer<typeof deliveryTargetSchema>;

const jsonObject = z.record(z.string(), z.json());

export const outboundAttachmentSchema = z
  .object({
    contentType: z.string().min(1, 'an attachment needs a contentType'),
    content: z.json().optional(),
    contentUrl: z.string().min(1).optional(),
    name: z.string().optional(),
  })
  .strict();

/**
 * The message itself, generic about what it says: text and/or attachments (Adaptive Cards), plus the few
 * Teams message fields a notification can need (summary for the toast, channelData.notification.alert, mentions).
 */
export const outboundActivitySchema = z
  .object({
    type: z.literal('message').default('message'),
    text: z.string().optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    summary: z.string().optional(),
    attachmentLayout: z.enum(['list', 'carousel']).optional(),
    attachments: z.array(outboundAttachmentSchema).optional(),
    /** Mentions and other entities; each needs a `type`, as the Bot Framework schema requires. */
    entities: z.array(z.object({ type: z.string().min(1, 'an entity needs a type') }).catchall(z.json())).optional(),
    channelData: jsonObject.optional(),
  })
  .strict()
  .refine((activity) => (activity.text ?? '').trim() !== '' || (activity.attachments ?? []).length > 0, {
    message: 'A message needs non-empty text or at least one attachment.',
  });
export type OutboundActivity = z.infer<typeof outboundActivitySchema>;

/** Why an entry was given up on. The requester is told this, so each reason maps to one explanation. */
export const deadLetterReasonSchema = z.enum([
  /** No conversation reference: the user has not installed the bot or never talked to it. */
  'NotInstalled',
  /** The reference is known but inactive (uninstalled, bot removed, or an earlier terminal failure). */
  'ReferenceInactive',
  'BotNotInConversationRoster',
  'ConversationBlockedByUser',
  'BotDisabledByAdmin',
  'MessageWritesBlocked',
  /** 403 ForbiddenOperationException: not installed in personal scope. */
  'ForbiddenOperation',
  /** Any other 403. */
  'Forbidden',
  'ConversationNotFound',
  /** 404 on an update: the message to update no longer exists. */
  'ActivityNotFound',
  'MessageTooLarge',
  /** 401: wrong app id or Teams channel not enabled; a configuration problem. */
  'Unauthorized',
  'BadRequest',
  /** 500 and other server errors that are not retried (see delivery-policy.ts). */
  'ServiceError',
  /** The sender failed in a way that is not a Connector answer (a bug or an unknown error). */
  'SenderError',
  /** Retryable failures until the attempt budget ran out. */
  'RetriesExhausted',
]);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

/** What the sender knows of one message, by its key. */
export interface MessageStatus {
  readonly state: 'pending' | 'sent' | 'dead';
  readonly activity: OutboundActivity;
  /** The conversation the target resolved to; null when it resolved to none. */
  readonly conversationId: string | null;
  /** The id of the posted (or updated) message, for later updates in place. */
  readonly sentActivityId: string | null;
  readonly sentAt: string | null;
  readonly deadLetter: { readonly reason: DeadLetterReason } | null;
}

export interface MessageRequest {
  readonly idempotencyKey: string;
  readonly target: DeliveryTarget;
  readonly activity: OutboundActivity;
  /** Edit the message with this activity id instead of posting a new one. */
  readonly update?: { readonly activityId: string };
  /** Who asked (free text), carried into reports. */
  readonly requestedBy?: string;
}

/** Per request of `enqueueMany`: handed over (accepted, a duplicate, or undeliverable at once), or refused. */
export type MessageHandOver = { readonly status: 'accepted' | 'duplicate' | 'undeliverable' } | { readonly status: 'invalid'; readonly problems: readonly string[] };

/** How a set of messages fared. */
export interface MessagesReport {
  readonly sent: readonly unknown[];
  readonly pending: readonly unknown[];
  readonly failed: readonly { readonly target: DeliveryTarget; readonly reason: DeadLetterReason }[];
}

/** A request the outbox refused before saving anything; `problems` has one `path: message` line per issue. */
export class OutboxRequestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The outbox refused the message: ${problems.join('; ')}`);
    this.name = 'OutboxRequestError';
  }
}

/** The notify layer's outbox, as those who send proactive messages use it. */
export interface ProactiveMessages {
  /** Saves the message for delivery; resolves once it is saved. */
  enqueue(request: MessageRequest): Promise<unknown>;
  /** Saves several in one write; one answer per request, in order. */
  enqueueMany(requests: readonly MessageRequest[]): Promise<readonly MessageHandOver[]>;
  get(idempotencyKey: string): MessageStatus | undefined;
  deliveryReport(idempotencyKeys: readonly string[]): MessagesReport;
  /** Resolves once every key is sent or given up on. */
  whenSettled(idempotencyKeys: readonly string[]): Promise<unknown>;
}

/** A conversation the bot knows, as far as whether and where it can reach someone. */
export interface KnownConversation {
  readonly conversationType: 'personal' | 'groupChat' | 'channel';
  readonly active: boolean;
  readonly inactiveReason: string | null;
}

/** Where the bot can reach people and conversations (the notify layer's conversation references). */
export interface ConversationDirectory {
  forUser(tenantId: string, aadObjectId: string): KnownConversation | undefined;
  forConversation(conversationId: string): KnownConversation | undefined;
}

/**
 * The notify layer's conversation references as the bot uses them: every inbound activity is recorded (that is
 * how the bot learns where it can write), and an approver's personal chat is looked up in full.
 */
export interface ConversationReferences extends ConversationDirectory {
  forUser(tenantId: string, aadObjectId: string): ConversationReferenceRecord | undefined;
  recordInbound(activity: unknown): Promise<InboundReferenceResult>;
}
