// Every cell of every edition of the approval table, written out here independently of src/domain/permissions.ts.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/domain/model.js';
import type { Office365Role } from '../../src/domain/options.js';
import { ApproverColumns, DeploymentKeys, approvalTableCell, canApproveEmail } from '../../src/domain/permissions.js';
import type { ApproverColumn, DeploymentKey, PermissionEdition } from '../../src/domain/permissions.js';
import { BuiltInRoleIds, orgBuilder } from '../support/org-builder.js';

/**
 * Cell notation: 'yes' | 'no' | 'n/a', then the footnote number if any ('yes2', 'no3'); '—' when the edition has no
 * such column. "→ system-admin" marks a combination whose holder is decided by the System admin column instead,
 * because someone with two roles also qualifies for the more permissive single-role column.
 */
type Cell = string;
type Row = Readonly<Record<ApproverColumn, Cell>>;

const expectedTables: Readonly<Record<PermissionEdition, Readonly<Record<DeploymentKey, Row>>>> = {
  // Our reading of "only a Global administrator could approve" (domain.md §5.1); footnote 1 = pre-9.1.0.5805 rule,
  // footnote 2 = CE on-premises has no Microsoft 365 roles.
  legacy: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': 'yes1',
      'exchange-admin+system-admin': 'no1',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'no1',
      'service-admin': 'no',
      'exchange-admin': 'no1',
      'global-admin': 'yes1',
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': 'yes1',
      'exchange-admin+system-admin': 'no1',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'no1',
      'service-admin': 'no',
      'exchange-admin': 'n/a',
      'global-admin': 'yes1',
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'yes2',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'yes2',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
  },
  // The seed's table (05/29/2019), cell for cell.
  seed2019: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': 'yes2',
      'exchange-admin+system-admin': 'yes2',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'no',
      'service-admin': 'no',
      'exchange-admin': 'no',
      'global-admin': 'no',
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': 'yes3',
      'exchange-admin+system-admin': 'yes3',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'no3',
      'service-admin': 'no',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'yes1',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': '— → system-admin',
      'system-admin': 'yes1',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
  },
  // domain.md §5.3.
  current2025: {
    'ce-online/exchange-online': {
      'global-admin+system-admin': 'yes',
      'exchange-admin+system-admin': 'yes',
      'delegated-mailbox-approver+system-admin': 'yes1',
      'system-admin': 'no',
      'service-admin': 'no',
      'exchange-admin': 'no',
      'global-admin': 'no',
    },
    'ce-online/exchange-on-premises': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': 'n/a → system-admin',
      'system-admin': 'yes2',
      'service-admin': 'no',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
    'ce-on-premises/exchange-online': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': 'n/a → system-admin',
      'system-admin': 'yes2',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
    'ce-on-premises/exchange-on-premises': {
      'global-admin+system-admin': 'n/a → system-admin',
      'exchange-admin+system-admin': 'n/a → system-admin',
      'delegated-mailbox-approver+system-admin': 'n/a → system-admin',
      'system-admin': 'yes2',
      'service-admin': 'n/a',
      'exchange-admin': 'n/a',
      'global-admin': 'n/a',
    },
  },
};

/** A word from each footnote, to check that the footnote's text reaches the reason. */
const footnoteKeyword: Readonly<Record<PermissionEdition, Readonly<Record<string, string>>>> = {
  legacy: { '1': 'only a Microsoft 365 Global administrator', '2': 'no Microsoft 365 roles' },
  seed2019: { '1': 'Exchange admin', '2': '9.1.0.5805', '3': 'version to follow' },
  current2025: { '1': '9.2.22104.00170', '2': 'Exchange admin' },
};

const versionOf: Readonly<Record<PermissionEdition, string>> = { legacy: '9.0.2.3034', seed2019: '9.1.0.5805', current2025: '9.2.22104.00170' };

const deploymentOf: Readonly<Record<DeploymentKey, Deployment>> = {
  'ce-online/exchange-online': { customerEngagement: 'online', exchange: 'online' },
  'ce-online/exchange-on-premises': { customerEngagement: 'online', exchange: 'onPremises' },
  'ce-on-premises/exchange-online': { customerEngagement: 'onPremises', exchange: 'online' },
  'ce-on-premises/exchange-on-premises': { customerEngagement: 'onPremises', exchange: 'onPremises' },
};

const deploymentWords: Readonly<Record<DeploymentKey, string>> = {
  'ce-online/exchange-online': 'Customer Engagement (online) with Exchange Online',
  'ce-online/exchange-on-premises': 'Customer Engagement (online) with Exchange on-premises',
  'ce-on-premises/exchange-online': 'Customer Engagement (on-premises) with Exchange Online',
  'ce-on-premises/exchange-on-premises': 'Customer Engagement (on-premises) with Exchange on-premises',
};

