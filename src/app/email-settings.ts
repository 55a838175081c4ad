// System Settings › Email: the default server profile and default delivery methods new mailboxes get.
import { domainError, type DomainError } from '../domain/errors.js';
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
import type { EmailConfigStore } from './ports.js';
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

function settingsView(store: EmailConfigStore): EmailSettingsView {
  const { organization } = store;
  const profileId = organization.settings.defaultEmailServerProfileId;
  const profile = profileId === null ? undefined : store.profileById(profileId);
  return {
    organization: { id: organization.id, name: organization.name, deployment: organization.deployment, version: organization.version },
    settings: organization.settings,
    defaultProfile: profile === undefined ? null : profileView(profile, store),
  };
}

export function showEmailSettings(context: UseCaseContext, requester: Requester): Promise<Result<EmailSettingsView, DomainError>> {
  const decision = canReadConfiguration(requester, context.store);
  if (!decision.allowed) return Promise.resolve(err(refusal('Showing the email settings', decision)));
  return Promise.resolve(ok(settingsView(context.store)));
}

/** An active profile by name or id: only active profiles can be the default or be linked to mailboxes. */
export function findActiveProfile(store: EmailConfigStore, typed: string): Result<EmailServerProfile, DomainError> {
  const found = findProfile(store, typed);
  if (!found.ok) return found;
  if (!found.value.active) {
    return err(domainError('InactiveProfile', `The email server profile "${found.value.name}" is inactive; only active profiles can be used. Activate it first.`));
  }
  return found;
}

const profileNameOf = (store: EmailConfigStore, profileId: string | null): string =>
  profileId === null ? '(none)' : (store.profileById(profileId)?.name ?? profileId);

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
  return carryOut(context, () => {
    const parsed = deliveryChangesInput.safeParse(input);
    if (!parsed.success) return err(domainError('InvalidValue', `The default email settings were not changed: ${describeInputProblem(parsed.error)}.`));
    const changes = parsed.data;
    const { store } = context;
    const decision = canConfigureOrganizationEmail(requester, store);
    if (!decision.allowed) return err(refusal('Changing the default email settings', decision));
    const current = store.organization.settings;
    let profile: EmailServerProfile | null =
      current.defaultEmailServerProfileId === null ? null : (store.profileById(current.defaultEmailServerProfileId) ?? null);
    if (changes.profile !== undefined) {
      const found = findActiveProfile(store, changes.profile);
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
      { field: 'Server Profile', from: profileNameOf(store, current.defaultEmailServerProfileId), to: profileNameOf(store, next.defaultEmailServerProfileId) },
      { field: 'Incoming Email', from: incomingMethodLabel[current.defaultIncomingEmailDeliveryMethod], to: incomingMethodLabel[next.defaultIncomingEmailDeliveryMethod] },
      { field: 'Outgoing Email', from: outgoingMethodLabel[current.defaultOutgoingEmailDeliveryMethod], to: outgoingMethodLabel[next.defaultOutgoingEmailDeliveryMethod] },
      { field: 'Appointments, Contacts, and Tasks', from: actMethodLabel[current.defaultActDeliveryMethod], to: actMethodLabel[next.defaultActDeliveryMethod] },
    ]);
    const changed = details.length > 0;
    const organization: Organization = { ...store.organization, settings: next };
    return ok({
      changes: changed
        ? {
            organization,
            audit: [auditEntry(context, requester, { action, target: organizationTarget(organization), rule: decision.rule, details })],
          }
        : {},
      events: [],
      answer: () => ({ ...settingsView(store), changed }),
    });
  });
}
