// Refusals made by Dynamics 365 itself when an approval is written, told in the permission model's terms.
// The platform checks the caller's Entra role on every approval and answers, when the caller lacks it:
//   "User {systemuserid} should be a global administrator or exchange administrator to approve mailbox in
//    organization {orgid}."
// The bot's own permission check may have let the approver through (the directory it read can lag, or a PIM
// role was active when the card was drawn); this turns the platform's words into the same refusal the
// permission model gives, naming an eligible-but-inactive PIM role when there is one.
import { domainError, type DomainError } from '../domain/errors.js';
import type { User } from '../domain/model.js';
import type { Office365Role } from '../domain/options.js';
import { permissionEditionFor } from '../domain/permissions.js';

/** The rule id of a refusal made by Dynamics 365 rather than by the bot's permission model. */
export const PLATFORM_APPROVER_ROLE_RULE = 'platform:approver-not-global-or-exchange-admin';

const APPROVER_NOT_ADMIN = /User (\S+) should be a global administrator or exchange administrator to approve mailbox in organization ([^\s.]+)/i;

/** Whose Microsoft 365 admin roles are only eligible (Privileged Identity Management) and not active now. */
export interface AdminRoleEligibility {
  eligibleAdminRoles(aadObjectId: string): Promise<readonly Office365Role[]>;
}

export interface PlatformRefusal {
  readonly systemUserId: string;
  readonly organizationId: string;
  /** The platform's sentence, as it said it. */
  readonly platformText: string;
}

/** The platform refusal in an error (its message, or the message of a cause), or null when it is another failure. */
export function platformRefusalIn(error: unknown): PlatformRefusal | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const match = APPROVER_NOT_ADMIN.exec(current.message);
    if (match !== null) return { systemUserId: match[1] ?? '', organizationId: match[2] ?? '', platformText: match[0] };
  }
  return null;
}

const roleWords: Readonly<Record<Office365Role, string>> = { GlobalAdministrator: 'Global Administrator', ExchangeAdministrator: 'Exchange Administrator' };

/**
 * The refusal as the permission model words it (a PermissionDenied with its decision), for the cards that explain
 * refusals. `eligibility` is asked whether the approver could activate a role; its failure only loses the hint.
 */
export async function explainPlatformRefusal(
  refusal: PlatformRefusal,
  approver: User,
  organizationVersion: string,
  attempted: string,
  eligibility: AdminRoleEligibility | undefined,
): Promise<DomainError> {
  const eligible = eligibility === undefined ? [] : await eligibility.eligibleAdminRoles(approver.aadObjectId).catch(() => []);
  const activate =
    eligible.length > 0
      ? ` Your ${eligible.map((role) => roleWords[role]).join(' and ')} role is only eligible in Privileged Identity Management: activate it first (Entra admin center › My roles), then try again.`
      : ' Ask a Global Administrator to approve it, or to give you the Exchange Administrator role.';
  const reason = `Dynamics 365 refused: ${approver.fullName} is not an active Global Administrator or Exchange Administrator in Microsoft Entra ID, which approving needs ("${refusal.platformText}").${activate}`;
  return domainError('PermissionDenied', `${attempted} was refused: ${reason} Nothing was changed.`, {
    decision: { allowed: false, edition: permissionEditionFor(organizationVersion), rule: PLATFORM_APPROVER_ROLE_RULE, reason },
  });
}
