// The contract of the `ApprovalRequestRepository` port, run against the data file and PostgreSQL: upserts by id
// in one write, oldest first, a bad record refused with nothing written, and a decision begun on a request once,
// then settled (decided, with its events recorded in the same write) or abandoned (pending again).
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, ApprovalRequestRepository, DecisionInDoubt } from '../../src/app/approvals/approval-requests.js';
import type { AppEvent } from '../../src/app/events.js';

export interface ApprovalRequestsUnderTest {
  readonly repository: ApprovalRequestRepository;
  /** The events recorded in the event outbox so far, oldest first. */
  readonly events: () => Promise<readonly AppEvent[]>;
}

export function approvalRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'approval-1',
    mailboxId: 'mailbox-1',
    mailboxVersion: 3,
    emailAddress: 'cody@contoso.com',
    reason: 'requested',
    requestedById: 'user-admin',
    requestedAt: '2026-01-01T09:00:00.000Z',
    eligibleApproverIds: ['user-admin'],
    copies: [],
    notAsked: [],
    requesterReportedAt: null,
    status: 'pending',
    decision: null,
    supersededById: null,
    closedOutAt: null,
    previousRejection: null,
    ...overrides,
  };
}

/** A click's decision: approve, with the event that the approval causes. */
export function decisionInDoubt(key: string, mailboxId = 'mailbox-1', decidedById = 'user-admin'): DecisionInDoubt {
  return {
    key,
    decision: { outcome: 'approved', decidedById, decidedAt: '2026-01-01T10:00:00.000Z', via: { kind: 'elsewhere' }, followUp: 'none', remark: null },
    events: [{ type: 'emailAddressDecided', mailboxId, decision: 'approved', decidedById }],
  };
}

export function describeApprovalRequestsContract(name: string, open: () => Promise<ApprovalRequestsUnderTest>): void {
  describe(`ApprovalRequestRepository contract: ${name}`, () => {
    it('upserts by id in one write, keeps requests oldest first, and reads them back', async () => {
      const { repository } = await open();
      expect(await repository.all()).toEqual([]);
      const result = await repository.update(() => ({ upserts: [approvalRequest(), approvalRequest({ id: 'approval-2', status: 'superseded' })], result: 'written' }));
      expect(result).toBe('written');
      await repository.update((requests) => ({
        upserts: requests.filter((request) => request.id === 'approval-1').map((request) => ({ ...request, requesterReportedAt: '2026-01-01T09:01:00.000Z' })),
        result: undefined,
      }));
      expect((await repository.all()).map((request) => request.id)).toEqual(['approval-1', 'approval-2']);
      expect((await repository.byId('approval-1'))?.requesterReportedAt).toBe('2026-01-01T09:01:00.000Z');
      expect(await repository.byId('approval-3')).toBeUndefined();
    });

    it('refuses a record that breaks the schema and writes nothing of its batch', async () => {
      const { repository } = await open();
      await expect(repository.update(() => ({ upserts: [approvalRequest(), approvalRequest({ id: 'approval-2', requestedAt: 'yesterday' })], result: undefined }))).rejects.toThrow(
        /requestedAt/,
      );
      expect(await repository.all()).toEqual([]);
    });

    it('begins a decision once, and settles it decided with its events in the same write', async () => {
      const { repository, events } = await open();
      await repository.update(() => ({ upserts: [approvalRequest()], result: undefined }));
      expect(await repository.beginDecision('approval-1', decisionInDoubt('key-1'))).toBe(true);
      expect(await repository.beginDecision('approval-1', decisionInDoubt('key-2', 'mailbox-1', 'user-other'))).toBe(false);
      expect(await repository.beginDecision('approval-9', decisionInDoubt('key-3'))).toBe(false);
      expect(await events()).toEqual([]);
      // Another key settles nothing.
      expect((await repository.settleDecision('approval-1', 'key-2', true))?.status).toBe('pending');
      const settled = await repository.settleDecision('approval-1', 'key-1', true);
      expect(settled?.status).toBe('approved');
      expect(settled?.deciding).toBeUndefined();
      expect((await repository.byId('approval-1'))?.decision?.decidedById).toBe('user-admin');
      expect(await events()).toEqual(decisionInDoubt('key-1').events);
      // Settled already: settling again changes nothing and records no event twice.
      expect((await repository.settleDecision('approval-1', 'key-1', true))?.status).toBe('approved');
      expect(await events()).toHaveLength(1);
      expect(await repository.beginDecision('approval-1', decisionInDoubt('key-4'))).toBe(false);
    });

    it('makes an abandoned decision pending again, with no event, for the next click', async () => {
      const { repository, events } = await open();
      await repository.update(() => ({ upserts: [approvalRequest()], result: undefined }));
      expect(await repository.beginDecision('approval-1', decisionInDoubt('key-1'))).toBe(true);
      const abandoned = await repository.settleDecision('approval-1', 'key-1', false);
      expect(abandoned?.status).toBe('pending');
      expect(abandoned?.deciding).toBeUndefined();
      expect(await events()).toEqual([]);
      expect(await repository.beginDecision('approval-1', decisionInDoubt('key-2'))).toBe(true);
    });

    it('lets exactly one of 25 decisions begun at once take the request', async () => {
      const { repository } = await open();
      await repository.update(() => ({ upserts: [approvalRequest()], result: undefined }));
      const begun = await Promise.all(Array.from({ length: 25 }, (_, index) => repository.beginDecision('approval-1', decisionInDoubt(`key-${index}`))));
      expect(begun.filter(Boolean)).toHaveLength(1);
    });
  });
}
