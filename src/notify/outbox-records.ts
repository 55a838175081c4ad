// The persisted shape of outbox entries, and what a caller may ask the outbox to deliver.
// Plain JSON only: another adapter stores these records as a section of the lowdb data file.
import { z } from 'zod';

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

const isoTimestamp = z.iso.datetime({ offset: true });

export const deadLetterSchema = z
  .object({
    reason: deadLetterReasonSchema,
    /** Human-readable detail: the Connector's status and code, or the registry's inactive reason. */
    detail: z.string(),
    at: isoTimestamp,
  })
  .strict();
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const outboxEntryStateSchema = z.enum(['pending', 'sent', 'dead']);
export type OutboxEntryState = z.infer<typeof outboxEntryStateSchema>;

export const outboxEntryRecordSchema = z
  .object({
    idempotencyKey: z.string().min(1),
    target: deliveryTargetSchema,
    activity: outboundActivitySchema,
    /** Set when this entry edits an existing message in place instead of posting a new one. */
    update: z.object({ activityId: z.string().min(1) }).strict().nullable(),
    requestedBy: z.string().nullable(),
    enqueuedAt: isoTimestamp,
    /** The conversation the target resolved to when enqueued; null when it resolved to none. */
    conversationId: z.string().min(1).nullable(),
    state: outboxEntryStateSchema,
    /** Delivery attempts made (HTTP calls to the Connector), across restarts only as far as they were saved. */
    attempts: z.number().int().min(0),
    /** The Connector's id for the posted (or updated) message, for later updates in place. */
    sentActivityId: z.string().nullable(),
    sentAt: isoTimestamp.nullable(),
    deadLetter: deadLetterSchema.nullable(),
  })
  .strict();
export type OutboxEntryRecord = z.infer<typeof outboxEntryRecordSchema>;
