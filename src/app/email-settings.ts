// System Settings › Email: the default server profile and default delivery methods new mailboxes get.
import { domainError, type DomainError } from '../domain/errors.js';
import type { Directory } from '../domain/directory.js';
import type { EmailServerProfile, EmailSettings, Organization } from '../domain/model.js';
import { actMethodLabel, incomingMethodLabel, outgoingMethodLabel } from '../domain/options.js';
import { canConfigureOrganizationEmail } from '../domain/permissions.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, describeChanges, organizationTarget } from './audit.js';
import { canReadConfiguration, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { deliveryConfigurationProblems } from './delivery-rules.js';
import { deliveryChangesInput, describeInputProblem, type DeliveryChanges } from './inputs.js';
import { findProfile } from './lookup.js';
import type { OrganizationRecords } from './ports.js';
import { carryOut } from './unit-of-work.js';
import { profileView, type ProfileView } from './views.js';

export interface EmailSettingsView {
  readonly organization: Pick<Organization, 'id' | 'name' | 'deployment' | 'version'>;
  readonly settings: EmailSettings;
  readonly defaultProfile: ProfileView | null;
}

export interface EmailSettingsChange extends EmailSettingsView {
  /** False when the settings already were as asked (nothing committed). */
  readonly changed: boolean;
}

/** The settings view of `settings` (by default the organization's own, as `directory` has them). */
function settingsView(directory: Directory, settings: EmailSettings = directory.organization.settings): EmailSettingsView {
  const { organization } = directory;
  const profileId = settings.defaultEmailServerProfileId;
  const profile = profileId === null ? undefined : directory.profileById(profileId);
  return {
    organization: { id: organization.id, name: organization.name, deployment: organization.deployment, version: organization.version },
    settings,
    // It is the default of `settings`, which may be the settings just written rather than those read.
    defaultProfile: profile === undefined ? null : { ...profileView(profile, directory), isDefault: true },
  };
}

export async function showEmailSettings(context: UseCaseContext, requester: Requester): Promise<Result<EmailSettingsView, DomainError>> {
  const directory = await context.records.directory();
  const decision = canReadConfiguration(requester, directory);
  if (!decision.allowed) return err(refusal('Showing the email settings', decision));
  return ok(settingsView(directory));
}

/** An active profile by name or id: only active profiles can be the default or be linked to mailboxes. */
export async function findActiveProfile(records: OrganizationRecords, typed: string): Promise<Result<EmailServerProfile, DomainError>> {
  const found = await findProfile(records, typed);
  if (!found.ok) return found;
  if (!found.value.active) {
    return err(domainError('InactiveProfile', `The email server profile "${found.value.name}" is inactive; only active profiles can be used. Activate it first.`));
  }
  return found;
}

const profileNameOf = (directory: Directory, profileId: string | null): string =>
  profileId === null ? '(none)' : (directory.profileById(profileId)?.name ?? profileId);

/**
 * Sets the default profile and/or default delivery methods (System Settings permission). The resulting
 * combination is checked as a whole, so ACT by server-side synchronization on a POP3/SMTP default profile
 * is refused with the reason. Existing mailboxes are not touched (domain.md §9): use applyDefaultEmailSettings.
 */
export function configureDefaultEmailSettings(
  context: UseCaseContext,
  requester: Requester,
  input: DeliveryChanges,
): Promise<Result<EmailSettingsChange, DomainError>> {
  return changeDefaultEmailSettings(context, requester, input, 'organization.configureDefaultEmailSettings');
}

/** Shared by configureDefaultEmailSettings and setDefaultProfile, which differ only in the audited action. */
export function changeDefaultEmailSettings(
  context: UseCaseContext,
  requester: Requester,
  input: DeliveryChanges,
  action: string,
): Promise<Result<EmailSettingsChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const parsed = deliveryChangesInput.safeParse(input);
    if (!parsed.success) return err(domainError('InvalidValue', `The default email settings were not changed: ${describeInputProblem(parsed.error)}.`));
    const changes = parsed.data;
    const directory = await context.records.directory();
    const decision = canConfigureOrganizationEmail(requester, directory);
    if (!decision.allowed) return err(refusal('Changing the default email settings', decision));
    const organization = directory.organization;
    const current = organization.settings;
    let profile: EmailServerProfile | null =
      current.defaultEmailServerProfileId === null ? null : (directory.profileById(current.defaultEmailServerProfileId) ?? null);
    if (changes.profile !== undefined) {
      const found = await findActiveProfile(context.records, changes.profile);
      if (!found.ok) return found;
      profile = found.value;
    }
    const next: EmailSettings = {
      ...current,
      defaultEmailServerProfileId: profile?.id ?? null,
      defaultIncomingEmailDeliveryMethod: changes.incoming ?? current.defaultIncomingEmailDeliveryMethod,
      defaultOutgoingEmailDeliveryMethod: changes.outgoing ?? current.defaultOutgoingEmailDeliveryMethod,
      defaultActDeliveryMethod: changes.act ?? current.defaultActDeliveryMethod,
    };
    const problems = deliveryConfigurationProblems({
      profile,
      incoming: next.defaultIncomingEmailDeliveryMethod,
      outgoing: next.defaultOutgoingEmailDeliveryMethod,
      act: next.defaultActDeliveryMethod,
    });
    if (problems.length > 0) return err(domainError('InvalidValue', `The default email settings were not changed. ${problems.join(' ')}`));
    const details = describeChanges([
      { field: 'Server Profile', from: profileNameOf(directory, current.defaultEmailServerProfileId), to: profileNameOf(directory, next.defaultEmailServerProfileId) },
      { field: 'Incoming Email', from: incomingMethodLabel[current.defaultIncomingEmailDeliveryMethod], to: incomingMethodLabel[next.defaultIncomingEmailDeliveryMethod] },
      { field: 'Outgoing Email', from: outgoingMethodLabel[current.defaultOutgoingEmailDeliveryMethod], to: outgoingMethodLabel[next.defaultOutgoingEmailDeliveryMethod] },
      { field: 'Appointments, Contacts, and Tasks', from: actMethodLabel[current.defaultActDeliveryMethod], to: actMethodLabel[next.defaultActDeliveryMethod] },
    ]);
    const changed = details.length > 0;
    return ok({
      intents: changed ? [{ kind: 'setEmailSettings', settings: next, expected: organization }] : [],
      audit: changed ? [auditEntry(context, requester, { action, target: organizationTarget(organization), rule: decision.rule, details })] : [],
      events: [],
      answer: () => ({ ...settingsView(directory, changed ? next : current), changed }),
    });
  });
}
