// The HTTP edge: restify with POST /api/messages (Bot Framework protocol) and GET /healthz.
import type { Activity, TurnContext } from 'botbuilder';
import restify from 'restify';
import { z } from 'zod';
import { withLogBindings, type Logger } from '../shared/logger.js';
import type { AuthenticatingCloudAdapter } from './adapter.js';
import { describeIssues } from '../shared/zod-problems.js';

/**
 * A channel account as botbuilder copies it into every reply (from ↔ recipient): its serializer refuses a
 * reply whose account fields have the wrong type, so such an activity is refused here instead of failing its turn.
 */
const accountSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  aadObjectId: z.string().optional(),
  role: z.string().optional(),
});

/** encodeURIComponent throws on a lone surrogate, as botbuilder would when it builds the reply's URL. */
function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const hasControlCharacter = (text: string): boolean => /[\x00-\x1f\x7f]/.test(text);

/**
 * An id botbuilder puts into a Connector URL path when it replies (conversation id, activity id as replyToId):
 * a dot segment would address another resource, and a huge or unencodable id breaks the reply after the turn has run.
 */
const pathIdSchema = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .refine((id) => id !== '.' && id !== '..' && !hasControlCharacter(id) && encodable(id), 'must not be a dot segment or hold control characters or lone surrogates');

/** The shape botbuilder needs to read the activity and to address replies; anything else is answered 400. */
const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: pathIdSchema(512).optional(),
    replyToId: pathIdSchema(512).optional(),
    serviceUrl: z.string().min(1).max(2048).optional(),
    channelId: z.string().max(64).optional(),
    locale: z.string().max(64).optional(),
    from: accountSchema.optional(),
    recipient: accountSchema.optional(),
    conversation: z
      .looseObject({
        // Also sent as the x-ms-conversation-id header, which takes printable ASCII only (Teams ids are).
        id: pathIdSchema(1024).refine((id) => /^[\x20-\x7e]+$/.test(id), 'must be printable ASCII'),
        name: z.string().optional(),
        conversationType: z.string().optional(),
        tenantId: z.string().optional(),
        isGroup: z.boolean().optional(),
        aadObjectId: z.string().optional(),
        role: z.string().optional(),
      })
      .optional(),
  })
  .loose();

/**
 * botbuilder's Activity, as far as botbuilder itself checks one (an object with a string type), once it fits
 * inboundActivitySchema: one parse per request, whose issues are the refusal's (the body goes on unchanged).
 */
const activitySchema = z.custom<Activity>().superRefine((value, ctx) => {
  const inbound = inboundActivitySchema.safeParse(value);
  if (!inbound.success) for (const issue of inbound.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

/** A scheme and a token at most: anything else is not a credential (and is never echoed or logged). */
const authorizationSchema = z.string().max(16 * 1024).catch('');

/** Refusals say what kind of failure it was and nothing of the library's reasoning. */
const refusalBodies = {
  401: { error: { code: 'Unauthorized', message: 'The request is not authorized.' } },
  403: { error: { code: 'Forbidden', message: 'The request is not allowed.' } },
} as const;

export interface ActivityEndpointOptions {
  readonly adapter: AuthenticatingCloudAdapter;
  readonly handleTurn: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
}

/** What POST /api/messages answers: a status and a JSON body, if any. */
export interface EndpointReply {
  readonly status: number;
  readonly body?: unknown;
}

/** POST /api/messages without the socket: a parsed JSON body and the Authorization header in, the reply out. */
export type ActivityEndpoint = (body: unknown, authorization: unknown) => Promise<EndpointReply>;

export function createActivityEndpoint(options: ActivityEndpointOptions): ActivityEndpoint {
  return async (body, authorization) => {
    const parsed = activitySchema.safeParse(body);
    if (!parsed.success) {
      return {
        status: 400,
        body: { error: { code: 'BadRequest', message: `Not a Bot Framework activity: ${describeIssues(parsed.error, { root: 'body' }).join('; ')}` } },
      };
    }
    const activity = parsed.data;
    // Every line logged during the turn carries which activity it was (a child logger per turn), read from the
    // parse above: the activity is read with zod once here, not again for the log.
    const bindings = { turn: activity.id, activityType: activity.type, conversation: activity.conversation?.id };
    return withLogBindings(bindings, () => answerActivity(options, activity, authorization));
  };
}

async function answerActivity(options: ActivityEndpointOptions, activity: Activity, authorization: unknown): Promise<EndpointReply> {
  try {
    const answer = await options.adapter.handleInbound(activity, authorizationSchema.parse(authorization), options.handleTurn);
    if (answer.kind === 'answered') return { status: answer.status, body: answer.body };
    // The reason is botbuilder's or jsonwebtoken's message: for the log, never for the caller.
    options.logger.warn('refused an unauthenticated request', { status: answer.status, reason: answer.reason });
    return { status: answer.status, body: refusalBodies[answer.status] };
  } catch (error) {
    // botbuilder rejects shapes it cannot read by throwing; that is the caller's fault, not ours.
    options.logger.warn('rejected activity', { error });
    return { status: 400, body: { error: { code: 'BadRequest', message: 'The activity could not be read.' } } };
  }
}

export interface HttpServerOptions {
  readonly endpoint: ActivityEndpoint;
  /** Reported by /healthz; throwing or `false` makes it answer 503. */
  readonly isReady: () => boolean;
  /** The system holding the records, when it is not the data file: /healthz says whether it can be reached. */
  readonly backendStatus?: () => BackendStatus;
}

export interface BackendStatus {
  readonly name: string;
  readonly reachable: boolean;
  /** Why not, in words an admin can act on. */
  readonly detail?: string;
}

export function createHttpServer(options: HttpServerOptions): restify.Server {
  const server = restify.createServer({ name: 'mailbox-sync-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const reply = await options.endpoint(req.body, req.headers.authorization);
    res.status(reply.status);
    if (reply.body === undefined) res.end();
    else res.json(reply.body);
  });

  // restify 11 wants handlers async or taking `next`.
  server.get('/healthz', async (_req, res) => {
    await Promise.resolve();
    let ready = false;
    try {
      ready = options.isReady();
    } catch {
      ready = false;
    }
    res.status(ready ? 200 : 503);
    // The bot runs and answers while the backend is unreachable (each command says so): still 200, "degraded".
    const backend = options.backendStatus?.();
    if (backend === undefined) res.json({ status: ready ? 'ok' : 'starting' });
    else res.json({ status: !ready ? 'starting' : backend.reachable ? 'ok' : 'degraded', backend: { name: backend.name, reachable: backend.reachable, ...(backend.detail === undefined ? {} : { detail: backend.detail }) } });
  });

  return server;
}

export async function listen(server: restify.Server, port: number, host: string): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = z.object({ port: z.number() }).safeParse(server.address());
  const boundPort = address.success ? address.data.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { port: boundPort, url: `http://${shownHost}:${boundPort}` };
}

export async function close(server: restify.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
  });
}
