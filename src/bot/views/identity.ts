// whoami: the requester, their roles and privileges, and what the permission model lets them do.
import type { WhoAmI } from '../../app/index.js';
import type { CapabilityView, WhoAmIView } from '../../cards/index.js';
import type { MailboxPermissionAction } from '../../domain/permissions.js';

/** Rights that depend on the mailbox; the organization-wide ones are listed once, not per sample mailbox. */
const mailboxSpecificActions: ReadonlySet<MailboxPermissionAction> = new Set(['approveEmail', 'changeDeliveryMethods', 'testAndEnable', 'changeEmailAddress']);

export function whoAmIView(result: WhoAmI, businessUnitName: string): WhoAmIView {
  const capability = (action: string, decision: { allowed: boolean; rule: string; reason: string }): CapabilityView => ({
    action,
    allowed: decision.allowed,
    rule: decision.rule,
    reason: decision.reason,
  });
  const mailboxCapabilities = result.mailboxSamples.flatMap((sample) => {
    const { mailbox } = sample.mailbox;
    const whose = sample.whose === 'own' ? `your own mailbox ${mailbox.emailAddress}` : `${mailbox.name}’s mailbox ${mailbox.emailAddress}`;
    return sample.permissions
      .filter((permission) => mailboxSpecificActions.has(permission.action))
      .map((permission) => ({ ...capability(`${permission.label}: ${whose}`, permission.decision), on: { record: whose, right: permission.label } }));
  });
  return {
    fullName: result.user.fullName,
    primaryEmail: result.user.primaryEmail,
    userPrincipalName: result.user.userPrincipalName,
    businessUnit: businessUnitName,
    office365Roles: result.office365Roles,
    isServiceAdministrator: result.isServiceAdministrator,
    securityRoles: result.securityRoles.map(({ role }) => role.name),
    privileges: result.privileges.map(({ privilege, depth }) => ({ privilege, depth })),
    permissionEdition: result.organization.edition,
    organizationVersion: result.organization.version,
    capabilities: [
      ...result.organizationPermissions.map(({ action, decision }) => capability(action, decision)),
      ...mailboxCapabilities,
      capability('See mailboxes', result.readAccess.mailboxes),
      capability('See the email configuration', result.readAccess.configuration),
      capability('Read the audit log', result.readAccess.audit),
    ],
  };
}
