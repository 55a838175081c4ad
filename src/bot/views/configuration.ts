// Profiles and System Settings › Email: use-case results to the profiles and email-settings cards.
import type { EmailSettingsChange, EmailSettingsView as EmailSettingsResult, ProfileVerification, ProfileView } from '../../app/index.js';
import { EXCHANGE_ONLINE_PROFILE_NAME } from '../../domain/exchange-online.js';
import { type CommandButtonView, type EmailSettingsView, type ProfileRowView, type ProfilesView } from '../../cards/index.js';
import { actMethodLabel, incomingMethodLabel, outgoingMethodLabel } from '../../domain/options.js';
import { nameArgument } from './command-line.js';

const profileRow = (view: ProfileView): ProfileRowView => ({
  name: view.profile.name,
  serverType: view.profile.serverType,
  active: view.profile.active,
  isDefault: view.isDefault,
  ownerName: view.ownerName,
});

/** Active Email Server Profiles, plus the profile looked for when it exists but is inactive (so the card can say so). */
export function profilesView(verification: ProfileVerification): ProfilesView {
  const rows = verification.activeProfiles.map(profileRow);
  const looked = verification.profile;
  if (looked !== null && !looked.profile.active) rows.push(profileRow(looked));
  const exchangeOnline = [...verification.activeProfiles].find((view) => view.profile.name.toLowerCase() === EXCHANGE_ONLINE_PROFILE_NAME.toLowerCase());
  const actions: CommandButtonView[] = [];
  if (exchangeOnline !== undefined && !exchangeOnline.isDefault) {
    actions.push({ title: 'Make Exchange Online the default', command: `set default profile ${nameArgument(exchangeOnline.profile.name)}` });
  }
  actions.push({ title: 'Default email settings', command: 'settings' });
  return {
    profiles: rows,
    exchangeOnlineSubscription: {
      subscribed: verification.exchangeOnlineSubscription.subscribed,
      sameTenant: verification.exchangeOnlineSubscription.sameTenant,
    },
    actions,
  };
}

/** One paragraph for `verify profile`: the verdict on the profile asked about, then what to do. */
export function verificationSummary(verification: ProfileVerification): string {
  const name = `“${verification.profileName}”`;
  if (verification.ok && verification.present) return `✅ ${name} is present, active and the default profile for new mailboxes.`;
  const state = !verification.present ? 'is missing' : !verification.active ? 'is inactive' : !verification.isDefault ? 'is not the default profile' : 'needs attention';
  const verdict = verification.ok ? `ℹ️ ${name} ${state}.` : `⚠️ ${name} ${state}.`;
  return [verdict, ...verification.advice].join(' ');
}

export function emailSettingsView(result: EmailSettingsResult): EmailSettingsView {
  const { settings } = result;
  return {
    organizationName: result.organization.name,
    defaultProfileName: result.defaultProfile?.profile.name ?? null,
    defaultIncomingEmailDeliveryMethod: settings.defaultIncomingEmailDeliveryMethod,
    defaultOutgoingEmailDeliveryMethod: settings.defaultOutgoingEmailDeliveryMethod,
    defaultActDeliveryMethod: settings.defaultActDeliveryMethod,
    requireApprovalForUserEmail: settings.requireApprovalForUserEmail,
    requireApprovalForQueueEmail: settings.requireApprovalForQueueEmail,
    requirePrivilegeToSelfApproveEmailAddress: settings.requirePrivilegeToSelfApproveEmailAddress,
    generateAlertsForErrors: settings.generateAlertsForErrors,
    generateAlertsForWarnings: settings.generateAlertsForWarnings,
    generateAlertsForInformation: settings.generateAlertsForInformation,
    notifyMailboxOwnerOfEmailServerLevelAlerts: settings.notifyMailboxOwnerOfEmailServerLevelAlerts,
    maxMailboxTransientFailures: settings.maxMailboxTransientFailures,
    mailboxBackoffOnTransientErrorMinutes: settings.mailboxBackoffOnTransientErrorMinutes,
    testAndEnableAfterApproval: settings.testAndEnableAfterApproval,
    actions: [
      { title: 'Verify profiles', command: 'verify profile' },
      { title: 'Approval requirement', command: 'approval required' },
    ],
  };
}

export type DefaultSettingChanged = 'profile' | 'incoming' | 'outgoing' | 'act';

/** "The default incoming email method is now …" or "… already was …", naming the value as Dynamics 365 does. */
export function settingsChangeText(change: EmailSettingsChange, setting: DefaultSettingChanged): string {
  const { settings } = change;
  const [subject, value] = ((): [string, string] => {
    switch (setting) {
      case 'profile':
        return ['The default email server profile for new mailboxes', `“${change.defaultProfile?.profile.name ?? 'none'}”`];
      case 'incoming':
        return ['The default incoming email method', `“${incomingMethodLabel[settings.defaultIncomingEmailDeliveryMethod]}”`];
      case 'outgoing':
        return ['The default outgoing email method', `“${outgoingMethodLabel[settings.defaultOutgoingEmailDeliveryMethod]}”`];
      case 'act':
        return ['The default method for appointments, contacts, and tasks', `“${actMethodLabel[settings.defaultActDeliveryMethod]}”`];
    }
  })();
  return change.changed
    ? `${subject} is now ${value}. Existing mailboxes keep theirs until default email settings are applied to them.`
    : `${subject} already was ${value}; nothing was changed.`;
}
