import { describe, expect, it } from 'vitest';
import { decideAfterFailure, describeFailure, retryDelayMs } from '../../src/notify/delivery-policy.js';
import { SlidingWindowLimiter } from '../../src/notify/rate-limiter.js';
import type { SendFailure } from '../../src/notify/sender.js';
import { parseRetryAfter, toSendFailure } from '../../src/notify/teams-sender.js';

const failure = (status: number | null, code: string | null = null, retryAfterMs: number | null = null): SendFailure => ({
  status,
  code,
  message: 'm',
  retryAfterMs,
});

describe('what the outbox does after a failed Connector call', () => {
  it.each([
    [429, 'Throttled'],
    [412, 'PreconditionFailed'],
    [408, null],
    [502, null],
    [503, null],
    [504, null],
  ])('retries %i', (status, code) => {
    expect(decideAfterFailure(failure(status, code), 'send').kind).toBe('retry');
  });

  it('passes Retry-After on for 429 and 503 only', () => {
    expect(decideAfterFailure(failure(429, 'Throttled', 2_000), 'send')).toEqual({ kind: 'retry', retryAfterMs: 2_000 });
    expect(decideAfterFailure(failure(503, null, 1_000), 'send')).toEqual({ kind: 'retry', retryAfterMs: 1_000 });
    expect(decideAfterFailure(failure(502, null, 1_000), 'send')).toEqual({ kind: 'retry', retryAfterMs: null });
  });

  it.each([
    ['BotNotInConversationRoster', 'BotNotInConversationRoster'],
    ['ConversationBlockedByUser', 'ConversationBlockedByUser'],
    ['BotDisabledByAdmin', 'BotDisabledByAdmin'],
    ['MessageWritesBlocked', 'MessageWritesBlocked'],
    ['ForbiddenOperationException', 'ForbiddenOperation'],
    ['SomethingNew', 'Forbidden'],
  ])('gives up on the conversation for 403 %s', (code, reason) => {
    expect(decideAfterFailure(failure(403, code), 'send')).toEqual({ kind: 'give-up', reason, deactivatesConversation: true });
  });

  it('treats 404 as a lost conversation, except an update whose message is gone', () => {
    expect(decideAfterFailure(failure(404, 'ConversationNotFound'), 'send')).toEqual({ kind: 'give-up', reason: 'ConversationNotFound', deactivatesConversation: true });
    expect(decideAfterFailure(failure(404, null), 'send')).toEqual({ kind: 'give-up', reason: 'ConversationNotFound', deactivatesConversation: true });
    expect(decideAfterFailure(failure(404, 'ConversationNotFound'), 'update')).toEqual({ kind: 'give-up', reason: 'ConversationNotFound', deactivatesConversation: true });
    expect(decideAfterFailure(failure(404, 'ActivityNotFoundInConversation'), 'update')).toEqual({ kind: 'give-up', reason: 'ActivityNotFound', deactivatesConversation: false });
    expect(decideAfterFailure(failure(404, null), 'update')).toEqual({ kind: 'give-up', reason: 'ActivityNotFound', deactivatesConversation: false });
  });

  it.each([
    [500, 'ServiceError'],
    [501, 'ServiceError'],
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [413, 'MessageTooLarge'],
  ])('does not retry %i and keeps the conversation active', (status, reason) => {
    expect(decideAfterFailure(failure(status), 'send')).toEqual({ kind: 'give-up', reason, deactivatesConversation: false });
  });

  it('retries calls that got no answer, but not unknown errors of the sender itself', () => {
    expect(decideAfterFailure(failure(null, 'ECONNREFUSED'), 'send').kind).toBe('retry');
    expect(decideAfterFailure(failure(null, 'AttemptTimeout'), 'send').kind).toBe('retry');
    expect(decideAfterFailure(failure(null, 'SenderThrew'), 'send')).toEqual({ kind: 'give-up', reason: 'SenderError', deactivatesConversation: false });
  });

  it('backs off exponentially under a ceiling, scaled by the random draw', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, null, () => 1, options))).toEqual([100, 200, 400, 800, 1_000]);
    expect(retryDelayMs(3, null, () => 0.5, options)).toBe(200);
    expect(retryDelayMs(3, null, () => 0, options)).toBe(0);
  });

  it('waits at least Retry-After, plus at most one base delay of jitter', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    expect(retryDelayMs(1, 5_000, () => 0, options)).toBe(5_000);
    expect(retryDelayMs(7, 5_000, () => 1, options)).toBe(5_100);
  });

  it('describes a failure with status, code and message', () => {
    expect(describeFailure({ status: 403, code: 'BotNotInConversationRoster', message: 'not in roster', retryAfterMs: null })).toBe(
      '403 BotNotInConversationRoster: not in roster',
    );
    expect(describeFailure({ status: null, code: 'ECONNREFUSED', message: 'refused', retryAfterMs: null })).toBe('no answer ECONNREFUSED: refused');
  });
});

