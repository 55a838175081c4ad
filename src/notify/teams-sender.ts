// The outbox's transport on botbuilder's CloudAdapter: continueConversationAsync, then sendActivity or
// updateActivity, with Connector errors turned into SendFailure data.
//
// botbuilder's own retries, and why this sender switches them off (read in botbuilder 4.23.3 and checked
// at runtime against test/support/fake-connector.ts):
// - CloudAdapter creates a new ConnectorClient for every continueConversationAsync
//   (botframework-connector ConnectorFactoryImpl.create). ConnectorClient extends botbuilder-stdlib's
//   ServiceClientContext, which builds an @azure/core-client ServiceClient; its pipeline comes from
//   @azure/core-rest-pipeline createPipelineFromOptions and always contains `defaultRetryPolicy`
//   (implemented in @typespec/ts-http-runtime): up to 3 retries, with
//     - throttlingRetryStrategy: 429 and 503 that carry Retry-After / retry-after-ms, waiting that long;
//     - exponentialRetryStrategy: 408 and every 5xx except 501/505, *500 included*, and network errors
//       (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ...), 1 s base delay, 64 s ceiling.
//   ServiceClientContext does not pass `retryOptions` on, so ConnectorClientOptions cannot turn it off.
// - Observed: a scripted 500 became two requests (500, then 201) and a 429 was retried inside one
//   sendActivity call, invisible to the caller.
// - Left on, one outbox attempt could be 4 HTTP requests: outside the outbox's rate limiter, re-posting a
//   message after a 500 (which Teams says not to retry, and which may already have been posted), and
//   sleeping up to a minute inside a send slot; with the outbox's own retries, attempts would multiply.
// So, inside each continuation and before sending, the sender removes the policy named
// `defaultRetryPolicy` from that turn's ConnectorClient pipeline (turnState[adapter.ConnectorClientKey] →
// its `client` → `pipeline.removePolicy`). That client lives for this one proactive turn only; inbound turn
// replies keep botbuilder's defaults. If a botbuilder update moves these internals, the sender logs a warning
// once and carries on (then each attempt may again be several requests); the HTTP-level tests would catch it.
//
// How errors arrive: a RestError (@azure/core-rest-pipeline) with `statusCode`, `code` (Teams' `error.code`
// from the body), `details` (the parsed body), `message`, and `response.headers.get()`. MessageWritesBlocked
// has no `error.code`: Teams puts it as `subCode` inside a JSON string in `message`, so it is found by text.
// Calls that got no answer carry a system `code` (e.g. ECONNREFUSED) and no `statusCode`.
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { OutboundActivity } from '../app/outbox-records.js';
import type { DeliveryAddress, ProactiveSender, SendFailure, SendOutcome } from './sender.js';

export interface TeamsSenderOptions {
  readonly adapter: CloudAdapter;
  /** The bot's Microsoft App Id; '' in local anonymous mode (teams.md §2.8). */
  readonly botAppId: string;
  readonly log?: { warn(message: string, fields?: Record<string, unknown>): void };
  /** Wall clock for HTTP-date Retry-After values; injectable for tests. */
  readonly now?: () => number;
}

interface HeaderBag {
  get(name: string): string | undefined;
}
const isHeaderBag = (value: unknown): value is HeaderBag =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'get') === 'function';

