import { describe, expect, it } from 'vitest';
import { MISSING_PROFILE_ADVICE, SET_AS_DEFAULT_ADVICE, setDefaultProfile, verifyProfiles } from '../../src/app/profiles.js';
import { ActDeliveryMethod } from '../../src/domain/options.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { documentFromOrg, expectErr, expectOk, harness, harnessForOrg } from './support.js';

describe('verifyProfiles', () => {
  it('finds Microsoft Exchange Online present, active and default, and lists only active profiles', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const verification = expectOk(await verifyProfiles(context, user('sam')));
    expect(verification).toMatchObject({ present: true, active: true, isDefault: true, ok: true, advice: [] });
    expect(verification.exchangeOnlineSubscription.sameTenant).toBe(true);
    expect(verification.activeProfiles.map((view) => view.profile.name)).toEqual(['Microsoft Exchange Online', 'Legacy POP3']);
  });

  it("advises, in the seed's words, to set it as default when several profiles exist", async () => {
    const org = orgBuilder()
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('exo', { name: 'Microsoft Exchange Online', owner: 'sam' })
      .profile('pop', { name: 'Legacy POP3', serverType: 'Pop3Smtp', owner: 'sam', isDefault: true })
      .build();
    const { context, user } = harnessForOrg(org);
    const verification = expectOk(await verifyProfiles(context, user('sam')));
    expect(verification.isDefault).toBe(false);
    expect(verification.ok).toBe(false);
    expect(verification.advice).toEqual([SET_AS_DEFAULT_ADVICE]);
  });

  it('says what to check when the profile is missing, naming the missing subscription', async () => {
    const org = orgBuilder().user('sam', { roles: [BuiltInRoleIds.systemAdministrator] }).build();
    const document = documentFromOrg(org);
    const { context, user } = harness({ ...document, organization: { ...document.organization, exchangeOnline: { subscribed: false, tenantId: null } } });
    const verification = expectOk(await verifyProfiles(context, user('sam')));
    expect(verification.present).toBe(false);
    expect(verification.advice[0]).toBe(MISSING_PROFILE_ADVICE);
    expect(verification.advice[1]).toContain('no Exchange Online subscription');
  });

  it('names the other tenant when the subscription lives elsewhere', async () => {
    const org = orgBuilder().user('sam', { roles: [BuiltInRoleIds.systemAdministrator] }).build();
    const document = documentFromOrg(org);
    const otherTenant = '11111111-0000-4000-8000-000000000000';
    const { context, user } = harness({ ...document, organization: { ...document.organization, exchangeOnline: { subscribed: true, tenantId: otherTenant } } });
    const verification = expectOk(await verifyProfiles(context, user('sam')));
    expect(verification.exchangeOnlineSubscription.sameTenant).toBe(false);
    expect(verification.advice[1]).toContain(otherTenant);
  });

  it('does not expect the Exchange Online profile with Exchange on-premises', async () => {
    const org = orgBuilder({ deployment: { customerEngagement: 'onPremises', exchange: 'onPremises' } })
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('onprem', { name: 'Exchange 2019', serverType: 'ExchangeServer', owner: 'sam', isDefault: true })
      .build();
    const { context, user } = harnessForOrg(org);
    const verification = expectOk(await verifyProfiles(context, user('sam')));
    expect(verification.present).toBe(false);
    expect(verification.ok).toBe(true);
    expect(verification.advice[0]).toContain('Exchange on-premises');
  });

  it('reports an inactive profile and verifies another profile by name', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const verification = expectOk(await verifyProfiles(context, user('sam'), { profileName: 'old exchange' }));
    expect(verification).toMatchObject({ present: true, active: false, isDefault: false, ok: false });
    expect(verification.advice[0]).toContain('inactive');
  });

  it('refuses someone who may not read the email configuration', async () => {
    const { context, user } = harnessForOrg(orgBuilder().user('nobody').build());
    expect(expectErr(await verifyProfiles(context, user('nobody'))).code).toBe('PermissionDenied');
  });
});

describe('setDefaultProfile', () => {
  it('makes an active profile the default and audits it', async () => {
    const org = orgBuilder()
      .user('sam', { roles: [BuiltInRoleIds.systemAdministrator] })
      .profile('exo', { name: 'Microsoft Exchange Online', owner: 'sam' })
      .profile('pop', { name: 'Legacy POP3', serverType: 'Pop3Smtp', owner: 'sam', isDefault: true })
      .build();
    const { context, store, user } = harnessForOrg(org);
    const result = expectOk(await setDefaultProfile(context, user('sam'), { profile: 'Microsoft Exchange Online' }));
    expect(result.changed).toBe(true);
    expect(result.defaultProfile?.profile.id).toBe('exo');
    expect(store.organization.settings.defaultEmailServerProfileId).toBe('exo');
    expect(store.recentAudit(1)[0]).toMatchObject({ action: 'organization.setDefaultProfile', details: 'Server Profile: Legacy POP3 → Microsoft Exchange Online' });
  });

  it('refuses an inactive profile', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await setDefaultProfile(context, user('sam'), { profile: 'Old Exchange' }));
    expect(error.code).toBe('InactiveProfile');
    expect(error.message).toContain('only active profiles');
  });

  it('suggests the closest profile for an unknown name', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const error = expectErr(await setDefaultProfile(context, user('sam'), { profile: 'Microsoft Exchange Onlin' }));
    expect(error.code).toBe('UnknownProfile');
    expect(error.unknownNames).toEqual([{ name: 'Microsoft Exchange Onlin', suggestions: ['Microsoft Exchange Online'] }]);
  });

  it('refuses a POP3 default while ACT defaults to server-side synchronization', async () => {
    const { context, user } = harnessForOrg(smallOrg({ settings: { defaultActDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization } }));
    expect(expectErr(await setDefaultProfile(context, user('sam'), { profile: 'Legacy POP3' })).code).toBe('InvalidValue');
  });

  it('refuses a user without System Settings permission and changes nothing', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await setDefaultProfile(context, user('pia'), { profile: 'Legacy POP3' }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.rule).toBe('organization-email:admin-role');
    expect(store.document()).toBe(before);
  });
});
