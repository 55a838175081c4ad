// The HTTP edge: restify with POST /api/messages (Bot Framework protocol) and GET /healthz.
import type { CloudAdapter, TurnContext } from 'botbuilder';
import restify from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger.js';

/** The smallest shape botbuilder needs; anything else is answered 400 before it reaches the adapter. */
const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    serviceUrl: z.string().min(1).max(2048).optional(),
    channelId: z.string().max(64).optional(),
    conversation: z.object({ id: z.string().min(1) }).loose().optional(),
  })
  .loose();

export interface HttpServerOptions {
  readonly adapter: CloudAdapter;
  readonly handleTurn: (context: TurnContext) => Promise<void>;
  readonly logger: Logger;
  /** Reported by /healthz; throwing or `false` makes it answer 503. */
  readonly isReady: () => boolean;
}

export function createHttpServer(options: HttpServerOptions): restify.Server {
  const server = restify.createServer({ name: 'mailbox-sync-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const body: unknown = req.body;
    const parsed = inboundActivitySchema.safeParse(body);
    if (!parsed.success) {
      res.status(400);
      res.json({ error: { code: 'BadRequest', message: `Not a Bot Framework activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}` } });
      return;
    }
    try {
      await options.adapter.process(req, res, options.handleTurn);
    } catch (error) {
      // botbuilder rejects shapes it cannot read by throwing; that is the caller's fault, not ours.
      options.logger.warn('rejected activity', { error });
      if (!res.headersSent) {
        res.status(400);
        res.json({ error: { code: 'BadRequest', message: 'The activity could not be read.' } });
      }
    }
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
    res.json({ status: ready ? 'ok' : 'starting' });
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
