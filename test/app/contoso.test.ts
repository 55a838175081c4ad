// The seed's walk-through against the demo organization examples/contoso.json (version 9.1.0.5805: the
// seed's permission table) and its 2025 twin, driven as the bot drives it: requester by Entra object id.
import { describe, expect, it } from 'vitest';
import { changeEmailAddress } from '../../src/app/change-email-address.js';
import { approveEmail, rejectEmail } from '../../src/app/email-approval.js';
import { applyDefaultEmailSettings, editMailboxes } from '../../src/app/mailbox-delivery.js';
import { verifyProfiles } from '../../src/app/profiles.js';
import { listMailboxes, whoAmI } from '../../src/app/queries.js';
import { ActDeliveryMethod, EmailApprovalStatus } from '../../src/domain/options.js';
import { exampleDocument } from '../support/fixtures.js';
import { expectErr, expectOk, harness, type Harness } from './support.js';

const contoso = async (fileName = 'contoso.json'): Promise<Harness> => harness(await exampleDocument(fileName));

/** The requester as the bot resolves it: from the activity's Entra object id, never from the text. */
function byEntraId(h: Harness, aadObjectId: string) {
  const user = h.store.userByAadObjectId(aadObjectId);
  if (user === undefined) throw new Error(`no user with Entra object id ${aadObjectId}`);
  return user;
}
const ADA = '00000000-0000-4000-8000-000000000001';
const EVAN = '00000000-0000-4000-8000-000000000002';

