// Email server profiles: "Verify you have the profile: Microsoft Exchange Online" and "set it as default".
import type { DomainError } from '../domain/errors.js';
import type { Deployment } from '../domain/model.js';
import { EXCHANGE_ONLINE_PROFILE_NAME } from '../domain/exchange-online.js';
import { err, ok, type Result } from '../domain/result.js';
import { canReadConfiguration, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { changeDefaultEmailSettings, type EmailSettingsChange } from './email-settings.js';
import { readAll } from './ports.js';
import { profileView, type ProfileView } from './views.js';


export interface ProfileVerification {
  /** The profile looked for: "Microsoft Exchange Online" unless another name was asked for. */
  readonly profileName: string;
  /** What "Active Email Server Profiles" lists. */
  readonly activeProfiles: readonly ProfileView[];
  /** The profile looked for, active or not; null when missing. */
  readonly profile: ProfileView | null;
  readonly present: boolean;
  readonly active: boolean;
  readonly isDefault: boolean;
  readonly deployment: Deployment;
  readonly exchangeOnlineSubscription: {
    readonly subscribed: boolean;
    readonly tenantId: string | null;
    /** Whether the subscription lives in the organization's own tenant, which the profile needs. */
    readonly sameTenant: boolean;
  };
  /** True when nothing needs doing. */
  readonly ok: boolean;
  /** What to do next, in the words of the documentation where it has them. */
  readonly advice: readonly string[];
}

/** The seed's own instruction when the profile is missing. */
export const MISSING_PROFILE_ADVICE =
  'If the Microsoft Exchange Online profile is missing, verify you have an Exchange Online subscription and that it exists in the same tenant as your Customer Engagement apps subscription.';
/** The seed's instruction when several profiles exist. */
export const SET_AS_DEFAULT_ADVICE = 'If there are multiple profiles, select the Microsoft Exchange Online profile and set it as default.';

export interface VerifyProfilesInput {
  /** Verify this profile instead of Microsoft Exchange Online. */
  readonly profileName?: string;
}

export async function verifyProfiles(context: UseCaseContext, requester: Requester, input: VerifyProfilesInput = {}): Promise<Result<ProfileVerification, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const decision = canReadConfiguration(requester, directory);
  if (!decision.allowed) return err(refusal('Verifying the email server profiles', decision));
  // A blank name means "the usual one", as when no name is given.
  const profileName = input.profileName?.trim() || EXCHANGE_ONLINE_PROFILE_NAME;
  const isExchangeOnlineCheck = profileName.toLowerCase() === EXCHANGE_ONLINE_PROFILE_NAME.toLowerCase();

  const { organization } = directory;
  const profiles = await readAll((page) => records.profilePage(page));
  const activeProfiles = profiles.filter((profile) => profile.active).map((profile) => profileView(profile, directory));
  // An active match wins over an inactive one of the same name.
  const matching = profiles.filter((profile) => profile.name.toLowerCase() === profileName.toLowerCase());
  const found = matching.find((profile) => profile.active) ?? matching[0];
  const profile = found === undefined ? null : profileView(found, directory);
  const subscription = organization.exchangeOnline;
  const sameTenant = subscription.subscribed && subscription.tenantId === organization.tenantId;
  const deploymentUsesExchangeOnline = organization.deployment.exchange === 'online';

  const advice: string[] = [];
  // Advice that only informs (Exchange on-premises has no use for the Exchange Online profile) needs no action.
  let informationalOnly = false;
  if (profile === null) {
    if (isExchangeOnlineCheck && !deploymentUsesExchangeOnline) {
      advice.push(
        'This organization uses Exchange on-premises, so it connects through an Exchange Server profile; a Microsoft Exchange Online profile is not expected.',
      );
      informationalOnly = true;
    } else if (isExchangeOnlineCheck) {
      advice.push(MISSING_PROFILE_ADVICE);
      if (!subscription.subscribed) {
        advice.push(
          'This organization has no Exchange Online subscription: one comes as part of an Office 365 subscription or can be subscribed to separately.',
        );
      } else if (!sameTenant) {
        advice.push(
          `The Exchange Online subscription is in tenant ${subscription.tenantId ?? '(unknown)'}, not in this organization's tenant ${organization.tenantId}; the Microsoft Exchange Online profile is only created for a subscription in the same tenant.`,
        );
      }
    } else {
      advice.push(`There is no email server profile called "${profileName}". Active profiles: ${activeProfiles.map((view) => view.profile.name).join(', ') || 'none'}.`);
    }
  } else {
    if (!profile.profile.active) {
      advice.push(`The profile "${profile.profile.name}" exists but is inactive, so it is not in Active Email Server Profiles; activate it.`);
    }
    if (!profile.isDefault) {
      advice.push(
        isExchangeOnlineCheck && activeProfiles.length > 1
          ? SET_AS_DEFAULT_ADVICE
          : `Set "${profile.profile.name}" as the default profile so that new mailboxes use it.`,
      );
    }
  }
  return ok({
    profileName,
    activeProfiles,
    profile,
    present: profile !== null,
    active: profile?.profile.active ?? false,
    isDefault: profile?.isDefault ?? false,
    deployment: organization.deployment,
    exchangeOnlineSubscription: { subscribed: subscription.subscribed, tenantId: subscription.tenantId, sameTenant },
    ok: advice.length === 0 || informationalOnly,
    advice,
  });
}

export interface SetDefaultProfileInput {
  /** Profile name or id; it must be active. */
  readonly profile: string;
}

/** "Set as default profile for new mailboxes" (`organization.defaultemailserverprofileid`); System Settings permission. */
export function setDefaultProfile(context: UseCaseContext, requester: Requester, input: SetDefaultProfileInput): Promise<Result<EmailSettingsChange, DomainError>> {
  return changeDefaultEmailSettings(context, requester, { profile: input.profile }, 'organization.setDefaultProfile');
}
