// The baseline: a bare echo bot on the same stack as Mailbox Sync Bot (restify 11, the same body parser
// settings, botbuilder's CloudAdapter in anonymous local mode), replying to each message with its text.
// Everything the real bot does beyond this is what the chat benchmark measures.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import restify from 'restify';
import { z } from 'zod';
import { announceFailure, announceReady, serveParent } from './child-support.js';

async function main(): Promise<void> {
  const authentication = new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({}));
  const adapter = new CloudAdapter(authentication);
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false, rejectUnknown: true }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await context.sendActivity(context.activity.text ?? '');
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = z.object({ port: z.number() }).parse(server.address());
  serveParent({}, () => new Promise((resolve) => {
    server.close(() => resolve());
  }));
  announceReady(`http://127.0.0.1:${address.port}`);
}

main().catch(announceFailure);
