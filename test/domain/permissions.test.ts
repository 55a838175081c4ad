import { describe, expect, it } from 'vitest';
import type { Deployment, EmailSettings } from '../../src/domain/model.js';
import type { PrivilegeDepth } from '../../src/domain/options.js';
import {
  DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR,
  MailboxPermissionActions,
  canApproveEmail,
  canAssignRole,
  canChangeApprovalRequirement,
  canChangeDeliveryMethods,
  canChangeEmailAddress,
  canConfigureOrganizationEmail,
  canManageSecurityRoles,
  canTestAndEnable,
  explainMailboxPermissions,
  permissionEditionFor,
} from '../../src/domain/permissions.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';

const ONLINE_ONLINE: Deployment = { customerEngagement: 'online', exchange: 'online' };
const ON_PREMISES_ONLINE: Deployment = { customerEngagement: 'onPremises', exchange: 'online' };
const LEGACY = '9.1.0.5804';
const SEED = '9.1.0.5805';
const CURRENT = '9.2.22104.00170';
const SA = BuiltInRoleIds.systemAdministrator;
const SC = BuiltInRoleIds.systemCustomizer;
const DMA = BuiltInRoleIds.delegatedMailboxApprover;

/**
 * Contoso (root) ── Sales ── Sales East
 *               └── Support
 * with the administrators the permission table names, in the root unit.
 */
function contoso(options: { version?: string; deployment?: Deployment; settings?: Partial<EmailSettings> } = {}) {
  return orgBuilder({ version: options.version ?? CURRENT, deployment: options.deployment ?? ONLINE_ONLINE, settings: options.settings ?? {} })
    .businessUnit('sales', { name: 'Sales' })
    .businessUnit('sales-east', { name: 'Sales East', parent: 'sales' })
    .businessUnit('support', { name: 'Support' })
    .role('own-mailbox-writer', { privileges: { prvWriteMailbox: 'User' } })
    .role('self-approver', { privileges: { prvWriteMailbox: 'User', prvApproveRejectEmailAddress: 'User' } })
    .user('sysadmin', { fullName: 'Sam Admin', roles: [SA] })
    .user('global-sysadmin', { roles: [SA], office365Roles: ['GlobalAdministrator'] })
    .user('exchange-sysadmin', { roles: [SA], office365Roles: ['ExchangeAdministrator'] })
    .user('delegated-sysadmin', { roles: [DMA, SA] })
    .user('exchange-admin', { office365Roles: ['ExchangeAdministrator'] })
    .user('global-admin', { office365Roles: ['GlobalAdministrator'] })
    .user('customizer', { fullName: 'Cass Customizer', roles: [SC] })
    .user('ann', { fullName: 'Ann Lee', businessUnit: 'sales', roles: ['own-mailbox-writer'] })
    .user('colleague', { fullName: 'Cora Colleague', businessUnit: 'sales' })
    .user('east', { fullName: 'Ed East', businessUnit: 'sales-east' })
    .user('helper', { fullName: 'Hal Helper', businessUnit: 'support' })
    .queue('sales-queue', { owner: 'ann' });
}

describe('choosing the edition by version', () => {
  it('switches to the 2019 table exactly at 9.1.0.5805 and to the 2025 table exactly at 9.2.22104.00170', () => {
    expect(['9.1.0.5804', '9.1.0.5805', '9.2.22104.00169', '9.2.22104.00170'].map(permissionEditionFor)).toEqual([
      'legacy',
      'seed2019',
      'seed2019',
      'current2025',
    ]);
  });

  it('lets Exchange administrator plus System Administrator approve from 9.1.0.5805 but not at 9.1.0.5804', () => {
    const before = contoso({ version: '9.1.0.5804' }).build();
    const from = contoso({ version: '9.1.0.5805' }).build();
    const beforeDecision = canApproveEmail(before.user('exchange-sysadmin'), before.userMailbox('colleague'), before.directory);
    const fromDecision = canApproveEmail(from.user('exchange-sysadmin'), from.userMailbox('colleague'), from.directory);
    expect(beforeDecision).toMatchObject({ allowed: false, edition: 'legacy', rule: 'legacy:ce-online/exchange-online:exchange-admin+system-admin' });
    expect(fromDecision).toMatchObject({ allowed: true, edition: 'seed2019', rule: 'seed2019:ce-online/exchange-online:exchange-admin+system-admin' });
  });

  it('lets Delegated Mailbox Approver plus System Administrator approve from 9.2.22104.00170 but not at 9.2.22104.00169', () => {
    const before = contoso({ version: '9.2.22104.00169' }).build();
    const from = contoso({ version: '9.2.22104.00170' }).build();
    const beforeDecision = canApproveEmail(before.user('delegated-sysadmin'), before.userMailbox('colleague'), before.directory);
    const fromDecision = canApproveEmail(from.user('delegated-sysadmin'), from.userMailbox('colleague'), from.directory);
    expect(beforeDecision).toMatchObject({ allowed: false, edition: 'seed2019', rule: 'seed2019:ce-online/exchange-online:system-admin' });
    expect(fromDecision).toMatchObject({ allowed: true, edition: 'current2025', rule: 'current2025:ce-online/exchange-online:delegated-mailbox-approver+system-admin' });
  });
});