/** What a requester in each column holds. */
const holdings: Readonly<Record<ApproverColumn, { office365Roles: Office365Role[]; roles: string[]; serviceAdministrator: boolean }>> = {
  'global-admin+system-admin': { office365Roles: ['GlobalAdministrator'], roles: [BuiltInRoleIds.systemAdministrator], serviceAdministrator: false },
  'exchange-admin+system-admin': { office365Roles: ['ExchangeAdministrator'], roles: [BuiltInRoleIds.systemAdministrator], serviceAdministrator: false },
  'delegated-mailbox-approver+system-admin': {
    office365Roles: [],
    roles: [BuiltInRoleIds.delegatedMailboxApprover, BuiltInRoleIds.systemAdministrator],
    serviceAdministrator: false,
  },
  'system-admin': { office365Roles: [], roles: [BuiltInRoleIds.systemAdministrator], serviceAdministrator: false },
  'service-admin': { office365Roles: [], roles: [], serviceAdministrator: true },
  'exchange-admin': { office365Roles: ['ExchangeAdministrator'], roles: [], serviceAdministrator: false },
  'global-admin': { office365Roles: ['GlobalAdministrator'], roles: [], serviceAdministrator: false },
};

const CELL_PATTERN = /^(yes|no|n\/a|—)(\d?)(?: → (system-admin))?$/;

interface ParsedCell {
  readonly verdict: 'yes' | 'no' | 'n/a' | 'absent';
  readonly footnote: string | null;
  readonly decidedBy: ApproverColumn | null;
}

function parseCell(cell: Cell): ParsedCell {
  const match = CELL_PATTERN.exec(cell);
  if (match === null) throw new Error(`Bad cell notation "${cell}" in the expected table`);
  const [, verdict = '', footnote = '', decidedBy] = match;
  return {
    verdict: verdict === '—' ? 'absent' : verdict === 'yes' ? 'yes' : verdict === 'no' ? 'no' : 'n/a',
    footnote: footnote === '' ? null : footnote,
    decidedBy: decidedBy === 'system-admin' ? 'system-admin' : null,
  };
}

const editions = ['legacy', 'seed2019', 'current2025'] as const satisfies readonly PermissionEdition[];

const cases = editions.flatMap((edition) =>
  DeploymentKeys.flatMap((deployment) =>
    ApproverColumns.map((column) => {
      const row = expectedTables[edition][deployment];
      return { edition, deployment, column, cell: row[column], row };
    }),
  ),
);

describe('the approval permission table', () => {
  it('covers seven columns for each of the four deployments in each of the three editions', () => {
    expect(cases).toHaveLength(3 * 4 * 7);
  });

  it.each(cases)('$edition table, $deployment, column $column holds "$cell"', ({ edition, deployment, column, cell }) => {
    const expected = parseCell(cell);
    const actual = approvalTableCell(edition, deployment, column);
    if (expected.verdict === 'absent') {
      expect(actual).toBeUndefined();
    } else {
      expect(actual).toEqual({ verdict: expected.verdict, footnote: expected.footnote });
    }
  });

  it.each(cases)('$edition, $deployment: a requester holding exactly $column is decided as "$cell" says', ({ edition, deployment, column, cell, row }) => {
    const own = parseCell(cell);
    const decidingColumn = own.decidedBy ?? column;
    const deciding = parseCell(row[decidingColumn]);
    const held = holdings[column];
    // The custom role grants the approval privilege at Organization depth so that only the table decides here.
    const org = orgBuilder({ version: versionOf[edition], deployment: deploymentOf[deployment] })
      .role('approve-anything', { privileges: { prvApproveRejectEmailAddress: 'Organization' } })
      .user('requester', { office365Roles: held.office365Roles, roles: [...held.roles, 'approve-anything'], serviceAdministrator: held.serviceAdministrator })
      .user('someone')
      .build();

    const decision = canApproveEmail(org.user('requester'), org.userMailbox('someone'), org.directory);

    expect(decision.edition).toBe(edition);
    expect(decision.rule).toBe(`${edition}:${deployment}:${decidingColumn}`);
    expect(decision.allowed).toBe(deciding.verdict === 'yes');
    expect(decision.reason).toContain(deploymentWords[deployment]);
    if (deciding.verdict === 'yes') expect(decision.reason).toContain('can approve email addresses');
    if (deciding.verdict === 'no') expect(decision.reason).toContain('cannot approve email addresses');
    if (deciding.verdict === 'n/a') expect(decision.reason).toContain('not applicable to this deployment');
    if (deciding.footnote !== null) {
      expect(decision.reason).toContain(`footnote ${deciding.footnote}:`);
      expect(decision.reason).toContain(footnoteKeyword[edition][deciding.footnote] ?? `no keyword for footnote ${deciding.footnote}`);
    } else {
      expect(decision.reason).not.toContain('footnote');
    }
  });
});
