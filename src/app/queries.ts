// Read-only use cases: mailbox lists and details, alert walls, the audit log, and "who am I".
// Who may read what is decided in authorization.ts (our rules; the product's permission model covers writes).
import type { Directory } from '../domain/directory.js';
import { domainError, type DomainError } from '../domain/errors.js';
import type { Alert, AuditEntry, Deployment, Mailbox, SecurityRole, User } from '../domain/model.js';
import { EmailApprovalStatus, Privileges, privilegeDisplayName, TestStatus, type Office365Role, type Privilege, type PrivilegeDepth } from '../domain/options.js';
import {
  canApproveEmail,
  canTestAndEnable,
  canChangeApprovalRequirement,
  canConfigureOrganizationEmail,
  canManageSecurityRoles,
  explainMailboxPermissions,
  permissionEditionFor,
  type MailboxPermission,
  type PermissionDecision,
  type PermissionEdition,
} from '../domain/permissions.js';
import { depthReaches, effectivePrivilegeDepth, mailboxOwnership, securityRolesOf } from '../domain/privileges.js';
import { diagnoseMailbox, type DiagnosisCause, type DiagnosisFix, type MailboxHealth } from '../domain/diagnosis.js';
import { fixPermission } from './fix-permission.js';
import { err, ok, type Result } from '../domain/result.js';
import { canReadAudit, canReadConfiguration, canReadMailbox, mailboxReadScope, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import { findProfile } from './lookup.js';
import { mailboxNameIndex, selectOneMailbox } from './mailbox-selection.js';
import { buildNameIndex } from './name-resolution.js';
import { findFirst, InvalidCursorError, readAll, type CursorPage, type MailboxQuery, type OrganizationRecords } from './ports.js';
import { closestNames } from './suggestions.js';
import { mailboxView, profileView, type MailboxView, type ProfileView } from './views.js';

// ---------------------------------------------------------------------------------------------------------------
// Mailbox list

export const MailboxFilters = ['all', 'pending', 'approved', 'rejected', 'failed', 'disabled'] as const;
export type MailboxFilter = (typeof MailboxFilters)[number];

/** Rows per page unless asked otherwise; a Teams card stays readable at this size. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const FILTER_QUERY: Readonly<Record<MailboxFilter, MailboxQuery>> = {
  all: {},
  pending: { approval: EmailApprovalStatus.PendingApproval },
  approved: { approval: EmailApprovalStatus.Approved },
  rejected: { approval: EmailApprovalStatus.Rejected },
  failed: { status: TestStatus.Failure },
  disabled: { disabled: true },
};

export interface ListMailboxesInput {
  readonly filter?: MailboxFilter;
  /** Only mailboxes linked to this profile (name or id). */
  readonly profile?: string;
  /** 1-based. Without `cursor`, the page is reached by following the list from its first page. */
  readonly page?: number;
  /** The `nextCursor` of page `page - 1` of the same listing: continues from there instead of from the start. */
  readonly cursor?: string;
  readonly pageSize?: number;
}

/** A listed mailbox with what the requester may do with it from the list, and why it fails (failed lists). */
export interface ListedMailbox extends MailboxView {
  readonly mayApprove: boolean;
  readonly mayTestAndEnable: boolean;
  /** Filled in `failed` lists: the likeliest cause by the domain's rules, and its fix when the requester may make it. */
  readonly failure: { readonly cause: DiagnosisCause; readonly fix: DiagnosisFix | undefined; readonly health: MailboxHealth } | null;
}

export interface MailboxListPage {
  readonly filter: MailboxFilter;
  readonly profile: ProfileView | null;
  readonly items: readonly ListedMailbox[];
  /** 1-based page number shown. */
  readonly page: number;
  readonly pageSize: number;
  readonly pageCount: number;
  /** Matching mailboxes the requester may see, on all pages. */
  readonly total: number;
  /** 1-based position of the first row ("Showing 21 - 40 of 10,000"); 0 when there are none. */
  readonly firstItemNumber: number;
  /** When the requester's Read Mailbox depth is below Organization, only mailboxes it reaches are listed. */
  readonly readDepth: PrivilegeDepth;
  /** Continues the listing at page `page + 1` (opaque); null on the last page, or when the listing is filtered by read depth. */
  readonly nextCursor: string | null;
}

const isPositiveInteger = (value: number): boolean => Number.isInteger(value) && value >= 1;

/** A list position that no longer leads anywhere: the person starts the list again. */
const staleListPosition = (error: InvalidCursorError): DomainError => domainError('InvalidValue', error.message);