describe('reading botbuilder errors', () => {
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] });

  it('takes status, Teams code, message and Retry-After from a RestError-shaped error', () => {
    const error = Object.assign(new Error('Too many requests.'), {
      statusCode: 429,
      code: 'Throttled',
      details: { error: { code: 'Throttled', message: 'Too many requests.' } },
      response: { headers: headers({ 'retry-after': '3' }), bodyAsText: '{}' },
    });
    expect(toSendFailure(error, 0)).toEqual({ status: 429, code: 'Throttled', message: 'Too many requests.', retryAfterMs: 3_000 });
  });

  it('finds MessageWritesBlocked inside the JSON string Teams puts in the message', () => {
    const body = { errorCode: 209, message: JSON.stringify({ subCode: 'MessageWritesBlocked', details: 'Thread is blocked from message writes.' }) };
    const error = Object.assign(new Error(body.message), { statusCode: 403, details: body, response: { headers: headers({}) } });
    expect(toSendFailure(error, 0)).toEqual(expect.objectContaining({ status: 403, code: 'MessageWritesBlocked' }));
  });

  it('reports a call without an answer with no status and the system error code', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(toSendFailure(error, 0)).toEqual({ status: null, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', retryAfterMs: null });
    expect(toSendFailure('a string was thrown', 0)).toEqual({ status: null, code: null, message: 'a string was thrown', retryAfterMs: null });
  });

  it('prefers retry-after-ms to Retry-After', () => {
    const error = { statusCode: 429, response: { headers: headers({ 'retry-after-ms': '250', 'retry-after': '9' }) } };
    expect(toSendFailure(error, 0).retryAfterMs).toBe(250);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-01T09:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:04 GMT', now)).toBe(4_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('sliding-window limiter counting each request until it completes', () => {
  it('admits up to the limit, then waits until the earliest completion leaves the window', () => {
    const limiter = new SlidingWindowLimiter([{ limit: 2, windowMs: 1_000 }]);
    const first = limiter.acquire();
    expect(limiter.waitMs(0)).toBe(0);
    const second = limiter.acquire();
    expect(limiter.waitMs(0)).toBe(Number.POSITIVE_INFINITY);
    first.release(100);
    second.release(300);
    expect(limiter.waitMs(300)).toBe(800);
    expect(limiter.waitMs(1_100)).toBe(0);
  });

  it('applies every window: the tighter one decides', () => {
    const limiter = new SlidingWindowLimiter([
      { limit: 3, windowMs: 1_000 },
      { limit: 4, windowMs: 2_000 },
    ]);
    for (const at of [0, 10, 20]) limiter.acquire().release(at);
    expect(limiter.waitMs(500)).toBe(500);
    limiter.acquire().release(1_001);
    expect(limiter.waitMs(1_100)).toBe(900);
    expect(limiter.waitMs(2_000)).toBe(0);
  });

  it('forgets requests older than the longest window', () => {
    const limiter = new SlidingWindowLimiter([{ limit: 1, windowMs: 1_000 }]);
    limiter.acquire().release(0);
    expect(limiter.occupied).toBe(1);
    expect(limiter.waitMs(1_000)).toBe(0);
    expect(limiter.occupied).toBe(0);
  });

  it('refuses a window that cannot admit anything', () => {
    expect(() => new SlidingWindowLimiter([{ limit: 0, windowMs: 1_000 }])).toThrow(/positive whole limit/);
  });
});
