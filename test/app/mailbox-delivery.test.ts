import { describe, expect, it } from 'vitest';
import { deliveryChangesInput, describeInputProblem } from '../../src/app/inputs.js';
import { applyDefaultEmailSettings, editMailboxes, setSyncFromThisOrgOnly } from '../../src/app/mailbox-delivery.js';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../src/domain/options.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

const SSS = { incoming: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter, outgoing: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter, act: ActDeliveryMethod.ServerSideSynchronization };

describe('applyDefaultEmailSettings', () => {
  it('puts the default profile and delivery methods on a mailbox and hands it to Test & Enable', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: ['otto@contoso.com'] }));

    expect(result.outcomes[0]?.status).toBe('changed');
    expect(result.outcomes[0]?.reason).toContain('Server Profile: (none) → Microsoft Exchange Online');
    expect(store.mailboxById('mailbox-otto')).toMatchObject({
      emailServerProfileId: 'exo',
      incomingEmailDeliveryMethod: SSS.incoming,
      outgoingEmailDeliveryMethod: SSS.outgoing,
      actDeliveryMethod: SSS.act,
    });
    expect(result.testAndEnableRequestedFor).toEqual(['mailbox-otto']);
    expect(events.published).toEqual([{ type: 'testAndEnableRequested', mailboxIds: ['mailbox-otto'], requestedById: 'sam', origin: 'applyDefaults' }]);
    expect(store.recentAudit(5)).toEqual([expect.objectContaining({ action: 'mailbox.applyDefaultEmailSettings', target: { type: 'mailbox', id: 'mailbox-otto', name: 'Otto Owner' }, rule: result.outcomes[0]?.decision?.rule })]);
  });

  it('reports mailboxes that already have the defaults as unchanged and does not test them', async () => {
    const { context, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: ['otto@contoso.com', 'pia@contoso.com'] }));
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['changed', 'unchanged']);
    expect(result.outcomes[1]?.reason).toBe('It already has the default email settings.');
    expect(events.published).toEqual([expect.objectContaining({ mailboxIds: ['mailbox-otto'] })]);
  });

  it('skips Test & Enable when asked not to test', async () => {
    const { context, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: ['otto@contoso.com'], testAndEnable: false }));
    expect(result.counts.changed).toBe(1);
    expect(result.testAndEnableRequestedFor).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it("reports the mailboxes beyond the requester's depth as refused and changes the rest", async () => {
    // Cody's Read/Write Mailbox reach only the Sales business unit: Otto yes, Sam's queue "Support" no.
    const { context, store, user } = harnessForOrg(smallOrg());
    const supportBefore = store.mailboxById('mailbox-support');
    const result = expectOk(
      await applyDefaultEmailSettings(context, user('cody'), { mailboxes: ['otto@contoso.com', 'support@contoso.com'], testAndEnable: false }),
    );
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['changed', 'refused']);
    expect(result.outcomes[1]?.decision?.allowed).toBe(false);
    expect(result.outcomes[1]?.reason).toContain('Business Unit');
    expect(store.mailboxById('mailbox-support')).toEqual(supportBefore);
  });

  it('refuses the whole call with the permission reason when no selected mailbox may be changed, and changes nothing', async () => {
    const { context, store, commit, events, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await applyDefaultEmailSettings(context, user('otto'), { mailboxes: ['Otto Owner'] }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.rule).toBeDefined();
    expect(error.message).toContain(error.decision?.reason ?? 'reason');
    expect(commit).not.toHaveBeenCalled();
    expect(events.published).toEqual([]);
    expect(store.document()).toBe(before);
  });

  it('changes two hundred mailboxes with one commit and one audit entry each', async () => {
    let builder = orgBuilder({ version: '9.1.0.5805' })
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('exo', { name: 'Microsoft Exchange Online', owner: 'sam', isDefault: true });
    for (let index = 0; index < 200; index++) {
      builder = builder.user(`user-${String(index).padStart(3, '0')}`, { mailbox: { emailServerProfileId: null, incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.None } });
    }
    const { context, commit, store, events, user } = harnessForOrg(builder.build());
    const result = expectOk(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: 'all' }));
    expect(result.counts).toEqual({ changed: 200, unchanged: 1, refused: 0, invalid: 0 });
    expect(commit).toHaveBeenCalledTimes(1);
    expect(store.recentAudit(1000)).toHaveLength(200);
    expect(events.published).toHaveLength(1);
    expect(events.published[0]?.type === 'testAndEnableRequested' ? events.published[0].mailboxIds : []).toHaveLength(200);
  });

  it('refuses to apply defaults that cannot work: ACT by server-side sync on a POP3 default profile', async () => {
    const org = orgBuilder({ version: '9.1.0.5805' })
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('pop', { name: 'Legacy POP3', serverType: 'Pop3Smtp', owner: 'sam', isDefault: true })
      .build();
    const { context, commit, user } = harnessForOrg(org);
    const error = expectErr(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: 'all' }));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toContain('Appointments, contacts, and tasks cannot use server-side synchronization with the Other (POP3/SMTP) profile "Legacy POP3"');
    expect(commit).not.toHaveBeenCalled();
  });

  it('refuses when the default profile is inactive', async () => {
    const org = orgBuilder({ version: '9.1.0.5805' })
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('exo', { name: 'Microsoft Exchange Online', owner: 'sam', isDefault: true, active: false })
      .build();
    const { context, user } = harnessForOrg(org);
    expect(expectErr(await applyDefaultEmailSettings(context, user('sam'), { mailboxes: 'all' })).code).toBe('InactiveProfile');
  });
});

