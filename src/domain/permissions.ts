// The permission model: who may approve email addresses and change email configuration (domain.md §4, §5).
// Microsoft's approval table is kept as data, one table per edition of the documentation, and the organization's
// version picks the edition. Every answer is a PermissionDecision naming the rule that decided and why.
import type { Directory } from './directory.js';
import type { Deployment, Mailbox, MailboxRegarding, SecurityRole, User } from './model.js';
import type { Privilege } from './options.js';
import {
  checkPrivilege,
  describeOwnership,
  describePrivilegeShortfall,
  effectivePrivilegeDepth,
  hasRoleTemplate,
  mailboxOwnership,
  regardingOwnership,
  securityRolesOf,
} from './privileges.js';
import type { PrivilegeCheck, RecordOwnership } from './privileges.js';
import { isAtLeastVersion } from './version.js';

/** Which edition of Microsoft's permission table applies, chosen by the organization's version. */
export type PermissionEdition = 'legacy' | 'seed2019' | 'current2025';

export interface PermissionDecision {
  readonly allowed: boolean;
  readonly edition: PermissionEdition;
  /** Stable id of the rule (table cell, footnote or privilege check) that decided. */
  readonly rule: string;
  /** One sentence a person understands. */
  readonly reason: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Editions

/** First version with the 2019 table (seed footnote 2: Service Update 60). */
export const SEED_TABLE_MINIMUM_VERSION = '9.1.0.5805';
/** First version with the Delegated Mailbox Approver role and self-approval (2025 table footnote 1). */
export const DELEGATED_APPROVER_MINIMUM_VERSION = '9.2.22104.00170';

/** The edition for a product version. Versions are validated where organization files are parsed; a malformed one throws. */
export function permissionEditionFor(version: string): PermissionEdition {
  if (isAtLeastVersion(version, DELEGATED_APPROVER_MINIMUM_VERSION)) return 'current2025';
  if (isAtLeastVersion(version, SEED_TABLE_MINIMUM_VERSION)) return 'seed2019';
  return 'legacy';
}

// ---------------------------------------------------------------------------------------------------------------
// The approval table as data

export const DeploymentKeys = [
  'ce-online/exchange-online',
  'ce-online/exchange-on-premises',
  'ce-on-premises/exchange-online',
  'ce-on-premises/exchange-on-premises',
] as const;
/** A table row: where Customer Engagement runs / where Exchange runs. */
export type DeploymentKey = (typeof DeploymentKeys)[number];

export function deploymentKeyOf(deployment: Deployment): DeploymentKey {
  const customerEngagement = deployment.customerEngagement === 'online' ? 'ce-online' : 'ce-on-premises';
  const exchange = deployment.exchange === 'online' ? 'exchange-online' : 'exchange-on-premises';
  return `${customerEngagement}/${exchange}`;
}

export const deploymentLabel: Readonly<Record<DeploymentKey, string>> = {
  'ce-online/exchange-online': 'Customer Engagement (online) with Exchange Online',
  'ce-online/exchange-on-premises': 'Customer Engagement (online) with Exchange on-premises',
  'ce-on-premises/exchange-online': 'Customer Engagement (on-premises) with Exchange Online',
  'ce-on-premises/exchange-on-premises': 'Customer Engagement (on-premises) with Exchange on-premises',
};

/** The roles the table's columns are made of: Microsoft 365 roles and Dynamics 365 roles. */
export const ApproverRoles = [
  'GlobalAdministrator',
  'ExchangeAdministrator',
  'DelegatedMailboxApprover',
  'SystemAdministrator',
  'ServiceAdministrator',
] as const;
export type ApproverRole = (typeof ApproverRoles)[number];

export const approverRoleLabel: Readonly<Record<ApproverRole, string>> = {
  GlobalAdministrator: 'Microsoft 365 Global administrator',
  ExchangeAdministrator: 'Exchange administrator',
  DelegatedMailboxApprover: 'Delegated Mailbox Approver',
  SystemAdministrator: 'Dynamics 365 System Administrator',
  ServiceAdministrator: 'Dynamics 365 Service administrator',
};

/** Table columns in the documentation's order: combinations first, then single roles. */
export const ApproverColumns = [
  'global-admin+system-admin',
  'exchange-admin+system-admin',
  'delegated-mailbox-approver+system-admin',
  'system-admin',
  'service-admin',
  'exchange-admin',
  'global-admin',
] as const;
export type ApproverColumn = (typeof ApproverColumns)[number];
/** The columns of the 2019 table and of the legacy reading of it (no Delegated Mailbox Approver yet). */
export type ClassicApproverColumn = Exclude<ApproverColumn, 'delegated-mailbox-approver+system-admin'>;

/** Roles a requester must hold, all of them, to be in a column. */
export const approverColumnRoles: Readonly<Record<ApproverColumn, readonly ApproverRole[]>> = {
  'global-admin+system-admin': ['GlobalAdministrator', 'SystemAdministrator'],
  'exchange-admin+system-admin': ['ExchangeAdministrator', 'SystemAdministrator'],
  'delegated-mailbox-approver+system-admin': ['DelegatedMailboxApprover', 'SystemAdministrator'],
  'system-admin': ['SystemAdministrator'],
  'service-admin': ['ServiceAdministrator'],
  'exchange-admin': ['ExchangeAdministrator'],
  'global-admin': ['GlobalAdministrator'],
};

export type CellVerdict = 'yes' | 'no' | 'n/a';
export interface ApprovalCell {
  readonly verdict: CellVerdict;
  /** Id of the table footnote attached to the cell, if any. */
  readonly footnote: string | null;
}

export interface ApprovalTable<Column extends ApproverColumn = ApproverColumn> {
  readonly edition: PermissionEdition;
  /** Where the table comes from (domain.md source ids). */
  readonly source: string;
  readonly columns: readonly Column[];
  /** Footnote text, written to read as a clause inside a reason sentence. */
  readonly footnotes: Readonly<Record<string, string>>;
  readonly rows: Readonly<Record<DeploymentKey, Readonly<Record<Column, ApprovalCell>>>>;
}

const yes = (footnote: string | null = null): ApprovalCell => ({ verdict: 'yes', footnote });
const no = (footnote: string | null = null): ApprovalCell => ({ verdict: 'no', footnote });
const notApplicable: ApprovalCell = { verdict: 'n/a', footnote: null };

const classicColumns: readonly ClassicApproverColumn[] = ApproverColumns.filter(
  (column): column is ClassicApproverColumn => column !== 'delegated-mailbox-approver+system-admin',
);

/**
 * Before 9.1.0.5805 Microsoft published no table; the rule was "You must be an Office 365 Global administrator to
 * approve emails" (2018 seed, KB 4506139). We read it as: in Customer Engagement (online) a Global administrator
 * approves, with or without System Administrator, and nobody else; Exchange administrator only arrived with
 * Service Update 60. Customer Engagement (on-premises) has no Microsoft 365 roles at all, so there the
 * Dynamics 365 System Administrator approves and the Microsoft 365 columns (Service admin included) are n/a.
 */
const legacyTable: ApprovalTable<ClassicApproverColumn> = {
  edition: 'legacy',
  source: 'domain.md §5.1 (S1a 2018 seed, S17 KB 4506139); on-premises cells are our reading',
  columns: classicColumns,
  footnotes: {
    '1': 'before version 9.1.0.5805 only a Microsoft 365 Global administrator could approve email addresses for Customer Engagement (online)',
    '2': 'Customer Engagement (on-premises) has no Microsoft 365 roles, so its Dynamics 365 System Administrator approves',
  },
  rows: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': yes('1'),
      'exchange-admin+system-admin': no('1'),
      'system-admin': no('1'),
      'service-admin': no(),
      'exchange-admin': no('1'),
      'global-admin': yes('1'),
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': yes('1'),
      'exchange-admin+system-admin': no('1'),
      'system-admin': no('1'),
      'service-admin': no(),
      'exchange-admin': notApplicable,
      'global-admin': yes('1'),
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'system-admin': yes('2'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'system-admin': yes('2'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
  },
};

/** Exactly the seed's table (05/29/2019, unchanged in the 2020 and 2021 editions), footnotes included. */
const seedTable: ApprovalTable<ClassicApproverColumn> = {
  edition: 'seed2019',
  source: 'domain.md §5.2 (S1b seed 05/29/2019; S2a, S2b)',
  columns: classicColumns,
  footnotes: {
    '1': 'Microsoft recommends including your Exchange admin in your own business process for this configuration',
    '2': 'Microsoft rolled this out for Customer Engagement (online) with Exchange Online from version 9.1.0.5805',
    '3': 'Microsoft announced an update for Customer Engagement (online) with Exchange on-premises, version to follow',
  },
  rows: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': yes('2'),
      'exchange-admin+system-admin': yes('2'),
      'system-admin': no(),
      'service-admin': no(),
      'exchange-admin': no(),
      'global-admin': no(),
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': yes('3'),
      'exchange-admin+system-admin': yes('3'),
      'system-admin': no('3'),
      'service-admin': no(),
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'system-admin': yes('1'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'system-admin': yes('1'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
  },
};

/** The 2025 table (domain.md §5.3). Self-approval (§5.4) is a separate rule, not a column. */
const currentTable: ApprovalTable = {
  edition: 'current2025',
  source: 'domain.md §5.3 (S2c 06/27/2025, S20)',
  columns: ApproverColumns,
  footnotes: {
    '1': 'the Delegated Mailbox Approver role exists from version 9.2.22104.00170',
    '2': 'Microsoft recommends involving your Exchange admin in your process',
  },
  rows: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': yes(),
      'exchange-admin+system-admin': yes(),
      'delegated-mailbox-approver+system-admin': yes('1'),
      'system-admin': no(),
      'service-admin': no(),
      'exchange-admin': no(),
      'global-admin': no(),
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'delegated-mailbox-approver+system-admin': notApplicable,
      'system-admin': yes('2'),
      'service-admin': no(),
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'delegated-mailbox-approver+system-admin': notApplicable,
      'system-admin': yes('2'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': notApplicable,
      'exchange-admin+system-admin': notApplicable,
      'delegated-mailbox-approver+system-admin': notApplicable,
      'system-admin': yes('2'),
      'service-admin': notApplicable,
      'exchange-admin': notApplicable,
      'global-admin': notApplicable,
    },
  },
};

/** The approval tables, one per edition. */
export const approvalTables: {
  readonly legacy: ApprovalTable<ClassicApproverColumn>;
  readonly seed2019: ApprovalTable<ClassicApproverColumn>;
  readonly current2025: ApprovalTable;
} = { legacy: legacyTable, seed2019: seedTable, current2025: currentTable };

const tableRow = (edition: PermissionEdition, deployment: DeploymentKey): Readonly<Partial<Record<ApproverColumn, ApprovalCell>>> =>
  approvalTables[edition].rows[deployment];

/** One cell of an edition's table; undefined when the edition has no such column. */
export function approvalTableCell(edition: PermissionEdition, deployment: DeploymentKey, column: ApproverColumn): ApprovalCell | undefined {
  return tableRow(edition, deployment)[column];
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a requester's roles and the table

/** The table roles the user holds, from Microsoft 365 roles, the Service administrator flag and role templates. */
export function approverRolesOf(user: User, directory: Directory): ReadonlySet<ApproverRole> {
  const roles = new Set<ApproverRole>();
  if (user.office365Roles.includes('GlobalAdministrator')) roles.add('GlobalAdministrator');
  if (user.office365Roles.includes('ExchangeAdministrator')) roles.add('ExchangeAdministrator');
  if (user.isServiceAdministrator) roles.add('ServiceAdministrator');
  if (hasRoleTemplate(user, 'SystemAdministrator', directory)) roles.add('SystemAdministrator');
  if (hasRoleTemplate(user, 'DelegatedMailboxApprover', directory)) roles.add('DelegatedMailboxApprover');
  return roles;
}

const verdictPreference: Readonly<Record<CellVerdict, number>> = { yes: 0, no: 1, 'n/a': 2 };

interface ColumnChoice {
  readonly column: ApproverColumn;
  readonly cell: ApprovalCell;
}

/**
 * The requester's column: among the columns whose roles they all hold (extra roles never take a right away),
 * the most permissive, ties broken by the table's column order. Undefined when they hold no column's roles.
 */
function chooseColumn(edition: PermissionEdition, deployment: DeploymentKey, held: ReadonlySet<ApproverRole>): ColumnChoice | undefined {
  const row = tableRow(edition, deployment);
  const candidates = ApproverColumns.flatMap((column): ColumnChoice[] => {
    const cell = row[column];
    const holdsAll = approverColumnRoles[column].every((role) => held.has(role));
    return cell !== undefined && holdsAll ? [{ column, cell }] : [];
  });
  return candidates.reduce<ColumnChoice | undefined>(
    (best, candidate) => (best === undefined || verdictPreference[candidate.cell.verdict] < verdictPreference[best.cell.verdict] ? candidate : best),
    undefined,
  );
}

const joinAlternatives = (items: readonly string[], conjunction: 'and' | 'or' | 'plus'): string => {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) ?? ''}`;
};

/** Role labels in the table's order, whatever order the roles came in. */
const rolesList = (roles: Iterable<ApproverRole>): readonly string[] => {
  const held = new Set(roles);
  return ApproverRoles.filter((role) => held.has(role)).map((role) => approverRoleLabel[role]);
};

const rolesText = (roles: Iterable<ApproverRole>): string => joinAlternatives(rolesList(roles), 'and');

/** "Exchange administrator alone", "Global administrator and System Administrator", or no role at all. */
function heldRolesText(held: ReadonlySet<ApproverRole>): string {
  if (held.size === 0) return 'A user without any of the administrator roles in the table';
  return held.size === 1 ? `${rolesText(held)} alone` : rolesText(held);
}

/** "it needs Dynamics 365 System Administrator too": the fewest extra roles that would put the requester in a 'yes' column. */
function neededRolesText(edition: PermissionEdition, deployment: DeploymentKey, held: ReadonlySet<ApproverRole>): string {
  const row = tableRow(edition, deployment);
  const options = ApproverColumns.filter((column) => row[column]?.verdict === 'yes').map((column) => ({
    missing: approverColumnRoles[column].filter((role) => !held.has(role)),
    buildsOnHeld: approverColumnRoles[column].some((role) => held.has(role)),
  }));
  if (options.length === 0) return 'no role combination can do it for this deployment';
  const fewest = Math.min(...options.map((option) => option.missing.length));
  const closest = options.filter((option) => option.missing.length === fewest);
  // Combinations read "A plus B" so that "or" only ever separates alternatives.
  const alternatives = [...new Set(closest.map((option) => joinAlternatives(rolesList(option.missing), 'plus')))];
  const listed =
    closest.some((option) => option.missing.length > 1) && alternatives.length > 1
      ? `${alternatives.slice(0, -1).join(', ')}, or ${alternatives.at(-1) ?? ''}`
      : joinAlternatives(alternatives, 'or');
  const too = closest.every((option) => option.buildsOnHeld) ? ' too' : '';
  return `it needs ${listed}${too}`;
}

/** What the table is being asked about, in the two grammatical forms the reasons need. */
interface TableAction {
  /** "approve email addresses" */
  readonly infinitive: string;
  /** "Approving email addresses" */
  readonly gerund: string;
}

const APPROVE_EMAIL: TableAction = { infinitive: 'approve email addresses', gerund: 'Approving email addresses' };
const CHANGE_APPROVAL_REQUIREMENT: TableAction = {
  infinitive: 'turn "Process emails only for approved users/queues" on or off',
  gerund: 'Turning "Process emails only for approved users/queues" on or off',
};

interface TableOutcome {
  readonly decision: PermissionDecision;
  /** The column that decided; undefined when the requester holds no column's roles. */
  readonly column: ApproverColumn | undefined;
}

function decideByTable(requester: User, directory: Directory, edition: PermissionEdition, action: TableAction): TableOutcome {
  const deployment = deploymentKeyOf(directory.organization.deployment);
  const held = approverRolesOf(requester, directory);
  const choice = chooseColumn(edition, deployment, held);
  const where = deploymentLabel[deployment];
  const needs = neededRolesText(edition, deployment, held);
  if (choice === undefined) {
    const decision = deny(edition, `${edition}:${deployment}:no-approver-column`, `${heldRolesText(held)} cannot ${action.infinitive} for ${where}; ${needs}.`);
    return { decision, column: undefined };
  }
  const { column, cell } = choice;
  const rule = `${edition}:${deployment}:${column}`;
  const footnote = cell.footnote === null ? '' : ` (footnote ${cell.footnote}: ${approvalTables[edition].footnotes[cell.footnote] ?? 'see the table'})`;
  switch (cell.verdict) {
    case 'yes':
      return { decision: allow(edition, rule, `${rolesText(approverColumnRoles[column])} can ${action.infinitive} for ${where}${footnote}.`), column };
    case 'no':
      return { decision: deny(edition, rule, `${heldRolesText(held)} cannot ${action.infinitive} for ${where}; ${needs}${footnote}.`), column };
    case 'n/a':
      return {
        decision: deny(
          edition,
          rule,
          `${action.gerund} as ${lowerFirst(heldRolesText(held))} is not applicable to this deployment (${where}); ${needs}${footnote}.`,
        ),
        column,
      };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers shared by the decisions

const allow = (edition: PermissionEdition, rule: string, reason: string): PermissionDecision => ({ allowed: true, edition, rule, reason });
const deny = (edition: PermissionEdition, rule: string, reason: string): PermissionDecision => ({ allowed: false, edition, rule, reason });
const lowerFirst = (text: string): string => (text.startsWith('A ') ? `a ${text.slice(2)}` : text);

const editionOf = (directory: Directory): PermissionEdition => permissionEditionFor(directory.organization.version);

/** A deactivated user signs in nowhere, so whatever their roles say they may do nothing. */
function denyIfInactive(requester: User, edition: PermissionEdition, what: string): PermissionDecision | undefined {
  if (requester.active) return undefined;
  return deny(edition, 'requester:inactive', `${requester.fullName}'s user account is disabled in Dynamics 365, so they cannot ${what}.`);
}

/** The rule id of a failed privilege check: `privilege:<name>:missing` when not held, `:depth` when held too shallow. */
const privilegeRule = (check: PrivilegeCheck): string => `privilege:${check.privilege}:${check.held === null ? 'missing' : 'depth'}`;

function privilegeDenial(edition: PermissionEdition, requester: User, check: PrivilegeCheck, grantedBy: string, targetText: string): PermissionDecision {
  return deny(edition, privilegeRule(check), `${grantedBy}, but ${describePrivilegeShortfall(requester, check, targetText)}.`);
}

/** The first of the privileges that does not reach the record, or undefined when all do. */
function firstShortfall(requester: User, privileges: readonly Privilege[], target: RecordOwnership, directory: Directory): PrivilegeCheck | undefined {
  return privileges.map((privilege) => checkPrivilege(requester, privilege, target, directory)).find((check) => !check.reaches);
}

const mailboxText = (mailbox: Mailbox, directory: Directory): string =>
  `mailbox ${mailbox.emailAddress} (${describeOwnership(mailboxOwnership(mailbox, directory), directory)})`;

const securityRoleNames = (user: User, directory: Directory): string => {
  const names = securityRolesOf(user, directory).map((role) => role.name);
  return names.length === 0 ? 'they hold no security role' : `their security roles are ${joinAlternatives(names, 'and')}`;
};

/** System Administrator or System Customizer: the "admin rights" of the mailbox and profile forms (domain.md §4, S11). */
function mailboxAdminRole(user: User, directory: Directory): 'System Administrator' | 'System Customizer' | undefined {
  if (hasRoleTemplate(user, 'SystemAdministrator', directory)) return 'System Administrator';
  if (hasRoleTemplate(user, 'SystemCustomizer', directory)) return 'System Customizer';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Approving email addresses

/**
 * Whether `requester` may approve (or reject) the email address of `mailbox`: the edition's table for the
 * organization's deployment plus `prvApproveRejectEmailAddress` reaching the mailbox; from 9.2.22104.00170 also
 * self-approval of one's own user mailbox (domain.md §5.4).
 */
export function canApproveEmail(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'approve email addresses');
  if (inactive !== undefined) return inactive;

  const byTable = approveByTableAndPrivilege(requester, mailbox, directory, edition);
  if (byTable.allowed || edition !== 'current2025') return byTable;
  return decideSelfApproval(requester, mailbox, directory) ?? byTable;
}

function approveByTableAndPrivilege(requester: User, mailbox: Mailbox, directory: Directory, edition: PermissionEdition): PermissionDecision {
  const { decision, column } = decideByTable(requester, directory, edition, APPROVE_EMAIL);
  if (!decision.allowed || column === undefined) return decision;
  const check = checkPrivilege(requester, 'prvApproveRejectEmailAddress', mailboxOwnership(mailbox, directory), directory);
  if (check.reaches) return decision;
  const where = deploymentLabel[deploymentKeyOf(directory.organization.deployment)];
  return privilegeDenial(
    edition,
    requester,
    check,
    `${rolesText(approverColumnRoles[column])} may approve email addresses for ${where}`,
    `this ${mailboxText(mailbox, directory)}`,
  );
}

const SELF_APPROVAL = 'current2025:self-approval';

/**
 * Self-approval (2025): undefined when the mailbox is not the requester's to self-approve at all (someone else's),
 * otherwise the decision with the first condition that failed.
 */
function decideSelfApproval(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision | undefined {
  const edition: PermissionEdition = 'current2025';
  const address = mailbox.emailAddress;
  if (mailbox.regarding.type === 'queue') {
    if (mailbox.ownerId !== requester.id) return undefined;
    return deny(edition, `${SELF_APPROVAL}:queue-mailbox`, `${requester.fullName} owns the queue mailbox ${address}, but a queue mailbox can never be self-approved; it needs an approver from the permission table.`);
  }
  if (mailbox.regarding.id !== requester.id) return undefined;
  if (requester.userPrincipalName.trim().toLowerCase() !== address.trim().toLowerCase()) {
    return deny(
      edition,
      `${SELF_APPROVAL}:upn-mismatch`,
      `${requester.fullName} cannot self-approve ${address} because it differs from their user principal name ${requester.userPrincipalName}; self-approval needs the two to be equal.`,
    );
  }
  const ownMailbox = mailboxOwnership(mailbox, directory);
  const requiresPrivilege = directory.organization.settings.requirePrivilegeToSelfApproveEmailAddress;
  if (requiresPrivilege) {
    const approve = checkPrivilege(requester, 'prvApproveRejectEmailAddress', ownMailbox, directory);
    if (!approve.reaches) {
      return privilegeDenial(
        edition,
        requester,
        approve,
        `This organization requires a privilege to self-approve (RequirePrivilegeToSelfApproveEmailAddress is on)`,
        `their own mailbox ${address}`,
      );
    }
  }
  const write = checkPrivilege(requester, 'prvWriteMailbox', ownMailbox, directory);
  if (!write.reaches) {
    return privilegeDenial(edition, requester, write, `Self-approving ${address} needs at least User-level Write Mailbox`, `their own mailbox`);
  }
  const privilegeText = requiresPrivilege ? 'hold Approve Email Addresses for Users or Queues as this organization requires' : 'this organization does not require a privilege to self-approve';
  return allow(
    edition,
    SELF_APPROVAL,
    `${requester.fullName} can self-approve their own mailbox ${address} because it equals their user principal name, they hold Write Mailbox on it and ${privilegeText}.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Other email-configuration rights

/**
 * Whether `requester` may turn "Process emails only for approved users/queues" on or off: the admins of the
 * table's 'yes' cells for the organization's deployment. There is no mailbox, so neither self-approval nor depth applies.
 */
export function canChangeApprovalRequirement(requester: User, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  return denyIfInactive(requester, edition, 'change the approval requirement') ?? decideByTable(requester, directory, edition, CHANGE_APPROVAL_REQUIREMENT).decision;
}

/**
 * Whether `requester` may change a mailbox's incoming, outgoing and ACT delivery methods: System Administrator or
 * System Customizer, plus Read Mailbox and Write Mailbox reaching the mailbox (domain.md §4).
 */
export function canChangeDeliveryMethods(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'change delivery methods');
  if (inactive !== undefined) return inactive;
  const admin = mailboxAdminRole(requester, directory);
  if (admin === undefined) {
    return deny(
      edition,
      'delivery-methods:admin-role',
      `${requester.fullName} cannot change delivery methods because it needs the System Administrator or System Customizer role and ${securityRoleNames(requester, directory)}.`,
    );
  }
  const shortfall = firstShortfall(requester, ['prvReadMailbox', 'prvWriteMailbox'], mailboxOwnership(mailbox, directory), directory);
  if (shortfall !== undefined) {
    return privilegeDenial(edition, requester, shortfall, `As ${admin}, ${requester.fullName} may change delivery methods`, mailboxText(mailbox, directory));
  }
  return allow(
    edition,
    'delivery-methods:admin+mailbox-privileges',
    `${requester.fullName} can change the delivery methods of ${mailboxText(mailbox, directory)} as ${admin} with Read Mailbox and Write Mailbox reaching it.`,
  );
}

/**
 * Whether `requester` may change the organization's email settings (default profile, default delivery methods,
 * alert settings): System Administrator, or System Customizer holding Write Organization. The organization record is
 * organization-owned, so any depth at which the privilege is held reaches it.
 */
export function canConfigureOrganizationEmail(requester: User, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'change the organization email settings');
  if (inactive !== undefined) return inactive;
  const name = requester.fullName;
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) {
    return allow(edition, 'organization-email:system-administrator', `${name} can change the organization email settings as System Administrator.`);
  }
  if (hasRoleTemplate(requester, 'SystemCustomizer', directory)) {
    if (effectivePrivilegeDepth(requester, 'prvWriteOrganization', directory) !== null) {
      return allow(edition, 'organization-email:system-customizer+prvWriteOrganization', `${name} can change the organization email settings as System Customizer with Write Organization.`);
    }
    return deny(
      edition,
      'privilege:prvWriteOrganization:missing',
      `${name} is System Customizer but none of their security roles grants Write Organization (System Settings) (prvWriteOrganization), which changing the organization email settings needs.`,
    );
  }
  return deny(
    edition,
    'organization-email:admin-role',
    `${name} cannot change the organization email settings because it needs System Administrator, or System Customizer with Write Organization, and ${securityRoleNames(requester, directory)}.`,
  );
}

/** Whether `requester` may grant or revoke privileges and assign security roles: System Administrator only. */
export function canManageSecurityRoles(requester: User, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'manage security roles');
  if (inactive !== undefined) return inactive;
  const rule = 'security-roles:system-administrator';
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) {
    return allow(edition, rule, `${requester.fullName} can manage security roles as System Administrator.`);
  }
  return deny(edition, rule, `${requester.fullName} cannot manage security roles because it needs System Administrator and ${securityRoleNames(requester, directory)}.`);
}

/** The platform's refusal when someone without a Microsoft 365 admin role assigns the Delegated Mailbox Approver role (domain.md §4). */
export const DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR = {
  code: '0x80090904',
  message: 'You must be an Office 365 Global Administrator or an Exchange Administrator to assign the Delegated Mailbox Approver role.',
} as const;

/**
 * Whether `requester` may assign `role` to a user: System Administrator; the Delegated Mailbox Approver role also
 * needs a Global or Exchange administrator, and exists only from 9.2.22104.00170.
 */
export function canAssignRole(requester: User, role: SecurityRole, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, `assign the ${role.name} role`);
  if (inactive !== undefined) return inactive;
  const name = requester.fullName;
  if (!hasRoleTemplate(requester, 'SystemAdministrator', directory)) {
    return deny(edition, 'assign-role:system-administrator', `${name} cannot assign the ${role.name} role because it needs System Administrator and ${securityRoleNames(requester, directory)}.`);
  }
  if (role.template !== 'DelegatedMailboxApprover') {
    return allow(edition, 'assign-role:system-administrator', `${name} can assign the ${role.name} role as System Administrator.`);
  }
  if (edition !== 'current2025') {
    return deny(
      edition,
      'assign-role:delegated-mailbox-approver:unavailable',
      `The Delegated Mailbox Approver role exists from version ${DELEGATED_APPROVER_MINIMUM_VERSION}, and this organization runs ${directory.organization.version}.`,
    );
  }
  const held = approverRolesOf(requester, directory);
  if (!held.has('GlobalAdministrator') && !held.has('ExchangeAdministrator')) {
    return deny(edition, `assign-role:delegated-mailbox-approver:${DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR.code}`, DELEGATED_MAILBOX_APPROVER_ASSIGNMENT_ERROR.message);
  }
  return allow(edition, 'assign-role:delegated-mailbox-approver', `${name} can assign the ${role.name} role as ${rolesText(held)}.`);
}

/**
 * Whether `requester` may run Test & Enable on `mailbox`: admin rights (System Administrator or System Customizer),
 * or being the mailbox owner with Write Mailbox at User depth or deeper.
 */
export function canTestAndEnable(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'test and enable mailboxes');
  if (inactive !== undefined) return inactive;
  const admin = mailboxAdminRole(requester, directory);
  const target = mailboxText(mailbox, directory);
  if (admin !== undefined) {
    return allow(edition, 'test-and-enable:admin-role', `${requester.fullName} can test and enable ${target} as ${admin}.`);
  }
  if (mailbox.ownerId !== requester.id) {
    return deny(
      edition,
      'test-and-enable:admin-or-owner',
      `${requester.fullName} cannot test and enable ${target} because it needs System Administrator, System Customizer or being its owner, and ${securityRoleNames(requester, directory)}.`,
    );
  }
  const write = checkPrivilege(requester, 'prvWriteMailbox', mailboxOwnership(mailbox, directory), directory);
  if (!write.reaches) {
    return privilegeDenial(edition, requester, write, `As its owner, ${requester.fullName} may test and enable their mailbox`, target);
  }
  return allow(edition, 'test-and-enable:owner+prvWriteMailbox', `${requester.fullName} can test and enable ${target} as its owner with Write Mailbox.`);
}

/**
 * Whether `requester` may change the email address of a user or queue (and so of its mailbox, which follows it):
 * System Administrator, or Write Mailbox reaching that user's or queue's mailbox.
 */
export function canChangeEmailAddress(requester: User, regarding: MailboxRegarding, directory: Directory): PermissionDecision {
  const edition = editionOf(directory);
  const inactive = denyIfInactive(requester, edition, 'change email addresses');
  if (inactive !== undefined) return inactive;
  const name = requester.fullName;
  if (hasRoleTemplate(requester, 'SystemAdministrator', directory)) {
    return allow(edition, 'email-address:system-administrator', `${name} can change email addresses as System Administrator.`);
  }
  const ownership = regardingOwnership(regarding, directory);
  if (ownership === undefined) {
    return deny(edition, 'email-address:unknown-regarding', `${name} cannot change the email address of ${regarding.type} ${regarding.id} because no such ${regarding.type === 'queue' ? 'queue' : 'user'} exists.`);
  }
  const targetText = `the ${regarding.type === 'queue' ? 'queue' : 'user'} mailbox ${describeOwnership(ownership, directory)}`;
  const write = checkPrivilege(requester, 'prvWriteMailbox', ownership, directory);
  if (!write.reaches) {
    return privilegeDenial(edition, requester, write, `Changing an email address needs System Administrator or Write Mailbox reaching the mailbox`, targetText);
  }
  return allow(edition, 'email-address:prvWriteMailbox', `${name} can change the email address of ${targetText} with Write Mailbox.`);
}

// ---------------------------------------------------------------------------------------------------------------
// "What can I do" for one mailbox

export const MailboxPermissionActions = [
  'approveEmail',
  'changeApprovalRequirement',
  'changeDeliveryMethods',
  'testAndEnable',
  'changeEmailAddress',
  'configureOrganizationEmail',
  'manageSecurityRoles',
] as const;
export type MailboxPermissionAction = (typeof MailboxPermissionActions)[number];

export const mailboxPermissionLabel: Readonly<Record<MailboxPermissionAction, string>> = {
  approveEmail: 'Approve or reject the email address',
  changeApprovalRequirement: 'Turn "Process emails only for approved users/queues" on or off',
  changeDeliveryMethods: 'Change delivery methods',
  testAndEnable: 'Test & Enable',
  changeEmailAddress: 'Change the email address',
  configureOrganizationEmail: 'Change organization email settings',
  manageSecurityRoles: 'Manage security roles',
};

export interface MailboxPermission {
  readonly action: MailboxPermissionAction;
  readonly label: string;
  readonly decision: PermissionDecision;
}

/** Every decision above for one requester and one mailbox, in a fixed order, for a "what can I do" card. */
export function explainMailboxPermissions(requester: User, mailbox: Mailbox, directory: Directory): readonly MailboxPermission[] {
  const decisions: Readonly<Record<MailboxPermissionAction, PermissionDecision>> = {
    approveEmail: canApproveEmail(requester, mailbox, directory),
    changeApprovalRequirement: canChangeApprovalRequirement(requester, directory),
    changeDeliveryMethods: canChangeDeliveryMethods(requester, mailbox, directory),
    testAndEnable: canTestAndEnable(requester, mailbox, directory),
    changeEmailAddress: canChangeEmailAddress(requester, mailbox.regarding, directory),
    configureOrganizationEmail: canConfigureOrganizationEmail(requester, directory),
    manageSecurityRoles: canManageSecurityRoles(requester, directory),
  };
  return MailboxPermissionActions.map((action) => ({ action, label: mailboxPermissionLabel[action], decision: decisions[action] }));
}
