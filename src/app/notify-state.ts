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

/** One limit: at most `limit` requests in any `windowMs` (the shape of Teams' documented limits). */
export interface SharedRateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** What one conversation's outbox head looks like to an instance asking to send it. */
export type SharedOutboxClaim =
  /** This instance holds the conversation until `leaseMs` from now (or until it saves the entry sent or dead). */
  | { readonly kind: 'claimed'; readonly entry: OutboxEntryRecord }
  /** Another instance is sending this conversation's head now. */
  | { readonly kind: 'busy' }
  /** Nothing pending for the conversation. */
  | { readonly kind: 'empty' };

export type SharedAdmission =
  | { readonly ok: true; release(): Promise<void> }
  /** `fullScope`: the scope whose windows make the wait (the longest, when several are full). */
  | { readonly ok: false; readonly waitMs: number; readonly fullScope: string };

/**
 * What a notify store shared by several bot instances adds to `NotifyRepository`, so that their outboxes
 * together send every entry once, each conversation's messages one at a time and in order, within Teams'
 * limits for the sum of the instances. The outbox uses it when given; a single process needs none of it.
 */
export interface SharedOutboxCoordination {
  /** Unique per process: who holds a claim. */
  readonly instanceId: string;
  /**
   * Saves new entries, keeping any entry with the same key that another instance saved first (that one is
   * returned in `existing`, and nothing is written for it).
   */
  insertNew(entries: readonly OutboxEntryRecord[]): Promise<{ readonly existing: readonly OutboxEntryRecord[] }>;
  /** Claims the oldest pending entry of a conversation unless another instance holds it (or its claim expired). */
  claimHead(conversationId: string, leaseMs: number): Promise<SharedOutboxClaim>;
  /** Conversations with pending entries, whoever enqueued them. */
  pendingConversations(): Promise<readonly string[]>;
  /** The stored entries with these keys that are no longer pending (sent or dead, perhaps by another instance). */
  settledEntries(idempotencyKeys: readonly string[]): Promise<readonly OutboxEntryRecord[]>;
  /** A reference another instance recorded: a person's personal chat, or a conversation. */
  reference(lookup: { readonly tenantId: string; readonly aadObjectId: string } | { readonly conversationId: string }): Promise<ConversationReferenceRecord | undefined>;
  /**
   * Admits one request now if every window of every scope has room, counting the requests of every instance
   * from their start until they complete (an instance that dies mid-request frees its slot after
   * `inFlightTimeoutMs`); otherwise says how long to wait.
   */
  admit(scopes: readonly { readonly scope: string; readonly windows: readonly SharedRateWindow[] }[], inFlightTimeoutMs: number): Promise<SharedAdmission>;
}
