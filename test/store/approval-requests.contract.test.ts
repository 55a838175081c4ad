// The approval request contract on the data file and on PostgreSQL (the mailbox in the embedded store); and what
// only PostgreSQL must add: two instances clicking at once decide each request exactly once, and a concurrent
// `update` never overwrites a decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalDecisionRecordsWriter } from '../../src/app/approvals/approval-requests.js';
import type { Mailbox } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { PostgresApprovalRequestRepository } from '../../src/postgres/approval-requests.js';
import { DocumentApprovalRequestRepository, embeddedDecisionWriter } from '../../src/store/approvals-repository.js';
import { createInMemoryEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { exampleDocument } from '../support/fixtures.js';
import { migratedDatabase, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { approvalCommit, approvalRequest, describeApprovalRequestsContract } from './approval-requests.contract.js';

let postgres: TestPostgres | undefined;
const pools: { end(): Promise<void> }[] = [];
beforeAll(async () => { postgres = await startTestPostgres(); }, 60_000);
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await postgres?.stop();
});

async function storeWithPendingMailbox(): Promise<{ readonly store: DocumentEmailConfigStore; readonly mailbox: () => Promise<Mailbox> }> {
  const store = createInMemoryEmailConfigStore(await exampleDocument());
  const pending = store.mailboxes().find((mailbox) => mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval);
  if (pending === undefined) throw new Error('the example organization has a mailbox pending approval');
  return {
    store,
    mailbox: () => {
      const current = store.mailboxById(pending.id);
      return current === undefined ? Promise.reject(new Error('mailbox vanished')) : Promise.resolve(current);
    },
  };
}

describeApprovalRequestsContract('data file', async () => {
  const { store, mailbox } = await storeWithPendingMailbox();
  return { repository: new DocumentApprovalRequestRepository(store), mailbox };
});

describeApprovalRequestsContract('PostgreSQL', async () => {
  const { store, mailbox } = await storeWithPendingMailbox();
  const { pool } = await migratedDatabase(postgres);
  pools.push(pool);
  return { repository: new PostgresApprovalRequestRepository(pool, embeddedDecisionWriter(store)), mailbox };
});

describe('approval requests shared by two instances on PostgreSQL', () => {
  it('writes the records of each of 10 requests once, whatever 200 clicks from two instances race', async () => {
    const database = await migratedDatabase(postgres);
    const other = await database.open();
    pools.push(database.pool, other);
    const { mailbox } = await storeWithPendingMailbox();
    const base = await mailbox();
    // No compare-and-set here: only the repository's lock stands between the clicks and a second write.
    const writes: string[] = [];
    const writer: ApprovalDecisionRecordsWriter = async (decision) => {
      writes.push(decision.request.id);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { ok: true };
    };
    const instances = [new PostgresApprovalRequestRepository(database.pool, writer), new PostgresApprovalRequestRepository(other, writer)];
    const requests = Array.from({ length: 10 }, (_, index) => approvalRequest({ ...base, id: `mailbox-${index}` }, { id: `approval-${index}` }));
    await instances[0]?.update(() => ({ upserts: requests, result: undefined }));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, click) => {
        const request = requests[click % 10];
        const instance = instances[click % 2];
        if (request === undefined || instance === undefined) throw new Error('no request');
        return instance.commitDecision(approvalCommit({ ...base, id: request.mailboxId }, request, `user-${click}`));
      }),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(10);
    expect([...writes].sort()).toEqual(requests.map((request) => request.id).sort());
    expect((await instances[1]?.all())?.every((request) => request.status === 'approved')).toBe(true);
    // Each decision's audit entry and event were committed with it, once.
    const { rows } = await database.pool.query<{ audit: string; events: string }>('SELECT (SELECT count(*) FROM audit_entries) AS audit, (SELECT count(*) FROM domain_events) AS events');
    expect(rows[0]).toEqual({ audit: '10', events: '10' });
  });

  it('never lets an update computed from a pending request overwrite a decision committed meanwhile', async () => {
    const database = await migratedDatabase(postgres);
    const other = await database.open();
    pools.push(database.pool, other);
    const { store, mailbox } = await storeWithPendingMailbox();
    const before = await mailbox();
    const request = approvalRequest(before);
    const deciding = new PostgresApprovalRequestRepository(database.pool, embeddedDecisionWriter(store));
    const reporting = new PostgresApprovalRequestRepository(other, embeddedDecisionWriter(store));
    await deciding.update(() => ({ upserts: [request], result: undefined }));
    await Promise.all([
      deciding.commitDecision(approvalCommit(before, request)),
      ...Array.from({ length: 20 }, () =>
        reporting.update((current) => ({ upserts: current.map((each) => ({ ...each, requesterReportedAt: '2026-01-01T09:05:00.000Z' })), result: undefined })),
      ),
    ]);
    const stored = await reporting.byId(request.id);
    expect(stored?.status).toBe('approved');
    expect(stored?.requesterReportedAt).toBe('2026-01-01T09:05:00.000Z');
  });
});
