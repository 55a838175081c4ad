// A fake Bot Connector (the Teams "service URL") for HTTP-level tests: a real HTTP server on 127.0.0.1
// with an ephemeral port. Point an activity's `serviceUrl` at `connector.url` and run botbuilder's
// CloudAdapter in anonymous local mode (empty MicrosoftAppId): every outbound call the bot makes lands here.
//
// What it does:
// - answers the Connector routes the bot uses, Teams-style:
//     POST /v3/conversations/{id}/activities             201 {id}   (send)
//     POST /v3/conversations/{id}/activities/{replyToId} 201 {id}   (reply; botbuilder's proactive path uses it)
//     PUT  /v3/conversations/{id}/activities/{activityId} 200 {id}  (update in place)
//     POST /v3/conversations                             201 {id}   (create conversation)
//   anything else is answered 404 with a Teams error body and still recorded;
// - records every request (method, path, conversation id, JSON body, time, the status it answered);
// - lets a test script faults globally or per conversation: for the next N requests, for a seeded
//   (deterministic) fraction of requests, or always; see `faults` for the Teams-shaped errors;
// - optionally enforces Teams' rate limits itself (per conversation 7/1 s and 60/30 s, a global per-tenant
//   limit), answering 429 with Retry-After when exceeded, and records each violation.
//
// Rate-limit accounting counts every request that reaches a conversation (including ones answered with a
// scripted fault), because Teams counts attempts, not successes. Scripted faults are applied first.
//
// Typical use:
//   const connector = await startFakeConnector({ rateLimits: teamsRateLimits() });
//   connector.failFraction(0.1, faults.throttled(0));
//   ... send through the bot with serviceUrl = connector.url ...
//   await connector.waitFor(() => connector.activitiesSentTo('conv-1').length === 5);
//   expect(connector.violations).toEqual([]);
//   await connector.close();
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** What the fake answers instead of success. */
export interface ConnectorFault {
  readonly status: number;
  /** The JSON body sent with the status (Teams' `{error:{code,message}}` envelope, or another documented shape). */
  readonly body: unknown;
  /** Seconds for the `Retry-After` header, when the fault carries one. */
  readonly retryAfterSeconds?: number;
}

const teamsError = (status: number, code: string, message: string): ConnectorFault => ({
  status,
  body: { error: { code, message } },
});

/** Teams-shaped failures, with the codes and messages Microsoft documents for the Bot Connector. */
export const faults = {
  /** 429 Throttled with `Retry-After` in seconds (0 is allowed, to keep tests fast). */
  throttled: (retryAfterSeconds = 1): ConnectorFault => ({
    ...teamsError(429, 'Throttled', 'Too many requests.'),
    retryAfterSeconds,
  }),
  botNotInConversationRoster: (): ConnectorFault =>
    teamsError(403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.'),
  conversationBlockedByUser: (): ConnectorFault =>
    teamsError(403, 'ConversationBlockedByUser', 'User blocked the conversation with the bot.'),
  botDisabledByAdmin: (): ConnectorFault => teamsError(403, 'BotDisabledByAdmin', 'The tenant admin disabled this bot.'),
  /** The documented shape differs from the usual envelope: the sub-code sits inside a JSON string. */
  messageWritesBlocked: (): ConnectorFault => ({
    status: 403,
    body: {
      errorCode: 209,
      message: JSON.stringify({
        subCode: 'MessageWritesBlocked',
        details: 'Thread is blocked from message writes.',
        errorCode: null,
        errorSubCode: null,
      }),
    },
  }),
  conversationNotFound: (): ConnectorFault => teamsError(404, 'ConversationNotFound', 'Conversation not found.'),
  activityNotFound: (): ConnectorFault =>
    teamsError(404, 'ActivityNotFoundInConversation', 'The activity was not found in the conversation.'),
  botNotRegistered: (): ConnectorFault => teamsError(401, 'BotNotRegistered', 'No registration found for this bot.'),
  preconditionFailed: (): ConnectorFault =>
    teamsError(412, 'PreconditionFailed', 'Precondition failed, please try again.'),
  messageSizeTooBig: (): ConnectorFault => teamsError(413, 'MessageSizeTooBig', 'Message size too large.'),
  serverError: (status: 500 | 502 | 503 | 504 = 500): ConnectorFault =>
    teamsError(status, 'ServiceError', `The service answered ${status}.`),
} as const;

/** One rate window: at most `limit` requests in any `windowMs` milliseconds. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

export interface ConnectorRateLimits {
  /** Applied to the requests of each conversation separately (sends, replies, updates). */
  readonly perConversation: readonly RateWindow[];
  /** Applied to all requests of one tenant together (tenant from the body; `unknown` when absent). */
  readonly perTenant: readonly RateWindow[];
  /** `true`: answer 429 when a window is exceeded. `false`: only record the violation. */
  readonly respondWith429: boolean;
}