describe('reasons for approval decisions', () => {
  it('tells an Exchange administrator without System Administrator which role is missing', () => {
    const org = contoso({ version: SEED }).build();
    expect(canApproveEmail(org.user('exchange-admin'), org.userMailbox('colleague'), org.directory).reason).toBe(
      'Exchange administrator alone cannot approve email addresses for Customer Engagement (online) with Exchange Online; it needs Dynamics 365 System Administrator too.',
    );
  });

  it('says a role that does not apply to the deployment is not applicable to this deployment', () => {
    const org = contoso({ deployment: ON_PREMISES_ONLINE }).build();
    const decision = canApproveEmail(org.user('global-admin'), org.userMailbox('colleague'), org.directory);
    expect(decision).toEqual({
      allowed: false,
      edition: 'current2025',
      rule: 'current2025:ce-on-premises/exchange-online:global-admin',
      reason:
        'Approving email addresses as Microsoft 365 Global administrator alone is not applicable to this deployment (Customer Engagement (on-premises) with Exchange Online); it needs Dynamics 365 System Administrator.',
    });
  });

  it('lists every way in when the requester holds none of the table’s roles', () => {
    const org = contoso().build();
    const decision = canApproveEmail(org.user('colleague'), org.userMailbox('east'), org.directory);
    expect(decision.rule).toBe('current2025:ce-online/exchange-online:no-approver-column');
    expect(decision.reason).toBe(
      'A user without any of the administrator roles in the table cannot approve email addresses for Customer Engagement (online) with Exchange Online; it needs Microsoft 365 Global administrator plus Dynamics 365 System Administrator, Exchange administrator plus Dynamics 365 System Administrator, or Delegated Mailbox Approver plus Dynamics 365 System Administrator.',
    );
  });

  it('refuses a deactivated user whatever roles they hold', () => {
    const org = contoso().user('former-admin', { roles: [SA], office365Roles: ['GlobalAdministrator'], active: false }).build();
    const decision = canApproveEmail(org.user('former-admin'), org.userMailbox('colleague'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'requester:inactive' });
    expect(decision.reason).toContain('disabled');
  });
});

