// Approval requests in PostgreSQL, with the audit entries and events of each decision (committed with it). Every write (a decision, or `update`'s read-modify-write over the requests)
// holds one advisory lock for its transaction, so writes from every instance apply one after another, each
// against what the one before committed: a request is decided exactly once, and an `update` computed from a
// pending request can never overwrite a decision another instance committed meanwhile.
import type pg from 'pg';
import { z } from 'zod';
import {
  approvalRequestRecordSchema,
  type ApprovalDecisionCommit,
  type ApprovalDecisionCommitOutcome,
  type ApprovalDecisionRecordsWriter,
  type ApprovalRequest,
  type ApprovalRequestRepository,
} from '../app/approvals/approval-requests.js';
import { describeIssues } from '../shared/zod-problems.js';
import { insertAuditEntries } from './audit-log.js';
import { insertEvents } from './event-outbox.js';
import { inTransaction, lockForTransaction } from './transaction.js';

export class InvalidApprovalRequestRecordError extends Error {
  override readonly name = 'InvalidApprovalRequestRecordError';
}

const recordsSchema = z.array(approvalRequestRecordSchema);
const WRITE_LOCK = 'bot:approval-requests';

function parseRecords(value: unknown, where: string): ApprovalRequest[] {
  const parsed = recordsSchema.safeParse(value);
  if (!parsed.success) throw new InvalidApprovalRequestRecordError(`${where}: ${describeIssues(parsed.error, { under: ['approvalRequests'] }).join('; ')}`);
  return parsed.data;
}

async function upsertRequests(client: pg.PoolClient, requests: readonly ApprovalRequest[]): Promise<void> {
  if (requests.length === 0) return;
  // Existing rows keep their position (the identity is only drawn for new rows), so `all()` stays oldest first.
  await client.query(
    `INSERT INTO approval_requests (id, mailbox_id, status, record)
     SELECT r->>'id', r->>'mailboxId', r->>'status', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n
     ON CONFLICT (id) DO UPDATE SET mailbox_id = EXCLUDED.mailbox_id, status = EXCLUDED.status, record = EXCLUDED.record, updated_at = now()`,
    [JSON.stringify(requests)],
  );
}

async function readAll(client: pg.Pool | pg.PoolClient): Promise<ApprovalRequest[]> {
  const { rows } = await client.query<{ record: unknown }>('SELECT record FROM approval_requests ORDER BY position');
  return parseRecords(rows.map((row) => row.record), 'approval_requests');
}

export class PostgresApprovalRequestRepository implements ApprovalRequestRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly writeRecords: ApprovalDecisionRecordsWriter,
  ) {}

  all(): Promise<readonly ApprovalRequest[]> {
    return readAll(this.pool);
  }

  async byId(id: string): Promise<ApprovalRequest | undefined> {
    // FOR SHARE waits for a decision being committed on this request, and then reads it decided.
    const { rows } = await this.pool.query<{ record: unknown }>('SELECT record FROM approval_requests WHERE id = $1 FOR SHARE', [id]);
    return rows.length === 0 ? undefined : parseRecords(rows.map((row) => row.record), `approval request ${id}`)[0];
  }

  commitDecision(decision: ApprovalDecisionCommit): Promise<ApprovalDecisionCommitOutcome> {
    const [request] = parseRecords([decision.request], 'approval decision not saved');
    if (request === undefined) throw new InvalidApprovalRequestRecordError('approval decision not saved: no request');
    return inTransaction(this.pool, async (client): Promise<ApprovalDecisionCommitOutcome> => {
      await lockForTransaction(client, WRITE_LOCK);
      // The row lock (besides the advisory lock) makes readers (`byId`) wait for this decision's commit.
      const { rows } = await client.query<{ status: string }>('SELECT status FROM approval_requests WHERE id = $1 FOR UPDATE', [request.id]);
      if (rows[0]?.status !== 'pending') return { ok: false, conflict: 'requestClosed' };
      // The records backend gets the mailbox; the audit entry and events commit here, with the decided request.
      const written = await this.writeRecords({ ...decision, audit: [], events: [] });
      if (!written.ok) return written;
      await upsertRequests(client, [request]);
      await insertAuditEntries(client, decision.audit);
      await insertEvents(client, decision.events);
      return { ok: true };
    });
  }

  update<R>(work: (requests: readonly ApprovalRequest[]) => { readonly upserts: readonly ApprovalRequest[]; readonly result: R }): Promise<R> {
    return inTransaction(this.pool, async (client) => {
      await lockForTransaction(client, WRITE_LOCK);
      const { upserts, result } = work(await readAll(client));
      await upsertRequests(client, parseRecords(upserts, 'approval request not saved'));
      return result;
    });
  }
}
