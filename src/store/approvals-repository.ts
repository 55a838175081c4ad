// Approval requests as the `approvalRequests` section of the data file, written through the store's serialized
// document transactions (so they never interleave with mailbox commits).
import { z } from 'zod';
import {
  approvalRequestRecordSchema,
  type ApprovalDecisionCommit,
  type ApprovalDecisionCommitOutcome,
  type ApprovalRequest,
  type ApprovalRequestRepository,
} from '../app/approvals/approval-requests.js';
import { upsertByKey } from '../shared/upsert.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';
import { describeIssues } from '../shared/zod-problems.js';

/** A record the approval code built that does not fit the data-file schema: a bug, refused before writing. */
export class InvalidApprovalRequestError extends Error {
  override readonly name: string = 'InvalidApprovalRequestError';
  constructor(readonly problems: readonly string[]) {
    super(`Approval request not saved: ${problems.join('; ')}`);
  }
}

const recordsSchema = z.array(approvalRequestRecordSchema);

export class DocumentApprovalRequestRepository implements ApprovalRequestRepository {
  /** Index of the last section seen; rebuilt when a write replaces the section. */
  #indexed: { readonly section: readonly ApprovalRequest[]; readonly byId: ReadonlyMap<string, ApprovalRequest> } | undefined;

  constructor(private readonly store: DocumentEmailConfigStore) {}

  all(): readonly ApprovalRequest[] {
    // Files written before the section existed have none; the schema's default fills it in on the next load.
    return this.store.document().approvalRequests ?? [];
  }

  byId(id: string): ApprovalRequest | undefined {
    const section = this.all();
    if (this.#indexed?.section !== section) this.#indexed = { section, byId: new Map(section.map((request) => [request.id, request])) };
    return this.#indexed.byId.get(id);
  }

  /**
   * The mailbox, its audit entry and events go through the store's commit path (validated, version set by the
   * store, events appended to the outbox); the decided request is set on the same document: one write, or none.
   */
  commitDecision(decision: ApprovalDecisionCommit): Promise<ApprovalDecisionCommitOutcome> {
    const record = this.#parsed([decision.request]);
    return this.store.transactWithChangeSet<ApprovalDecisionCommitOutcome>((current, mailboxById) => {
      const stored = (current.approvalRequests ?? []).find((request) => request.id === record[0]?.id);
      if (stored?.status !== 'pending') return { changes: null, result: { ok: false, conflict: 'requestClosed' } };
      if (mailboxById(decision.mailbox.id)?.version !== decision.expectedMailboxVersion) return { changes: null, result: { ok: false, conflict: 'mailboxChanged' } };
      return {
        changes: { mailboxes: [decision.mailbox], audit: decision.audit, events: decision.events },
        sections: (next) => ({ ...next, approvalRequests: upsertByKey(next.approvalRequests ?? [], record, (request) => request.id) }),
        result: { ok: true },
      };
    });
  }

  /** The records as the data file will hold them; a record the approval code built wrong is refused before writing. */
  #parsed(upserts: readonly ApprovalRequest[]): ApprovalRequest[] {
    const parsed = recordsSchema.safeParse(upserts);
    if (!parsed.success) {
      throw new InvalidApprovalRequestError(describeIssues(parsed.error, { under: ['approvalRequests'] }));
    }
    return parsed.data;
  }

  update<R>(work: (requests: readonly ApprovalRequest[]) => { readonly upserts: readonly ApprovalRequest[]; readonly result: R }): Promise<R> {
    return this.store.transactDocument((current) => {
      const existing = current.approvalRequests ?? [];
      const { upserts, result } = work(existing);
      if (upserts.length === 0) return { next: null, result };
      return { next: { ...current, approvalRequests: upsertByKey(existing, this.#parsed(upserts), (request) => request.id) }, result };
    });
  }
}
