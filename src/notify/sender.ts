// The transport the outbox delivers through. The Teams implementation is teams-sender.ts; tests can
// script their own. A sender never throws for a Connector answer: it reports the failure as data.
import type { ConversationType } from './conversation-references.js';
import type { OutboundActivity } from '../app/outbox-records.js';

/** Everything needed to reach a conversation proactively (taken from its conversation reference). */
export interface DeliveryAddress {
  readonly conversationId: string;
  readonly conversationType: ConversationType;
  readonly serviceUrl: string;
  readonly channelId: string;
  readonly tenantId: string | null;
  readonly botId: string;
  /** The user's `29:` id in a personal chat; null elsewhere. */
  readonly userId: string | null;
}

/** A failed Connector call, as the outbox needs it to decide what to do next. */
export interface SendFailure {
  /** HTTP status, or null when no answer came (connection refused, reset, timed out). */
  readonly status: number | null;
  /** Teams' `error.code` (e.g. `BotNotInConversationRoster`), `MessageWritesBlocked`, or a system error code. */
  readonly code: string | null;
  readonly message: string;
  /** From `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, when the answer carried one. */
  readonly retryAfterMs: number | null;
}

export type SendOutcome =
  | { readonly ok: true; readonly activityId: string | null }
  | { readonly ok: false; readonly failure: SendFailure };

export interface ProactiveSender {
  /** Posts a new message. One call is at most one HTTP request: the sender must not retry on its own. */
  send(address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome>;
  /** Replaces the content of a message the bot posted earlier. Same single-request rule. */
  update(address: DeliveryAddress, activityId: string, activity: OutboundActivity): Promise<SendOutcome>;
}
