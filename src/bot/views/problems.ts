// What a user sees when a command cannot be done: a refusal card with the permission model's rule, reason
// and edition; a "not found" card with the closest names as buttons that rerun the corrected command; or
// a specific notice for the other domain errors.
import {
  renderRefusalCard,
  type AdaptiveCardJson,
  type CommandButtonView,
  type RefusalView,
} from '../../cards/index.js';
import type { DomainError, DomainErrorCode } from '../../domain/errors.js';
import type { Deployment } from '../../domain/model.js';
import { MAX_COMMAND_LENGTH } from '../../shared/limits.js';
import { privilegeDisplayName, Privileges, type Privilege } from '../../domain/options.js';
import {
  approvalTables,
  approverColumnRoles,
  approverRoleLabel,
  deploymentKeyOf,
  type PermissionDecision,
  type PermissionEdition,
} from '../../domain/permissions.js';
import { renderNoticeCard, type NoticeTone, type NoticeView } from './notice-card.js';

/**
 * The command that failed, as far as its problem card needs it; the dispatcher passes it in, so that this view
 * needs no command registry.
 */
export interface FailedCommand {
  /** The command words, for the help button. */
  readonly name: string;
  /** The command's line with typed names (compared ignoring case and spaces) replaced: a correction. */
  lineWith(replacements: ReadonlyMap<string, string>): string;
}

export interface ProblemContext {
  /** The command that failed; corrections are this command with a name replaced. */
  readonly command: FailedCommand;
  /** What was attempted, as a refusal card states it: "Approve the email address of pia@contoso.com". */
  readonly attempted: string;
  readonly organization: { readonly version: string; readonly deployment: Deployment };
  /** Whether the command writes; its failures then say that nothing was changed. */
  readonly writes: boolean;
  /**
   * Keeps a suggested command line for the requester and returns its opaque id. With it, corrections of a
   * write are offered as choices that lead to a preview, never as a command a click would run (issue 12).
   */
  readonly offerChoice?: (commandText: string) => string;
}

export const NOTHING_CHANGED = 'Nothing was changed.';

const editions: readonly PermissionEdition[] = ['legacy', 'seed2019', 'current2025'];
const isEdition = (text: string | undefined): text is PermissionEdition => editions.some((edition) => edition === text);
const isPrivilege = (text: string | undefined): text is Privilege => Privileges.some((privilege) => privilege === text);

/** The table's "Yes" columns for the organization's deployment, as role combinations. */
function approverCombinations(edition: PermissionEdition, deployment: Deployment): string[] {
  const table = approvalTables[edition];
  const row: Readonly<Partial<Record<string, { readonly verdict: string }>>> = table.rows[deploymentKeyOf(deployment)];
  return table.columns
    .filter((column) => row[column]?.verdict === 'yes')
    .map((column) => approverColumnRoles[column].map((role) => approverRoleLabel[role]).join(' together with '));
}

/** Rules of our own read access and of the non-table rights, by rule id prefix (src/app/authorization.ts, src/domain/permissions.ts). */
const allowedByRulePrefix: readonly (readonly [string, readonly string[]])[] = [
  ['current2025:self-approval', ['Self-approval of your own user mailbox whose address equals your user principal name, with Write Mailbox on it']],
  ['delivery-methods:', ['System Administrator or System Customizer, with Read Mailbox and Write Mailbox reaching the mailbox']],
  ['organization-email:', ['System Administrator', 'System Customizer with Write Organization (System Settings)']],
  // The organization record is organization-owned: Write Organization at any depth reaches it, but only with an admin role.
  ['privilege:prvWriteOrganization:', ['System Administrator', 'System Customizer with Write Organization (System Settings)']],
  ['security-roles:', ['System Administrator']],
  ['assign-role:', ['System Administrator (the Delegated Mailbox Approver role also needs a Global or Exchange administrator)']],
  ['test-and-enable:', ['System Administrator', 'System Customizer', 'The mailbox owner with Write Mailbox']],
  ['email-address:', ['System Administrator', 'Write Mailbox reaching the user’s or queue’s mailbox']],
  ['app:read-mailbox', ['A security role with Read Mailbox (prvReadMailbox) at a depth that reaches the mailbox']],
  ['app:read-configuration', ['System Administrator', 'System Customizer', 'Read Mailbox or Read Email Server Profile at any depth']],
  ['app:read-audit', ['System Administrator']],
  ['app:request-approval', ['The mailbox owner', 'System Administrator']],
  ['app:profile-alert-subscription', ['System Administrator', 'System Customizer']],
];

/** Who would be allowed what the decision refused, for the refusal card's "Allowed for" list. */
export function wouldAllow(decision: PermissionDecision, deployment: Deployment): readonly string[] {
  const { rule } = decision;
  if (rule === 'requester:inactive' || rule.endsWith(':user-disabled')) return [];
  const prefixed = allowedByRulePrefix.find(([prefix]) => rule.startsWith(prefix));
  if (prefixed !== undefined) return prefixed[1];
  const [first, second] = rule.split(':');
  if (first === 'privilege' && isPrivilege(second)) {
    return [`A security role granting ${privilegeDisplayName[second]} at a depth that reaches the record`];
  }
  // Approval table rules read `<edition>:<deployment>:<column>`.
  if (isEdition(first)) return approverCombinations(first, deployment);
  return [];
}

