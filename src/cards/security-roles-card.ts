import { privilegeDisplayName } from '../domain/options.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { countOf, escapeMarkdown, formatCount } from './format.js';
import { privilegeDepthLabel } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { SecurityRolesView } from './view-models.js';

export const MAX_ROLES_PER_CARD = 15;

interface SecurityRolesCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly subtitle: string;
  readonly roles: readonly {
    readonly name: string;
    readonly businessUnit: string;
    readonly hasNote: boolean;
    readonly note: string;
    readonly hasPrivileges: boolean;
    readonly privileges: readonly FactData[];
  }[];
  readonly hasHidden: boolean;
  readonly hiddenText: string;
}

const template = loadCardTemplate<SecurityRolesCardData>('security-roles');

/** Security roles with the email-configuration privileges each grants, and at which depth. */
export function renderSecurityRolesCard(view: SecurityRolesView): AdaptiveCardJson {
  const shown = view.roles.slice(0, MAX_ROLES_PER_CARD);
  const hidden = view.roles.length - shown.length;
  const howToSeeMore = view.seeMoreCommand === undefined ? '' : ` To see them, type **${escapeMarkdown(view.seeMoreCommand.command)}**.`;
  return template.expand({
    fallbackText: `Security roles: ${view.roles.map((role) => role.name).join(', ') || 'none'}.`,
    subtitle: hidden > 0 ? `Showing ${formatCount(shown.length)} of ${countOf(view.roles.length, 'role')}` : countOf(view.roles.length, 'role'),
    roles: shown.map((role) => {
      const note = role.holdsAllPrivileges
        ? 'Holds every privilege at Organization depth.'
        : role.privileges.length === 0
          ? 'No email-configuration privileges.'
          : '';
      return {
        name: escapeMarkdown(role.name),
        businessUnit: `Business unit: ${escapeMarkdown(role.businessUnit)}`,
        hasNote: note !== '',
        note,
        hasPrivileges: !role.holdsAllPrivileges && role.privileges.length > 0,
        privileges: role.privileges.map((grant) => fact(privilegeDisplayName[grant.privilege], privilegeDepthLabel[grant.depth])),
      };
    }),
    hasHidden: hidden > 0,
    hiddenText: `${countOf(hidden, 'more role is', 'more roles are')} not shown.${howToSeeMore}`,
    ...toButtonSet(view.seeMoreCommand === undefined ? [] : [view.seeMoreCommand], 'security roles'),
  });
}
