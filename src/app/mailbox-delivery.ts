// Configure mailboxes (seed, "Configure mailboxes"): Apply Default Email Settings, Edit (Change Multiple
// Records), and the "Sync items with Exchange from this org only" check box. All need admin rights plus
// Read and Write on Mailbox reaching each mailbox (`canChangeDeliveryMethods`).
import { domainError, type DomainError } from '../domain/errors.js';
import type { EmailServerProfile, Mailbox } from '../domain/model.js';
import { actMethodLabel, incomingMethodLabel, outgoingMethodLabel } from '../domain/options.js';
import { canChangeDeliveryMethods, canTestAndEnable } from '../domain/permissions.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, describeChanges, mailboxTarget } from './audit.js';
import { refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { deliveryConfigurationProblems, type DeliveryConfiguration } from './delivery-rules.js';
import { findActiveProfile } from './email-settings.js';
import type { AppEvent } from './events.js';
import { deliveryChangesInput, describeInputProblem, type DeliveryChanges } from './inputs.js';
import { selectMailboxes, selectOneMailbox, type MailboxSelector } from './mailbox-selection.js';
import { bulkResult, failIfNothingAllowed, type BulkMailboxResult, type PlannedOutcome } from './outcomes.js';
import type { Directory } from '../domain/directory.js';
import type { RecordIntent } from './ports.js';
import { carryOut } from './unit-of-work.js';
import { mailboxView, type MailboxView } from './views.js';

const profileName = (directory: Directory, profileId: string | null): string =>
  profileId === null ? '(none)' : (directory.profileById(profileId)?.name ?? profileId);

/** "Server Profile: (none) → Microsoft Exchange Online; Incoming Email: None → …" for what differs. */
function describeDeliveryChange(directory: Directory, before: Mailbox, after: Mailbox): string {
  return describeChanges([
    { field: 'Server Profile', from: profileName(directory, before.emailServerProfileId), to: profileName(directory, after.emailServerProfileId) },
    { field: 'Incoming Email', from: incomingMethodLabel[before.incomingEmailDeliveryMethod], to: incomingMethodLabel[after.incomingEmailDeliveryMethod] },
    { field: 'Outgoing Email', from: outgoingMethodLabel[before.outgoingEmailDeliveryMethod], to: outgoingMethodLabel[after.outgoingEmailDeliveryMethod] },
    { field: 'Appointments, Contacts, and Tasks', from: actMethodLabel[before.actDeliveryMethod], to: actMethodLabel[after.actDeliveryMethod] },
  ]);
}

const withConfiguration = (mailbox: Mailbox, configuration: DeliveryConfiguration): Mailbox => ({
  ...mailbox,
  emailServerProfileId: configuration.profile?.id ?? null,
  incomingEmailDeliveryMethod: configuration.incoming,
  outgoingEmailDeliveryMethod: configuration.outgoing,
  actDeliveryMethod: configuration.act,
});

interface DeliveryPlan {
  readonly planned: PlannedOutcome[];
  readonly changedMailboxes: Mailbox[];
  readonly intents: RecordIntent[];
  readonly audit: ReturnType<typeof auditEntry>[];
}

/**
 * Decides each mailbox: refused when the permission model says no, invalid when the resulting
 * combination cannot work, unchanged when it already is so, changed otherwise.
 */
function planDeliveryChanges(
  context: UseCaseContext,
  requester: Requester,
  directory: Directory,
  mailboxes: readonly Mailbox[],
  action: { readonly audited: string; readonly reason: 'edit' | 'applyDefaults' },
  configurationFor: (mailbox: Mailbox) => DeliveryConfiguration,
  unchangedReason: string,
): DeliveryPlan {
  const plan: DeliveryPlan = { planned: [], changedMailboxes: [], intents: [], audit: [] };
  for (const mailbox of mailboxes) {
    const decision = canChangeDeliveryMethods(requester, mailbox, directory);
    if (!decision.allowed) {
      plan.planned.push({ mailbox, status: 'refused', reason: decision.reason, decision });
      continue;
    }
    const configuration = configurationFor(mailbox);
    const problems = deliveryConfigurationProblems(configuration);
    if (problems.length > 0) {
      plan.planned.push({ mailbox, status: 'invalid', reason: problems.join(' '), decision });
      continue;
    }
    const next = withConfiguration(mailbox, configuration);
    const details = describeDeliveryChange(directory, mailbox, next);
    if (details.length === 0) {
      plan.planned.push({ mailbox, status: 'unchanged', reason: unchangedReason, decision });
      continue;
    }
    plan.planned.push({ mailbox: next, status: 'changed', reason: details, decision });
    plan.changedMailboxes.push(next);
    plan.intents.push({
      kind: 'setDeliveryConfiguration',
      reason: action.reason,
      mailboxId: mailbox.id,
      expectedVersion: mailbox.version,
      profileId: next.emailServerProfileId,
      incoming: next.incomingEmailDeliveryMethod,
      outgoing: next.outgoingEmailDeliveryMethod,
      act: next.actDeliveryMethod,
    });
    plan.audit.push(auditEntry(context, requester, { action: action.audited, target: mailboxTarget(mailbox), rule: decision.rule, details }));
  }
  return plan;
}

export interface ApplyDefaultEmailSettingsInput {
  readonly mailboxes: MailboxSelector;
  /** Test & Enable the changed mailboxes afterwards, as the product does by default on OK. */
  readonly testAndEnable?: boolean;
}

export interface ApplyDefaultEmailSettingsResult extends BulkMailboxResult {
  /** Changed mailboxes handed to Test & Enable (those the requester may also test). */
  readonly testAndEnableRequestedFor: readonly string[];
}

/**
 * Apply Default Email Settings: the organization's default profile and three delivery methods on each
 * selected mailbox. Mailboxes the requester may not change are reported per mailbox; the rest proceed.
 */
export function applyDefaultEmailSettings(
  context: UseCaseContext,
  requester: Requester,
  input: ApplyDefaultEmailSettingsInput,
): Promise<Result<ApplyDefaultEmailSettingsResult, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const selected = await selectMailboxes(records, input.mailboxes);
    if (!selected.ok) return selected;
    const directory = await records.directory();
    const settings = directory.organization.settings;
    let defaultProfile: EmailServerProfile | null = null;
    if (settings.defaultEmailServerProfileId !== null) {
      const found = directory.profileById(settings.defaultEmailServerProfileId);
      if (found === undefined) {
        return err(domainError('UnknownProfile', `The default email server profile ${settings.defaultEmailServerProfileId} no longer exists; set a default profile first.`));
      }
      if (!found.active) {
        return err(domainError('InactiveProfile', `The default email server profile "${found.name}" is inactive; activate it or set another default first.`));
      }
      defaultProfile = found;
    }
    const defaults: DeliveryConfiguration = {
      profile: defaultProfile,
      incoming: settings.defaultIncomingEmailDeliveryMethod,
      outgoing: settings.defaultOutgoingEmailDeliveryMethod,
      act: settings.defaultActDeliveryMethod,
    };
    const problems = deliveryConfigurationProblems(defaults);
    if (problems.length > 0) {
      return err(domainError('InvalidValue', `The organization's default email settings cannot be applied: ${problems.join(' ')} Change the default email settings first.`));
    }
    const plan = planDeliveryChanges(
      context,
      requester,
      directory,
      selected.value,
      { audited: 'mailbox.applyDefaultEmailSettings', reason: 'applyDefaults' },
      () => defaults,
      'It already has the default email settings.',
    );
    const allowed = failIfNothingAllowed('apply the default email settings', plan.planned);
    if (!allowed.ok) return allowed;
    const toTest =
      input.testAndEnable === false
        ? []
        : plan.changedMailboxes.filter((mailbox) => canTestAndEnable(requester, mailbox, directory).allowed).map((mailbox) => mailbox.id);
    const events: AppEvent[] =
      toTest.length > 0 ? [{ type: 'testAndEnableRequested', mailboxIds: toTest, requestedById: requester.id, origin: 'applyDefaults' }] : [];
    return ok({
      intents: plan.intents,
      audit: plan.audit,
      events,
      answer: (written) => ({ ...bulkResult(directory, written, plan.planned), testAndEnableRequestedFor: toTest }),
    });
  });
}

