// The contract of the `ApprovalRequestRepository` port, run against the data file and PostgreSQL: upserts by id
// in one write, oldest first, a bad record refused with nothing written, and a request decided exactly once,
// only while its mailbox is at the version the decision was made against.
import { describe, expect, it } from 'vitest';
import type { ApprovalDecisionCommit, ApprovalRequest, ApprovalRequestRepository } from '../../src/app/approvals/approval-requests.js';
import type { Mailbox } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';

export interface ApprovalRequestsUnderTest {
  readonly repository: ApprovalRequestRepository;
  /** A mailbox awaiting approval, as the records backend holds it now. */
  readonly mailbox: () => Promise<Mailbox>;
}

export function approvalRequest(mailbox: Mailbox, overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'approval-1',
    mailboxId: mailbox.id,
    mailboxVersion: mailbox.version,
    emailAddress: mailbox.emailAddress,
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

/** The commit the decide use case makes: the mailbox approved, one audit entry, one event, the request decided. */
export function approvalCommit(mailbox: Mailbox, request: ApprovalRequest, decidedById = 'user-admin'): ApprovalDecisionCommit {
  const decidedAt = '2026-01-01T10:00:00.000Z';
  return {
    mailbox: { ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.Approved },
    expectedMailboxVersion: mailbox.version,
    audit: [{ id: `audit-${request.id}-${decidedById}`, at: decidedAt, actorId: decidedById, actorName: decidedById, action: 'approveEmail', target: { type: 'mailbox', id: mailbox.id, name: mailbox.name }, rule: null, details: '' }],
    events: [{ type: 'emailAddressDecided', mailboxId: mailbox.id, decision: 'approved', decidedById }],
    request: {
      ...request,
      status: 'approved',
      decision: { outcome: 'approved', decidedById, decidedAt, via: { kind: 'elsewhere' }, followUp: 'none', remark: null },
    },
  };
}

export function describeApprovalRequestsContract(name: string, open: () => Promise<ApprovalRequestsUnderTest>): void {
  describe(`ApprovalRequestRepository contract: ${name}`, () => {
    it('upserts by id in one write, keeps requests oldest first, and reads them back', async () => {
      const { repository, mailbox } = await open();
      const current = await mailbox();
      expect(await repository.all()).toEqual([]);
      const result = await repository.update(() => ({ upserts: [approvalRequest(current), approvalRequest(current, { id: 'approval-2', status: 'superseded' })], result: 'written' }));
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
      const { repository, mailbox } = await open();
      const current = await mailbox();
      await expect(
        repository.update(() => ({ upserts: [approvalRequest(current), approvalRequest(current, { id: 'approval-2', requestedAt: 'yesterday' })], result: undefined })),
      ).rejects.toThrow(/requestedAt/);
      expect(await repository.all()).toEqual([]);
    });

    it('decides a pending request once: the mailbox and the request are written, a second decision finds it closed', async () => {
      const { repository, mailbox } = await open();
      const before = await mailbox();
      const request = approvalRequest(before);
      await repository.update(() => ({ upserts: [request], result: undefined }));
      expect(await repository.commitDecision(approvalCommit(before, request))).toEqual({ ok: true });
      expect((await repository.byId(request.id))?.status).toBe('approved');
      const after = await mailbox();
      expect(after.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      expect(after.version).toBeGreaterThan(before.version);
      expect(await repository.commitDecision(approvalCommit(after, request, 'user-other'))).toEqual({ ok: false, conflict: 'requestClosed' });
      expect((await repository.byId(request.id))?.decision?.decidedById).toBe('user-admin');
    });

    it('decides nothing when the mailbox moved since the decision was made', async () => {
      const { repository, mailbox } = await open();
      const before = await mailbox();
      const request = approvalRequest(before);
      await repository.update(() => ({ upserts: [request], result: undefined }));
      const stale = approvalCommit({ ...before, version: before.version - 1 }, request);
      expect(await repository.commitDecision(stale)).toEqual({ ok: false, conflict: 'mailboxChanged' });
      expect((await repository.byId(request.id))?.status).toBe('pending');
      expect((await mailbox()).version).toBe(before.version);
    });

    it('takes exactly one of 25 decisions made at once', async () => {
      const { repository, mailbox } = await open();
      const before = await mailbox();
      const request = approvalRequest(before);
      await repository.update(() => ({ upserts: [request], result: undefined }));
      const outcomes = await Promise.all(Array.from({ length: 25 }, (_, index) => repository.commitDecision(approvalCommit(before, request, `user-${index}`))));
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect((await repository.byId(request.id))?.status).toBe('approved');
    });
  });
}