/** One page of a listing: from `cursor`, or reached by following the listing from its first page. */
async function pageFrom(
  records: OrganizationRecords,
  query: MailboxQuery,
  page: number,
  pageSize: number,
  cursor: string | undefined,
): Promise<CursorPage<Mailbox>> {
  if (cursor !== undefined) return records.mailboxPage(query, { cursor, limit: pageSize });
  let current = await records.mailboxPage(query, { limit: pageSize });
  for (let reached = 1; reached < page && current.nextCursor !== undefined; reached++) {
    current = await records.mailboxPage(query, { cursor: current.nextCursor, limit: pageSize });
  }
  return current;
}

/** Active mailboxes (the product's "Active Mailboxes" view) matching a filter, a page at a time. */
export async function listMailboxes(context: UseCaseContext, requester: Requester, input: ListMailboxesInput = {}): Promise<Result<MailboxListPage, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const scope = mailboxReadScope(requester, directory);
  if (scope.depth === null) return err(refusal('Listing mailboxes', scope.decision));
  const filter = input.filter ?? 'all';
  if (!MailboxFilters.includes(filter)) {
    return err(domainError('InvalidValue', `"${String(filter)}" is not a mailbox filter; use one of ${MailboxFilters.join(', ')}.`));
  }
  const page = input.page ?? 1;
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!isPositiveInteger(page)) return err(domainError('InvalidValue', `The page must be a whole number from 1; got ${page}.`));
  if (!isPositiveInteger(pageSize) || pageSize > MAX_PAGE_SIZE) {
    return err(domainError('InvalidValue', `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${pageSize}.`));
  }
  let profile: ProfileView | null = null;
  if (input.profile !== undefined) {
    const found = await findProfile(records, input.profile);
    if (!found.ok) return found;
    profile = profileView(found.value, directory);
  }
  const query: MailboxQuery = { ...FILTER_QUERY[filter], activeOnly: true, ...(profile === null ? {} : { profileId: profile.profile.id }) };
  const offset = (page - 1) * pageSize;
  let items: readonly Mailbox[];
  let total: number;
  let nextCursor: string | null = null;
  if (scope.depth === 'Organization') {
    total = await records.mailboxCount(query);
    if (offset < total || page === 1) {
      try {
        const found = await pageFrom(records, query, page, pageSize, input.cursor);
        items = found.items;
        nextCursor = found.nextCursor ?? null;
      } catch (error) {
        if (error instanceof InvalidCursorError) return err(staleListPosition(error));
        throw error;
      }
    } else {
      items = [];
    }
  } else {
    // Below Organization depth the records cannot page for us: filter everything matching to what the depth reaches.
    const depth = scope.depth;
    const visible = (await readAll((request) => records.mailboxPage(query, request))).filter((mailbox) =>
      depthReaches(depth, requester, mailboxOwnership(mailbox, directory), directory),
    );
    items = visible.slice(offset, offset + pageSize);
    total = visible.length;
  }
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  if (page > pageCount) {
    return err(domainError('InvalidValue', `There ${pageCount === 1 ? 'is only 1 page' : `are only ${pageCount} pages`} of ${total} mailboxes; page ${page} does not exist.`));
  }
  const listed = await Promise.all(items.map((mailbox) => listedMailbox(context, requester, directory, mailbox, filter === 'failed')));
  return ok({
    filter,
    profile,
    items: listed,
    page,
    pageSize,
    pageCount,
    total,
    firstItemNumber: total === 0 ? 0 : offset + 1,
    readDepth: scope.depth,
    nextCursor: page < pageCount ? nextCursor : null,
  });
}

/** Alerts read per failed row: enough for the latest test's answer. */
const FAILED_ROW_ALERTS = 10;

async function listedMailbox(context: UseCaseContext, requester: Requester, directory: Directory, mailbox: Mailbox, diagnose: boolean): Promise<ListedMailbox> {
  const base = {
    ...mailboxView(mailbox, directory),
    mayApprove: canApproveEmail(requester, mailbox, directory).allowed,
    mayTestAndEnable: canTestAndEnable(requester, mailbox, directory).allowed,
  };
  if (!diagnose) return { ...base, failure: null };
  const diagnosis = diagnoseMailbox(mailbox, directory, await context.records.alertsFor({ type: 'mailbox', id: mailbox.id }, FAILED_ROW_ALERTS));
  const [cause] = diagnosis.causes;
  if (cause === undefined) return { ...base, failure: null };
  const fix = diagnosis.fix !== undefined && fixPermission(diagnosis.fix)(requester, mailbox, directory).allowed ? diagnosis.fix : undefined;
  return { ...base, failure: { cause, fix, health: diagnosis.health } };
}

// ---------------------------------------------------------------------------------------------------------------
// One mailbox

/** Alerts shown with a mailbox's detail; the full wall is `alertsFor`. */
const DETAIL_ALERT_COUNT = 5;

export interface MailboxDetail {
  readonly mailbox: MailboxView;
  /** Newest first. */
  readonly recentAlerts: readonly Alert[];
  /** What the requester may do with this mailbox, and why (for the buttons a card offers). */
  readonly permissions: readonly MailboxPermission[];
}

