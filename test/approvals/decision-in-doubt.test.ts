// An approval decision is written in three steps (begun on the request, the approval to the organization's
// records, settled on the request with its events) because the records and the bot's own state share no
// transaction. A process dying between two steps must leave, once the next start has settled it, exactly one
// outcome: decided with its follow-up events (once), or pending with nothing changed.
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, ApprovalRequestRepository } from '../../src/app/approvals/approval-requests.js';
import { DECISION_ABANDONED_AFTER_MS, decideApprovalRequest, settleDecisionsInDoubt } from '../../src/app/approvals/decide-approval-request.js';
import type { OrganizationRecords } from '../../src/app/ports.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { DocumentApprovalRequestRepository } from '../../src/store/approvals-repository.js';
import { harness, type Harness } from '../app/support.js';
import { exampleDocument } from '../support/fixtures.js';

const MAILBOX = 'mailbox-user-cody';

async function pendingRequest(h: Harness, repository: ApprovalRequestRepository): Promise<ApprovalRequest> {
  const stored = h.store.mailboxById(MAILBOX);
  if (stored === undefined) throw new Error('Cody has a mailbox');
  // Approval was asked for: the address is Pending Approval.
  await h.store.commit({ mailboxes: [{ ...stored, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval }] });
  const mailbox = h.store.mailboxById(MAILBOX);
  if (mailbox === undefined) throw new Error('Cody has a mailbox');
  const request: ApprovalRequest = {
    id: 'approval-1',
    mailboxId: MAILBOX,
    mailboxVersion: mailbox.version,
    emailAddress: mailbox.emailAddress,
    reason: 'requested',
    requestedById: 'user-cody',
    requestedAt: '2025-03-01T09:00:00.000Z',
    eligibleApproverIds: ['user-ada'],
    copies: [],
    notAsked: [],
    requesterReportedAt: null,
    status: 'pending',
    decision: null,
    supersededById: null,
    closedOutAt: null,
  };
  await repository.update(() => ({ upserts: [request], result: undefined }));
  return request;
}

/** The events the decision left in the event outbox (what the follow-ups are dispatched from). */
const outboxEvents = (h: Harness) => (h.store.document().eventOutbox?.events ?? []).map((stored) => stored.event.type);

/** `target` with some methods replaced (the others still bound to it, private fields and all). */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

async function decideAndDie(dieAt: 'records' | 'settle') {
  const h = harness(await exampleDocument());
  const repository = new DocumentApprovalRequestRepository(h.store);
  const request = await pendingRequest(h, repository);
  const gone = new Error('the process is gone');
  // The process dies at one step: before the records are written, or after them and before the request is settled.
  const records = withOverrides<OrganizationRecords>(h.records, dieAt === 'records' ? { apply: () => Promise.reject(gone), wasApplied: () => Promise.reject(gone) } : {});
  const requests = withOverrides<ApprovalRequestRepository>(repository, { settleDecision: () => Promise.reject(gone) });
  await expect(
    decideApprovalRequest({ ...h.context, records, requests }, h.user('user-ada'), { requestId: request.id, decision: 'approved', seenVersion: request.mailboxVersion, via: { kind: 'elsewhere' } }),
  ).rejects.toThrow('the process is gone');
  const inDoubt = await repository.byId(request.id);
  const eventsBeforeRestart = outboxEvents(h);
  const approvalBeforeRestart = h.store.mailboxById(MAILBOX)?.emailRouterAccessApproval;
  // A start right away leaves it alone: another instance may still be making it.
  const tooSoon = await settleDecisionsInDoubt({ records: h.records, requests: repository, clock: h.context.clock });
  expect(tooSoon).toEqual([]);
  // The next start once it counts as abandoned, with working parts.
  const later = { now: () => new Date(h.context.clock.now().getTime() + DECISION_ABANDONED_AFTER_MS) };
  const settled = await settleDecisionsInDoubt({ records: h.records, requests: repository, clock: later });
  const again = await settleDecisionsInDoubt({ records: h.records, requests: repository, clock: later });
  return { h, repository, request, inDoubt, eventsBeforeRestart, approvalBeforeRestart, settled, again };
}

