// The baseline: a bare echo bot on the same stack as Mailbox Sync Bot (restify 11, the same body parser
// settings, botbuilder's CloudAdapter in anonymous local mode), replying to each message with its text.
// Everything the real bot does beyond this is what the chat benchmark measures.
// With BENCH_ECHO_REPLY_FILE it answers every message with that fixed activity instead (a card the real bot
// sent): the cost of carrying that card through botbuilder, with none of the bot's own work.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { readFile } from 'node:fs/promises';
import restify from 'restify';
import { z } from 'zod';
import { openEmailConfigStore } from '../src/store/email-config-store.js';
import { announceFailure, announceReady, serveParent } from './child-support.js';
import { allocationSamplingHandlers, profilingHandlers } from './cpu-profile.js';

const replySchema = z.looseObject({ text: z.string().optional(), attachments: z.array(z.looseObject({ contentType: z.string(), content: z.unknown() })).optional() });

async function main(): Promise<void> {
  // With BENCH_ECHO_HOLD_DATA_FILE it also opens the bot's data file through the real store and keeps it (and
  // its indexes) in memory, unused: what holding a 10,000-mailbox organization costs a bot by itself (the
  // garbage collector works over a larger heap), with none of the bot's work per request.
  const holdFile = z.string().min(1).optional().parse(process.env.BENCH_ECHO_HOLD_DATA_FILE);
  const held = holdFile === undefined ? undefined : await openEmailConfigStore(holdFile, () => Promise.reject(new Error(`${holdFile} must exist`)));
  const replyFile = z.string().min(1).optional().parse(process.env.BENCH_ECHO_REPLY_FILE);
  const fixedReply = replyFile === undefined ? undefined : replySchema.parse(JSON.parse(await readFile(replyFile, 'utf8')));
  const authentication = new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({}));
  const adapter = new CloudAdapter(authentication);
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false, rejectUnknown: true }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      if (fixedReply === undefined) await context.sendActivity(context.activity.text ?? '');
      else await context.sendActivity({ type: 'message', ...fixedReply });
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = z.object({ port: z.number() }).parse(server.address());
  serveParent(
    {
      ...profilingHandlers(),
      ...allocationSamplingHandlers(),
      heldMailboxes: () => held?.mailboxes().length ?? 0,
    },
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
      }),
  );
  announceReady(`http://127.0.0.1:${address.port}`);
}

main().catch(announceFailure);
