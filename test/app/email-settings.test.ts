import { describe, expect, it } from 'vitest';
import { configureDefaultEmailSettings, showEmailSettings } from '../../src/app/email-settings.js';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod } from '../../src/domain/options.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('showEmailSettings', () => {
  it('shows the default profile and delivery methods', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const view = expectOk(await showEmailSettings(context, user('cody')));
    expect(view.defaultProfile?.profile.name).toBe('Microsoft Exchange Online');
    expect(view.defaultProfile?.ownerName).toBe('Ada Admin');
    expect(view.settings.defaultIncomingEmailDeliveryMethod).toBe(IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter);
    expect(view.organization.version).toBe('9.1.0.5805');
  });

  it('refuses someone with no role that reads email configuration', async () => {
    const org = orgBuilder().user('nobody').build();
    const { context, user } = harnessForOrg(org);
    const error = expectErr(await showEmailSettings(context, user('nobody')));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.rule).toBe('app:read-configuration:denied');
  });
});

describe('configureDefaultEmailSettings', () => {
  it('changes the default profile and methods, and audits the old and new values against the organization', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const result = expectOk(await configureDefaultEmailSettings(context, user('sam'), { profile: 'Legacy POP3', act: ActDeliveryMethod.None }));
    expect(result.changed).toBe(true);
    expect(store.organization.settings).toMatchObject({ defaultEmailServerProfileId: 'pop', defaultActDeliveryMethod: ActDeliveryMethod.None });
    const [entry] = store.recentAudit(1);
    expect(entry).toMatchObject({ action: 'organization.configureDefaultEmailSettings', target: { type: 'organization', id: 'org' }, rule: 'organization-email:system-administrator' });
    expect(entry?.details).toBe('Server Profile: Microsoft Exchange Online → Legacy POP3; Appointments, Contacts, and Tasks: Server-Side Synchronization → None');
  });

  it('refuses server-side synchronization for ACT on a POP3/SMTP default profile, with the reason', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    const error = expectErr(await configureDefaultEmailSettings(context, user('sam'), { profile: 'Legacy POP3' }));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toContain('Appointments, contacts, and tasks cannot use server-side synchronization with the Other (POP3/SMTP) profile "Legacy POP3"');
    expect(commit).not.toHaveBeenCalled();
    expect(store.organization.settings.defaultEmailServerProfileId).toBe('exo');
  });

  it('refuses server-side synchronization without any default profile', async () => {
    const org = orgBuilder().user('sam', { roles: [BuiltInRoleIds.systemAdministrator] }).build();
    const { context, user } = harnessForOrg(org);
    const error = expectErr(await configureDefaultEmailSettings(context, user('sam'), { incoming: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter }));
    expect(error.message).toContain('Server-side synchronization needs an email server profile');
  });

  it('refuses a System Customizer without Write Organization, with the permission reason, and changes nothing', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await configureDefaultEmailSettings(context, user('cody'), { act: ActDeliveryMethod.None }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.decision?.reason).toContain('Write Organization');
    expect(store.document()).toBe(before);
  });

  it('commits nothing when the settings already are as asked', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    const result = expectOk(await configureDefaultEmailSettings(context, user('sam'), { act: ActDeliveryMethod.ServerSideSynchronization }));
    expect(result.changed).toBe(false);
    expect(commit).not.toHaveBeenCalled();
  });

  it('asks for something to change', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    expect(expectErr(await configureDefaultEmailSettings(context, user('sam'), {})).message).toContain('say what to change');
  });
});