describe('editMailboxes', () => {
  it('sets the profile and methods given, keeps the others, and does not start a test', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const result = expectOk(
      await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com'], changes: { profile: 'microsoft exchange online', incoming: SSS.incoming, outgoing: SSS.outgoing } }),
    );
    expect(result.outcomes[0]?.status).toBe('changed');
    expect(store.mailboxById('mailbox-otto')).toMatchObject({ emailServerProfileId: 'exo', incomingEmailDeliveryMethod: SSS.incoming, outgoingEmailDeliveryMethod: SSS.outgoing, actDeliveryMethod: ActDeliveryMethod.None });
    expect(store.recentAudit(1)[0]?.action).toBe('mailbox.edit');
    expect(events.published).toEqual([]);
  });

  it('marks mailboxes whose resulting combination cannot work as invalid and changes the rest', async () => {
    // Moving everyone to the POP3 profile: Otto (ACT None) can go, Pia (ACT by server-side sync) cannot.
    const { context, store, user } = harnessForOrg(smallOrg());
    const result = expectOk(await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com', 'pia@contoso.com'], changes: { profile: 'Legacy POP3' } }));
    expect(result.outcomes.map((outcome) => outcome.status)).toEqual(['changed', 'invalid']);
    expect(result.outcomes[1]?.reason).toContain('Set Appointments, Contacts, and Tasks to None');
    expect(store.mailboxById('mailbox-pia')?.emailServerProfileId).toBe('exo');
  });

  it('refuses server-side synchronization on a mailbox without a profile', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com'], changes: { incoming: SSS.incoming } }));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toContain('Server-side synchronization needs an email server profile');
  });

  it('refuses an inactive profile and an unknown one with suggestions', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com'], changes: { profile: 'Old Exchange' } })).code).toBe('InactiveProfile');
    const unknown = expectErr(await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com'], changes: { profile: 'Legacy POP' } }));
    expect(unknown.code).toBe('UnknownProfile');
    expect(unknown.unknownNames?.[0]?.suggestions).toContain('Legacy POP3');
  });

  it('asks for at least one change and rejects values that are not delivery methods', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const nothing = expectErr(await editMailboxes(context, user('sam'), { mailboxes: ['otto@contoso.com'], changes: {} }));
    expect(nothing.message).toContain('say what to change');
    const bad = deliveryChangesInput.safeParse({ incoming: 7 });
    expect(bad.success).toBe(false);
    expect(bad.error === undefined ? '' : describeInputProblem(bad.error)).toContain('Incoming Email must be one of 0 (None), 1 (Microsoft Dynamics 365 for Outlook)');
  });

  it('refuses a user without admin rights, with the reason, and changes nothing', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await editMailboxes(context, user('pia'), { mailboxes: ['pia@contoso.com'], changes: { act: ActDeliveryMethod.None } }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toContain('System Administrator or System Customizer');
    expect(store.document()).toBe(before);
  });
});

describe('setSyncFromThisOrgOnly', () => {
  it('turns the check box on, audits it, and reports unchanged the second time', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    const first = expectOk(await setSyncFromThisOrgOnly(context, user('sam'), { mailbox: 'Otto Owner', on: true }));
    expect(first.changed).toBe(true);
    expect(first.mailbox.mailbox.orgMarkedAsPrimaryForExchangeSync).toBe(true);
    expect(store.recentAudit(1)[0]?.details).toBe('Sync items with Exchange from this org only: off → on');
    const second = expectOk(await setSyncFromThisOrgOnly(context, user('sam'), { mailbox: 'Otto Owner', on: true }));
    expect(second.changed).toBe(false);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('refuses a user who may not change delivery methods', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const error = expectErr(await setSyncFromThisOrgOnly(context, user('otto'), { mailbox: 'Otto Owner', on: true }));
    expect(error.code).toBe('PermissionDenied');
    expect(store.mailboxById('mailbox-otto')?.orgMarkedAsPrimaryForExchangeSync).toBe(false);
  });
});