/** Teams' documented limits: 7/1 s, 8/2 s, 60/30 s, 1800/h per conversation; 30 RPS per tenant (the conservative figure). */
export function teamsRateLimits(overrides: Partial<ConnectorRateLimits> = {}): ConnectorRateLimits {
  return {
    perConversation: [
      { limit: 7, windowMs: 1_000 },
      { limit: 8, windowMs: 2_000 },
      { limit: 60, windowMs: 30_000 },
      { limit: 1_800, windowMs: 3_600_000 },
    ],
    perTenant: [{ limit: 30, windowMs: 1_000 }],
    respondWith429: true,
    ...overrides,
  };
}

export interface RateViolation {
  readonly scope: 'conversation' | 'tenant';
  /** The conversation id or the tenant id that went over. */
  readonly key: string;
  readonly rule: RateWindow;
  readonly at: number;
  readonly method: string;
  readonly path: string;
}

export type ConnectorOperation = 'send' | 'reply' | 'update' | 'createConversation' | 'unknown';

export interface RecordedRequest {
  /** Order of arrival, from 0. */
  readonly sequence: number;
  readonly method: string;
  /** Path without the query string, e.g. `/v3/conversations/a%3Ab/activities`; ids are decoded in the fields below. */
  readonly path: string;
  readonly operation: ConnectorOperation;
  readonly conversationId: string | null;
  /** The `{activityId}` or `{replyToId}` path segment, when present. */
  readonly activityId: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body (`null` when there was none or it was not JSON; see `rawBody`). */
  readonly body: unknown;
  readonly rawBody: string;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  /** The status the fake answered. */
  readonly status: number;
  /** The `Retry-After` seconds the fake answered with, if any. */
  readonly retryAfterSeconds: number | null;
  /** The id the fake generated (activity or conversation id) when it answered with success. */
  readonly answeredId: string | null;
  /** Why the fake answered as it did when it was not success: `scripted`, `rate-limit`, `bad-request`, `no-route`. */
  readonly failedBecause: 'scripted' | 'rate-limit' | 'bad-request' | 'no-route' | null;
}

/** A message activity the fake accepted (2xx) in a conversation, with the id it gave it. */
export interface AcceptedActivity {
  readonly activityId: string;
  readonly operation: 'send' | 'reply' | 'update';
  readonly conversationId: string;
  readonly type: string | undefined;
  readonly text: string | undefined;
  readonly attachments: readonly unknown[];
  readonly body: Readonly<Record<string, unknown>>;
  readonly receivedAt: number;
}

export interface FaultScope {
  /** Only requests to this conversation; all requests when omitted. */
  readonly conversationId?: string;
  /** Only these operations; all when omitted. */
  readonly operations?: readonly ConnectorOperation[];
}

export interface FakeConnectorOptions {
  /** Teams' rate limits enforced by the fake itself; none when omitted. */
  readonly rateLimits?: ConnectorRateLimits;
  /** Seed for `failFraction` (deterministic across runs). */
  readonly seed?: number;
}

