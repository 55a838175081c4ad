// Approval requests as the `approvalRequests` section of the data file, written through the store's serialized
// document transactions (so they never interleave with mailbox commits).
import { z } from 'zod';
import { approvalRequestRecordSchema, type ApprovalRequest, type ApprovalRequestRepository } from '../app/approvals/approval-requests.js';
import { upsertByKey } from '../notify/repository.js';
import type { DocumentEmailConfigStore } from './email-config-store.js';
import { formatJsonPath } from './zod-problems.js';

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

  update<R>(work: (requests: readonly ApprovalRequest[]) => { readonly upserts: readonly ApprovalRequest[]; readonly result: R }): Promise<R> {
    return this.store.transactDocument((current) => {
      const existing = current.approvalRequests ?? [];
      const { upserts, result } = work(existing);
      if (upserts.length === 0) return { next: null, result };
      const parsed = recordsSchema.safeParse(upserts);
      if (!parsed.success) {
        throw new InvalidApprovalRequestError(parsed.error.issues.map((issue) => `${formatJsonPath(['approvalRequests', ...issue.path])}: ${issue.message}`));
      }
      return { next: { ...current, approvalRequests: upsertByKey(existing, parsed.data, (request) => request.id) }, result };
    });
  }
}
