// Subscribing a team channel or group chat to the alerts of an email server profile. The product has no
// such thing (it notifies the profile owner), so the access rule is ours: whoever has admin rights on the
// profile form (System Administrator or System Customizer) may decide where its alerts are posted.
import type { Directory } from '../../domain/directory.js';
import { domainError, type DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/model.js';
import { permissionEditionFor, type PermissionDecision } from '../../domain/permissions.js';
import { hasRoleTemplate } from '../../domain/privileges.js';
import { err, ok, type Result } from '../../domain/result.js';
import { auditEntry, profileTarget } from '../audit.js';
import { refusal } from '../authorization.js';
import type { UseCaseContext } from '../context.js';
import { findProfile } from '../lookup.js';
import type { AlertSubscriptionRecord } from './job-records.js';
import type { JobRepository } from './ports.js';

export interface AlertSubscriptionInput {
  /** Name or id of the email server profile, as typed. */
  readonly profileName: string;
  /** The channel or group chat the command came from. */
  readonly conversationId: string;
}

export interface AlertSubscriptionChange {
  readonly profileName: string;
  /** False when it already was as asked (nothing written). */
  readonly changed: boolean;
}

const RULE = 'app:profile-alert-subscription';

export function canManageAlertSubscriptions(requester: User, directory: Directory): PermissionDecision {
  const edition = permissionEditionFor(directory.organization.version);
  const decide = (allowed: boolean, rule: string, reason: string): PermissionDecision => ({ allowed, edition, rule, reason });
  if (!requester.active) return decide(false, `${RULE}:user-disabled`, `${requester.fullName} is a disabled user and can do nothing in this organization.`);
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) return decide(true, `${RULE}:system-administrator`, `${requester.fullName} is a System Administrator.`);
  if (hasRoleTemplate(requester, 'SystemCustomizer', directory)) return decide(true, `${RULE}:system-customizer`, `${requester.fullName} is a System Customizer.`);
  return decide(
    false,
    `${RULE}:admin-role`,
    `Only a System Administrator or System Customizer may choose where a profile's alerts are posted; ${requester.fullName} is neither.`,
  );
}

async function changeSubscription(
  context: UseCaseContext,
  repository: JobRepository,
  requester: User,
  input: AlertSubscriptionInput,
  subscribe: boolean,
): Promise<Result<AlertSubscriptionChange, DomainError>> {
  const conversationId = input.conversationId.trim();
  if (conversationId === '') return err(domainError('InvalidValue', 'Say which conversation: the conversation id is empty.'));
  const found = await findProfile(context.records, input.profileName);
  if (!found.ok) return found;
  const profile = found.value;
  const decision = canManageAlertSubscriptions(requester, await context.records.directory());
  const verb = subscribe ? 'Posting the alerts of' : 'No longer posting the alerts of';
  if (!decision.allowed) return err(refusal(`${verb} ${profile.name} here`, decision));

  const matches = (subscription: AlertSubscriptionRecord): boolean => subscription.profileId === profile.id && subscription.conversationId === conversationId;
  const changed = await repository.changeSubscriptions((current) => {
    if (current.some(matches) === subscribe) return { next: null, result: false };
    const next = subscribe
      ? [...current, { profileId: profile.id, conversationId, subscribedById: requester.id, subscribedAt: context.clock.now().toISOString() }]
      : current.filter((subscription) => !matches(subscription));
    return { next, result: true };
  });
  if (!changed) return ok({ profileName: profile.name, changed: false });
  // The subscriptions are the bot's own state; the audit log is told once they are written.
  const audit = auditEntry(context, requester, {
    action: subscribe ? 'profile.subscribeAlerts' : 'profile.unsubscribeAlerts',
    target: profileTarget(profile),
    rule: decision.rule,
    details: subscribe ? `Alerts of this profile are posted to conversation ${conversationId}.` : `Alerts of this profile are no longer posted to conversation ${conversationId}.`,
  });
  await context.auditLog.append([audit]);
  return ok({ profileName: profile.name, changed: true });
}

/** `subscribe alerts for profile <profile>` in a channel or group chat: that conversation gets the profile's alerts. */
export function subscribeToProfileAlerts(
  context: UseCaseContext,
  repository: JobRepository,
  requester: User,
  input: AlertSubscriptionInput,
): Promise<Result<AlertSubscriptionChange, DomainError>> {
  return changeSubscription(context, repository, requester, input, true);
}

export function unsubscribeFromProfileAlerts(
  context: UseCaseContext,
  repository: JobRepository,
  requester: User,
  input: AlertSubscriptionInput,
): Promise<Result<AlertSubscriptionChange, DomainError>> {
  return changeSubscription(context, repository, requester, input, false);
}
