// What to do after a failed Connector call (teams.md §2.4, §2.5), and how long to back off.
//
// Retried: 429 (after Retry-After), 412 (concurrent operations on the conversation), 408, 502, 503, 504,
// and calls that got no answer at all (connection refused/reset, timeout).
// Not retried:
// - 500: Teams' guidance is not to retry it, and a POST that failed with 500 may still have been posted,
//   so a retry risks a duplicate message. It becomes a `ServiceError` dead letter; the requester decides.
// - 400, 401, 413 and other 4xx/5xx: retrying cannot help.
// Terminal for the conversation (the reference is marked inactive and its queued messages are dead-lettered):
// 403 of any code (BotNotInConversationRoster, ConversationBlockedByUser, BotDisabledByAdmin,
// MessageWritesBlocked, ForbiddenOperationException, ...) and 404 ConversationNotFound.
// A 404 on an update without ConversationNotFound means the message is gone, not the conversation.
import type { DeadLetterReason } from '../app/outbox-records.js';
import type { SendFailure } from './sender.js';

export type FailureDecision =
  | { readonly kind: 'retry'; readonly retryAfterMs: number | null }
  | { readonly kind: 'give-up'; readonly reason: DeadLetterReason; readonly deactivatesConversation: boolean };

/** Error codes of calls that got no HTTP answer; safe to try again. */
const TRANSPORT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
  'AttemptTimeout',
]);

const RETRYABLE_STATUSES = new Set([408, 412, 429, 502, 503, 504]);

const FORBIDDEN_REASONS: Readonly<Record<string, DeadLetterReason>> = {
  BotNotInConversationRoster: 'BotNotInConversationRoster',
  ConversationBlockedByUser: 'ConversationBlockedByUser',
  BotDisabledByAdmin: 'BotDisabledByAdmin',
  MessageWritesBlocked: 'MessageWritesBlocked',
  ForbiddenOperationException: 'ForbiddenOperation',
};

export function decideAfterFailure(failure: SendFailure, operation: 'send' | 'update'): FailureDecision {
  const { status, code } = failure;
  if (status === null) {
    return code !== null && TRANSPORT_ERROR_CODES.has(code)
      ? { kind: 'retry', retryAfterMs: null }
      : { kind: 'give-up', reason: 'SenderError', deactivatesConversation: false };
  }
  if (RETRYABLE_STATUSES.has(status)) return { kind: 'retry', retryAfterMs: status === 429 || status === 503 ? failure.retryAfterMs : null };
  if (status === 403) {
    return { kind: 'give-up', reason: (code !== null ? FORBIDDEN_REASONS[code] : undefined) ?? 'Forbidden', deactivatesConversation: true };
  }
  if (status === 404) {
    const conversationGone = code === 'ConversationNotFound' || (operation === 'send' && code !== 'ActivityNotFoundInConversation');
    return conversationGone
      ? { kind: 'give-up', reason: 'ConversationNotFound', deactivatesConversation: true }
      : { kind: 'give-up', reason: 'ActivityNotFound', deactivatesConversation: false };
  }
  if (status === 401) return { kind: 'give-up', reason: 'Unauthorized', deactivatesConversation: false };
  if (status === 413) return { kind: 'give-up', reason: 'MessageTooLarge', deactivatesConversation: false };
  if (status >= 500) return { kind: 'give-up', reason: 'ServiceError', deactivatesConversation: false };
  return { kind: 'give-up', reason: 'BadRequest', deactivatesConversation: false };
}

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** Ceiling of any single delay. */
  readonly maxMs: number;
}

/**
 * Delay before retry number `retry` (1 for the first retry): "full jitter" exponential back-off, a uniform
 * draw in [0, min(maxMs, baseMs * 2^(retry-1))], so that conversations throttled together spread out.
 * With a Retry-After the server's wish is the floor, plus up to `baseMs` of jitter.
 */
export function retryDelayMs(retry: number, retryAfterMs: number | null, random: () => number, options: BackoffOptions): number {
  const jitter = Math.min(1, Math.max(0, random()));
  if (retryAfterMs !== null) return Math.max(0, retryAfterMs) + Math.round(jitter * options.baseMs);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(jitter * ceiling);
}

/** Words for a failure, for dead letters and logs: `403 BotNotInConversationRoster: The bot is not ...`. */
export function describeFailure(failure: SendFailure): string {
  const head = [failure.status ?? 'no answer', failure.code].filter((part) => part !== null).join(' ');
  return `${head}: ${failure.message}`;
}
