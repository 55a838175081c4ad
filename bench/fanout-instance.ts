// Issue 16, fan-out with several instances: one bot instance's proactive path as main.ts wires it with
// STATE_STORE=postgres (openPostgresBotState, the conversation reference registry and the shared outbox with
// its default Teams limits, the CloudAdapter sender in anonymous mode), in a process of its own. The parent
// starts one or two of these on one database and asks one of them to fan out; the fake Bot Connector, with
// Teams' limits, runs in the parent.
import { z } from 'zod';
import type { SharedOutboxCoordination } from '../src/app/notify-state.js';
import { botAppIdOf, createCloudAdapter } from '../src/bot/adapter.js';
import { renderMailboxAlertCard, toAdaptiveCardAttachment } from '../src/cards/index.js';
import { sampleMailboxAlertFailed } from '../src/cards/samples.js';
import { silentLogger } from '../src/shared/logger.js';
import { ConversationReferenceRegistry } from '../src/notify/conversation-references.js';
import { Outbox, outboundAttachmentSchema } from '../src/notify/outbox.js';
import { TeamsSender } from '../src/notify/teams-sender.js';
import { openPostgresBotState } from '../src/postgres/bot-state.js';
import { alertKeyOf, conversationIdOf } from './activities.js';
import { announceFailure, announceReady, serveParent } from './child-support.js';

const environmentSchema = z.object({
  BENCH_DATABASE_URL: z.string().min(1, 'BENCH_DATABASE_URL must name the database'),
});

async function main(): Promise<void> {
  const environment = environmentSchema.parse(process.env);
  const state = await openPostgresBotState(environment.BENCH_DATABASE_URL);
  const references = await ConversationReferenceRegistry.open(state.notify);
  const adapter = createCloudAdapter(null, silentLogger);
  const sender = new TeamsSender({ adapter, botAppId: botAppIdOf(null), log: silentLogger });
  // Alerts this instance delivered itself (an outcome is emitted by the instance that made the send).
  let sentHere = 0;
  const onOutcome = (outcome: { readonly state: string }): void => {
    if (outcome.state === 'sent') sentHere += 1;
  };
  // The shared coordination as the outbox gets it, counting how often the shared rate windows admitted or refused a send.
  const admissions = { granted: 0, refused: 0 };
  const { notify } = state;
  const shared: SharedOutboxCoordination = {
    instanceId: notify.instanceId,
    insertNew: (entries) => notify.insertNew(entries),
    claimHead: (conversationId, leaseMs) => notify.claimHead(conversationId, leaseMs),
    pendingConversations: () => notify.pendingConversations(),
    settledEntries: (keys) => notify.settledEntries(keys),
    reference: (lookup) => notify.reference(lookup),
    admit: async (scopes, inFlightTimeoutMs) => {
      const admission = await notify.admit(scopes, inFlightTimeoutMs);
      if (admission.ok) admissions.granted += 1;
      else admissions.refused += 1;
      return admission;
    },
  };
  const outbox = await Outbox.open({ repository: notify, references, sender, log: silentLogger, shared, onOutcome });
  outbox.start();
  const card = outboundAttachmentSchema.parse(toAdaptiveCardAttachment(renderMailboxAlertCard(sampleMailboxAlertFailed)));

  serveParent(
    {
      sentHere: () => ({ sent: sentHere, ...admissions }),
      /** One fan-out as an alert would make it: every alert saved in one write, then delivered by whichever instance claims it. */
      fanOut: async (argument) => {
        const { count } = z.object({ count: z.number().int().min(1) }).parse(argument);
        const startedAtEpochMs = Date.now();
        const started = performance.now();
        const results = await outbox.enqueueMany(
          Array.from({ length: count }, (_, index) => ({
            idempotencyKey: alertKeyOf(index),
            target: { kind: 'conversation' as const, conversationId: conversationIdOf(index) },
            activity: { type: 'message' as const, text: `Mailbox alert [${alertKeyOf(index)}]`, attachments: [card] },
          })),
        );
        return { startedAtEpochMs, enqueuedMs: performance.now() - started, accepted: results.filter((result) => result.status === 'accepted').length };
      },
    },
    async () => {
      await outbox.stop();
      await state.close();
    },
  );
  announceReady(undefined, { references: references.all().length });
}

main().catch(announceFailure);