describe('the approval privilege and its depth', () => {
  // Before 9.1.0.5805 a Global administrator approves without System Administrator, so the privilege's depth comes from
  // the custom role alone (a System Administrator would hold it at Organization depth).
  const reach: readonly { depth: PrivilegeDepth; colleague: PrivilegeDepth | true; east: PrivilegeDepth | true; helper: PrivilegeDepth | true }[] = [
    { depth: 'User', colleague: 'BusinessUnit', east: 'ParentChildBusinessUnit', helper: 'Organization' },
    { depth: 'BusinessUnit', colleague: true, east: 'ParentChildBusinessUnit', helper: 'Organization' },
    { depth: 'ParentChildBusinessUnit', colleague: true, east: true, helper: 'Organization' },
    { depth: 'Organization', colleague: true, east: true, helper: true },
  ];
  const depthWords: Readonly<Record<PrivilegeDepth, string>> = {
    User: 'User',
    BusinessUnit: 'Business Unit',
    ParentChildBusinessUnit: 'Parent: Child Business Units',
    Organization: 'Organization',
  };

  it.each(reach)(
    'a Global administrator in Sales holding the approval privilege at $depth depth reaches the mailboxes the row allows and is told the depth needed for the others',
    (row) => {
      const org = contoso({ version: LEGACY })
        .role('approver', { privileges: { prvApproveRejectEmailAddress: row.depth } })
        .user('gus', { fullName: 'Gus Grant', businessUnit: 'sales', office365Roles: ['GlobalAdministrator'], roles: ['approver'] })
        .build();
      for (const [mailboxKey, expected] of [['colleague', row.colleague], ['east', row.east], ['helper', row.helper]] as const) {
        const decision = canApproveEmail(org.user('gus'), org.userMailbox(mailboxKey), org.directory);
        if (expected === true) {
          expect(decision).toMatchObject({ allowed: true, rule: 'legacy:ce-online/exchange-online:global-admin' });
        } else {
          expect(decision).toMatchObject({ allowed: false, rule: 'privilege:prvApproveRejectEmailAddress:depth' });
          expect(decision.reason).toContain(`Gus Grant holds Approve Email Addresses for Users or Queues (prvApproveRejectEmailAddress) at ${depthWords[row.depth]} depth`);
          expect(decision.reason).toContain(`it needs at least ${depthWords[expected]} depth`);
        }
      }
    },
  );

  it('refuses a requester with the right roles but without the approval privilege, naming the depth it would need', () => {
    const org = contoso({ version: LEGACY }).user('gus', { fullName: 'Gus Grant', businessUnit: 'sales', office365Roles: ['GlobalAdministrator'] }).build();
    const decision = canApproveEmail(org.user('gus'), org.userMailbox('colleague'), org.directory);
    expect(decision).toMatchObject({ allowed: false, edition: 'legacy', rule: 'privilege:prvApproveRejectEmailAddress:missing' });
    expect(decision.reason).toBe(
      "Microsoft 365 Global administrator may approve email addresses for Customer Engagement (online) with Exchange Online, but none of Gus Grant's security roles grants Approve Email Addresses for Users or Queues (prvApproveRejectEmailAddress), and reaching this mailbox colleague@contoso.com (owned by Cora Colleague in business unit Sales) needs at least Business Unit depth.",
    );
  });
});

describe('self-approval from 9.2.22104.00170', () => {
  it('lets a user approve their own mailbox when its address equals their UPN and they can write their mailbox', () => {
    const org = contoso().build();
    const decision = canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory);
    expect(decision).toMatchObject({ allowed: true, edition: 'current2025', rule: 'current2025:self-approval' });
    expect(decision.reason).toContain('Ann Lee can self-approve their own mailbox ann@contoso.com');
  });

  it('compares the UPN and the address without regard to case', () => {
    const org = contoso().user('ann', { fullName: 'Ann Lee', roles: ['own-mailbox-writer'], userPrincipalName: 'Ann@Contoso.com' }).build();
    expect(canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory).allowed).toBe(true);
  });

  it('refuses when the UPN differs from the mailbox address', () => {
    const org = contoso().user('ann', { fullName: 'Ann Lee', roles: ['own-mailbox-writer'], userPrincipalName: 'ann@contoso.onmicrosoft.com' }).build();
    const decision = canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'current2025:self-approval:upn-mismatch' });
    expect(decision.reason).toContain('ann@contoso.onmicrosoft.com');
    expect(decision.reason).toContain('ann@contoso.com');
  });

  it('never lets the owner of a queue self-approve the queue’s mailbox', () => {
    const org = contoso().build();
    const decision = canApproveEmail(org.user('ann'), org.queueMailbox('sales-queue'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'current2025:self-approval:queue-mailbox' });
    expect(decision.reason).toContain('queue mailbox can never be self-approved');
  });

  it('refuses when the organization requires the privilege to self-approve and the user lacks it', () => {
    const org = contoso({ settings: { requirePrivilegeToSelfApproveEmailAddress: true } }).build();
    const decision = canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'privilege:prvApproveRejectEmailAddress:missing' });
    expect(decision.reason).toContain('RequirePrivilegeToSelfApproveEmailAddress is on');
  });

  it('allows it when the organization requires the privilege and the user holds it at User depth', () => {
    const org = contoso({ settings: { requirePrivilegeToSelfApproveEmailAddress: true } })
      .user('ann', { fullName: 'Ann Lee', businessUnit: 'sales', roles: ['self-approver'] })
      .build();
    expect(canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory)).toMatchObject({ allowed: true, rule: 'current2025:self-approval' });
  });

  it('refuses a user who cannot write their own mailbox', () => {
    const org = contoso().user('ann', { fullName: 'Ann Lee' }).build();
    expect(canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory)).toMatchObject({ allowed: false, rule: 'privilege:prvWriteMailbox:missing' });
  });

  it('does not exist before 9.2.22104.00170, where the table alone decides', () => {
    const org = contoso({ version: '9.2.22104.00169' }).build();
    expect(canApproveEmail(org.user('ann'), org.userMailbox('ann'), org.directory)).toMatchObject({
      allowed: false,
      edition: 'seed2019',
      rule: 'seed2019:ce-online/exchange-online:no-approver-column',
    });
  });

  it('gives nothing on someone else’s mailbox', () => {
    const org = contoso().build();
    expect(canApproveEmail(org.user('ann'), org.userMailbox('colleague'), org.directory)).toMatchObject({
      allowed: false,
      rule: 'current2025:ce-online/exchange-online:no-approver-column',
    });
  });
});

