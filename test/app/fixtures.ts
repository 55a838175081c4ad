// Small builder-made organizations the use-case tests share. Version 9.1.0.5805 (the seed's permission
// table), Customer Engagement (online) with Exchange Online, unless a test asks otherwise.
import { ActDeliveryMethod, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../src/domain/options.js';
import { BuiltInRoleIds, orgBuilder, type BuiltOrg, type OrganizationOptions } from '../support/org-builder.js';

export const SEED_VERSION = '9.1.0.5805';

/**
 * - ada: Global admin + System Administrator (may approve under the seed table)
 * - evan: Exchange admin + System Administrator
 * - sam: System Administrator only (may change settings, may not approve for Exchange Online)
 * - cody: System Customizer with Read/Write Mailbox at Business Unit depth, in the Sales unit
 * - otto, pia: salespeople in Sales (Read/Write Mailbox at User depth)
 * - queue "Support" (owner sam) and queue "Sales Inbox" (owner pia, in Sales)
 * Profiles: "Microsoft Exchange Online" (default), "Legacy POP3", and the inactive "Old Exchange".
 */
export function smallOrg(options: OrganizationOptions = {}): BuiltOrg {
  return orgBuilder({ version: SEED_VERSION, ...options })
    .businessUnit('sales', { name: 'Sales' })
    .role('bu-customizer', {
      name: 'Sales Customizer',
      template: 'SystemCustomizer',
      businessUnit: 'sales',
      privileges: { prvReadMailbox: 'BusinessUnit', prvWriteMailbox: 'BusinessUnit' },
    })
    .role('salesperson', { name: 'Salesperson', privileges: { prvReadMailbox: 'User', prvWriteMailbox: 'User' } })
    .user('ada', { fullName: 'Ada Admin', roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['GlobalAdministrator'] })
    .user('evan', { fullName: 'Evan Exchange', roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['ExchangeAdministrator'] })
    .user('sam', { fullName: 'Sam Sysadmin', roles: [BuiltInRoleIds.systemAdministrator] })
    .user('cody', { fullName: 'Cody Customizer', businessUnit: 'sales', roles: ['bu-customizer'] })
    .user('otto', {
      fullName: 'Otto Owner',
      businessUnit: 'sales',
      roles: ['salesperson'],
      mailbox: { emailServerProfileId: null, incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.None, outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.None, actDeliveryMethod: ActDeliveryMethod.None, emailRouterAccessApproval: EmailApprovalStatus.Empty },
    })
    .user('pia', { fullName: 'Pia Pending', businessUnit: 'sales', roles: ['salesperson'] })
    .queue('support', { owner: 'sam', name: 'Support' })
    .queue('sales-inbox', { owner: 'pia', name: 'Sales Inbox', email: 'sales@contoso.com', mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } })
    .profile('exo', { name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', owner: 'ada', isDefault: true })
    .profile('pop', { name: 'Legacy POP3', serverType: 'Pop3Smtp', owner: 'ada' })
    .profile('old', { name: 'Old Exchange', serverType: 'ExchangeServer', owner: 'ada', active: false })
    .build();
}
