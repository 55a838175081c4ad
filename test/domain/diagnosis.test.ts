import { beforeAll, describe, expect, it } from 'vitest';
import { diagnoseMailbox } from '../../src/domain/diagnosis.js';
import { directoryFromArrays, type Directory } from '../../src/domain/directory.js';
import type { Alert, Mailbox } from '../../src/domain/model.js';
import { AlertLevel, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, ActDeliveryMethod, TestStatus } from '../../src/domain/options.js';
import type { OrganizationData } from '../../src/store/org-file.js';
import { loadExample } from '../support/fixtures.js';

let org: OrganizationData;
let directory: Directory;
let healthy: Mailbox;
beforeAll(async () => {
  org = await loadExample();
  directory = directoryFromArrays(org);
  const ada = org.mailboxes.find((mailbox) => mailbox.emailAddress === 'ada@contoso.com');
  if (ada === undefined) throw new Error('demo organization has no ada@contoso.com');
  healthy = { ...ada, emailRouterAccessApproval: EmailApprovalStatus.Approved, mailboxStatus: TestStatus.Success, incomingEmailStatus: TestStatus.Success, outgoingEmailStatus: TestStatus.Success, actStatus: TestStatus.Success, active: true };
});

const failed = (mailbox: Mailbox): Mailbox => ({ ...mailbox, mailboxStatus: TestStatus.Failure, incomingEmailStatus: TestStatus.Failure });
const alert = (mailbox: Mailbox, code: string, createdOn: string, text = `${code} happened`): Alert => ({
  id: `alert-${code}-${createdOn}`, level: AlertLevel.Error, code, text, createdOn, regarding: { type: 'mailbox', id: mailbox.id },
});

describe('diagnosing a mailbox', () => {
  it('finds nothing wrong with a tested, approved mailbox on server-side sync', () => {
    expect(diagnoseMailbox(healthy, directory, [alert(healthy, 'TestSucceeded', '2026-12-01T00:00:00Z')])).toEqual({ health: 'working', causes: [], fix: undefined });
  });

  it('puts a pending approval first and offers to approve it', () => {
    const pending = failed({ ...healthy, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval });
    const diagnosis = diagnoseMailbox(pending, directory, []);
    expect(diagnosis.causes[0]?.code).toBe('notApproved');
    expect(diagnosis.fix?.kind).toBe('approve');
  });

  it('keeps a rejection a rejection: the fix is a new request, not an approval', () => {
    const rejected = { ...healthy, emailRouterAccessApproval: EmailApprovalStatus.Rejected };
    expect(diagnoseMailbox(rejected, directory, [])).toMatchObject({ causes: [{ code: 'rejected' }], fix: { kind: 'requestApproval' } });
  });

  it('names a delivery method that is not server-side sync, with the defaults as the fix', () => {
    const outlook = { ...healthy, incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.None, outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.None, actDeliveryMethod: ActDeliveryMethod.None };
    expect(diagnoseMailbox(outlook, directory, [])).toMatchObject({ health: 'blocked', causes: [{ code: 'wrongDeliveryMethod' }], fix: { kind: 'applyDefaults' } });
  });

  it('reads "configured with another organization" from the latest alert and offers sync from this org only', () => {
    const otherOrg = failed(healthy);
    const diagnosis = diagnoseMailbox(otherOrg, directory, [
      alert(otherOrg, 'ServerUnreachable', '2026-11-01T00:00:00Z'),
      alert(otherOrg, 'ActConfiguredWithAnotherOrganization', '2026-12-01T00:00:00Z', 'Exchange syncs this mailbox with Fabrikam.'),
    ]);
    expect(diagnosis).toMatchObject({ health: 'failing', causes: [{ code: 'anotherPrimaryOrganization' }], fix: { kind: 'syncFromThisOrgOnly' } });
    expect(diagnosis.causes[0]?.advice).toContain('Exchange syncs this mailbox with Fabrikam.');
  });

  it('reports a transient failure as retrying, with no fix to press', () => {
    const waiting = { ...failed(healthy), testEmailConfigurationScheduled: true, postponeTestEmailConfigurationUntil: '2026-12-06T10:00:00Z' };
    expect(diagnoseMailbox(waiting, directory, [alert(waiting, 'ServerUnreachable', '2026-12-06T09:55:00Z')])).toMatchObject({ health: 'retrying', causes: [{ code: 'serverUnreachable' }], fix: undefined });
  });

  it('offers a test for a failure no alert explains, and for a mailbox never tested', () => {
    expect(diagnoseMailbox(failed(healthy), directory, [])).toMatchObject({ health: 'failing', causes: [{ code: 'unknownFailure' }], fix: { kind: 'testAgain' } });
    const untested = { ...healthy, mailboxStatus: TestStatus.NotRun, incomingEmailStatus: TestStatus.NotRun, outgoingEmailStatus: TestStatus.NotRun, actStatus: TestStatus.NotRun };
    expect(diagnoseMailbox(untested, directory, [])).toMatchObject({ health: 'notTested', causes: [{ code: 'neverTested' }], fix: { kind: 'testAgain' } });
  });

  it('lists every cause it finds, the blocking ones before what Exchange said', () => {
    const both = failed({ ...healthy, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, emailServerProfileId: null });
    const codes = diagnoseMailbox(both, directory, [alert(both, 'Unauthorized', '2026-12-01T00:00:00Z')]).causes.map((cause) => cause.code);
    expect(codes).toEqual(['noProfile', 'notApproved', 'credentials']);
  });
});
