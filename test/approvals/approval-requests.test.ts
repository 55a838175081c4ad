// The pure rules of approval requests, the repository over the data file, and the cards built from them.
import { describe, expect, it } from 'vitest';
import {
  eligibleApprovers,
  followUpAfterApproval,
  newestRequest,
  supersededBy,
  whyApprovalIsNeeded,
  withDecision,
  type ApprovalRequest,
} from '../../src/app/approvals/approval-requests.js';
import { approverCard, closedCard, decidedCard, readOnlyCard, TEST_AND_ENABLE_BUTTON_TITLE } from '../../src/bot/approvals/approval-views.js';
import { EmailApprovalStatus, TestStatus } from '../../src/domain/options.js';
import { DocumentApprovalRequestRepository, InvalidApprovalRequestError } from '../../src/store/approvals-repository.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { cardProblems, cardText, executeActions } from '../cards/card-inspection.js';
import { harnessForOrg } from '../app/support.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { exampleDocument } from '../support/fixtures.js';

const { systemAdministrator, delegatedMailboxApprover } = BuiltInRoleIds;

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'approval-1',
    mailboxId: 'mailbox-user-cody',
    mailboxVersion: 2,
    emailAddress: 'cody@contoso.com',
    reason: 'requested',
    requestedById: 'user-ada',
    requestedAt: '2025-03-01T09:00:00.000Z',
    eligibleApproverIds: ['user-ada', 'user-evan'],
    copies: [
      { approverId: 'user-ada', teamsUserId: '29:ada', conversationId: 'a:ada', idempotencyKey: 'approval:approval-1:card:user-ada', delivery: 'sent', activityId: 'm-1', failure: null },
    ],
    notAsked: [],
    requesterReportedAt: null,
    status: 'pending',
    decision: null,
    supersededById: null,
    closedOutAt: null,
    ...overrides,
  };
}

describe('eligible approvers', () => {
  it('are the active users the permission model allows, in name order, whatever their role names', () => {
    const org = orgBuilder({ version: '9.2.22104.00170' })
      .user('zoe', { fullName: 'Zoe Global', roles: [systemAdministrator], office365Roles: ['GlobalAdministrator'] })
      .user('abe', { fullName: 'Abe Delegate', roles: [systemAdministrator, delegatedMailboxApprover] })
      .user('gone', { fullName: 'Gone Global', roles: [systemAdministrator], office365Roles: ['GlobalAdministrator'], active: false })
      .user('sam', { fullName: 'Sam Sysadmin', roles: [systemAdministrator] })
      .user('eve', { fullName: 'Eve Exchange', office365Roles: ['ExchangeAdministrator'] })
      .build();
    const { store } = harnessForOrg(org);
    const mailbox = store.mailboxById('mailbox-sam');
    if (mailbox === undefined) throw new Error('mailbox missing');
    // Sam may self-approve his own mailbox under the 2025 table, so he is eligible for it (and only for it).
    expect(eligibleApprovers(store.users(), mailbox, store).map(({ user }) => user.fullName)).toEqual(['Abe Delegate', 'Sam Sysadmin', 'Zoe Global']);
    const evesMailbox = store.mailboxById('mailbox-eve');
    if (evesMailbox === undefined) throw new Error('mailbox missing');
    expect(eligibleApprovers(store.users(), evesMailbox, store).map(({ user }) => user.fullName)).toEqual(['Abe Delegate', 'Zoe Global']);
  });
});

describe('why approval is needed', () => {
  it('names what happened and what the organization setting means for the mailbox', async () => {
    const document = await exampleDocument('contoso.json');
    const store = createInMemoryEmailConfigStore(document);
    const sales = store.mailboxByEmail('sales@contoso.com');
    if (sales === undefined) throw new Error('mailbox missing');
    expect(whyApprovalIsNeeded({ mailbox: sales, reason: 'emailChanged', requesterName: 'Ada Admin', settings: store.organization.settings })).toBe(
      'Its email address changed to sales@contoso.com, and a changed address must be approved again. Process emails only for approved queues is on, so server-side synchronization processes no email for it until the address is approved.',
    );
    const settingOff = { ...store.organization.settings, requireApprovalForQueueEmail: false };
    expect(whyApprovalIsNeeded({ mailbox: sales, reason: 'requested', requesterName: 'Otto Owner', settings: settingOff })).toBe(
      'Otto Owner asked for its email address to be approved. Process emails only for approved queues is off, but the address is still marked Pending Approval until someone decides.',
    );
  });
});