// The parts of a RestError (or any thrown value) the sender reads.
const connectorErrorSchema = z.looseObject({
  statusCode: z.number().int().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  details: z.unknown().optional(),
  response: z
    .looseObject({
      headers: z.custom<HeaderBag>(isHeaderBag).optional().catch(undefined),
      bodyAsText: z.string().nullish().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

const teamsErrorBodySchema = z.looseObject({
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }),
});

/**
 * Milliseconds from a `Retry-After` value: delta-seconds (`"2"`, `"0.5"`) or an HTTP date; null when absent
 * or unreadable. Negative waits (a date in the past) are 0.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function retryAfterOf(headers: HeaderBag | undefined, now: number): number | null {
  if (headers === undefined) return null;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers.get(name);
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value.trim()));
  }
  return parseRetryAfter(headers.get('retry-after'), now);
}

/** Turns whatever botbuilder threw into a SendFailure. */
export function toSendFailure(error: unknown, now: number): SendFailure {
  const parsed = connectorErrorSchema.safeParse(error);
  const fields = parsed.success ? parsed.data : {};
  const message = fields.message ?? (error instanceof Error ? error.message : String(error));
  const body = teamsErrorBodySchema.safeParse(fields.details);
  const bodyText = [message, fields.response?.bodyAsText ?? '', JSON.stringify(fields.details ?? null)].join(' ');
  const code =
    (body.success ? body.data.error.code : undefined) ??
    (bodyText.includes('MessageWritesBlocked') ? 'MessageWritesBlocked' : undefined) ??
    fields.code ??
    null;
  return {
    status: fields.statusCode ?? null,
    code,
    message: (body.success ? body.data.error.message : undefined) ?? message,
    retryAfterMs: retryAfterOf(fields.response?.headers, now),
  };
}

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
}
const isPipeline = (value: unknown): value is PipelineLike =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'removePolicy') === 'function';

/** Removes botbuilder's built-in retry policy from this turn's ConnectorClient; false when it cannot be found. */
export function disableConnectorRetries(context: TurnContext, adapter: Pick<CloudAdapter, 'ConnectorClientKey'>): boolean {
  const connectorClient: unknown = context.turnState.get(adapter.ConnectorClientKey);
  if (typeof connectorClient !== 'object' || connectorClient === null) return false;
  const serviceClient: unknown = Reflect.get(connectorClient, 'client');
  if (typeof serviceClient !== 'object' || serviceClient === null) return false;
  const pipeline: unknown = Reflect.get(serviceClient, 'pipeline');
  if (!isPipeline(pipeline)) return false;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  return true;
}

const referenceOf = (address: DeliveryAddress): Partial<ConversationReference> => ({
  channelId: address.channelId,
  serviceUrl: address.serviceUrl,
  conversation: {
    id: address.conversationId,
    conversationType: address.conversationType,
    tenantId: address.tenantId ?? undefined,
    isGroup: address.conversationType !== 'personal',
    name: '',
  },
  bot: { id: address.botId, name: '' },
  user: address.userId === null ? undefined : { id: address.userId, name: '' },
});

const activityOf = (activity: OutboundActivity): Partial<Activity> => ({ ...activity });

export class TeamsSender implements ProactiveSender {
  private warnedAboutRetries = false;
  private readonly now: () => number;

  constructor(private readonly options: TeamsSenderOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  send(address: DeliveryAddress, activity: OutboundActivity): Promise<SendOutcome> {
    return this.continueWith(address, async (context) => {
      const response = await context.sendActivity(activityOf(activity));
      return response?.id || null;
    });
  }

  update(address: DeliveryAddress, activityId: string, activity: OutboundActivity): Promise<SendOutcome> {
    return this.continueWith(address, async (context) => {
      const response = await context.updateActivity({ ...activityOf(activity), id: activityId });
      return (response ? response.id : undefined) || activityId;
    });
  }

  private async continueWith(address: DeliveryAddress, work: (context: TurnContext) => Promise<string | null>): Promise<SendOutcome> {
    let activityId: string | null = null;
    try {
      await this.options.adapter.continueConversationAsync(this.options.botAppId, referenceOf(address), async (context) => {
        if (!disableConnectorRetries(context, this.options.adapter) && !this.warnedAboutRetries) {
          this.warnedAboutRetries = true;
          this.options.log?.warn("could not switch off botbuilder's connector retry policy; each attempt may be several requests", {
            conversationId: address.conversationId,
          });
        }
        activityId = await work(context);
      });
      return { ok: true, activityId };
    } catch (error) {
      return { ok: false, failure: toSendFailure(error, this.now()) };
    }
  }
}