export interface MailboxDetailInput {
  readonly mailbox: string;
}

export async function mailboxDetail(context: UseCaseContext, requester: Requester, input: MailboxDetailInput): Promise<Result<MailboxDetail, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const scope = mailboxReadScope(requester, directory);
  if (scope.depth === null) return err(refusal('Showing a mailbox', scope.decision));
  const selected = await selectOneMailbox(records, input.mailbox);
  if (!selected.ok) return selected;
  const mailbox = selected.value;
  const decision = canReadMailbox(requester, mailbox, directory);
  if (!decision.allowed) return err(refusal(`Showing the mailbox ${mailbox.name}`, decision));
  return ok({
    mailbox: mailboxView(mailbox, directory),
    recentAlerts: await records.alertsFor({ type: 'mailbox', id: mailbox.id }, DETAIL_ALERT_COUNT),
    permissions: explainMailboxPermissions(requester, mailbox, directory),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Alerts walls

export const DEFAULT_ALERT_COUNT = 20;
export const MAX_ALERT_COUNT = 100;

export interface AlertsForInput {
  /** A mailbox (name, email, id) or an email server profile (name, id). */
  readonly target: string;
  readonly limit?: number;
}

export interface AlertWall {
  readonly regarding: { readonly type: 'mailbox' | 'emailserverprofile'; readonly id: string; readonly name: string };
  /** Newest first. */
  readonly alerts: readonly Alert[];
}

/** The Alerts wall of a mailbox (open the mailbox › Common › Alerts) or of a profile. */
export async function alertsFor(context: UseCaseContext, requester: Requester, input: AlertsForInput): Promise<Result<AlertWall, DomainError>> {
  const { records } = context;
  const limit = input.limit ?? DEFAULT_ALERT_COUNT;
  if (!isPositiveInteger(limit) || limit > MAX_ALERT_COUNT) {
    return err(domainError('InvalidValue', `The number of alerts must be a whole number from 1 to ${MAX_ALERT_COUNT}; got ${limit}.`));
  }
  const allProfiles = await readAll((page) => records.profilePage(page));
  const profiles = buildNameIndex(allProfiles, { idOf: (profile) => profile.id, namesOf: (profile) => [profile.name] }).lookup(input.target);
  const mailboxIndex = await mailboxNameIndex(records);
  const mailboxes = mailboxIndex.lookup(input.target);
  const [profile] = profiles;
  const [mailbox] = mailboxes;
  const candidates = profiles.length + mailboxes.length;
  if (candidates === 0) {
    const suggestions = closestNames(input.target, [...allProfiles.map((known) => known.name), ...mailboxIndex.suggestable]);
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => `"${name}"`).join(' or ')}?` : '';
    return err(domainError('UnknownMailbox', `No mailbox or email server profile is called "${input.target.trim()}".${hint}`, { unknownNames: [{ name: input.target.trim(), suggestions }] }));
  }
  if (candidates > 1) {
    const names = [...profiles.map((known) => `the profile ${known.name}`), ...mailboxes.map((known) => `the mailbox ${known.emailAddress}`)];
    return err(domainError('InvalidValue', `"${input.target.trim()}" matches ${names.join(' and ')}; use an email address or the profile's full name.`));
  }
  const directory = await records.directory();
  if (profile !== undefined) {
    const decision = canReadConfiguration(requester, directory);
    if (!decision.allowed) return err(refusal(`Showing the alerts of the profile ${profile.name}`, decision));
    return ok({ regarding: { type: 'emailserverprofile', id: profile.id, name: profile.name }, alerts: await records.alertsFor({ type: 'emailserverprofile', id: profile.id }, limit) });
  }
  if (mailbox === undefined) return err(domainError('UnknownMailbox', `No mailbox is called "${input.target.trim()}".`));
  const decision = canReadMailbox(requester, mailbox, directory);
  if (!decision.allowed) return err(refusal(`Showing the alerts of the mailbox ${mailbox.name}`, decision));
  return ok({ regarding: { type: 'mailbox', id: mailbox.id, name: mailbox.name }, alerts: await records.alertsFor({ type: 'mailbox', id: mailbox.id }, limit) });
}

// ---------------------------------------------------------------------------------------------------------------
// Audit log

export const DEFAULT_AUDIT_COUNT = 20;
export const MAX_AUDIT_COUNT = 200;