export function refusalView(decision: PermissionDecision, context: Pick<ProblemContext, 'attempted' | 'organization'>): RefusalView {
  return {
    refusedAction: context.attempted,
    rule: decision.rule,
    reason: decision.reason,
    permissionEdition: decision.edition,
    organizationVersion: context.organization.version,
    wouldAllow: wouldAllow(decision, context.organization.deployment),
    actions: [{ title: 'What may I do?', command: 'whoami' }],
  };
}

/** Button titles show the command they run; very long ones are cut (the button still runs all of it). */
const MAX_BUTTON_TITLE_LENGTH = 60;
const MAX_CORRECTIONS = 4;

const buttonTitle = (command: string): string =>
  command.length <= MAX_BUTTON_TITLE_LENGTH ? command : `${command.slice(0, MAX_BUTTON_TITLE_LENGTH - 1).trimEnd()}…`;

/**
 * One button per suggestion when one name is unknown; with several unknown names, one button that takes the
 * closest name for each (only when every one of them has a suggestion, or it would fail again).
 */
export function correctionButtons(command: FailedCommand, unknownNames: NonNullable<DomainError['unknownNames']>): CommandButtonView[] {
  const [only] = unknownNames;
  let commands: string[] = [];
  if (unknownNames.length === 1 && only !== undefined) {
    commands = only.suggestions.map((suggestion) => command.lineWith(new Map([[only.name, suggestion]])));
  } else if (unknownNames.length > 1 && unknownNames.every((unknown) => unknown.suggestions.length > 0)) {
    commands = [command.lineWith(new Map(unknownNames.map((unknown) => [unknown.name, unknown.suggestions[0] ?? unknown.name])))];
  }
  return [...new Set(commands)]
    .filter((line) => line.length <= MAX_COMMAND_LENGTH)
    .slice(0, MAX_CORRECTIONS)
    .map((line) => ({ title: buttonTitle(line), command: line }));
}

const helpButton = ({ name }: FailedCommand): CommandButtonView => ({ title: `Help: ${name}`, command: `help ${name}` });

const titleByCode: Readonly<Record<Exclude<DomainErrorCode, 'PermissionDenied'>, { readonly title: string; readonly tone: NoticeTone }>> = {
  UnknownUser: { title: 'User or queue not found', tone: 'attention' },
  UnknownMailbox: { title: 'Mailbox not found', tone: 'attention' },
  UnknownProfile: { title: 'Email server profile not found', tone: 'attention' },
  UnknownQueue: { title: 'Queue not found', tone: 'attention' },
  UnknownRole: { title: 'Security role not found', tone: 'attention' },
  InactiveProfile: { title: 'The email server profile is inactive', tone: 'warning' },
  InvalidValue: { title: 'That cannot be done as asked', tone: 'attention' },
  NothingSelected: { title: 'Nothing to do', tone: 'neutral' },
  VersionConflict: { title: 'Changed by someone else in the meantime', tone: 'warning' },
  NotApplicable: { title: 'That does not apply here', tone: 'neutral' },
  ReasonRequired: { title: 'A reason is needed', tone: 'warning' },
};

/** The notice for every error that is not a refusal by the permission model. */
export function problemNoticeView(error: DomainError, context: ProblemContext): NoticeView {
  const nothingChanged = context.writes ? [NOTHING_CHANGED] : [];
  if (error.code === 'PermissionDenied') {
    return { title: `Not allowed: ${context.attempted}`, tone: 'attention', lines: [error.message, ...nothingChanged], actions: [{ title: 'What may I do?', command: 'whoami' }] };
  }
  const unknownNames = error.unknownNames ?? [];
  if (unknownNames.length > 0) {
    const corrections = correctionButtons(context.command, unknownNames);
    const title = `Not found: ${unknownNames.map((unknown) => `“${unknown.name}”`).join(', ')}`;
    const { offerChoice } = context;
    if (context.writes && offerChoice !== undefined && corrections.length > 0) {
      return {
        title,
        tone: 'attention',
        lines: [error.message, ...nothingChanged, 'Choose one to see what the command would change with it; nothing changes until you confirm:'],
        choices: corrections.map((correction) => ({ title: correction.title, suggestionId: offerChoice(correction.command) })),
      };
    }
    return {
      title,
      tone: 'attention',
      lines: [error.message, ...nothingChanged, ...(corrections.length > 0 ? ['Choose one to run the command again with it:'] : [])],
      actions: corrections.length > 0 ? corrections : [helpButton(context.command)],
    };
  }
  const { title, tone } = titleByCode[error.code];
  const actions: CommandButtonView[] =
    error.code === 'InactiveProfile' ? [{ title: 'Show profiles', command: 'profiles' }] : [helpButton(context.command)];
  return { title, tone, lines: [error.message, ...nothingChanged], actions };
}

/** The card for any domain error: refusals get the refusal card, everything else a specific notice. */
export function problemCard(error: DomainError, context: ProblemContext): AdaptiveCardJson {
  if (error.code === 'PermissionDenied' && error.decision !== undefined) return renderRefusalCard(refusalView(error.decision, context));
  return renderNoticeCard(problemNoticeView(error, context));
}