export interface EditMailboxesInput {
  readonly mailboxes: MailboxSelector;
  /** Any subset of profile (name or id, active), incoming, outgoing, act; at least one. */
  readonly changes: DeliveryChanges;
}

/** Edit › Change Multiple Records: set profile and/or delivery methods. No automatic test (seed). */
export function editMailboxes(context: UseCaseContext, requester: Requester, input: EditMailboxesInput): Promise<Result<BulkMailboxResult, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const parsed = deliveryChangesInput.safeParse(input.changes);
    if (!parsed.success) return err(domainError('InvalidValue', `No mailbox was changed: ${describeInputProblem(parsed.error)}.`));
    const changes = parsed.data;
    let profile: EmailServerProfile | undefined;
    if (changes.profile !== undefined) {
      const found = await findActiveProfile(records, changes.profile);
      if (!found.ok) return found;
      profile = found.value;
    }
    const selected = await selectMailboxes(records, input.mailboxes);
    if (!selected.ok) return selected;
    const directory = await records.directory();
    const plan = planDeliveryChanges(
      context,
      requester,
      directory,
      selected.value,
      { audited: 'mailbox.edit', reason: 'edit' },
      (mailbox) => ({
        profile: profile ?? (mailbox.emailServerProfileId === null ? null : (directory.profileById(mailbox.emailServerProfileId) ?? null)),
        incoming: changes.incoming ?? mailbox.incomingEmailDeliveryMethod,
        outgoing: changes.outgoing ?? mailbox.outgoingEmailDeliveryMethod,
        act: changes.act ?? mailbox.actDeliveryMethod,
      }),
      'It already has these settings.',
    );
    const allowed = failIfNothingAllowed('change these mailboxes', plan.planned);
    if (!allowed.ok) return allowed;
    return ok({ intents: plan.intents, audit: plan.audit, events: [], answer: (written) => bulkResult(directory, written, plan.planned) });
  });
}

