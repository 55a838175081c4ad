// The persisted shape of conversation references, and what recording an inbound activity changed (the registry
// itself is src/notify/conversation-references.ts).
// Plain JSON only: another adapter stores these records as a section of the lowdb data file.
import { z } from 'zod';

export const conversationTypeSchema = z.enum(['personal', 'groupChat', 'channel']);
export type ConversationType = z.infer<typeof conversationTypeSchema>;

const isoTimestamp = z.iso.datetime({ offset: true });

export const conversationReferenceRecordSchema = z
  .object({
    conversationId: z.string().min(1),
    conversationType: conversationTypeSchema,
    /** `msteams` in Teams; kept because the Connector call needs it. */
    channelId: z.string().min(1),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    tenantId: z.string().min(1).nullable(),
    /** The bot's id in this conversation (`28:<app id>`). */
    botId: z.string().min(1),
    /** Personal chats only: the user's `29:` id, scoped to this bot. */
    userId: z.string().min(1).nullable(),
    /** Personal chats only: the user's Entra object id (may be absent for guests and anonymous users). */
    aadObjectId: z.string().min(1).nullable(),
    /** Channels only: the team, so that a deleted team deactivates all of its channels. */
    teamId: z.string().min(1).nullable(),
    active: z.boolean(),
    /** Why the reference is inactive, in words fit for a report to a requester. */
    inactiveReason: z.string().nullable(),
    firstSeenAt: isoTimestamp,
    /** When a stored field last changed (not every activity: unchanged references are not rewritten). */
    updatedAt: isoTimestamp,
  })
  .strict();
export type ConversationReferenceRecord = z.infer<typeof conversationReferenceRecordSchema>;

export type ReferenceChange = 'created' | 'refreshed' | 'unchanged' | 'deactivated' | 'reactivated';

export interface InboundReferenceUpdate {
  /** What happened to the activity's own conversation. */
  readonly change: ReferenceChange;
  readonly reference: ConversationReferenceRecord;
  /** Other references changed by the same activity (the other channels of a deleted or restored team). */
  readonly alsoChanged: readonly ConversationReferenceRecord[];
}

export type InboundReferenceResult =
  | { readonly ok: true; readonly value: InboundReferenceUpdate }
  | { readonly ok: false; readonly error: string };