describe('Contoso at 9.1.0.5805: who may approve email addresses', () => {
  it.each([
    ['user-ada', 'Global admin + System Administrator'],
    ['user-evan', 'Exchange admin + System Administrator'],
  ])('lets %s (%s) approve Pia', async (approver) => {
    const h = await contoso();
    const result = expectOk(await approveEmail(h.context, h.user(approver), { mailboxes: ['pia@contoso.com'] }));
    expect(result.outcomes[0]?.status).toBe('changed');
    expect(result.outcomes[0]?.decision?.edition).toBe('seed2019');
    expect(h.store.mailboxById(result.outcomes[0]?.mailbox.mailbox.id ?? '')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
  });

  it.each([
    ['user-sam', 'System Administrator alone'],
    ['user-sid', 'Service admin'],
    ['user-erin', 'Exchange admin alone'],
    ['user-gus', 'Global admin alone'],
    ['user-dana', 'Delegated Mailbox Approver + System Administrator, before the role existed'],
    ['user-cody', 'System Customizer'],
    ['user-otto', 'a salesperson'],
  ])('refuses %s (%s) with the reason and leaves Pia pending', async (approver) => {
    const h = await contoso();
    const error = expectErr(await approveEmail(h.context, h.user(approver), { mailboxes: ['Pia Pending'] }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.allowed).toBe(false);
    expect(error.decision?.reason).toBeTruthy();
    expect(h.store.mailboxByEmail('pia@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(h.commit).not.toHaveBeenCalled();
  });

  it('approves all pending mailboxes for Ada and asks for Test & Enable, as Contoso wants after approval', async () => {
    const h = await contoso();
    const result = expectOk(await approveEmail(h.context, byEntraId(h, ADA), { mailboxes: 'pending' }));
    expect(result.outcomes.map((outcome) => outcome.mailbox.mailbox.emailAddress).sort()).toEqual(['pia@contoso.com', 'sam@contoso.com']);
    const testRequests = h.events.published.flatMap((event) => (event.type === 'testAndEnableRequested' ? [event] : []));
    expect(testRequests).toHaveLength(1);
    expect(testRequests[0]).toMatchObject({ requestedById: 'user-ada', origin: 'approval' });
    expect(testRequests[0]?.mailboxIds).toContain(h.store.mailboxByEmail('pia@contoso.com')?.id);
  });
});

describe('Contoso 2025 (9.2.22104.00170): the current permission table', () => {
  it('lets Dana approve as Delegated Mailbox Approver + System Administrator', async () => {
    const h = await contoso('contoso-2025.json');
    const result = expectOk(await approveEmail(h.context, h.user('user-dana'), { mailboxes: ['pia@contoso.com'] }));
    expect(result.outcomes[0]?.decision?.edition).toBe('current2025');
    expect(result.outcomes[0]?.status).toBe('changed');
  });

  it('lets Pia approve her own mailbox, and nobody else’s', async () => {
    const h = await contoso('contoso-2025.json');
    const own = expectOk(await approveEmail(h.context, h.user('user-pia'), { mailboxes: ['pia@contoso.com'] }));
    expect(own.outcomes[0]?.status).toBe('changed');
    expect(expectErr(await approveEmail(h.context, h.user('user-pia'), { mailboxes: ['sam@contoso.com'] })).code).toBe('PermissionDenied');
  });
});

describe('Contoso: configuring mailboxes as the seed describes', () => {
  it('verifies the Microsoft Exchange Online profile', async () => {
    const h = await contoso();
    const verification = expectOk(await verifyProfiles(h.context, h.user('user-sam')));
    expect(verification).toMatchObject({ present: true, active: true, isDefault: true, ok: true });
  });

  it('applies the default settings to the mailboxes not yet on server-side synchronization and tests them', async () => {
    const h = await contoso();
    const result = expectOk(await applyDefaultEmailSettings(h.context, h.user('user-sam'), { mailboxes: ['Sid Service', 'Cody Customizer', 'Ada Admin'] }));
    expect(result.outcomes.map((outcome) => [outcome.mailbox.regarding.name, outcome.status])).toEqual([
      ['Sid Service', 'changed'],
      ['Cody Customizer', 'changed'],
      ['Ada Admin', 'unchanged'],
    ]);
    expect(h.commit).toHaveBeenCalledTimes(1);
    expect(h.events.published).toEqual([{ type: 'testAndEnableRequested', mailboxIds: result.testAndEnableRequestedFor, requestedById: 'user-sam', origin: 'applyDefaults' }]);
    expect(result.testAndEnableRequestedFor).toHaveLength(2);
  });

  it("keeps Cody's bulk edit to his business unit's depth", async () => {
    const h = await contoso();
    const result = expectOk(await editMailboxes(h.context, h.user('user-cody'), { mailboxes: ['Cody Customizer', 'Pia Pending'], changes: { act: ActDeliveryMethod.None } }));
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['changed', 'refused']);
    expect(result.outcomes[1]?.reason).toContain('Business Unit');
  });

  it("sends Otto's address back to approval when it changes", async () => {
    const h = await contoso();
    expect(h.store.mailboxByEmail('otto@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expectOk(await changeEmailAddress(h.context, byEntraId(h, EVAN), { who: 'Otto Owner', newAddress: 'otto.owner@contoso.com' }));
    expect(h.store.mailboxByEmail('otto.owner@contoso.com')).toMatchObject({ emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, isEmailAddressApprovedByO365Admin: false });
    expect(h.events.published).toEqual([expect.objectContaining({ type: 'approvalRequested', reason: 'emailChanged' })]);
  });

  it('lists rejected mailboxes and tells each demo user what they may do', async () => {
    const h = await contoso();
    await rejectEmail(h.context, h.user('user-ada'), { mailboxes: ['pia@contoso.com'], remark: 'Pia has not started yet.' });
    const rejected = expectOk(await listMailboxes(h.context, h.user('user-sam'), { filter: 'rejected' }));
    expect(rejected.items.map((view) => view.mailbox.emailAddress).sort()).toEqual(['erin@contoso.com', 'pia@contoso.com']);
    for (const user of h.store.users()) {
      const me = expectOk(await whoAmI(h.context, user));
      expect(me.organization.edition).toBe('seed2019');
      expect(me.mailboxSamples.length).toBeGreaterThan(0);
    }
  });
});
