// "Process emails only for approved users / queues" (`requireapprovalforuseremail` / `…queueemail`):
// the requirement the seed's "Remove requirement to approve mailboxes" switches off.
import type { DomainError } from '../domain/errors.js';
import type { EmailSettings } from '../domain/model.js';
import { canChangeApprovalRequirement, type PermissionDecision } from '../domain/permissions.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, organizationTarget } from './audit.js';
import { canReadConfiguration, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { carryOut } from './unit-of-work.js';

export type ApprovalAudience = 'users' | 'queues';

export interface ApprovalRequirementView {
  /** "Process emails only for approved users" */
  readonly users: boolean;
  /** "Process emails only for approved queues" */
  readonly queues: boolean;
  /** Whether this requester may switch them, and why (the permission model's decision). */
  readonly canChange: PermissionDecision;
}

export interface ApprovalRequirementChange extends ApprovalRequirementView {
  /** False when it already was as asked (nothing committed). */
  readonly changed: boolean;
}

const SETTING_FOR: Readonly<Record<ApprovalAudience, 'requireApprovalForUserEmail' | 'requireApprovalForQueueEmail'>> = {
  users: 'requireApprovalForUserEmail',
  queues: 'requireApprovalForQueueEmail',
};
const LABEL_FOR: Readonly<Record<ApprovalAudience, string>> = {
  users: 'Process emails only for approved users',
  queues: 'Process emails only for approved queues',
};

const view = (settings: EmailSettings, canChange: PermissionDecision): ApprovalRequirementView => ({
  users: settings.requireApprovalForUserEmail,
  queues: settings.requireApprovalForQueueEmail,
  canChange,
});

export async function showApprovalRequirement(context: UseCaseContext, requester: Requester): Promise<Result<ApprovalRequirementView, DomainError>> {
  const directory = await context.records.directory();
  const decision = canReadConfiguration(requester, directory);
  if (!decision.allowed) return err(refusal('Showing the approval requirement', decision));
  return ok(view(directory.organization.settings, canChangeApprovalRequirement(requester, directory)));
}

export interface SetApprovalRequirementInput {
  readonly audience: ApprovalAudience;
  readonly required: boolean;
}

/**
 * Turns the requirement on or off for users or queues. Allowed to the admins of the permission table
 * (`canChangeApprovalRequirement`). Turning it off is not recommended (KB 4506139); the card says so.
 */
export function setApprovalRequirement(
  context: UseCaseContext,
  requester: Requester,
  input: SetApprovalRequirementInput,
): Promise<Result<ApprovalRequirementChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const directory = await context.records.directory();
    const decision = canChangeApprovalRequirement(requester, directory);
    if (!decision.allowed) return err(refusal(`Turning "${LABEL_FOR[input.audience]}" ${input.required ? 'on' : 'off'}`, decision));
    const setting = SETTING_FOR[input.audience];
    const organization = directory.organization;
    const current = organization.settings;
    const changed = current[setting] !== input.required;
    const onOff = (value: boolean): string => (value ? 'on' : 'off');
    return ok({
      intents: changed ? [{ kind: 'setApprovalRequirement', for: input.audience === 'users' ? 'systemuser' : 'queue', required: input.required, expected: organization }] : [],
      audit: changed
        ? [
            auditEntry(context, requester, {
              action: 'organization.setApprovalRequirement',
              target: organizationTarget(organization),
              rule: decision.rule,
              details: `${LABEL_FOR[input.audience]}: ${onOff(current[setting])} → ${onOff(input.required)}`,
            }),
          ]
        : [],
      events: [],
      answer: () => ({ ...view({ ...current, [setting]: input.required }, decision), changed }),
    });
  });
}
