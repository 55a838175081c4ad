// Approval requests as the `approvalRequests` section of the data file, written through the store's serialized
// document transactions (so they never interleave with mailbox commits).
import { z } from 'zod';
import {
  approvalRequestRecordSchema,
  withDecisionBegun,
  withDecisionSettled,
  type ApprovalRequest,
  type ApprovalRequestRepository,
  type DecisionInDoubt,
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

  #all(): readonly ApprovalRequest[] {
    // Files written before the section existed have none; the schema's default fills it in on the next load.
    return this.store.document().approvalRequests ?? [];
  }

  all(): Promise<readonly ApprovalRequest[]> {
    return Promise.resolve(this.#all());
  }

  byId(id: string): Promise<ApprovalRequest | undefined> {
    const section = this.#all();
    if (this.#indexed?.section !== section) this.#indexed = { section, byId: new Map(section.map((request) => [request.id, request])) };
    return Promise.resolve(this.#indexed.byId.get(id));
  }

  beginDecision(requestId: string, decision: DecisionInDoubt): Promise<boolean> {
    return this.update((current) => {
      const stored = current.find((request) => request.id === requestId);
      const begun = stored === undefined ? undefined : withDecisionBegun(stored, decision);
      return { upserts: begun === undefined ? [] : [begun], result: begun !== undefined };
    });
  }

  settleDecision(requestId: string, key: string, applied: boolean): Promise<ApprovalRequest | undefined> {
    return this.store.transactWithChangeSet<ApprovalRequest | undefined>((current) => {
      const stored = (current.approvalRequests ?? []).find((request) => request.id === requestId);
      if (stored?.deciding?.key !== key) return { changes: null, result: stored };
      const events = applied ? stored.deciding.events : [];
      const [settled] = this.#parsed([withDecisionSettled(stored, key, applied)]);
      if (settled === undefined) return { changes: null, result: stored };
      return {
        // The decision and the events it causes, in one write: the event outbox is part of the same data file.
        changes: { events },
        sections: (next) => ({ ...next, approvalRequests: upsertByKey(next.approvalRequests ?? [], [settled], (request) => request.id) }),
        result: settled,
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
