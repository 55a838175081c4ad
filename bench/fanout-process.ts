// Part 3 in a child process: the bot's proactive path as main.ts wires it (the file-backed store with its
// 10,000 mailboxes, the conversation reference registry, the persisted outbox with its default Teams limits,
// and the CloudAdapter sender in anonymous mode), sending alert cards to many channel conversations. The
// fake Bot Connector, with Teams' rate limits and scripted 429s, runs in the parent.
import { z } from 'zod';
import { botAppIdOf, createCloudAdapter } from '../src/bot/adapter.js';
import { renderMailboxAlertCard, toAdaptiveCardAttachment } from '../src/cards/index.js';
import { sampleMailboxAlertFailed } from '../src/cards/samples.js';
import { silentLogger } from '../src/shared/logger.js';
import { ConversationReferenceRegistry } from '../src/notify/conversation-references.js';
import { Outbox, outboundAttachmentSchema } from '../src/notify/outbox.js';
import { TeamsSender } from '../src/notify/teams-sender.js';
import { openEmailConfigStore } from '../src/store/email-config-store.js';
import { DocumentNotifyRepository } from '../src/store/notify-repository.js';
import { seedDocument } from '../src/store/org-file.js';
import { alertKeyOf, channelActivity, channelReferences, conversationIdOf } from './activities.js';
import { announceFailure, announceReady, serveParent } from './child-support.js';

const environmentSchema = z.object({
  BENCH_DATA_FILE: z.string().min(1, 'BENCH_DATA_FILE must name the data file'),
  BENCH_ORG_FILE: z.string().min(1, 'BENCH_ORG_FILE must name the organization file'),
  BENCH_SERVICE_URL: z.url('BENCH_SERVICE_URL must be the fake connector URL'),
  BENCH_CONVERSATIONS: z.coerce.number().int().min(1),
});

async function main(): Promise<void> {
  const environment = environmentSchema.parse(process.env);
  const store = await openEmailConfigStore(environment.BENCH_DATA_FILE, () => seedDocument(environment.BENCH_ORG_FILE), { groupCommit: true });
  const tenantId = store.organization.tenantId;
  // The channels the alerts go to, as if the bot had been added to each: one write for all of them.
  const channels = channelReferences(environment.BENCH_CONVERSATIONS, environment.BENCH_SERVICE_URL, tenantId);
  await store.transactDocument((current) => ({ next: { ...current, notify: { ...current.notify, references: [...current.notify.references, ...channels] } }, result: undefined }));

  const repository = new DocumentNotifyRepository(store);
  const references = await ConversationReferenceRegistry.open(repository);
  const adapter = createCloudAdapter(null, silentLogger);
  const sender = new TeamsSender({ adapter, botAppId: botAppIdOf(null), log: silentLogger });
  const outbox = await Outbox.open({ repository, references, sender, log: silentLogger });
  outbox.start();
  const card = outboundAttachmentSchema.parse(toAdaptiveCardAttachment(renderMailboxAlertCard(sampleMailboxAlertFailed)));

  serveParent(
    {
      /** New conversations through the registry, one after another, as first messages would record them. */
      recordNewConversations: async (argument) => {
        const { count } = z.object({ count: z.number().int().min(1) }).parse(argument);
        const before = store.writesPerformed;
        const started = performance.now();
        for (let index = 0; index < count; index++) {
          const recorded = await references.recordInbound(
            channelActivity(`19:bench-new-${index}@thread.tacv2`, { serviceUrl: environment.BENCH_SERVICE_URL, tenantId, teamId: '19:bench-new-team@thread.tacv2' }),
          );
          if (!recorded.ok) throw new Error(recorded.error);
        }
        return { count, elapsedMs: performance.now() - started, writes: store.writesPerformed - before };
      },
      fanOut: async (argument) => {
        const { count, timeoutMs } = z.object({ count: z.number().int().min(1), timeoutMs: z.number().positive() }).parse(argument);
        const before = { writes: store.writesPerformed, transactions: store.transactionsWritten };
        const keys = Array.from({ length: count }, (_, index) => alertKeyOf(index));
        const started = performance.now();
        const startedAtEpochMs = Date.now();
        let accepted = 0;
        let enqueuedMs: number | null = null;
        // Every enqueue starts now (each reserves its key at once); each resolves once its entry is saved.
        const enqueuedAll = Promise.all(
          keys.map(async (key, index) => {
            const result = await outbox.enqueue({
              idempotencyKey: key,
              target: { kind: 'conversation', conversationId: conversationIdOf(index) },
              activity: { type: 'message', text: `Mailbox alert [${key}]`, attachments: [card] },
            });
            if (result.status === 'accepted') accepted += 1;
          }),
        ).then(() => {
          enqueuedMs = performance.now() - started;
        });
        let budget: NodeJS.Timeout | undefined;
        const budgetOver = new Promise<'budget'>((resolve) => (budget = setTimeout(() => resolve('budget'), timeoutMs)));
        const first = await Promise.race([enqueuedAll.then(() => 'enqueued' as const), budgetOver]);
        const remainingMs = timeoutMs - (performance.now() - started);
        // Waiting for "settled" only makes sense once every alert is in the outbox; otherwise report where it stands.
        const report =
          first === 'enqueued' && remainingMs > 0 ? await outbox.whenSettled(keys, remainingMs).catch(() => outbox.deliveryReport(keys)) : outbox.deliveryReport(keys);
        clearTimeout(budget);
        const settledMs = performance.now() - started;
        return {
          startedAtEpochMs,
          accepted,
          enqueuedMs,
          settledMs,
          sent: report.sent.length,
          failed: report.failed.map((failure) => `${failure.idempotencyKey}: ${failure.reason} ${failure.detail}`),
          pending: report.pending.map((entry) => entry.idempotencyKey),
          unknown: report.unknown.length,
          writes: store.writesPerformed - before.writes,
          transactionsWritten: store.transactionsWritten - before.transactions,
        };
      },
    },
    () => outbox.stop(),
  );
  announceReady(undefined, { conversations: channels.length });
}

main().catch(announceFailure);