/** The newest audit entries first. System Administrator only (see authorization.ts). */
export async function recentAudit(context: UseCaseContext, requester: Requester, input: { readonly count?: number } = {}): Promise<Result<readonly AuditEntry[], DomainError>> {
  const decision = canReadAudit(requester, await context.records.directory());
  if (!decision.allowed) return err(refusal('Reading the audit log', decision));
  const count = input.count ?? DEFAULT_AUDIT_COUNT;
  if (!isPositiveInteger(count) || count > MAX_AUDIT_COUNT) {
    return err(domainError('InvalidValue', `The number of audit entries must be a whole number from 1 to ${MAX_AUDIT_COUNT}; got ${count}.`));
  }
  return ok(await context.auditLog.recent(count));
}

// ---------------------------------------------------------------------------------------------------------------
// Who am I

export interface MailboxPermissionSample {
  readonly mailbox: MailboxView;
  /** `own`: the requester's own mailbox; `other`: a colleague's, showing what admin rights allow. */
  readonly whose: 'own' | 'other';
  readonly permissions: readonly MailboxPermission[];
}

export interface WhoAmI {
  readonly user: User;
  readonly office365Roles: readonly Office365Role[];
  readonly isServiceAdministrator: boolean;
  readonly securityRoles: readonly { readonly role: SecurityRole; readonly businessUnitName: string }[];
  /** Effective privileges: the deepest depth over all roles (System Administrator: everything at Organization). */
  readonly privileges: readonly { readonly privilege: Privilege; readonly displayName: string; readonly depth: PrivilegeDepth }[];
  readonly organization: { readonly name: string; readonly deployment: Deployment; readonly version: string; readonly edition: PermissionEdition };
  /** Organization-wide rights. */
  readonly organizationPermissions: readonly { readonly action: string; readonly decision: PermissionDecision }[];
  /** Mailbox rights, shown on the requester's own mailbox and on a colleague's (when they exist). */
  readonly mailboxSamples: readonly MailboxPermissionSample[];
  /** The application's read rules (authorization.ts). */
  readonly readAccess: { readonly mailboxes: PermissionDecision; readonly configuration: PermissionDecision; readonly audit: PermissionDecision };
}

/** Mailboxes read per page while looking for a colleague's: most organizations answer on the first page. */
const COLLEAGUE_SEARCH_PAGE_SIZE = 100;

/** A colleague's active user mailbox, preferring one owned by someone else in the requester's business unit. */
async function colleagueMailbox(requester: User, directory: Directory, records: OrganizationRecords): Promise<Mailbox | undefined> {
  // Stops at the first match: whoami must not cost more in a 10,000-mailbox organization.
  let firstOther: Mailbox | undefined;
  const sameUnit = await findFirst(
    (page) => records.mailboxPage({ activeOnly: true }, page),
    (mailbox) => {
      if (mailbox.ownerId === requester.id) return false;
      if (directory.userById(mailbox.ownerId)?.businessUnitId === requester.businessUnitId) return true;
      firstOther ??= mailbox;
      return false;
    },
    COLLEAGUE_SEARCH_PAGE_SIZE,
  );
  return sameUnit ?? firstOther;
}

/** Always allowed: it only describes the requester to themselves. */
export async function whoAmI(context: UseCaseContext, requester: Requester): Promise<Result<WhoAmI, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const own = await records.mailboxByRegarding({ type: 'systemuser', id: requester.id });
  const other = await colleagueMailbox(requester, directory, records);
  const samples: MailboxPermissionSample[] = [];
  if (own !== undefined) samples.push({ mailbox: mailboxView(own, directory), whose: 'own', permissions: explainMailboxPermissions(requester, own, directory) });
  if (other !== undefined) samples.push({ mailbox: mailboxView(other, directory), whose: 'other', permissions: explainMailboxPermissions(requester, other, directory) });
  return ok({
    user: requester,
    office365Roles: requester.office365Roles,
    isServiceAdministrator: requester.isServiceAdministrator,
    securityRoles: securityRolesOf(requester, directory).map((role) => ({ role, businessUnitName: directory.businessUnitById(role.businessUnitId)?.name ?? role.businessUnitId })),
    privileges: Privileges.flatMap((privilege) => {
      const depth = effectivePrivilegeDepth(requester, privilege, directory);
      return depth === null ? [] : [{ privilege, displayName: privilegeDisplayName[privilege], depth }];
    }),
    organization: {
      name: directory.organization.name,
      deployment: directory.organization.deployment,
      version: directory.organization.version,
      edition: permissionEditionFor(directory.organization.version),
    },
    organizationPermissions: [
      { action: 'Change organization email settings', decision: canConfigureOrganizationEmail(requester, directory) },
      { action: 'Turn "Process emails only for approved users/queues" on or off', decision: canChangeApprovalRequirement(requester, directory) },
      { action: 'Manage security roles', decision: canManageSecurityRoles(requester, directory) },
    ],
    mailboxSamples: samples,
    readAccess: {
      mailboxes: mailboxReadScope(requester, directory).decision,
      configuration: canReadConfiguration(requester, directory),
      audit: canReadAudit(requester, directory),
    },
  });
}