export interface FakeConnector {
  /** The service URL, e.g. `http://127.0.0.1:45123/` (trailing slash, like Teams' own service URLs). */
  readonly url: string;
  /** Every request, in order of arrival. */
  readonly requests: readonly RecordedRequest[];
  /** Rate-limit violations seen so far (recorded even when `respondWith429` is false). */
  readonly violations: readonly RateViolation[];
  /** Activities accepted in a conversation (new messages and updates), in order of arrival. */
  activitiesSentTo(conversationId: string): AcceptedActivity[];
  /** New messages only (send and reply), without updates. */
  messagesSentTo(conversationId: string): AcceptedActivity[];
  /** The latest content of a message after updates, or undefined when the fake never created it. */
  currentActivity(conversationId: string, activityId: string): AcceptedActivity | undefined;
  /** Requests that reached a conversation (any outcome), in order. */
  requestsTo(conversationId: string): RecordedRequest[];
  /** The largest number of requests to a conversation seen within any `windowMs` span. */
  maxRequestsInWindow(conversationId: string, windowMs: number): number;
  /** Answer the next `count` matching requests with `fault`. */
  failNext(count: number, fault: ConnectorFault, scope?: FaultScope): void;
  /** Answer a seeded, deterministic `fraction` (0..1) of matching requests with `fault`. */
  failFraction(fraction: number, fault: ConnectorFault, scope?: FaultScope): void;
  /** Answer every matching request with `fault` until `clearFaults()`. */
  failAlways(fault: ConnectorFault, scope?: FaultScope): void;
  clearFaults(): void;
  /** Resolves once `predicate()` holds (checked on every request and every 10 ms); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number, description?: string): Promise<void>;
  close(): Promise<void>;
}

const SEND_PATH = /^\/v3\/conversations\/([^/]+)\/activities\/?$/;
const ACTIVITY_PATH = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/;
const CONVERSATIONS_PATH = /^\/v3\/conversations\/?$/;

// Only the fields the fake reads; everything else passes through untouched.
const activityBodySchema = z.looseObject({
  type: z.string().optional(),
  text: z.string().optional(),
  attachments: z.array(z.unknown()).optional(),
  conversation: z.looseObject({ id: z.string().optional(), tenantId: z.string().optional() }).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string().optional() }).optional() }).optional(),
});

const bodyTenantId = (body: unknown): string => {
  const parsed = activityBodySchema.safeParse(body);
  if (!parsed.success) return 'unknown';
  return parsed.data.conversation?.tenantId ?? parsed.data.channelData?.tenant?.id ?? 'unknown';
};

/** mulberry32: a tiny seeded PRNG, so fault fractions are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface FaultRule {
  readonly fault: ConnectorFault;
  readonly scope: FaultScope;
  /** Remaining count, fraction, or always. */
  remaining: number;
  readonly fraction: number | null;
}

const ruleMatches = (rule: FaultRule, conversationId: string | null, operation: ConnectorOperation): boolean =>
  (rule.scope.conversationId === undefined || rule.scope.conversationId === conversationId) &&
  (rule.scope.operations === undefined || rule.scope.operations.includes(operation));

function classify(method: string, path: string): { operation: ConnectorOperation; conversationId: string | null; activityId: string | null } {
  const send = SEND_PATH.exec(path);
  if (send !== null && method === 'POST') {
    return { operation: 'send', conversationId: decodeURIComponent(send[1] ?? ''), activityId: null };
  }
  const activity = ACTIVITY_PATH.exec(path);
  if (activity !== null && (method === 'POST' || method === 'PUT')) {
    return {
      operation: method === 'POST' ? 'reply' : 'update',
      conversationId: decodeURIComponent(activity[1] ?? ''),
      activityId: decodeURIComponent(activity[2] ?? ''),
    };
  }
  if (CONVERSATIONS_PATH.test(path) && method === 'POST') {
    return { operation: 'createConversation', conversationId: null, activityId: null };
  }
  const anyConversation = send?.[1] ?? activity?.[1];
  return { operation: 'unknown', conversationId: anyConversation === undefined ? null : decodeURIComponent(anyConversation), activityId: null };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // No encoding is set on the stream, so every chunk is a Buffer.
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
};

/** Sliding-window log of request times per key. */
class WindowLog {
  private readonly times = new Map<string, number[]>();
  constructor(private readonly longestWindowMs: number) {}

  /** The first window that one more request at `now` would exceed, if any. Does not record. */
  exceeded(key: string, now: number, windows: readonly RateWindow[]): RateWindow | undefined {
    const times = this.prune(key, now);
    return windows.find((window) => times.filter((time) => time > now - window.windowMs).length >= window.limit);
  }

  /** Milliseconds until `window` has room again for `key`. */
  msUntilRoom(key: string, now: number, window: RateWindow): number {
    const inWindow = this.prune(key, now).filter((time) => time > now - window.windowMs);
    const oldestThatMustExpire = inWindow[inWindow.length - window.limit];
    return oldestThatMustExpire === undefined ? 0 : Math.max(0, oldestThatMustExpire + window.windowMs - now);
  }

