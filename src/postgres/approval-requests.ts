// Approval requests in PostgreSQL. Every write (beginning or settling a decision, or `update`'s read-modify-write
// over the requests) holds one transaction-scoped advisory lock, so writes from every instance apply one after
// another, each against what the one before committed: a decision is begun on a request once (a second click,
// on any instance, finds it taken), and an `update` computed from a pending request never overwrites a
// decision committed meanwhile. A settled decision's events are written with it, in the same transaction.
import type pg from 'pg';
import { z } from 'zod';
import {
  approvalRequestRecordSchema,
  withDecisionBegun,
  withDecisionSettled,
  type ApprovalRequest,
  type ApprovalRequestRepository,
  type DecisionInDoubt,
} from '../app/approvals/approval-requests.js';
import { describeIssues } from '../shared/zod-problems.js';
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

async function readOne(client: pg.Pool | pg.PoolClient, id: string): Promise<ApprovalRequest | undefined> {
  const { rows } = await client.query<{ record: unknown }>('SELECT record FROM approval_requests WHERE id = $1', [id]);
  return rows.length === 0 ? undefined : parseRecords(rows.map((row) => row.record), `approval request ${id}`)[0];
}

export class PostgresApprovalRequestRepository implements ApprovalRequestRepository {
  constructor(private readonly pool: pg.Pool) {}

  all(): Promise<readonly ApprovalRequest[]> {
    return readAll(this.pool);
  }

  byId(id: string): Promise<ApprovalRequest | undefined> {
    return readOne(this.pool, id);
  }

  beginDecision(requestId: string, decision: DecisionInDoubt): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await lockForTransaction(client, WRITE_LOCK);
      const stored = await readOne(client, requestId);
      const begun = stored === undefined ? undefined : withDecisionBegun(stored, decision);
      if (begun === undefined) return false;
      await upsertRequests(client, parseRecords([begun], 'approval decision not begun'));
      return true;
    });
  }

  settleDecision(requestId: string, key: string, applied: boolean): Promise<ApprovalRequest | undefined> {
    return inTransaction(this.pool, async (client) => {
      await lockForTransaction(client, WRITE_LOCK);
      const stored = await readOne(client, requestId);
      if (stored?.deciding?.key !== key) return stored;
      const events = applied ? stored.deciding.events : [];
      const [settled] = parseRecords([withDecisionSettled(stored, key, applied)], 'approval decision not settled');
      if (settled === undefined) return stored;
      // The decision and the events it causes, in one transaction (and a NOTIFY to every instance's dispatcher).
      await upsertRequests(client, [settled]);
      await insertEvents(client, events);
      return settled;
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
