import { privilegeDisplayName } from '../domain/options.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown } from './format.js';
import { office365RoleLabel, permissionEditionLabel, privilegeDepthLabel, type TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { WhoAmIView } from './view-models.js';

interface WhoAmICardData {
  readonly fallbackText: string;
  readonly fullName: string;
  readonly userFacts: readonly FactData[];
  readonly roleFacts: readonly FactData[];
  readonly hasPrivileges: boolean;
  readonly privilegeFacts: readonly FactData[];
  readonly editionFacts: readonly FactData[];
  readonly capabilities: readonly { readonly headline: string; readonly color: TextColor; readonly reason: string; readonly rule: string }[];
}

const template = loadCardTemplate<WhoAmICardData>('whoami');

const listOrNone = (items: readonly string[]): string => (items.length === 0 ? 'None' : items.join(', '));

/** The user, their Office 365 and security roles, privileges with depth, and what the permission model lets them do. */
export function renderWhoAmICard(view: WhoAmIView): AdaptiveCardJson {
  const adminRoles = [
    ...view.office365Roles.map((role) => office365RoleLabel[role]),
    ...(view.isServiceAdministrator ? ['Dynamics 365 Service administrator'] : []),
  ];
  const allowed = view.capabilities.filter((capability) => capability.allowed).map((capability) => capability.action);
  const refused = view.capabilities.filter((capability) => !capability.allowed).map((capability) => capability.action);
  return template.expand({
    fallbackText:
      `${view.fullName} (${view.primaryEmail}). Microsoft 365 roles: ${listOrNone(adminRoles)}. ` +
      `Security roles: ${listOrNone(view.securityRoles)}. You can: ${listOrNone(allowed)}. You cannot: ${listOrNone(refused)}.`,
    fullName: escapeMarkdown(view.fullName),
    userFacts: [
      fact('Primary email', view.primaryEmail),
      fact('User name (UPN)', view.userPrincipalName),
      fact('Business unit', view.businessUnit),
    ],
    roleFacts: [fact('Microsoft 365 roles', listOrNone(adminRoles)), fact('Security roles', listOrNone(view.securityRoles))],
    hasPrivileges: view.privileges.length > 0,
    privilegeFacts: view.privileges.map((grant) => fact(privilegeDisplayName[grant.privilege], privilegeDepthLabel[grant.depth])),
    editionFacts: [
      fact('Edition', permissionEditionLabel[view.permissionEdition]),
      fact('Organization version', view.organizationVersion),
    ],
    capabilities: view.capabilities.map((capability) => ({
      headline: `${capability.allowed ? '✅ Allowed' : '⛔ Not allowed'}: ${escapeMarkdown(capability.action)}`,
      color: capability.allowed ? 'Good' : 'Attention',
      reason: escapeMarkdown(capability.reason),
      rule: `Rule: ${escapeMarkdown(capability.rule)}`,
    })),
  });
}