describe('Test & Enable after an approval', () => {
  const org = (testAndEnableAfterApproval: boolean) =>
    orgBuilder({ version: '9.1.0.5805', settings: { testAndEnableAfterApproval } })
      .profile('exo', { name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', isDefault: true })
      .user('ada', { roles: [systemAdministrator], office365Roles: ['GlobalAdministrator'], mailbox: { emailServerProfileId: 'exo' } })
      .build();

  it('is started when the organization chose so, offered when not, and beside the point once the mailbox works', () => {
    for (const [option, expected] of [
      [true, 'testAndEnableStarted'],
      [false, 'testAndEnableOffered'],
    ] as const) {
      const { store } = harnessForOrg(org(option));
      const approver = store.userById('ada');
      const mailbox = store.mailboxById('mailbox-ada');
      if (approver === undefined || mailbox === undefined) throw new Error('org incomplete');
      const approved = { ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.Approved };
      expect(followUpAfterApproval(approved, approver, store)).toBe(expected);
      expect(followUpAfterApproval({ ...approved, mailboxStatus: TestStatus.Success }, approver, store)).toBe('none');
      expect(followUpAfterApproval({ ...approved, emailServerProfileId: null }, approver, store)).toBe('none');
      expect(followUpAfterApproval({ ...approved, emailRouterAccessApproval: EmailApprovalStatus.Rejected }, approver, store)).toBe('none');
    }
  });
});

describe('request lifecycle', () => {
  it('takes a decision or a replacement only while pending, and follows replacements to the newest request', () => {
    const decision = { outcome: 'approved', decidedById: 'user-ada', decidedAt: '2025-03-01T10:00:00.000Z', via: { kind: 'elsewhere' }, followUp: 'none' } as const;
    const decided = withDecision(request(), decision);
    expect(decided).toMatchObject({ status: 'approved', decision });
    expect(withDecision(decided, { ...decision, decidedById: 'user-evan' })).toBe(decided);
    expect(supersededBy(decided, 'approval-2')).toBe(decided);

    const first = supersededBy(request(), 'approval-2');
    const second = supersededBy(request({ id: 'approval-2' }), 'approval-3');
    const third = request({ id: 'approval-3' });
    const byId = new Map([first, second, third].map((item) => [item.id, item]));
    expect(newestRequest(first, (id) => byId.get(id)).id).toBe('approval-3');
  });
});

describe('the approval request repository', () => {
  it('upserts requests by id in one write and refuses a record that breaks the schema', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument('contoso.json'));
    const repository = new DocumentApprovalRequestRepository(store);
    expect(await repository.all()).toEqual([]);

    await repository.update(() => ({ upserts: [request()], result: undefined }));
    await repository.update((current) => ({ upserts: current.map((item) => ({ ...item, requesterReportedAt: '2025-03-01T09:01:00.000Z' })), result: undefined }));
    expect(await repository.all()).toHaveLength(1);
    expect((await repository.byId('approval-1'))?.requesterReportedAt).toBe('2025-03-01T09:01:00.000Z');

    const writes = store.writesPerformed;
    await expect(repository.update(() => ({ upserts: [request({ id: 'approval-2', requestedAt: 'yesterday' })], result: undefined }))).rejects.toThrow(
      InvalidApprovalRequestError,
    );
    await expect(repository.update(() => ({ upserts: [request({ id: 'approval-2', requestedAt: 'yesterday' })], result: undefined }))).rejects.toThrow(
      /approvalRequests\[0\]\.requestedAt/,
    );
    expect(store.writesPerformed).toBe(writes);
    expect(await repository.byId('approval-2')).toBeUndefined();
  });
});

describe('the approval cards built for each viewer', () => {
  it('are valid Adaptive Cards: approver, read-only with the reason, decided with the Test & Enable offer, and closed', async () => {
    const store = createInMemoryEmailConfigStore(await exampleDocument('contoso.json'));
    const mailbox = store.mailboxByEmail('erin@contoso.com');
    if (mailbox === undefined) throw new Error('mailbox missing');
    const pending = request({ mailboxId: mailbox.id, emailAddress: mailbox.emailAddress });
    const decided = withDecision(pending, { outcome: 'approved', decidedById: 'user-ada', decidedAt: '2025-03-01T10:00:00.000Z', via: { kind: 'elsewhere' }, followUp: 'testAndEnableOffered' });

    const approver = approverCard(pending, mailbox, store);
    const readOnly = readOnlyCard(pending, mailbox, store, 'You cannot approve or reject this address: *not* an approver');
    const forDecider = decidedCard(decided, mailbox, store, 'user-ada');
    const forOthers = decidedCard(decided, mailbox, store, 'user-evan');
    const closed = closedCard(pending, mailbox, store, 'Replaced by a newer request', 'The newer card is the one to decide on.');

    for (const card of [approver, readOnly, forDecider, forOthers, closed]) expect(cardProblems(card)).toEqual([]);
    expect(executeActions(approver).map((action) => action.verb)).toEqual(['approval.approve', 'approval.reject']);
    expect(executeActions(readOnly)).toEqual([]);
    expect(cardText(readOnly)).toContain('You cannot approve or reject this address: \\*not\\* an approver');
    expect(executeActions(forDecider)).toEqual([
      {
        title: TEST_AND_ENABLE_BUTTON_TITLE,
        verb: 'command',
        data: { command: 'test mailbox erin@contoso.com' },
        fallback: { type: 'Action.Submit', title: TEST_AND_ENABLE_BUTTON_TITLE, data: { verb: 'command', command: 'test mailbox erin@contoso.com' } },
      },
    ]);
    expect(executeActions(forOthers)).toEqual([]);
    expect(cardText(forOthers)).toMatch(/Approved by Ada Admin at 2025-03-01 10:00 UTC/);
    expect(closed.refresh).toBeUndefined();
    expect(cardText(closed)).toContain('Replaced by a newer request');
  });
});