describe('changing the approval requirement', () => {
  it('is allowed to the admins of the table’s yes cells for the deployment', () => {
    const org = contoso({ version: SEED }).build();
    const decision = canChangeApprovalRequirement(org.user('global-sysadmin'), org.directory);
    expect(decision).toMatchObject({ allowed: true, rule: 'seed2019:ce-online/exchange-online:global-admin+system-admin' });
    expect(decision.reason).toContain('Process emails only for approved users/queues');
  });

  it('is refused to a System Administrator alone with Exchange Online, and self-approvers get nothing here', () => {
    const org = contoso().build();
    expect(canChangeApprovalRequirement(org.user('sysadmin'), org.directory)).toMatchObject({ allowed: false, rule: 'current2025:ce-online/exchange-online:system-admin' });
    expect(canChangeApprovalRequirement(org.user('ann'), org.directory)).toMatchObject({ allowed: false, rule: 'current2025:ce-online/exchange-online:no-approver-column' });
  });

  it('is allowed to a System Administrator alone with Customer Engagement on-premises', () => {
    const org = contoso({ deployment: ON_PREMISES_ONLINE }).build();
    expect(canChangeApprovalRequirement(org.user('sysadmin'), org.directory)).toMatchObject({ allowed: true, rule: 'current2025:ce-on-premises/exchange-online:system-admin' });
  });
});

describe('changing delivery methods', () => {
  const org = contoso()
    .role('customizer-sales', { template: 'SystemCustomizer', businessUnit: 'sales', privileges: { prvReadMailbox: 'BusinessUnit', prvWriteMailbox: 'BusinessUnit' } })
    .role('customizer-read-only', { template: 'SystemCustomizer', privileges: { prvReadMailbox: 'Organization' } })
    .role('mailbox-editor', { privileges: { prvReadMailbox: 'Organization', prvWriteMailbox: 'Organization' } })
    .user('sales-customizer', { fullName: 'Sid Customizer', businessUnit: 'sales', roles: ['customizer-sales'] })
    .user('reader', { fullName: 'Rita Reader', roles: ['customizer-read-only'] })
    .user('editor', { fullName: 'Eve Editor', roles: ['mailbox-editor'] })
    .build();

  it('is allowed to a System Administrator and to a System Customizer whose mailbox privileges reach the mailbox', () => {
    expect(canChangeDeliveryMethods(org.user('sysadmin'), org.userMailbox('helper'), org.directory)).toMatchObject({
      allowed: true,
      rule: 'delivery-methods:admin+mailbox-privileges',
    });
    expect(canChangeDeliveryMethods(org.user('sales-customizer'), org.userMailbox('colleague'), org.directory).allowed).toBe(true);
  });

  it('is refused when Read Mailbox does not reach a mailbox in another business unit', () => {
    const decision = canChangeDeliveryMethods(org.user('sales-customizer'), org.userMailbox('helper'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'privilege:prvReadMailbox:depth' });
    expect(decision.reason).toContain('at Business Unit depth');
    expect(decision.reason).toContain('it needs at least Organization depth');
  });

  it('is refused without Write Mailbox even when Read Mailbox reaches', () => {
    expect(canChangeDeliveryMethods(org.user('reader'), org.userMailbox('helper'), org.directory)).toMatchObject({
      allowed: false,
      rule: 'privilege:prvWriteMailbox:missing',
    });
  });

  it('is refused to a user with both privileges but no admin role', () => {
    const decision = canChangeDeliveryMethods(org.user('editor'), org.userMailbox('helper'), org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'delivery-methods:admin-role' });
    expect(decision.reason).toContain('their security roles are Mailbox Editor');
  });
});

