import { EXCHANGE_ONLINE_PROFILE_NAME } from '../domain/exchange-online.js';
import { serverTypeLabel } from '../domain/options.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData, type LineData } from './facts.js';
import { countOf, escapeMarkdown, yesNo } from './format.js';
import type { TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { ProfileRowView, ProfilesView } from './view-models.js';


type ContainerStyle = 'good' | 'warning' | 'attention';

interface ExchangeOnlineCheckData {
  readonly style: ContainerStyle;
  readonly color: TextColor;
  readonly headline: string;
  readonly facts: readonly FactData[];
  readonly advice: readonly LineData[];
}

interface ProfilesCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly countText: string;
  readonly check: ExchangeOnlineCheckData;
  readonly hasProfiles: boolean;
  readonly profiles: readonly { readonly name: string; readonly serverType: string; readonly status: string; readonly statusColor: TextColor; readonly owner: string }[];
}

const template = loadCardTemplate<ProfilesCardData>('profiles');

const isExchangeOnlineProfile = (profile: ProfileRowView): boolean =>
  profile.name.trim().toLowerCase() === EXCHANGE_ONLINE_PROFILE_NAME.toLowerCase();

function missingProfileAdvice(view: ProfilesView): string[] {
  const advice = [
    `Dynamics 365 creates the ${EXCHANGE_ONLINE_PROFILE_NAME} profile only when Exchange Online is subscribed in the same tenant: ` +
      'verify you have an Exchange Online subscription in the same tenant as your Dynamics 365 organization.',
  ];
  const subscription = view.exchangeOnlineSubscription;
  if (subscription !== undefined && !subscription.subscribed) advice.push('This organization has no Exchange Online subscription.');
  if (subscription !== undefined && subscription.subscribed && !subscription.sameTenant) {
    advice.push('The Exchange Online subscription is in a different tenant from the Dynamics 365 organization.');
  }
  return advice;
}

interface ExchangeOnlineVerdict {
  readonly style: ContainerStyle;
  readonly color: TextColor;
  readonly headline: string;
  readonly advice: readonly string[];
}

/** Present? Active? Default? And what to do when it is not. */
function judgeExchangeOnline(view: ProfilesView, profile: ProfileRowView | undefined): ExchangeOnlineVerdict {
  if (profile === undefined) {
    return { style: 'attention', color: 'Attention', headline: `${EXCHANGE_ONLINE_PROFILE_NAME}: missing`, advice: missingProfileAdvice(view) };
  }
  if (!profile.active) {
    return {
      style: 'attention',
      color: 'Attention',
      headline: `${EXCHANGE_ONLINE_PROFILE_NAME}: inactive`,
      advice: ['The profile exists but is not among the active email server profiles, so no mailbox can synchronize through it. Activate it.'],
    };
  }
  if (!profile.isDefault) {
    return {
      style: 'warning',
      color: 'Default',
      headline: `${EXCHANGE_ONLINE_PROFILE_NAME}: not the default`,
      advice: [`There are ${countOf(view.profiles.length, 'profile')}: set ${EXCHANGE_ONLINE_PROFILE_NAME} as the default so new mailboxes use it.`],
    };
  }
  return { style: 'good', color: 'Default', headline: `${EXCHANGE_ONLINE_PROFILE_NAME}: present, active and the default`, advice: [] };
}

/** The email server profiles, and the seed's check that Microsoft Exchange Online is there, active and default. */
export function renderProfilesCard(view: ProfilesView): AdaptiveCardJson {
  const profile = view.profiles.find(isExchangeOnlineProfile);
  const verdict = judgeExchangeOnline(view, profile);
  const check: ExchangeOnlineCheckData = {
    style: verdict.style,
    color: verdict.color,
    headline: verdict.headline,
    facts: [
      fact('Present', yesNo(profile !== undefined)),
      fact('Active', profile === undefined ? '—' : yesNo(profile.active)),
      fact('Default for new mailboxes', profile === undefined ? '—' : yesNo(profile.isDefault)),
    ],
    advice: verdict.advice.map((text) => ({ text: escapeMarkdown(text) })),
  };
  return template.expand({
    fallbackText: [`Email server profiles: ${countOf(view.profiles.length, 'profile')}.`, `${verdict.headline}.`, ...verdict.advice].join(' '),
    countText: countOf(view.profiles.length, 'profile'),
    check,
    hasProfiles: view.profiles.length > 0,
    profiles: view.profiles.map((profile) => ({
      name: `${escapeMarkdown(profile.name)}${profile.isDefault ? ' (default)' : ''}`,
      serverType: serverTypeLabel[profile.serverType],
      status: profile.active ? 'Active' : 'Inactive',
      statusColor: profile.active ? 'Default' : 'Attention',
      owner: escapeMarkdown(profile.ownerName),
    })),
    ...toButtonSet(view.actions, 'profiles'),
  });
}
