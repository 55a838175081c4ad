import { privilegeDisplayName } from '../domain/options.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown } from './format.js';
import { office365RoleLabel, permissionEditionLabel, privilegeDepthLabel } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { WhoAmIView } from './view-models.js';

interface WhoAmICardData {
  readonly fallbackText: string;
  readonly fullName: string;
  /** Email, business unit and roles in one line. */
  readonly summary: string;
  readonly hasAllowed: boolean;
  readonly allowed: readonly { readonly headline: string }[];
  readonly hasRefused: boolean;
  readonly refused: readonly { readonly headline: string; readonly reason: string }[];
  readonly userFacts: readonly FactData[];
  readonly roleFacts: readonly FactData[];
  readonly hasPrivileges: boolean;
  readonly privilegeFacts: readonly FactData[];
  readonly editionFacts: readonly FactData[];
  /** Behind the details toggle: every decision with the rule that made it (rule ids stay out of the main text). */
  readonly capabilities: readonly { readonly headline: string; readonly rule: string }[];
}

const template = loadCardTemplate<WhoAmICardData>('whoami');

/** Mid-sentence case, except for names such as "Test & Enable". */
const lowerFirst = (text: string): string => (/^\w+ & /.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1));

/** One line per organization-wide right, and one per record for the rights on it ("On your own mailbox …: a, b and c"). */
function allowedLines(capabilities: WhoAmIView['capabilities']): string[] {
  const lines: string[] = [];
  const byRecord = new Map<string, string[]>();
  for (const capability of capabilities) {
    if (!capability.allowed) continue;
    if (capability.on === undefined) {
      lines.push(`Allowed: ${capability.action}`);
      continue;
    }
    const rights = byRecord.get(capability.on.record);
    if (rights === undefined) {
      byRecord.set(capability.on.record, [capability.on.right]);
      lines.push(capability.on.record);
    } else {
      rights.push(capability.on.right);
    }
  }
  return lines.map((line) => {
    const rights = byRecord.get(line);
    if (rights === undefined) return line;
    const [first = '', ...rest] = rights;
    const listed = rest.length === 0 ? first : `${[first, ...rest.slice(0, -1).map(lowerFirst)].join(', ')} and ${lowerFirst(rest.at(-1) ?? '')}`;
    return `Allowed on ${line}: ${listed}`;
  });
}

const listOrNone = (items: readonly string[]): string => (items.length === 0 ? 'None' : items.join(', '));

/**
 * A short summary first: who you are, what you may do, what you may not and why. The facts behind it (roles,
 * privileges with depth, the permission edition, the rule of each decision) sit behind a toggle.
 */
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
    summary: escapeMarkdown([view.primaryEmail, view.businessUnit, ...adminRoles, ...view.securityRoles].join(' · ')),
    hasAllowed: allowed.length > 0,
    allowed: allowedLines(view.capabilities).map((line) => ({ headline: `✅ ${escapeMarkdown(line)}` })),
    hasRefused: refused.length > 0,
    refused: view.capabilities.filter((capability) => !capability.allowed).map((capability) => ({ headline: `⛔ Not allowed: ${escapeMarkdown(capability.action)}`, reason: escapeMarkdown(capability.reason) })),
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
      headline: `${capability.allowed ? 'Allowed' : 'Not allowed'}: ${escapeMarkdown(capability.action)}`,
      rule: `Rule: ${escapeMarkdown(capability.rule)}`,
    })),
  });
}