describe('configuring the organization’s email settings', () => {
  const org = contoso()
    .role('customizer-with-settings', { template: 'SystemCustomizer', privileges: { prvWriteOrganization: 'Organization' } })
    .user('settings-customizer', { roles: ['customizer-with-settings'] })
    .build();

  it('is allowed to a System Administrator and to a System Customizer holding Write Organization', () => {
    expect(canConfigureOrganizationEmail(org.user('sysadmin'), org.directory)).toMatchObject({ allowed: true, rule: 'organization-email:system-administrator' });
    expect(canConfigureOrganizationEmail(org.user('settings-customizer'), org.directory)).toMatchObject({
      allowed: true,
      rule: 'organization-email:system-customizer+prvWriteOrganization',
    });
  });

  it('is refused to a System Customizer without Write Organization and to anyone else', () => {
    expect(canConfigureOrganizationEmail(org.user('customizer'), org.directory)).toMatchObject({ allowed: false, rule: 'privilege:prvWriteOrganization:missing' });
    expect(canConfigureOrganizationEmail(org.user('global-admin'), org.directory)).toMatchObject({ allowed: false, rule: 'organization-email:admin-role' });
  });
});

describe('managing security roles', () => {
  it('is allowed to a System Administrator only', () => {
    const org = contoso().build();
    expect(canManageSecurityRoles(org.user('sysadmin'), org.directory).allowed).toBe(true);
    const refused = canManageSecurityRoles(org.user('customizer'), org.directory);
    expect(refused).toMatchObject({ allowed: false, rule: 'security-roles:system-administrator' });
    expect(refused.reason).toContain('their security roles are System Customizer');
  });

  it('is refused to a deactivated System Administrator', () => {
    const org = contoso().user('sysadmin', { roles: [SA], active: false }).build();
    expect(canManageSecurityRoles(org.user('sysadmin'), org.directory)).toMatchObject({ allowed: false, rule: 'requester:inactive' });
  });
});

describe('assigning a role', () => {
  it('lets a System Administrator assign an ordinary role and refuses anyone else', () => {
    const org = contoso().build();
    expect(canAssignRole(org.user('sysadmin'), org.role(SC), org.directory)).toMatchObject({ allowed: true, rule: 'assign-role:system-administrator' });
    expect(canAssignRole(org.user('customizer'), org.role(SC), org.directory)).toMatchObject({ allowed: false, rule: 'assign-role:system-administrator' });
  });

  it('refuses the Delegated Mailbox Approver role to a System Administrator who is neither Global nor Exchange administrator, with the platform’s error', () => {
    const org = contoso().build();
    expect(canAssignRole(org.user('sysadmin'), org.role(DMA), org.directory)).toEqual({
      allowed: false,
      edition: 'current2025',
      rule: 'assign-role:delegated-mailbox-approver:0x80090904',
      reason: 'You must be an Office 365 Global Administrator or an Exchange Administrator to assign the Delegated Mailbox Approver role.',
    });
    expect(DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR.code).toBe('0x80090904');
  });

  it('lets an Exchange administrator who is also System Administrator assign the Delegated Mailbox Approver role', () => {
    const org = contoso().build();
    expect(canAssignRole(org.user('exchange-sysadmin'), org.role(DMA), org.directory)).toMatchObject({ allowed: true, rule: 'assign-role:delegated-mailbox-approver' });
  });

  it('refuses the Delegated Mailbox Approver role before the version that introduced it', () => {
    const org = contoso({ version: SEED }).build();
    expect(canAssignRole(org.user('global-sysadmin'), org.role(DMA), org.directory)).toMatchObject({
      allowed: false,
      rule: 'assign-role:delegated-mailbox-approver:unavailable',
    });
  });
});