export interface SetSyncFromThisOrgOnlyInput {
  readonly mailbox: string;
  readonly on: boolean;
}

export interface MailboxChange {
  readonly mailbox: MailboxView;
  /** False when it already was as asked (nothing committed). */
  readonly changed: boolean;
}

/**
 * "Sync items with Exchange from this org only, even if Exchange was set to sync with a different org"
 * (`orgmarkedasprimaryforexchangesync`, domain.md §8). The next Test & Enable claims the mailbox for this organization.
 */
export function setSyncFromThisOrgOnly(context: UseCaseContext, requester: Requester, input: SetSyncFromThisOrgOnlyInput): Promise<Result<MailboxChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const selected = await selectOneMailbox(records, input.mailbox);
    if (!selected.ok) return selected;
    const mailbox = selected.value;
    const directory = await records.directory();
    const decision = canChangeDeliveryMethods(requester, mailbox, directory);
    if (!decision.allowed) return err(refusal(`Changing "sync from this org only" for ${mailbox.name}`, decision));
    const changed = mailbox.orgMarkedAsPrimaryForExchangeSync !== input.on;
    const next: Mailbox = { ...mailbox, orgMarkedAsPrimaryForExchangeSync: input.on };
    const onOff = (value: boolean): string => (value ? 'on' : 'off');
    return ok({
      intents: changed ? [{ kind: 'setSyncFromThisOrgOnly', mailboxId: mailbox.id, expectedVersion: mailbox.version, on: input.on }] : [],
      audit: changed
        ? [
            auditEntry(context, requester, {
              action: 'mailbox.setSyncFromThisOrgOnly',
              target: mailboxTarget(mailbox),
              rule: decision.rule,
              details: `Sync items with Exchange from this org only: ${onOff(mailbox.orgMarkedAsPrimaryForExchangeSync)} → ${onOff(input.on)}`,
            }),
          ]
        : [],
      events: [],
      answer: (written) => ({ mailbox: mailboxView(written.mailbox(mailbox.id) ?? (changed ? next : mailbox), directory), changed }),
    });
  });
}
