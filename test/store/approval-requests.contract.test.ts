// The approval request contract on the data file and on PostgreSQL; and what only PostgreSQL must add: two
// instances clicking at once begin each decision exactly once, and a concurrent `update` never overwrites a
// decision.
import { describe, expect, it } from 'vitest';
import { PostgresApprovalRequestRepository } from '../../src/postgres/approval-requests.js';
import { PostgresEventOutboxRepository } from '../../src/postgres/event-outbox.js';
import { DocumentApprovalRequestRepository } from '../../src/store/approvals-repository.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentEventOutboxRepository } from '../../src/store/event-outbox-repository.js';
import { exampleDocument } from '../support/fixtures.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import { approvalRequest, decisionInDoubt, describeApprovalRequestsContract } from './approval-requests.contract.js';

const postgres = usePostgresForTests();

describeApprovalRequestsContract('data file', async () => {
  const store = createInMemoryEmailConfigStore(await exampleDocument());
  const outbox = new DocumentEventOutboxRepository(store);
  return { repository: new DocumentApprovalRequestRepository(store), events: async () => (await outbox.pendingFor('contract')).map((stored) => stored.event) };
});

describeApprovalRequestsContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  const outbox = new PostgresEventOutboxRepository(pool, { instanceId: 'contract' });
  return { repository: new PostgresApprovalRequestRepository(pool), events: async () => (await outbox.pendingFor('contract')).map((stored) => stored.event) };
});

describe('approval requests shared by two instances on PostgreSQL', () => {
  it('begins and settles each of 10 requests once, whatever 200 clicks from two instances race', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const instances = [new PostgresApprovalRequestRepository(database.pool), new PostgresApprovalRequestRepository(other)];
    const requests = Array.from({ length: 10 }, (_, index) => approvalRequest({ id: `approval-${index}`, mailboxId: `mailbox-${index}` }));
    await instances[0]?.update(() => ({ upserts: requests, result: undefined }));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, click) => {
        const request = requests[click % 10];
        const instance = instances[click % 2];
        if (request === undefined || instance === undefined) throw new Error('no request');
        const key = `click-${click}`;
        const begun = await instance.beginDecision(request.id, decisionInDoubt(key, request.mailboxId, `user-${click}`));
        if (begun) await instance.settleDecision(request.id, key, true);
        return begun;
      }),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(10);
    expect((await instances[1]?.all())?.every((request) => request.status === 'approved')).toBe(true);
    const { rows } = await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM domain_events');
    expect(Number(rows[0]?.n)).toBe(10);
  });

  it('never lets an update computed from a pending request overwrite a decision settled meanwhile', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const deciding = new PostgresApprovalRequestRepository(database.pool);
    const reporting = new PostgresApprovalRequestRepository(other);
    await deciding.update(() => ({ upserts: [approvalRequest()], result: undefined }));
    await Promise.all([
      (async () => {
        await deciding.beginDecision('approval-1', decisionInDoubt('key-1'));
        await deciding.settleDecision('approval-1', 'key-1', true);
      })(),
      ...Array.from({ length: 20 }, () =>
        reporting.update((current) => ({ upserts: current.map((each) => ({ ...each, requesterReportedAt: '2026-01-01T09:05:00.000Z' })), result: undefined })),
      ),
    ]);
    const stored = await reporting.byId('approval-1');
    expect(stored?.status).toBe('approved');
    expect(stored?.requesterReportedAt).toBe('2026-01-01T09:05:00.000Z');
  });
});