describe('Test & Enable', () => {
  it('is allowed to an admin on any mailbox and to the owner who can write their mailbox', () => {
    const org = contoso().build();
    expect(canTestAndEnable(org.user('customizer'), org.userMailbox('helper'), org.directory)).toMatchObject({ allowed: true, rule: 'test-and-enable:admin-role' });
    expect(canTestAndEnable(org.user('ann'), org.userMailbox('ann'), org.directory)).toMatchObject({ allowed: true, rule: 'test-and-enable:owner+prvWriteMailbox' });
  });

  it('is refused to an owner without Write Mailbox and to someone who neither administers nor owns the mailbox', () => {
    const org = contoso().build();
    expect(canTestAndEnable(org.user('colleague'), org.userMailbox('colleague'), org.directory)).toMatchObject({
      allowed: false,
      rule: 'privilege:prvWriteMailbox:missing',
    });
    expect(canTestAndEnable(org.user('ann'), org.userMailbox('colleague'), org.directory)).toMatchObject({ allowed: false, rule: 'test-and-enable:admin-or-owner' });
  });
});

describe('changing an email address', () => {
  const org = contoso()
    .role('sales-mailbox-writer', { privileges: { prvWriteMailbox: 'BusinessUnit' } })
    .user('sales-writer', { fullName: 'Will Writer', businessUnit: 'sales', roles: ['sales-mailbox-writer'] })
    .queue('support-queue', { owner: 'helper' })
    .build();

  it('is allowed to a System Administrator and to a user whose Write Mailbox reaches the user or queue', () => {
    expect(canChangeEmailAddress(org.user('sysadmin'), { type: 'queue', id: 'support-queue' }, org.directory)).toMatchObject({
      allowed: true,
      rule: 'email-address:system-administrator',
    });
    expect(canChangeEmailAddress(org.user('sales-writer'), { type: 'systemuser', id: 'colleague' }, org.directory)).toMatchObject({
      allowed: true,
      rule: 'email-address:prvWriteMailbox',
    });
    expect(canChangeEmailAddress(org.user('sales-writer'), { type: 'queue', id: 'sales-queue' }, org.directory).allowed).toBe(true);
  });

  it('is refused when Write Mailbox does not reach a queue in another business unit', () => {
    const decision = canChangeEmailAddress(org.user('sales-writer'), { type: 'queue', id: 'support-queue' }, org.directory);
    expect(decision).toMatchObject({ allowed: false, rule: 'privilege:prvWriteMailbox:depth' });
    expect(decision.reason).toContain('business unit Support');
  });

  it('is refused for a user or queue that does not exist', () => {
    expect(canChangeEmailAddress(org.user('sales-writer'), { type: 'queue', id: 'no-such-queue' }, org.directory)).toMatchObject({
      allowed: false,
      rule: 'email-address:unknown-regarding',
    });
  });
});

describe('explaining what a requester may do with a mailbox', () => {
  it('lists every decision for the mailbox in a fixed order, matching the individual checks', () => {
    const org = contoso().build();
    const requester = org.user('customizer');
    const mailbox = org.userMailbox('colleague');
    const explained = explainMailboxPermissions(requester, mailbox, org.directory);
    expect(explained.map((entry) => entry.action)).toEqual([...MailboxPermissionActions]);
    expect(Object.fromEntries(explained.map((entry) => [entry.action, entry.decision.allowed]))).toEqual({
      approveEmail: false,
      changeApprovalRequirement: false,
      changeDeliveryMethods: true,
      testAndEnable: true,
      changeEmailAddress: true,
      configureOrganizationEmail: false,
      manageSecurityRoles: false,
    });
    expect(explained.find((entry) => entry.action === 'approveEmail')?.decision).toEqual(canApproveEmail(requester, mailbox, org.directory));
  });
});