  record(key: string, now: number): void {
    this.prune(key, now).push(now);
  }

  private prune(key: string, now: number): number[] {
    const kept = (this.times.get(key) ?? []).filter((time) => time > now - this.longestWindowMs);
    this.times.set(key, kept);
    return kept;
  }
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const requests: RecordedRequest[] = [];
  const violations: RateViolation[] = [];
  const rules: FaultRule[] = [];
  const random = seededRandom(options.seed ?? 20_240_611);
  const waiters = new Set<() => void>();
  const limits = options.rateLimits;
  const longestWindowMs = Math.max(1, ...(limits?.perConversation ?? []).map((w) => w.windowMs), ...(limits?.perTenant ?? []).map((w) => w.windowMs));
  const conversationLog = new WindowLog(longestWindowMs);
  const tenantLog = new WindowLog(longestWindowMs);
  let nextActivityNumber = 1;
  let nextConversationNumber = 1;

  const scriptedFault = (conversationId: string | null, operation: ConnectorOperation): ConnectorFault | undefined => {
    for (const rule of rules) {
      if (!ruleMatches(rule, conversationId, operation)) continue;
      if (rule.fraction !== null) {
        // Draw for every matching request so the sequence of outcomes depends only on the seed and request order.
        if (random() < rule.fraction) return rule.fault;
        continue;
      }
      if (rule.remaining > 0) {
        rule.remaining -= 1;
        return rule.fault;
      }
    }
    return undefined;
  };

  /** Records the request against the windows and returns the 429 to answer, if the fake enforces limits. */
  const rateLimitFault = (conversationId: string | null, tenantId: string, method: string, path: string, now: number): ConnectorFault | undefined => {
    if (limits === undefined) return undefined;
    let retryAfterMs = 0;
    const overConversation = conversationId === null ? undefined : conversationLog.exceeded(conversationId, now, limits.perConversation);
    if (overConversation !== undefined && conversationId !== null) {
      violations.push({ scope: 'conversation', key: conversationId, rule: overConversation, at: now, method, path });
      retryAfterMs = Math.max(retryAfterMs, conversationLog.msUntilRoom(conversationId, now, overConversation));
    }
    const overTenant = tenantLog.exceeded(tenantId, now, limits.perTenant);
    if (overTenant !== undefined) {
      violations.push({ scope: 'tenant', key: tenantId, rule: overTenant, at: now, method, path });
      retryAfterMs = Math.max(retryAfterMs, tenantLog.msUntilRoom(tenantId, now, overTenant));
    }
    if (conversationId !== null) conversationLog.record(conversationId, now);
    tenantLog.record(tenantId, now);
    if ((overConversation === undefined && overTenant === undefined) || !limits.respondWith429) return undefined;
    return faults.throttled(Math.ceil(retryAfterMs / 1_000));
  };

  const answer = (response: ServerResponse, status: number, body: unknown, retryAfterSeconds?: number): void => {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    response.writeHead(status, headers);
    response.end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = Date.now();
    const rawBody = await readBody(request);
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://fake.invalid').pathname;
    const { operation, conversationId, activityId } = classify(method, path);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
    );
    const json = parseJson(rawBody);
    const body = json.ok ? json.value : null;

    let status: number;
    let retryAfterSeconds: number | null = null;
    let answeredId: string | null = null;
    let failedBecause: RecordedRequest['failedBecause'] = null;
    if (!json.ok) {
      status = 400;
      failedBecause = 'bad-request';
      answer(response, status, { error: { code: 'BadArgument', message: 'The request body is not valid JSON.' } });
    } else if (operation === 'unknown') {
      status = 404;
      failedBecause = 'no-route';
      answer(response, status, { error: { code: 'NotFound', message: `The fake connector has no route for ${method} ${path}.` } });
    } else {
      const fault = scriptedFault(conversationId, operation);
      const throttle = rateLimitFault(conversationId, bodyTenantId(body), method, path, receivedAt);
      const chosen = fault ?? throttle;
      if (chosen !== undefined) {
        status = chosen.status;
        retryAfterSeconds = chosen.retryAfterSeconds ?? null;
        failedBecause = fault !== undefined ? 'scripted' : 'rate-limit';
        answer(response, status, chosen.body, chosen.retryAfterSeconds);
      } else if (operation === 'createConversation') {
        status = 201;
        answeredId = `a:fake-conversation-${nextConversationNumber++}`;
        answer(response, status, { id: answeredId, activityId: null, serviceUrl: null });
      } else if (operation === 'update') {
        status = 200;
        answeredId = activityId;
        answer(response, status, { id: answeredId });
      } else {
        status = 201;
        answeredId = `fake-activity-${nextActivityNumber++}`;
        answer(response, status, { id: answeredId });
      }
    }

