// Part 4 in a child process: the real file-backed store over a 10,000-mailbox data file, driven through the
// approval use cases exactly as the bot calls them (the approval card's compare-and-set decision, and
// `approve mailbox pending`). The parent copies a fresh data file for every scenario and samples this
// process's memory from outside.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { UseCaseContext } from '../src/app/context.js';
import { createInProcessEventBus } from '../src/app/events.js';
import { approveEmail, decideEmailApproval } from '../src/app/index.js';
import { openEmailConfigStore, type DocumentEmailConfigStore } from '../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../src/store/embedded-records.js';
import { seedDocument } from '../src/store/org-file.js';
import { announceFailure, announceReady, serveParent } from './child-support.js';

const environmentSchema = z.object({
  BENCH_DATA_FILE: z.string().min(1, 'BENCH_DATA_FILE must name the data file'),
  BENCH_ORG_FILE: z.string().min(1, 'BENCH_ORG_FILE must name the organization file'),
  BENCH_GROUP_COMMIT: z.enum(['on', 'off'], { error: 'BENCH_GROUP_COMMIT must be on or off' }),
});

const singleApprovalsSchema = z.object({
  count: z.number().int().min(1),
  /** `true`: each approval waits for the previous one's write. `false`: all are issued at once, in order. */
  awaitEach: z.boolean(),
  /** Stop issuing new approvals after this long (awaited mode only). */
  budgetMs: z.number().positive().optional(),
});

async function main(): Promise<void> {
  const environment = environmentSchema.parse(process.env);
  const openedAt = performance.now();
  const store: DocumentEmailConfigStore = await openEmailConfigStore(environment.BENCH_DATA_FILE, () => seedDocument(environment.BENCH_ORG_FILE), {
    groupCommit: environment.BENCH_GROUP_COMMIT === 'on',
  });
  const openMs = performance.now() - openedAt;
  const records = new EmbeddedOrganizationRecords(store);
  const context: UseCaseContext = {
    records,
    auditLog: records,
    clock: { now: () => new Date() },
    ids: { next: (prefix) => `${prefix}-${randomUUID()}` },
    events: createInProcessEventBus(() => undefined),
  };
  const approver = store.userById('user-ada');
  if (approver === undefined) throw new Error('The organization has no user-ada to approve with');
  const counters = () => ({ writes: store.writesPerformed, snapshots: store.snapshotsWritten, transactionsWritten: store.transactionsWritten });

  serveParent({
    singleApprovals: async (argument) => {
      const { count, awaitEach, budgetMs } = singleApprovalsSchema.parse(argument);
      const pending = store.queryMailboxes({ approval: 2 }, 0, count).items;
      const before = counters();
      const started = performance.now();
      let approved = 0;
      let refused = 0;
      const decide = async (mailboxId: string, expectedVersion: number): Promise<void> => {
        const decided = await decideEmailApproval(context, approver, { mailboxId, decision: 'approved', expectedVersion });
        if (decided.ok) approved += 1;
        else refused += 1;
      };
      if (awaitEach) {
        for (const mailbox of pending) {
          if (budgetMs !== undefined && performance.now() - started > budgetMs) break;
          await decide(mailbox.id, mailbox.version);
        }
      } else {
        await Promise.all(pending.map((mailbox) => decide(mailbox.id, mailbox.version)));
      }
      const elapsedMs = performance.now() - started;
      const after = counters();
      return {
        attempted: approved + refused,
        approved,
        refused,
        elapsedMs,
        writes: after.writes - before.writes,
        snapshotsWritten: after.snapshots - before.snapshots,
        transactionsWritten: after.transactionsWritten - before.transactionsWritten,
      };
    },
    bulkApproval: async () => {
      const before = counters();
      const started = performance.now();
      const result = await approveEmail(context, approver, { mailboxes: 'pending' });
      const elapsedMs = performance.now() - started;
      if (!result.ok) throw new Error(`approve mailbox pending was refused: ${result.error.message}`);
      const after = counters();
      const changed = result.value.outcomes.filter((outcome) => outcome.status === 'changed').length;
      return {
        approved: changed,
        outcomes: result.value.outcomes.length,
        elapsedMs,
        writes: after.writes - before.writes,
        snapshotsWritten: after.snapshots - before.snapshots,
        transactionsWritten: after.transactionsWritten - before.transactionsWritten,
      };
    },
  });
  announceReady(undefined, { openMs, mailboxes: store.mailboxes().length });
}

main().catch(announceFailure);
