// The persistence port of proactive delivery: conversation references and outbox entries, the bot's own
// state apart from the organization's records. Records are plain JSON validated by zod, so a file-backed store
// can keep them as sections of its document and a database as rows.
import { z } from 'zod';
import { upsertByKey } from '../shared/upsert.js';
import { conversationReferenceRecordSchema, type ConversationReferenceRecord } from './conversation-reference-records.js';
import { outboxEntryRecordSchema, type OutboxEntryRecord } from './outbox-records.js';

export const notifyStateSchema = z
  .object({
    references: z.array(conversationReferenceRecordSchema).default([]),
    outbox: z.array(outboxEntryRecordSchema).default([]),
  })
  .strict();
export type NotifyState = z.infer<typeof notifyStateSchema>;

/** Upserts: references keyed by `conversationId`, outbox entries by `idempotencyKey`. */
export interface NotifyChanges {
  readonly references?: readonly ConversationReferenceRecord[];
  readonly outbox?: readonly OutboxEntryRecord[];
}

/**
 * Where references and the outbox live.
 * - `save` applies all of one operation's changes atomically (one write), upserting by key and keeping the
 *   position of existing records (the outbox relies on load order for per-conversation message order).
 * - `save` may be called while another `save` is still running; implementations apply calls in call order.
 * - Nothing is ever deleted through this port: a sent entry must stay, so its idempotency key is never reused.
 */
export interface NotifyRepository {
  load(): Promise<NotifyState>;
  save(changes: NotifyChanges): Promise<void>;
}

/** Applies one `save` to a whole state; what a document-backed repository does inside its write. */
export function applyNotifyChanges(state: NotifyState, changes: NotifyChanges): NotifyState {
  return {
    references: upsertByKey(state.references, changes.references ?? [], (record) => record.conversationId),
    outbox: upsertByKey(state.outbox, changes.outbox ?? [], (record) => record.idempotencyKey),
  };
}
