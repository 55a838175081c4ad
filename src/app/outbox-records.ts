// The persisted shape of outbox entries, and what a caller may ask the outbox to deliver.
// Plain JSON only: another adapter stores these records as a section of the lowdb data file.
import { z } from 'zod';
import { deadLetterReasonSchema, deliveryTargetSchema, outboundActivitySchema } from './proactive-messages.js';

// The message vocabulary (proactive-messages.ts), re-exported beside the records that carry it.
export {
  deadLetterReasonSchema,
  deliveryTargetSchema,
  outboundActivitySchema,
  outboundAttachmentSchema,
  type DeadLetterReason,
  type DeliveryTarget,
  type OutboundActivity,
} from './proactive-messages.js';

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
