import { describe, expect, it } from 'vitest';
import { renderEmailSettingsCard } from '../../src/cards/email-settings-card.js';
import { renderProfilesCard } from '../../src/cards/profiles-card.js';
import { MAX_ROLES_PER_CARD, renderSecurityRolesCard } from '../../src/cards/security-roles-card.js';
import { renderWhoAmICard } from '../../src/cards/whoami-card.js';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod } from '../../src/domain/options.js';
import type { ProfilesView } from '../../src/cards/view-models.js';
import { byteSize, cardProblems, cardText, collectNodes, executeActions, visibleTexts } from './card-inspection.js';
import {
  manyRoles,
  sampleEmailSettings,
  sampleProfiles,
  sampleProfilesWithoutExchangeOnline,
  sampleSecurityRoles,
  sampleWhoAmI,
} from './samples.js';

/** The value next to `title` in the card's facts. */
function factValue(card: ReturnType<typeof renderProfilesCard>, title: string): string | undefined {
  const found = collectNodes(card.body).find((node) => node.title === title && typeof node.value === 'string');
  return typeof found?.value === 'string' ? found.value : undefined;
}

describe('renderWhoAmICard', () => {
  const card = renderWhoAmICard(sampleWhoAmI);

  it('shows the user, their Microsoft 365 roles and their security roles', () => {
    expect(visibleTexts(card)[0]).toBe('Ada Admin');
    expect(factValue(card, 'Primary email')).toBe('ada@contoso.com');
    expect(factValue(card, 'Business unit')).toBe('Contoso');
    expect(factValue(card, 'Microsoft 365 roles')).toBe('Exchange administrator');
    expect(factValue(card, 'Security roles')).toBe('System Administrator');
  });

  it('lists privileges by their UI names with their depth', () => {
    expect(factValue(card, 'Approve Email Addresses for Users or Queues')).toBe('Organization');
    expect(factValue(card, 'Write Organization (System Settings)')).toBe('Organization');
  });

  it('names the permission edition in force and the organization version', () => {
    expect(factValue(card, 'Edition')).toBe('9.1.0.5805 or later: Global or Exchange administrator together with System Administrator');
    expect(factValue(card, 'Organization version')).toBe('9.1.0.5805');
  });

  it('says what the permission model allows and refuses here, each with its rule and reason', () => {
    const texts = visibleTexts(card);
    expect(texts).toContain('✅ Allowed: Approve email addresses of user and queue mailboxes');
    expect(texts).toContain('Rule: seed2019:ce-online/exchange-online:exchange-admin+system-admin');
    expect(texts).toContain('⛔ Not allowed: Approve your own mailbox without admin roles');
    expect(texts).toContain('Self-approval arrived with version 9.2.22104.00170; this organization runs 9.1.0.5805.');
    const refused = collectNodes(card.body).find((node) => node.text === '⛔ Not allowed: Approve your own mailbox without admin roles');
    expect(refused?.color).toBe('Attention');
  });

  it('shows a short summary first: no rule ids and no facts until the details are opened', () => {
    const shown = card.body.filter((element) => element.isVisible !== false);
    const shownTexts = visibleTexts({ ...card, body: shown });
    expect(shownTexts.join('\n')).not.toMatch(/Rule:|seed2019:|current2025:|legacy:|app:/);
    expect(shownTexts.length).toBeLessThanOrEqual(4 + 2 * sampleWhoAmI.capabilities.length);
    expect(shownTexts).toContain('What you may do');
    expect(shownTexts).toContain('What you may not do, and why');
    const details = card.body.find((element) => element.id === 'whoami-details');
    expect(details?.isVisible).toBe(false);
    expect(visibleTexts({ ...card, body: details === undefined ? [] : [details] })).toContain('Rule: seed2019:ce-online/exchange-online:exchange-admin+system-admin');
    const toggle = collectNodes(card.body).find((node) => node.type === 'Action.ToggleVisibility');
    expect(toggle?.targetElements).toEqual(['whoami-details']);
  });

  it('groups the rights on one mailbox into one line of the summary', () => {
    const decision = { allowed: true, rule: 'r', reason: 'because' };
    const own = 'your own mailbox ada@contoso.com';
    const grouped = renderWhoAmICard({
      ...sampleWhoAmI,
      capabilities: [
        { action: `Approve or reject the email address: ${own}`, on: { record: own, right: 'Approve or reject the email address' }, ...decision },
        { action: 'See mailboxes', ...decision },
        { action: `Test & Enable: ${own}`, on: { record: own, right: 'Test & Enable' }, ...decision },
        { action: `Change delivery methods: ${own}`, on: { record: own, right: 'Change delivery methods' }, ...decision },
      ],
    });
    const shown = visibleTexts({ ...grouped, body: grouped.body.filter((element) => element.isVisible !== false) });
    expect(shown).toContain(`✅ Allowed on ${own}: Approve or reject the email address, Test & Enable and change delivery methods`);
    expect(shown).toContain('✅ Allowed: See mailboxes');
    expect(shown.filter((text) => text.startsWith('✅'))).toHaveLength(2);
  });

  it('says "None" for a user without admin roles and explains the missing privileges', () => {
    const plain = renderWhoAmICard({ ...sampleWhoAmI, office365Roles: [], securityRoles: [], privileges: [], isServiceAdministrator: true });
    expect(factValue(plain, 'Microsoft 365 roles')).toBe('Dynamics 365 Service administrator');
    expect(factValue(plain, 'Security roles')).toBe('None');
    expect(cardText(plain)).toContain('None of the email-configuration privileges.');
    expect(cardProblems(plain)).toEqual([]);
  });
});

