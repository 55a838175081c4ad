// Sending one HTTP request to Dataverse or Graph on global fetch, with the rules both share:
// the request gate (concurrency cap, 429 pause), a bearer token, a time-out, resending after a 429,
// retrying idempotent requests on 5xx and time-outs with exponential back-off, and one token refresh
// after a 401. Everything that still fails becomes a DataverseError.
import { DataverseError, adminMessage, cleanPlatformText, kindForStatus, parseODataError, serviceProtectionLimitOf } from './errors.js';
import type { ServiceProtectionLimit } from './errors.js';
import type { Clock } from './request-gate.js';
import { RequestGate, systemClock, type RequestBudget } from './request-gate.js';
import type { AccessTokenSource } from './token.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Absolute URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Safe to send twice. Defaults to true for GET only. */
  readonly idempotent?: boolean;
  /** Bearer tokens for this request only (a person's delegated sign-in), instead of the client's app-only ones. */
  readonly tokens?: AccessTokenSource;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface ThrottleEvent {
  readonly service: string;
  readonly retryAfterMs: number;
  /** When the whole client sends again (the longest pause asked for so far), in epoch milliseconds. */
  readonly resumesAt: number;
  readonly limit: ServiceProtectionLimit | null;
  readonly request: string;
}

export interface HttpCoreOptions {
  readonly service: 'Dataverse' | 'Microsoft Graph';
  readonly tokens: AccessTokenSource;
  /** Concurrent requests in flight (default 16). Ignored when `gate` is given. */
  readonly maxConcurrent?: number;
  readonly gate?: RequestGate;
  /** The request budget kept without being told (default: none; the Dataverse client keeps Dataverse's). Ignored when `gate` is given. */
  readonly budget?: RequestBudget | null;
  /** Per attempt (default 30 s; Dataverse itself gives up on an operation after 2 minutes). */
  readonly timeoutMs?: number;
  /** Retries of an idempotent request after a 5xx or a time-out (default 4). */
  readonly maxRetries?: number;
  /** First back-off delay, doubled on each retry, plus up to 50% jitter (default 500 ms). */
  readonly retryBaseDelayMs?: number;
  /**
   * Give up on a request whose throttling waits would add up to more than this (default: never give
   * up, so background jobs slow down instead of failing). A chat command can set a bound and answer
   * "Dynamics 365 is limiting the bot's requests" instead of hanging. The pause applies either way.
   */
  readonly maxThrottleWaitMs?: number;
  /** Used when a 429 carries no readable Retry-After (default 5 s). */
  readonly defaultRetryAfterMs?: number;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  readonly onThrottle?: (event: ThrottleEvent) => void;
  /** Strings that must never appear in an error message (the client secret). */
  readonly secrets?: readonly string[];
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** `Retry-After` in seconds (possibly fractional) or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** `PATCH /api/data/v9.2/mailboxes(…)`: for messages and logs; never a query string or header. */
export function describeRequest(method: string, url: string): string {
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return method;
  }
}

export class HttpCore {
  readonly gate: RequestGate;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly defaultRetryAfterMs: number;

  constructor(private readonly options: HttpCoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.gate = options.gate ?? new RequestGate(options.maxConcurrent ?? 16, this.clock, options.budget ?? null);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 5_000;
  }

  get service(): string {
    return this.options.service;
  }

  /** Sends until an answer other than 429 (or a retryable failure) arrives; returns it whatever its status. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method === 'GET';
    const described = describeRequest(request.method, request.url);
    let failures = 0;
    let refreshedToken = false;
    let throttledForMs = 0;
    for (;;) {
      // The token is fetched outside the gate: waiting for Entra must not hold a Dataverse slot.
      const tokens = request.tokens ?? this.options.tokens;
      const token = await tokens.getToken();
      const release = await this.gate.acquire();
      // A 429 may have been read while this request resumed from the gate; check again, and send in
      // the same tick as the check, so nothing leaves after a pause began.
      if (this.gate.pausedFor > 0) {
        release();
        continue;
      }
      let response: HttpResponse;
      try {
        response = await this.attempt(request, token);
      } catch (error) {
        release();
        const kind = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timeout' : 'unreachable';
        if (idempotent && failures < this.maxRetries) {
          await this.backOff(failures++);
          continue;
        }
        throw new DataverseError(kind, adminMessage(kind, this.options.service), { service: this.options.service, request: described });
      }
      release();

      if (response.status === 429) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now()) ?? this.defaultRetryAfterMs;
        this.gate.pause(retryAfterMs);
        const code = parseODataError(response.text).code;
        this.options.onThrottle?.({ service: this.options.service, retryAfterMs, resumesAt: this.gate.resumesAt, limit: serviceProtectionLimitOf(code), request: described });
        throttledForMs += retryAfterMs;
        if (throttledForMs > (this.options.maxThrottleWaitMs ?? Number.POSITIVE_INFINITY)) {
          throw new DataverseError('throttled', adminMessage('throttled', this.options.service), { service: this.options.service, status: 429, ...(code === undefined ? {} : { code }), request: described });
        }
        continue; // A throttled request was not executed, so it is resent whatever its method.
      }
      if (response.status === 401 && !refreshedToken) {
        refreshedToken = true;
        await tokens.getToken(true);
        continue;
      }
      if (RETRYABLE_STATUS.has(response.status) && idempotent && failures < this.maxRetries) {
        await this.backOff(failures++);
        continue;
      }
      return response;
    }
  }

  /** The DataverseError for an error answer, with an admin-actionable message. */
  errorFor(response: HttpResponse, request: Pick<HttpRequest, 'method' | 'url'>): DataverseError {
    const { code, message } = parseODataError(response.text);
    const kind = kindForStatus(response.status);
    const platformText = message === undefined ? undefined : cleanPlatformText(message, this.options.secrets);
    return new DataverseError(kind, adminMessage(kind, this.options.service, platformText), {
      service: this.options.service,
      status: response.status,
      ...(code === undefined ? {} : { code }),
      request: describeRequest(request.method, request.url),
    });
  }

  private async attempt(request: HttpRequest, token: string): Promise<HttpResponse> {
    const response = await this.fetchImpl(request.url, {
      method: request.method,
      headers: { ...request.headers, authorization: `Bearer ${token}` },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  private backOff(failures: number): Promise<void> {
    const delay = this.retryBaseDelayMs * 2 ** failures;
    return this.clock.sleep(delay + Math.random() * delay * 0.5);
  }
}