    requests.push({
      sequence: requests.length,
      method,
      path,
      operation,
      conversationId,
      activityId,
      headers,
      body,
      rawBody,
      receivedAt,
      status,
      retryAfterSeconds,
      answeredId,
      failedBecause,
    });
    for (const wake of [...waiters]) wake();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) answer(response, 500, { error: { code: 'FakeConnectorBug', message: String(error) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('The fake connector is not listening on a TCP port.');
  const url = `http://127.0.0.1:${address.port}/`;

  const toAccepted = (recorded: RecordedRequest): AcceptedActivity | undefined => {
    if (recorded.status >= 300 || recorded.conversationId === null || recorded.answeredId === null) return undefined;
    if (recorded.operation !== 'send' && recorded.operation !== 'reply' && recorded.operation !== 'update') return undefined;
    const parsed = activityBodySchema.safeParse(recorded.body);
    const body = parsed.success ? parsed.data : {};
    return {
      activityId: recorded.answeredId,
      operation: recorded.operation,
      conversationId: recorded.conversationId,
      type: parsed.success ? parsed.data.type : undefined,
      text: parsed.success ? parsed.data.text : undefined,
      attachments: parsed.success ? (parsed.data.attachments ?? []) : [],
      body,
      receivedAt: recorded.receivedAt,
    };
  };

  const activitiesSentTo = (conversationId: string): AcceptedActivity[] =>
    requests
      .filter((recorded) => recorded.conversationId === conversationId)
      .map(toAccepted)
      .filter((accepted): accepted is AcceptedActivity => accepted !== undefined);

  const addRule = (fault: ConnectorFault, scope: FaultScope, remaining: number, fraction: number | null): void => {
    rules.push({ fault, scope, remaining, fraction });
  };

  return {
    url,
    requests,
    violations,
    activitiesSentTo,
    messagesSentTo: (conversationId) => activitiesSentTo(conversationId).filter((accepted) => accepted.operation !== 'update'),
    currentActivity: (conversationId, activityId) =>
      activitiesSentTo(conversationId)
        .filter((accepted) => accepted.activityId === activityId)
        .at(-1),
    requestsTo: (conversationId) => requests.filter((recorded) => recorded.conversationId === conversationId),
    maxRequestsInWindow: (conversationId, windowMs) => {
      const times = requests.filter((recorded) => recorded.conversationId === conversationId).map((recorded) => recorded.receivedAt);
      let best = 0;
      let start = 0;
      for (let end = 0; end < times.length; end++) {
        while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
        best = Math.max(best, end - start + 1);
      }
      return best;
    },
    failNext: (count, fault, scope = {}) => {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`failNext needs a positive whole count, got ${count}.`);
      addRule(fault, scope, count, null);
    },
    failFraction: (fraction, fault, scope = {}) => {
      if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`failFraction needs a fraction between 0 and 1, got ${fraction}.`);
      addRule(fault, scope, 0, fraction);
    },
    failAlways: (fault, scope = {}) => addRule(fault, scope, Number.POSITIVE_INFINITY, null),
    clearFaults: () => {
      rules.length = 0;
    },
    waitFor: (predicate, timeoutMs = 5_000, description = 'the awaited condition') =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          let satisfied = false;
          try {
            satisfied = predicate();
          } catch (error) {
            finish();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          if (satisfied) {
            finish();
            resolve();
          }
        };
        const poll = setInterval(check, 10);
        const timeout = setTimeout(() => {
          finish();
          reject(new Error(`Fake connector: ${description} did not happen within ${timeoutMs} ms (${requests.length} requests so far).`));
        }, timeoutMs);
        const finish = (): void => {
          clearInterval(poll);
          clearTimeout(timeout);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const wake of [...waiters]) waiters.delete(wake);
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // botbuilder's HTTP agent keeps connections alive; close them so the server can stop now.
        server.closeAllConnections();
      }),
  };
}