describe('renderProfilesCard', () => {
  it('lists each profile with its server type, status, owner and which one is the default', () => {
    const texts = visibleTexts(renderProfilesCard(sampleProfiles));
    expect(texts).toEqual(expect.arrayContaining(['Contoso Exchange 2016 (Hybrid) (default)', 'Exchange Server (Hybrid)', 'Legacy POP3', 'Other (POP3/SMTP)', 'Inactive', 'Otto Owner']));
  });

  it('verifies Microsoft Exchange Online is present, active and default, and says so when it is', () => {
    const allGood: ProfilesView = {
      profiles: [{ name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', active: true, isDefault: true, ownerName: 'Ada Admin' }],
    };
    const card = renderProfilesCard(allGood);
    expect(cardText(card)).toContain('Microsoft Exchange Online: present, active and the default');
    expect([factValue(card, 'Present'), factValue(card, 'Active'), factValue(card, 'Default for new mailboxes')]).toEqual(['Yes', 'Yes', 'Yes']);
  });

  it('advises setting Microsoft Exchange Online as default when several profiles exist and it is not', () => {
    const card = renderProfilesCard(sampleProfiles);
    expect(cardText(card)).toContain('Microsoft Exchange Online: not the default');
    expect(cardText(card)).toContain('There are 3 profiles: set Microsoft Exchange Online as the default so new mailboxes use it.');
    expect(executeActions(card).map((action) => action.data)).toEqual([{ command: 'set default profile "Microsoft Exchange Online"' }]);
  });

  it('says to verify an Exchange Online subscription in the same tenant when the profile is missing', () => {
    const card = renderProfilesCard(sampleProfilesWithoutExchangeOnline);
    expect(factValue(card, 'Present')).toBe('No');
    expect(cardText(card)).toContain('verify you have an Exchange Online subscription in the same tenant as your Dynamics 365 organization');
    expect(cardText(card)).toContain('The Exchange Online subscription is in a different tenant from the Dynamics 365 organization.');
    expect(card.fallbackText).toContain('Microsoft Exchange Online: missing');
  });

  it('says when the organization has no Exchange Online subscription at all', () => {
    const card = renderProfilesCard({ profiles: [], exchangeOnlineSubscription: { subscribed: false, sameTenant: false } });
    expect(cardText(card)).toContain('This organization has no Exchange Online subscription.');
    expect(collectNodes(card.body).some((node) => node.type === 'Table')).toBe(false);
    expect(cardProblems(card)).toEqual([]);
  });

  it('flags an inactive Microsoft Exchange Online profile', () => {
    const card = renderProfilesCard({
      profiles: [{ name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', active: false, isDefault: true, ownerName: 'Ada Admin' }],
    });
    expect(cardText(card)).toContain('Microsoft Exchange Online: inactive');
    expect(factValue(card, 'Active')).toBe('No');
  });
});

describe('renderEmailSettingsCard', () => {
  const card = renderEmailSettingsCard(sampleEmailSettings);

  it('shows the default profile and the three delivery methods by their labels', () => {
    expect(factValue(card, 'Server profile')).toBe('Microsoft Exchange Online');
    expect(factValue(card, 'Incoming email')).toBe('Server-Side Synchronization or Email Router');
    expect(factValue(card, 'Appointments, contacts, and tasks')).toBe('Server-Side Synchronization');
    expect(cardText(card)).toContain('These are the recommended server-side synchronization defaults for Exchange Online.');
  });

  it('shows the approval requirements and alert settings', () => {
    expect(factValue(card, 'Process emails only for approved users')).toBe('Yes');
    expect(factValue(card, 'Process emails only for approved queues')).toBe('Yes');
    expect(factValue(card, 'Warnings')).toBe('No');
    expect(factValue(card, 'Also notify mailbox owners of server-profile alerts')).toBe('No');
    expect(factValue(card, 'Failures tolerated before a mailbox is disabled')).toBe('10 failures');
  });

  it('recommends the seed defaults when the organization differs, and warns when approval is off', () => {
    const other = renderEmailSettingsCard({
      ...sampleEmailSettings,
      defaultProfileName: null,
      defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook,
      defaultActDeliveryMethod: ActDeliveryMethod.None,
      requireApprovalForUserEmail: false,
    });
    expect(factValue(other, 'Server profile')).toBe('None');
    expect(factValue(other, 'Incoming email')).toBe('Microsoft Dynamics 365 for Outlook');
    expect(cardText(other)).toContain('Recommended for Exchange Online: server profile Microsoft Exchange Online');
    expect(cardText(other)).toContain('not recommended (KB 4506139)');
  });
});

describe('renderSecurityRolesCard', () => {
  it('shows each role with its privileges and depths, and System Administrator as holding everything', () => {
    const card = renderSecurityRolesCard(sampleSecurityRoles);
    const texts = visibleTexts(card);
    expect(texts).toEqual(expect.arrayContaining(['System Administrator', 'Holds every privilege at Organization depth.']));
    const helper = texts.indexOf('Sales Mailbox Helper');
    expect(texts.slice(helper, helper + 6)).toEqual(['Sales Mailbox Helper', 'Business unit: Contoso Sales', 'Read Mailbox', 'Business Unit', 'Write Mailbox', 'User']);
    expect(texts).toContain('No email-configuration privileges.');
  });

  it(`shows at most ${MAX_ROLES_PER_CARD} roles and says how many more there are`, () => {
    const card = renderSecurityRolesCard({ roles: manyRoles(40) });
    expect(cardText(card)).toContain(`Showing ${MAX_ROLES_PER_CARD} of 40 roles`);
    expect(cardText(card)).toContain('25 more roles are not shown.');
    expect(visibleTexts(card).filter((text) => text.startsWith('Custom role'))).toHaveLength(MAX_ROLES_PER_CARD);
    expect(byteSize(card)).toBeLessThan(28 * 1024);
    expect(cardProblems(card)).toEqual([]);
  });
});
