// One bot instance's proactive delivery, as a process of its own: the outbox on the shared PostgreSQL, sending
// through the real Teams sender to the fake Bot Connector. The multi-instance test starts two and SIGKILLs one.
// Environment: DATABASE_URL, INSTANCE (its name), ENQUEUE ("<first>-<last>": alert keys to enqueue), TENANT,
// TENANT_LIMIT (requests per second for the tenant), CLAIM_LEASE_MS.
import { z } from 'zod';
import { createCloudAdapter } from '../../src/bot/adapter.js';
import { ConversationReferenceRegistry } from '../../src/notify/conversation-references.js';
import { Outbox } from '../../src/notify/outbox.js';
import { TeamsSender } from '../../src/notify/teams-sender.js';
import { openPostgresPool } from '../../src/postgres/connection.js';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { createLogger } from '../../src/shared/logger.js';

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    INSTANCE: z.string().min(1),
    ENQUEUE: z.string().regex(/^\d+-\d+$/).optional(),
    TENANT: z.string().min(1),
    TENANT_LIMIT: z.coerce.number().int().min(1),
    CLAIM_LEASE_MS: z.coerce.number().int().min(100),
  })
  .parse(process.env);

const logger = createLogger('silent');
const pool = await openPostgresPool(env.DATABASE_URL, { max: 12 });
const repository = new PostgresNotifyRepository(pool, { instanceId: env.INSTANCE });
const references = await ConversationReferenceRegistry.open(repository);
const sender = new TeamsSender({ adapter: createCloudAdapter(null, logger), botAppId: '' });
const outbox = await Outbox.open({
  repository,
  references,
  sender,
  shared: repository,
  globalLimits: [{ limit: env.TENANT_LIMIT, windowMs: 1_000 }],
  backoff: { baseMs: 20, maxMs: 200 },
  maxConcurrentSends: 16,
  sharedPollMs: 200,
  claimLeaseMs: env.CLAIM_LEASE_MS,
  attemptTimeoutMs: 5_000,
});
outbox.start();
process.stdout.write('ready\n');

if (env.ENQUEUE !== undefined) {
  const [first, last] = env.ENQUEUE.split('-').map(Number);
  const conversations = references.all().map((reference) => reference.conversationId);
  const requests = [];
  for (let index = first ?? 0; index <= (last ?? -1); index++) {
    const conversationId = conversations[index % conversations.length];
    if (conversationId === undefined) throw new Error('no conversation references were seeded');
    requests.push({ idempotencyKey: `alert-${index}`, target: { kind: 'conversation' as const, conversationId }, activity: { type: 'message' as const, text: `alert-${index}` } });
  }
  // One fan-out: the alerts saved in one write, then delivered (by whichever instance claims each conversation).
  const results = await outbox.enqueueMany(requests);
  process.stdout.write(`enqueued ${results.filter((result) => result.status === 'accepted').length}\n`);
}