describe('a decision interrupted between its writes', () => {
  it('before the records were written: the next start puts the request back to pending and changes nothing', async () => {
    const { h, repository, request, inDoubt, settled, again } = await decideAndDie('records');
    expect(inDoubt?.deciding?.decision.outcome).toBe('approved');
    expect(settled.map((item) => item.status)).toEqual(['pending']);
    expect(again).toEqual([]);
    const after = await repository.byId(request.id);
    expect(after).toMatchObject({ status: 'pending', decision: null });
    expect(after?.deciding).toBeUndefined();
    expect(h.store.mailboxById(MAILBOX)?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(h.store.recentAudit(20).filter((entry) => entry.action === 'mailbox.approveEmail')).toEqual([]);
    expect(outboxEvents(h)).not.toContain('emailAddressDecided');
    // And the approver can decide it now.
    const decided = await decideApprovalRequest({ ...h.context, requests: repository }, h.user('user-ada'), { requestId: request.id, decision: 'approved', seenVersion: request.mailboxVersion, via: { kind: 'elsewhere' } });
    expect(decided.ok).toBe(true);
  });

  it('after the records were written: the next start records the decision and its follow-up events once', async () => {
    const { h, repository, request, inDoubt, eventsBeforeRestart, approvalBeforeRestart, settled, again } = await decideAndDie('settle');
    expect(inDoubt?.status).toBe('pending');
    expect(approvalBeforeRestart).toBe(EmailApprovalStatus.Approved);
    expect(eventsBeforeRestart).not.toContain('emailAddressDecided');
    expect(settled.map((item) => item.status)).toEqual(['approved']);
    expect(again).toEqual([]);
    expect(await repository.byId(request.id)).toMatchObject({ status: 'approved', decision: { outcome: 'approved', decidedById: 'user-ada' } });
    expect(outboxEvents(h).filter((type) => type === 'emailAddressDecided')).toHaveLength(1);
    expect(h.store.recentAudit(20).filter((entry) => entry.action === 'mailbox.approveEmail')).toHaveLength(1);
  });

  it('a second click while the first is being decided decides nothing', async () => {
    const h = harness(await exampleDocument());
    const repository = new DocumentApprovalRequestRepository(h.store);
    const request = await pendingRequest(h, repository);
    const input = { requestId: request.id, seenVersion: request.mailboxVersion, via: { kind: 'elsewhere' } } as const;
    const [first, second] = await Promise.all([
      decideApprovalRequest({ ...h.context, requests: repository }, h.user('user-ada'), { ...input, decision: 'approved' }),
      decideApprovalRequest({ ...h.context, requests: repository }, h.user('user-ada'), { ...input, decision: 'rejected', remark: 'no' }),
    ]);
    expect([first.ok, second.ok].filter(Boolean)).toHaveLength(1);
    expect(h.store.recentAudit(20).filter((entry) => entry.action === 'mailbox.approveEmail' || entry.action === 'mailbox.rejectEmail')).toHaveLength(1);
  });

  it('an abandoned decision is settled by the next click on it, which then decides', async () => {
    const h = harness(await exampleDocument());
    const repository = new DocumentApprovalRequestRepository(h.store);
    const request = await pendingRequest(h, repository);
    const gone = new Error('the process is gone');
    const dying = withOverrides<ApprovalRequestRepository>(repository, { settleDecision: () => Promise.reject(gone) });
    const records = withOverrides<OrganizationRecords>(h.records, { apply: () => Promise.reject(gone), wasApplied: () => Promise.reject(gone) });
    const input = { requestId: request.id, seenVersion: request.mailboxVersion, via: { kind: 'elsewhere' } } as const;
    await expect(decideApprovalRequest({ ...h.context, records, requests: dying }, h.user('user-ada'), { ...input, decision: 'approved' })).rejects.toThrow('the process is gone');
    // Right away, a click finds the decision still being made.
    const soon = await decideApprovalRequest({ ...h.context, requests: repository }, h.user('user-ada'), { ...input, decision: 'rejected', remark: 'Wrong tenant.' });
    expect(soon.ok).toBe(false);
    // A minute later the decision counts as abandoned: the click settles it (nothing was written) and decides.
    const later = { now: () => new Date(h.context.clock.now().getTime() + DECISION_ABANDONED_AFTER_MS) };
    const decided = await decideApprovalRequest({ ...h.context, clock: later, requests: repository }, h.user('user-ada'), { ...input, decision: 'rejected', remark: 'Wrong tenant.' });
    expect(decided.ok).toBe(true);
    expect(await repository.byId(request.id)).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', remark: 'Wrong tenant.' } });
    expect(h.store.mailboxById(MAILBOX)?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
  });
});
