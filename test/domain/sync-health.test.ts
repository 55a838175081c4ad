import { beforeAll, describe, expect, it } from 'vitest';
import { directoryFromArrays } from '../../src/domain/directory.js';
import type { Alert, Mailbox } from '../../src/domain/model.js';
import { ActDeliveryMethod, AlertLevel, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, TestStatus } from '../../src/domain/options.js';
import { summarizeSyncHealth } from '../../src/domain/sync-health.js';
import type { OrganizationData } from '../../src/store/org-file.js';
import { loadExample } from '../support/fixtures.js';

let org: OrganizationData;
beforeAll(async () => { org = await loadExample(); });

const now = new Date('2026-12-06T12:00:00Z');
const working = (mailbox: Mailbox): Mailbox => ({
  ...mailbox,
  active: true,
  incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  actDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
  emailServerProfileId: 'profile-exchange-online',
  emailRouterAccessApproval: EmailApprovalStatus.Approved, mailboxStatus: TestStatus.Success, incomingEmailStatus: TestStatus.Success, outgoingEmailStatus: TestStatus.Success, actStatus: TestStatus.Success });
const failing = (mailbox: Mailbox): Mailbox => ({ ...working(mailbox), mailboxStatus: TestStatus.Failure, incomingEmailStatus: TestStatus.Failure });
const alert = (mailbox: Mailbox, code: string, createdOn: string): Alert => ({ id: `${mailbox.id}-${code}-${createdOn}`, level: AlertLevel.Error, code, text: code, createdOn, regarding: { type: 'mailbox', id: mailbox.id } });

describe('the sync health overview', () => {
  it('counts mailboxes by health and cause, lists the longest failing first, and dates pending approvals', () => {
    const [a, b, c, d, e] = org.mailboxes;
    if (!a || !b || !c || !d || !e) throw new Error('the demo organization has fewer than five mailboxes');
    const mailboxes = [
      { ...working(a), testMailboxAccessCompletedOn: '2026-12-05T08:00:00Z' },
      failing(b),
      failing(c),
      { ...working(d), emailRouterAccessApproval: EmailApprovalStatus.PendingApproval },
      { ...e, active: false },
    ];
    const alerts = [
      alert(b, 'TestSucceeded', '2026-11-20T00:00:00Z'),
      alert(b, 'Unauthorized', '2026-12-01T00:00:00Z'),
      alert(b, 'Unauthorized', '2026-12-05T00:00:00Z'),
      alert(c, 'ActConfiguredWithAnotherOrganization', '2026-12-04T00:00:00Z'),
      alert(a, 'TestSucceeded', '2026-12-05T08:00:00Z'),
    ];
    const health = summarizeSyncHealth({ mailboxes, directory: directoryFromArrays(org), alerts, approvalRequestedOn: new Map([[d.id, '2026-12-02T12:00:00Z']]), now });
    expect(health.activeMailboxes).toBe(4);
    expect(health.byHealth).toEqual({ working: 1, failing: 2, retrying: 0, notTested: 0, blocked: 1 });
    expect(health.byCause).toEqual([{ cause: 'anotherPrimaryOrganization', count: 1 }, { cause: 'credentials', count: 1 }, { cause: 'notApproved', count: 1 }]);
    expect(health.failingLongest.map((entry) => [entry.mailboxId, entry.failingSince])).toEqual([[b.id, '2026-12-01T00:00:00Z'], [c.id, '2026-12-04T00:00:00Z']]);
    expect(health.pendingApprovals).toEqual([{ mailboxId: d.id, name: d.name, emailAddress: d.emailAddress, requestedOn: '2026-12-02T12:00:00Z', ageDays: 4 }]);
    expect(health.lastTestCompletedOn).toBe('2026-12-05T08:00:00Z');
    expect(health.trend.map((day) => day.day)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(health.trend.find((day) => day.day === '2026-12-05')).toEqual({ day: '2026-12-05', succeeded: 1, failed: 1 });
    expect(health.trend.reduce((sum, day) => sum + day.succeeded + day.failed, 0)).toBe(4);
  });
});
