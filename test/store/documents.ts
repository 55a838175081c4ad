// Small, fully specified data-file documents for store tests (no organization file involved).
import type { Mailbox } from '../../src/domain/model.js';
import type { DataFileDocument } from '../../src/store/schema.js';

export const TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';

export function mailboxRecord(index: number, overrides: Partial<Mailbox> = {}): Mailbox {
  const number = String(index).padStart(4, '0');
  return {
    id: `mbx-${number}`,
    name: `Person ${number}`,
    emailAddress: `person${number}@contoso.com`,
    regarding: { type: 'systemuser', id: `user-${number}` },
    ownerId: `user-${number}`,
    emailServerProfileId: 'profile-exo',
    incomingEmailDeliveryMethod: 2,
    outgoingEmailDeliveryMethod: 2,
    actDeliveryMethod: 1,
    emailRouterAccessApproval: 0,
    isEmailAddressApprovedByO365Admin: false,
    incomingEmailStatus: 0,
    outgoingEmailStatus: 0,
    actStatus: 0,
    mailboxStatus: 0,
    enabledForIncomingEmail: true,
    enabledForOutgoingEmail: true,
    enabledForAct: true,
    orgMarkedAsPrimaryForExchangeSync: false,
    testEmailConfigurationScheduled: false,
    testEmailConfigurationRetryCount: 0,
    postponeTestEmailConfigurationUntil: null,
    testMailboxAccessCompletedOn: null,
    active: true,
    version: 1,
    ...overrides,
  };
}

/** An organization with one admin user, one profile and `mailboxCount` user mailboxes. */
export function documentWithMailboxes(mailboxCount: number): DataFileDocument {
  return {
    schemaVersion: 1,
    notify: { references: [], outbox: [] },
    organization: {
      id: 'org-test',
      name: 'Test Org',
      tenantId: TENANT,
      deployment: { customerEngagement: 'online', exchange: 'online' },
      version: '9.1.0.5805',
      exchangeOnline: { subscribed: true, tenantId: TENANT },
      settings: {
        defaultEmailServerProfileId: 'profile-exo',
        defaultIncomingEmailDeliveryMethod: 2,
        defaultOutgoingEmailDeliveryMethod: 2,
        defaultActDeliveryMethod: 1,
        requireApprovalForUserEmail: true,
        requireApprovalForQueueEmail: true,
        generateAlertsForErrors: true,
        generateAlertsForWarnings: false,
        generateAlertsForInformation: true,
        notifyMailboxOwnerOfEmailServerLevelAlerts: false,
        requirePrivilegeToSelfApproveEmailAddress: false,
        maxMailboxTransientFailures: 10,
        mailboxBackoffOnTransientErrorMinutes: 5,
        testAndEnableAfterApproval: true,
      },
    },
    businessUnits: [{ id: 'bu-root', name: 'Test Org', parentBusinessUnitId: null }],
    securityRoles: [{ id: 'role-sysadmin', name: 'System Administrator', template: 'SystemAdministrator', businessUnitId: 'bu-root', privileges: {} }],
    users: [
      {
        id: 'user-admin',
        aadObjectId: '00000000-0000-4000-8000-000000000001',
        fullName: 'Ada Admin',
        primaryEmail: 'ada@contoso.com',
        userPrincipalName: 'ada@contoso.com',
        businessUnitId: 'bu-root',
        office365Roles: ['GlobalAdministrator'],
        securityRoleIds: ['role-sysadmin'],
        isServiceAdministrator: false,
        active: true,
      },
    ],
    queues: [],
    profiles: [{ id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', ownerId: 'user-admin', active: true, description: '' }],
    mailboxes: Array.from({ length: mailboxCount }, (_, index) => mailboxRecord(index + 1)),
    alerts: [],
    audit: [],
    exchangeSimulation: { tenantId: TENANT, credentialsValid: true, latencyMs: 0, mailboxes: [] },
  };
}
