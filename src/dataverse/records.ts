// `OrganizationRecords` over Dynamics 365 (Dataverse). A paged initial load fills a local cache of the
// organization, business units, security roles (with the privileges the permission model reads and who holds
// them), users, queues, email server profiles and mailboxes; an incremental refresh by `modifiedon` keeps it
// fresh. Reads answer from the cache, pages with the same keyset cursors as the embedded store.
//
// Writes re-read every row a batch decides on first (one query per table), check each expected version, and
// only then send the PATCHes with If-Match in $batch change sets (50 per change set by default). A batch that
// fits one change set is atomic; a larger one is atomic per change set (a platform limit: Dataverse has no
// transaction across change sets). A 412 becomes the port's typed conflict with the row as it is now.
// Approval is a PATCH of the OWNER (`systemusers`/`queues` `emailrouteraccessapproval`); the platform reflects it
// on the mailbox, which is re-read afterwards. A person who signed in for the turn writes with their own
// token (`user_impersonation`); otherwise the application user writes (see docs/dataverse.md).
import { mailboxWithNewAddress, withApprovalRequirement } from '../domain/address-approval.js';
import { createHash } from 'node:crypto';
import type {
  Caller,
  ChangeSet,
  CursorPage,
  IntentBatch,
  IntentConflict,
  IntentOutcome,
  MailboxQuery,
  OrganizationRecords,
  PageRequest,
  RecordIntent,
  RecordType,
} from '../app/ports.js';
import type { AppEvent } from '../app/events.js';
import { byNameThenId, idListing, mailboxListing, matchesMailboxQuery, pageOf } from '../app/record-pages.js';
import type { Directory } from '../domain/directory.js';
import type { Alert, AuditEntry, BusinessUnit, Deployment, EmailServerProfile, Mailbox, MailboxRegarding, Organization, Queue, SecurityRole, User } from '../domain/model.js';
import type { Privilege, PrivilegeDepth } from '../domain/options.js';
import { privilegeDepthRank, Privileges } from '../domain/options.js';
import { DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES, DEFAULT_MAX_MAILBOX_TRANSIENT_FAILURES, scheduleTestAndEnable } from '../domain/test-and-enable.js';
import type { BatchOperation } from './batch.js';
import type { DataverseClient, Row } from './client.js';
import { odataGuid, odataString } from './client.js';
import { DataverseError } from './errors.js';
import {
  BUSINESS_UNIT_COLUMNS,
  MAILBOX_COLUMNS,
  ORGANIZATION_COLUMNS,
  PROFILE_COLUMNS,
  QUEUE_COLUMNS,
  ROLE_COLUMNS,
  TRACE_COLUMNS,
  USER_COLUMNS,
  alertFromRow,
  businessUnitFromRow,
  depthOfMask,
  etagOfVersion,
  isDomainPrivilege,
  mailboxFromRow,
  organizationChanges,
  organizationSettingsFromRow,
  privilegeRowSchema,
  profileFromRow,
  queueFromRow,
  rolePrivilegeRowSchema,
  securityRoleFromRow,
  userFromRow,
  userRoleRowSchema,
  versionOfRow,
  type SettingsOutsideTheRow,
} from './rows.js';
import type { AccessTokenSource } from './token.js';

export interface DataverseRecordsOptions {
  readonly client: DataverseClient;
  /** The Entra tenant of the organization (AZURE_TENANT_ID). */
  readonly tenantId: string;
  /** Dynamics 365 online with Exchange Online unless told otherwise. */
  readonly deployment?: Deployment;
  /** Settings that are not organization columns (OrgDBOrgSettings and the bot's own choices). */
  readonly settingsOutsideTheRow?: Partial<SettingsOutsideTheRow>;
  /** Rows per page of the initial load and refreshes (default and maximum 5,000). */
  readonly pageSize?: number;
  /**
   * Where a batch's audit entries, events and idempotency key go once its writes succeeded (Dataverse has no
   * transaction shared with the bot's own state): the bot's data file. Without it they are kept in memory only.
   */
  readonly appliedBatches?: AppliedBatches;
  /**
   * Told after a refresh of the mailboxes whose address approval changed outside the bot (the admin center, another
   * tool): the bot's own writes update the cache as they are made, so they are not reported here.
   */
  readonly onApprovalChangedOutside?: (mailboxes: readonly Mailbox[]) => void;
}

/** The bot's own record of batches written to Dynamics 365 (see DataverseRecordsOptions.appliedBatches). */
export interface AppliedBatches {
  recordWrittenElsewhere(written: { readonly idempotencyKey?: string; readonly audit?: readonly AuditEntry[]; readonly events?: readonly AppEvent[] }): Promise<void>;
  wasApplied(idempotencyKey: string): Promise<boolean>;
}

/** Applied batches kept in memory (tests, and a bot without a data file): the last 2,000 keys. */
class AppliedBatchesInMemory implements AppliedBatches {
  readonly #keys: string[] = [];
  recordWrittenElsewhere(written: { readonly idempotencyKey?: string }): Promise<void> {
    if (written.idempotencyKey !== undefined) this.#keys.push(written.idempotencyKey);
    if (this.#keys.length > 2000) this.#keys.splice(0, this.#keys.length - 1000);
    return Promise.resolve();
  }
  wasApplied(idempotencyKey: string): Promise<boolean> {
    return Promise.resolve(this.#keys.includes(idempotencyKey));
  }
}

/** Raised for a write this backend does not make (the message says where it is done instead). */
export class UnsupportedInDataverseError extends DataverseError {
  constructor(what: string) {
    super('bad-request', `${what} is done in the Power Platform admin center; the bot does not change it when it works on Dynamics 365 (BACKEND=dataverse).`, { service: 'Dataverse' });
  }
}

/** Ids per re-read query: about 5 KB of URL, far below the 32 KB Dataverse takes. */
const ID_CHUNK = 100;
/** Users who are people: application users (the bot's own among them) are not listed. */
const PEOPLE = 'applicationid eq null';
const both = (left: string, right: string | undefined): string => (right === undefined ? left : `(${left}) and (${right})`);
const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
};
const anyOf = (column: string, ids: readonly string[]): string => ids.map((id) => `${column} eq ${odataGuid(id)}`).join(' or ');

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
const digest = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 16);
/** What a user record holds from Dataverse (Entra roles are added per turn and do not count). */
const dataverseFieldsOfUser = (user: User): unknown => ({ ...user, office365Roles: [], isServiceAdministrator: false });

class ConflictFound extends Error {
  constructor(readonly conflict: IntentConflict) {
    super(`${conflict.record.type} ${conflict.record.id} changed meanwhile`);
  }
}
const conflictOf = (type: RecordType, id: string, expected: string, actual: string | null): ConflictFound => new ConflictFound({ record: { type, id }, expected, actual });

/** The cached records, with the row version each was read at. */
class Cache {
  organization!: Organization;
  organizationVersion = '';
  readonly users = new Map<string, User>();
  readonly queues = new Map<string, Queue>();
  readonly profiles = new Map<string, EmailServerProfile>();
  readonly roles = new Map<string, SecurityRole>();
  readonly units = new Map<string, BusinessUnit>();
  readonly mailboxes = new Map<string, Mailbox>();
  /** Row version per `type:id` (users, queues, roles). */
  readonly versions = new Map<string, string>();
  readonly roleRows = new Map<string, Row>();
  readonly userRows = new Map<string, Row>();
  /** Highest `modifiedon` seen per entity set: the next refresh asks for rows modified from then on. */
  readonly highWater = new Map<string, string>();
  userRoles = new Map<string, string[]>();
  rolePrivileges = new Map<string, Partial<Record<Privilege, PrivilegeDepth>>>();
  revision = 0;
  #mailboxesInOrder: Mailbox[] | undefined;
  #byEmail: Map<string, Mailbox> | undefined;
  #byRegarding: Map<string, Mailbox> | undefined;
  readonly #sortedById = new Map<string, readonly { readonly id: string }[]>();

  changed(): void {
    this.revision += 1;
    this.#mailboxesInOrder = undefined;
    this.#byEmail = undefined;
    this.#byRegarding = undefined;
    this.#sortedById.clear();
  }
  get mailboxesInOrder(): readonly Mailbox[] {
    this.#mailboxesInOrder ??= [...this.mailboxes.values()].sort(byNameThenId);
    return this.#mailboxesInOrder;
  }
  mailboxByEmail(address: string): Mailbox | undefined {
    this.#byEmail ??= new Map([...this.mailboxesInOrder].reverse().map((mailbox) => [mailbox.emailAddress.trim().toLowerCase(), mailbox]));
    return this.#byEmail.get(address.trim().toLowerCase());
  }
  mailboxByRegarding(owner: MailboxRegarding): Mailbox | undefined {
    this.#byRegarding ??= new Map([...this.mailboxes.values()].map((mailbox) => [`${mailbox.regarding.type}:${mailbox.regarding.id}`, mailbox]));
    return this.#byRegarding.get(`${owner.type}:${owner.id.toLowerCase()}`);
  }
  sortedById<T extends { readonly id: string }>(name: string, map: ReadonlyMap<string, T>): readonly T[] {
    let sorted = this.#sortedById.get(name);
    if (sorted === undefined) {
      sorted = [...map.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.#sortedById.set(name, sorted);
    }
    // The map holds only T, so its sorted copy does too.
    return sorted.filter((item): item is T => map.get(item.id) === item);
  }
}

/** Everything one batch writes, row by row, and the records as it leaves them (for previews). */
interface Plan {
  readonly operations: readonly BatchOperation[];
  /** Which record each operation writes, for a 412 on it. */
  readonly targets: readonly { readonly type: RecordType; readonly id: string; readonly expected: string }[];
  readonly changes: ChangeSet;
  readonly mailboxIds: readonly string[];
}

export class DataverseOrganizationRecords implements OrganizationRecords {
  /** Server-side synchronization writes Test & Enable outcomes itself (status columns, trace logs). */
  readonly recordsTestOutcomesItself = true;
  readonly #client: DataverseClient;
  readonly #options: DataverseRecordsOptions;
  readonly #pageSize: number;
  readonly #outside: SettingsOutsideTheRow;
  readonly #deployment: Deployment;
  /** The version each record object handed out was read at: what "the record read" means in an intent. */
  readonly #readAt = new WeakMap<object, string>();
  readonly #applied: AppliedBatches;
  #cache: Cache | undefined;
  #loading: Promise<Cache> | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(options: DataverseRecordsOptions) {
    this.#client = options.client;
    this.#options = options;
    this.#pageSize = options.pageSize ?? 5000;
    this.#deployment = options.deployment ?? { customerEngagement: 'online', exchange: 'online' };
    this.#applied = options.appliedBatches ?? new AppliedBatchesInMemory();
    this.#outside = {
      requirePrivilegeToSelfApproveEmailAddress: false,
      maxMailboxTransientFailures: DEFAULT_MAX_MAILBOX_TRANSIENT_FAILURES,
      mailboxBackoffOnTransientErrorMinutes: DEFAULT_MAILBOX_BACKOFF_ON_TRANSIENT_ERROR_MINUTES,
      testAndEnableAfterApproval: true,
      ...options.settingsOutsideTheRow,
    };
  }

  /** True once the initial load succeeded. */
  get loaded(): boolean {
    return this.#cache !== undefined;
  }

  /** The initial load (paged); a failed load is tried again by the next call. */
  load(): Promise<void> {
    return this.#ready(true).then(() => undefined);
  }

  /** The last initial load's failure: reads answer with it at once while the background load keeps trying. */
  #loadFailure: Error | undefined;

  #ready(retry = this.#timer === undefined): Promise<Cache> {
    if (this.#cache !== undefined) return Promise.resolve(this.#cache);
    if (!retry && this.#loading === undefined && this.#loadFailure !== undefined) return Promise.reject(this.#loadFailure);
    this.#loading ??= this.#loadAll().then(
      (cache) => {
        this.#cache = cache;
        this.#loading = undefined;
        return cache;
      },
      (error: unknown) => {
        this.#loading = undefined;
        this.#loadFailure = error instanceof Error ? error : new Error(String(error));
        throw error;
      },
    );
    return this.#loading;
  }

  async #rows(entitySet: string, select: readonly string[], filter?: string, annotations = false): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of this.#client.pages(entitySet, { select, ...(filter === undefined ? {} : { filter }) }, { pageSize: this.#pageSize, formattedValues: annotations })) rows.push(...page);
    return rows;
  }

  async #loadAll(): Promise<Cache> {
    const cache = new Cache();
    const [organizationRows, version, units, profiles, roles, users, queues, mailboxes] = await Promise.all([
      this.#rows('organizations', ORGANIZATION_COLUMNS),
      this.#client.retrieveVersion(),
      this.#rows('businessunits', BUSINESS_UNIT_COLUMNS),
      this.#rows('emailserverprofiles', PROFILE_COLUMNS),
      this.#rows('roles', ROLE_COLUMNS),
      this.#rows('systemusers', USER_COLUMNS, PEOPLE),
      this.#rows('queues', QUEUE_COLUMNS),
      this.#rows('mailboxes', MAILBOX_COLUMNS, undefined, true),
      this.#loadRoleAssignments(cache),
    ]);
    const organizationRow = organizationRows[0];
    if (organizationRow === undefined) throw new DataverseError('not-found', 'Dynamics 365 returned no organization row: the application user cannot read the organization (Organization: Read).', { service: 'Dataverse' });
    this.#putOrganization(cache, organizationRow, version);
    for (const row of units) cache.units.set(businessUnitFromRow(row).id, businessUnitFromRow(row));
    for (const row of profiles) this.#putProfile(cache, row);
    for (const row of roles) this.#putRole(cache, row);
    for (const row of users) this.#putUser(cache, row);
    for (const row of queues) this.#putQueue(cache, row);
    for (const row of mailboxes) this.#putMailbox(cache, row);
    for (const [set, rows] of [['organizations', organizationRows], ['businessunits', units], ['emailserverprofiles', profiles], ['roles', roles], ['systemusers', users], ['queues', queues], ['mailboxes', mailboxes]] as const) {
      this.#raiseHighWater(cache, set, rows);
    }
    cache.changed();
    return cache;
  }

  /** Who holds which role, and the roles' grants of the privileges the permission model reads. */
  async #loadRoleAssignments(cache: Cache): Promise<void> {
    const [privileges, assignments] = await Promise.all([
      this.#rows('privileges', ['privilegeid', 'name'], Privileges.map((name) => `name eq ${odataString(name)}`).join(' or ')),
      this.#rows('systemuserrolescollection', ['systemuserid', 'roleid']),
    ]);
    const nameById = new Map<string, Privilege>();
    for (const row of privileges) {
      const privilege = privilegeRowSchema.parse(row);
      if (isDomainPrivilege(privilege.name)) nameById.set(privilege.privilegeid, privilege.name);
    }
    const grants = nameById.size === 0 ? [] : await this.#rows('roleprivilegescollection', ['roleid', 'privilegeid', 'privilegedepthmask'], anyOf('privilegeid', [...nameById.keys()]));
    const rolePrivileges = new Map<string, Partial<Record<Privilege, PrivilegeDepth>>>();
    for (const row of grants) {
      const grant = rolePrivilegeRowSchema.parse(row);
      const name = nameById.get(grant.privilegeid);
      const depth = depthOfMask(grant.privilegedepthmask);
      if (name === undefined || depth === null) continue;
      const held = rolePrivileges.get(grant.roleid) ?? {};
      const before = held[name];
      if (before === undefined || privilegeDepthRank[depth] > privilegeDepthRank[before]) held[name] = depth;
      rolePrivileges.set(grant.roleid, held);
    }
    const userRoles = new Map<string, string[]>();
    for (const row of assignments) {
      const assignment = userRoleRowSchema.parse(row);
      userRoles.set(assignment.systemuserid, [...(userRoles.get(assignment.systemuserid) ?? []), assignment.roleid]);
    }
    cache.rolePrivileges = rolePrivileges;
    cache.userRoles = userRoles;
  }

  #raiseHighWater(cache: Cache, entitySet: string, rows: readonly Row[]): void {
    for (const row of rows) {
      const modified = row.modifiedon;
      if (typeof modified !== 'string') continue;
      const current = cache.highWater.get(entitySet);
      if (current === undefined || Date.parse(modified) > Date.parse(current)) cache.highWater.set(entitySet, modified);
    }
  }

  #putOrganization(cache: Cache, row: Row, version?: string): void {
    const { id, name, settings } = organizationSettingsFromRow(row, this.#outside);
    cache.organization = {
      id,
      name,
      tenantId: this.#options.tenantId,
      deployment: this.#deployment,
      version: version ?? cache.organization.version,
      exchangeOnline: { subscribed: this.#deployment.exchange === 'online', tenantId: this.#deployment.exchange === 'online' ? this.#options.tenantId : null },
      settings,
    };
    cache.organizationVersion = versionOfRow(row);
    this.#readAt.set(cache.organization, cache.organizationVersion);
  }
  #putProfile(cache: Cache, row: Row): void {
    const profile = profileFromRow(row, this.#deployment.exchange);
    cache.profiles.set(profile.id, profile);
  }
  /** Puts a role row (with the privileges its grants give) into the cache; true when the record changed. */
  #putRole(cache: Cache, row: Row): boolean {
    const id = securityRoleFromRow(row, {}).id;
    cache.roleRows.set(id, row);
    cache.versions.set(`role:${id}`, versionOfRow(row));
    return this.#keepOrReplace(cache.roles, id, securityRoleFromRow(row, cache.rolePrivileges.get(id) ?? {}), versionOfRow(row));
  }
  /** Puts a user row (with the roles assigned to the user) into the cache; true when the record changed. */
  #putUser(cache: Cache, row: Row): boolean {
    const id = userFromRow(row, []).id;
    cache.userRows.set(id, row);
    cache.versions.set(`systemuser:${id}`, versionOfRow(row));
    return this.#keepOrReplace(cache.users, id, userFromRow(row, cache.userRoles.get(id) ?? []), versionOfRow(row));
  }
  /** An unchanged record stays the same object, so what callers hold still matches what is cached. */
  #keepOrReplace<T extends object>(map: Map<string, T>, id: string, next: T, version: string): boolean {
    const before = map.get(id);
    if (before !== undefined && canonicalJson(before) === canonicalJson(next)) return false;
    map.set(id, next);
    this.#readAt.set(next, version);
    return true;
  }
  #putQueue(cache: Cache, row: Row): Queue {
    const queue = queueFromRow(row);
    cache.queues.set(queue.id, queue);
    cache.versions.set(`queue:${queue.id}`, versionOfRow(row));
    this.#readAt.set(queue, versionOfRow(row));
    return queue;
  }
  #putMailbox(cache: Cache, row: Row): Mailbox {
    const mailbox = mailboxFromRow(row);
    cache.mailboxes.set(mailbox.id, mailbox);
    return mailbox;
  }

  /**
   * Reads what changed since the last load or refresh (`modifiedon` from the highest seen on), and role
   * assignments afresh (an intersect table has no `modifiedon`). Returns how many records changed.
   */
  refresh(): Promise<number> {
    const run = async (): Promise<number> => {
      const cache = await this.#ready();
      const since = (set: string): string | undefined => {
        const mark = cache.highWater.get(set);
        return mark === undefined ? undefined : `modifiedon ge ${mark}`;
      };
      const before = canonicalJson([[...cache.userRoles.entries()], [...cache.rolePrivileges.entries()]]);
      const [organizationRows, units, profiles, roles, users, queues, mailboxes] = await Promise.all([
        this.#rows('organizations', ORGANIZATION_COLUMNS, since('organizations')),
        this.#rows('businessunits', BUSINESS_UNIT_COLUMNS, since('businessunits')),
        this.#rows('emailserverprofiles', PROFILE_COLUMNS, since('emailserverprofiles')),
        this.#rows('roles', ROLE_COLUMNS, since('roles')),
        this.#rows('systemusers', USER_COLUMNS, both(PEOPLE, since('systemusers'))),
        this.#rows('queues', QUEUE_COLUMNS, since('queues')),
        this.#rows('mailboxes', MAILBOX_COLUMNS, since('mailboxes'), true),
        this.#loadRoleAssignments(cache),
      ]);
      let changes = 0;
      const organizationRow = organizationRows[0];
      if (organizationRow !== undefined && versionOfRow(organizationRow) !== cache.organizationVersion) {
        this.#putOrganization(cache, organizationRow);
        changes += 1;
      }
      for (const row of units) {
        const unit = businessUnitFromRow(row);
        if (canonicalJson(cache.units.get(unit.id)) !== canonicalJson(unit)) {
          cache.units.set(unit.id, unit);
          changes += 1;
        }
      }
      for (const row of profiles) {
        const profile = profileFromRow(row, this.#deployment.exchange);
        if (canonicalJson(cache.profiles.get(profile.id)) !== canonicalJson(profile)) {
          cache.profiles.set(profile.id, profile);
          changes += 1;
        }
      }
      const assignmentsChanged = canonicalJson([[...cache.userRoles.entries()], [...cache.rolePrivileges.entries()]]) !== before;
      // New assignments or grants change users and roles whose own rows did not change.
      for (const row of assignmentsChanged ? [...cache.roleRows.values(), ...roles] : roles) if (this.#putRole(cache, row)) changes += 1;
      for (const row of assignmentsChanged ? [...cache.userRows.values(), ...users] : users) if (this.#putUser(cache, row)) changes += 1;
      for (const row of queues) {
        const id = queueFromRow(row).id;
        if (cache.versions.get(`queue:${id}`) !== versionOfRow(row)) {
          this.#putQueue(cache, row);
          changes += 1;
        }
      }
      const approvalChanged: Mailbox[] = [];
      for (const row of mailboxes) {
        const mailbox = mailboxFromRow(row);
        const previous = cache.mailboxes.get(mailbox.id);
        if (previous?.version !== mailbox.version) {
          if (previous !== undefined && previous.emailRouterAccessApproval !== mailbox.emailRouterAccessApproval) approvalChanged.push(mailbox);
          cache.mailboxes.set(mailbox.id, mailbox);
          changes += 1;
        }
      }
      if (approvalChanged.length > 0) this.#options.onApprovalChangedOutside?.(approvalChanged);
      for (const [set, rows] of [['organizations', organizationRows], ['businessunits', units], ['emailserverprofiles', profiles], ['roles', roles], ['systemusers', users], ['queues', queues], ['mailboxes', mailboxes]] as const) {
        this.#raiseHighWater(cache, set, rows);
      }
      if (changes > 0) cache.changed();
      return changes;
    };
    // One refresh at a time; a caller arriving meanwhile waits for the one in flight and then runs its own.
    const previous = this.#refreshing ?? Promise.resolve();
    const next = previous.then(run, run);
    this.#refreshing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Mailbox rows read elsewhere (the Test & Enable polls): taken into the cache when newer than it. */
  observed(mailboxes: readonly Mailbox[]): void {
    const cache = this.#cache;
    if (cache === undefined) return;
    let changed = false;
    for (const mailbox of mailboxes) {
      if ((cache.mailboxes.get(mailbox.id)?.version ?? -1) >= mailbox.version) continue;
      cache.mailboxes.set(mailbox.id, mailbox);
      changed = true;
    }
    if (changed) cache.changed();
  }

  /** Mailboxes this adapter scheduled for Test & Enable, with their completion time before it. */
  readonly #scheduledTests = new Map<string, { readonly completedBefore: string | null; readonly at: number }>();

  /**
   * The Test & Enable this adapter scheduled for a mailbox (a `scheduleTestAndEnable` intent), once: the
   * connector then watches it instead of scheduling it a second time.
   */
  takeScheduledTest(mailboxId: string): { readonly completedBefore: string | null } | undefined {
    const key = mailboxId.toLowerCase();
    const scheduled = this.#scheduledTests.get(key);
    this.#scheduledTests.delete(key);
    return scheduled;
  }

  #timer: NodeJS.Timeout | undefined;
  /**
   * Keeps the cache fresh: the initial load is tried until it succeeds (Dynamics 365 may be unreachable at
   * start-up), then a refresh runs every `intervalMs`. Failures are reported to `onError` and tried again.
   */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): void {
    if (this.#timer !== undefined) return;
    const tick = (): void => {
      const work = this.#cache === undefined ? this.load() : this.refresh().then(() => undefined);
      work.catch(onError).finally(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, intervalMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }
  stopRefreshing(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ------------------------------------------------------------------------------------------ reads

  async directory(): Promise<Directory> {
    const cache = await this.#ready();
    return {
      organization: cache.organization,
      userById: (id) => cache.users.get(id.toLowerCase()),
      queueById: (id) => cache.queues.get(id.toLowerCase()),
      roleById: (id) => cache.roles.get(id.toLowerCase()),
      businessUnitById: (id) => cache.units.get(id.toLowerCase()),
      profileById: (id) => cache.profiles.get(id.toLowerCase()),
    };
  }
  async organization(): Promise<Organization> {
    return (await this.#ready()).organization;
  }
  async user(id: string): Promise<User | undefined> {
    return (await this.#ready()).users.get(id.toLowerCase());
  }
  async userByAadObjectId(aadObjectId: string): Promise<User | undefined> {
    const key = aadObjectId.trim().toLowerCase();
    for (const user of (await this.#ready()).users.values()) if (user.aadObjectId === key) return user;
    return undefined;
  }
  async queue(id: string): Promise<Queue | undefined> {
    return (await this.#ready()).queues.get(id.toLowerCase());
  }
  async securityRole(id: string): Promise<SecurityRole | undefined> {
    return (await this.#ready()).roles.get(id.toLowerCase());
  }
  async businessUnit(id: string): Promise<BusinessUnit | undefined> {
    return (await this.#ready()).units.get(id.toLowerCase());
  }
  async profile(id: string): Promise<EmailServerProfile | undefined> {
    return (await this.#ready()).profiles.get(id.toLowerCase());
  }
  async profileByName(name: string): Promise<EmailServerProfile | undefined> {
    const key = name.trim().toLowerCase();
    const cache = await this.#ready();
    return cache.sortedById('profiles', cache.profiles).find((profile) => profile.name.trim().toLowerCase() === key);
  }
  async mailbox(id: string, read: { readonly fresh?: boolean } = {}): Promise<Mailbox | undefined> {
    const cache = await this.#ready();
    if (read.fresh === true) await this.#reread(cache, 'mailbox', [id]);
    return cache.mailboxes.get(id.toLowerCase());
  }
  async mailboxByEmail(emailAddress: string): Promise<Mailbox | undefined> {
    return (await this.#ready()).mailboxByEmail(emailAddress);
  }
  async mailboxByRegarding(owner: MailboxRegarding): Promise<Mailbox | undefined> {
    return (await this.#ready()).mailboxByRegarding(owner);
  }

  async #idPage<T extends { readonly id: string }>(name: string, pick: (cache: Cache) => ReadonlyMap<string, T>, page: PageRequest): Promise<CursorPage<T>> {
    const cache = await this.#ready();
    const sorted = cache.sortedById(name, pick(cache));
    return pageOf(sorted, idListing(name, sorted), page);
  }
  userPage(page: PageRequest): Promise<CursorPage<User>> {
    return this.#idPage('users', (cache) => cache.users, page);
  }
  queuePage(page: PageRequest): Promise<CursorPage<Queue>> {
    return this.#idPage('queues', (cache) => cache.queues, page);
  }
  profilePage(page: PageRequest): Promise<CursorPage<EmailServerProfile>> {
    return this.#idPage('profiles', (cache) => cache.profiles, page);
  }
  securityRolePage(page: PageRequest): Promise<CursorPage<SecurityRole>> {
    return this.#idPage('securityRoles', (cache) => cache.roles, page);
  }
  businessUnitPage(page: PageRequest): Promise<CursorPage<BusinessUnit>> {
    return this.#idPage('businessUnits', (cache) => cache.units, page);
  }
  async mailboxPage(query: MailboxQuery, page: PageRequest): Promise<CursorPage<Mailbox>> {
    const matching = (await this.#ready()).mailboxesInOrder.filter((mailbox) => matchesMailboxQuery(mailbox, query));
    return pageOf(matching, mailboxListing(query, matching), page);
  }
  async mailboxCount(query: MailboxQuery): Promise<number> {
    return (await this.#ready()).mailboxesInOrder.filter((mailbox) => matchesMailboxQuery(mailbox, query)).length;
  }

  /** Alerts are read live (they are many and only ever appended): the newest `limit` regarding the record. */
  async alertsFor(regarding: Alert['regarding'], limit: number): Promise<readonly Alert[]> {
    if (limit <= 0) return [];
    const alerts: Alert[] = [];
    const query = { select: TRACE_COLUMNS, filter: `_regardingobjectid_value eq ${odataGuid(regarding.id)}`, orderBy: 'createdon desc', top: limit };
    for await (const row of this.#client.rows('tracelogs', query, { formattedValues: true })) alerts.push(alertFromRow(row));
    return alerts;
  }

  async revision(): Promise<string | undefined> {
    return String((await this.#ready()).revision);
  }

  // ------------------------------------------------------------------------------------------ writes

  /** Re-reads rows by id into the cache (the re-read before a decision, and after a write). */
  async #reread(cache: Cache, type: 'mailbox' | 'systemuser' | 'queue', ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    if (unique.length === 0) return;
    const table = { mailbox: { set: 'mailboxes', key: 'mailboxid', columns: MAILBOX_COLUMNS }, systemuser: { set: 'systemusers', key: 'systemuserid', columns: USER_COLUMNS }, queue: { set: 'queues', key: 'queueid', columns: QUEUE_COLUMNS } }[type];
    const rows = (await Promise.all(chunks(unique, ID_CHUNK).map((part) => this.#rows(table.set, table.columns, anyOf(table.key, part), type === 'mailbox')))).flat();
    const found = new Set<string>();
    let changed = false;
    for (const row of rows) {
      const id = String(row[table.key]).toLowerCase();
      found.add(id);
      if (type === 'mailbox') {
        if (cache.mailboxes.get(id)?.version !== mailboxFromRow(row).version) {
          this.#putMailbox(cache, row);
          changed = true;
        }
      } else if (cache.versions.get(`${type}:${id}`) !== versionOfRow(row)) {
        if (type === 'systemuser') this.#putUser(cache, row);
        else this.#putQueue(cache, row);
        changed = true;
      }
    }
    for (const id of unique) {
      if (found.has(id)) continue;
      // Deleted meanwhile.
      const removed = type === 'mailbox' ? cache.mailboxes.delete(id) : type === 'systemuser' ? cache.users.delete(id) : cache.queues.delete(id);
      changed ||= removed;
    }
    if (changed) cache.changed();
  }

  async #rereadOrganization(cache: Cache): Promise<void> {
    const [row] = await this.#rows('organizations', ORGANIZATION_COLUMNS);
    if (row !== undefined && versionOfRow(row) !== cache.organizationVersion) {
      this.#putOrganization(cache, row);
      cache.changed();
    }
  }

  /**
   * The version a record without a version field was read at. A record equal to the cached one was read at the
   * cached version (a row version can move for a column the bot does not read); another one at the version it
   * was handed out with, or, for a copy, at a version named by its content.
   */
  #versionRead(record: object, current: object | undefined, currentVersion: string | undefined, normalise: (value: never) => unknown = (value) => value): string {
    if (current !== undefined && currentVersion !== undefined && canonicalJson(normalise(record as never)) === canonicalJson(normalise(current as never))) return currentVersion;
    return this.#readAt.get(record) ?? `content:${digest(normalise(record as never))}`;
  }

  /** Re-reads what the batch decides on, checks every expected version, and plans the writes. */
  async #plan(batch: IntentBatch): Promise<Plan> {
    const cache = await this.#ready();
    const mailboxIds = new Set<string>();
    const userIds = new Set<string>();
    const queueIds = new Set<string>();
    let readOrganization = false;
    for (const intent of batch.intents) {
      switch (intent.kind) {
        case 'setAddressApproval':
          (intent.owner.type === 'systemuser' ? userIds : queueIds).add(intent.owner.id.toLowerCase());
          break;
        case 'changeEmailAddress':
          (intent.owner.type === 'systemuser' ? userIds : queueIds).add(intent.owner.expected.id.toLowerCase());
          break;
        case 'scheduleTestAndEnable':
        case 'setDeliveryConfiguration':
        case 'setSyncFromThisOrgOnly':
        case 'recordTestOutcome':
          mailboxIds.add(intent.mailboxId.toLowerCase());
          break;
        case 'setApprovalRequirement':
        case 'setEmailSettings':
          readOrganization = true;
          break;
        case 'setRolePrivileges':
          throw new UnsupportedInDataverseError("Changing a security role's privileges");
        case 'setUserSecurityRoles':
          throw new UnsupportedInDataverseError("Changing a user's security roles");
      }
    }
    // Owners' mailboxes: by the cache's regarding index (a mailbox never changes owner).
    for (const id of userIds) {
      const mailbox = cache.mailboxByRegarding({ type: 'systemuser', id });
      if (mailbox !== undefined) mailboxIds.add(mailbox.id);
    }
    for (const id of queueIds) {
      const mailbox = cache.mailboxByRegarding({ type: 'queue', id });
      if (mailbox !== undefined) mailboxIds.add(mailbox.id);
    }
    await Promise.all([
      this.#reread(cache, 'mailbox', [...mailboxIds]),
      this.#reread(cache, 'systemuser', [...userIds]),
      this.#reread(cache, 'queue', [...queueIds]),
      readOrganization ? this.#rereadOrganization(cache) : Promise.resolve(),
    ]);
    return new PlanBuilder(cache, (record, current, currentVersion, normalise) => this.#versionRead(record, current, currentVersion, normalise)).build(batch);
  }

  wasApplied(idempotencyKey: string): Promise<boolean> {
    return this.#applied.wasApplied(idempotencyKey);
  }

  async apply(batch: IntentBatch): Promise<IntentOutcome> {
    if (batch.idempotencyKey !== undefined && (await this.#applied.wasApplied(batch.idempotencyKey))) return this.#alreadyApplied(batch);
    let plan: Plan;
    try {
      plan = await this.#plan(batch);
    } catch (error) {
      if (error instanceof ConflictFound) return { ok: false, conflict: error.conflict };
      throw error;
    }
    const cache = await this.#ready();
    const scheduling = batch.intents.flatMap((intent) => (intent.kind === 'scheduleTestAndEnable' ? [intent.mailboxId.toLowerCase()] : []));
    const completedBefore = new Map(scheduling.map((id) => [id, cache.mailboxes.get(id)?.testMailboxAccessCompletedOn ?? null]));
    if (plan.operations.length > 0) {
      const tokens = this.#tokensOf(batch.caller);
      try {
        const results = await this.#client.batch(plan.operations, tokens === undefined ? {} : { tokens });
        const failedAt = results.findIndex((result) => result.outcome === 'conflict' || result.outcome === 'failed');
        const failed = results[failedAt];
        if (failed !== undefined) {
          const target = plan.targets[failedAt];
          if (failed.outcome === 'failed') throw failed.error;
          if (target !== undefined) return { ok: false, conflict: await this.#conflictNow(cache, target) };
        }
      } finally {
        // What was written (all of it, or the change sets before a failing one) is read back either way.
        await Promise.all([
          this.#reread(cache, 'mailbox', plan.mailboxIds),
          this.#reread(cache, 'systemuser', plan.targets.filter((target) => target.type === 'systemuser').map((target) => target.id)),
          this.#reread(cache, 'queue', plan.targets.filter((target) => target.type === 'queue').map((target) => target.id)),
          plan.targets.some((target) => target.type === 'organization') ? this.#rereadOrganization(cache) : Promise.resolve(),
        ]);
      }
    }
    for (const [id, before] of completedBefore) this.#scheduledTests.set(id, { completedBefore: before, at: Date.now() });
    if (this.#scheduledTests.size > 20_000) this.#scheduledTests.delete(this.#scheduledTests.keys().next().value ?? '');
    // Said plainly in the audit trail: without the person's own sign-in, Dynamics 365 saw the application user decide.
    const madeByApplication = batch.intents.some((intent) => intent.kind === 'setAddressApproval') && !(batch.caller.kind === 'person' && batch.caller.credential !== undefined);
    const audit = plan.changes.audit?.map((entry) => (madeByApplication && /approv|reject/i.test(entry.action) ? { ...entry, details: `${entry.details} (made in Dynamics 365 by the bot's application user: the person did not sign in for it)` } : entry));
    await this.#applied.recordWrittenElsewhere({
      ...(batch.idempotencyKey === undefined ? {} : { idempotencyKey: batch.idempotencyKey }),
      ...(audit === undefined ? {} : { audit }),
      ...(plan.changes.events === undefined ? {} : { events: plan.changes.events }),
    });
    return { ok: true, mailboxes: plan.mailboxIds.flatMap((id) => cache.mailboxes.get(id) ?? []) };
  }

  /** A batch applied before answers as the first `apply` did: with its mailboxes as they are now. */
  async #alreadyApplied(batch: IntentBatch): Promise<IntentOutcome> {
    const cache = await this.#ready();
    const ids = batch.intents.flatMap((intent) => {
      if ('mailboxId' in intent) return [intent.mailboxId.toLowerCase()];
      if (intent.kind === 'setAddressApproval') return [cache.mailboxByRegarding(intent.owner)?.id ?? []].flat();
      if (intent.kind === 'changeEmailAddress') return [cache.mailboxByRegarding({ type: intent.owner.type, id: intent.owner.expected.id })?.id ?? []].flat();
      return [];
    });
    const unique = [...new Set(ids)];
    await this.#reread(cache, 'mailbox', unique);
    return { ok: true, mailboxes: unique.flatMap((id) => cache.mailboxes.get(id) ?? []) };
  }

  async #conflictNow(cache: Cache, target: Plan['targets'][number]): Promise<IntentConflict> {
    if (target.type === 'mailbox') {
      await this.#reread(cache, 'mailbox', [target.id]);
      const now = cache.mailboxes.get(target.id);
      return { record: { type: 'mailbox', id: target.id }, expected: target.expected, actual: now === undefined ? null : String(now.version) };
    }
    if (target.type === 'organization') {
      await this.#rereadOrganization(cache);
      return { record: { type: 'organization', id: target.id }, expected: target.expected, actual: cache.organizationVersion };
    }
    const type = target.type === 'queue' ? 'queue' : 'systemuser';
    await this.#reread(cache, type, [target.id]);
    return { record: { type, id: target.id }, expected: target.expected, actual: cache.versions.get(`${type}:${target.id}`) ?? null };
  }

  /** A person who signed in for this turn writes as themselves (`user_impersonation`); otherwise the app does. */
  #tokensOf(caller: Caller): AccessTokenSource | undefined {
    if (caller.kind !== 'person' || caller.credential === undefined) return undefined;
    const { credential } = caller;
    const scope = `${new URL(this.#client.apiRoot).origin}/user_impersonation`;
    return { getToken: () => credential.accessToken(scope) };
  }

  async changesOf(batch: IntentBatch): Promise<{ readonly ok: true; readonly changes: ChangeSet } | { readonly ok: false; readonly conflict: IntentConflict }> {
    try {
      return { ok: true, changes: (await this.#plan(batch)).changes };
    } catch (error) {
      if (error instanceof ConflictFound) return { ok: false, conflict: error.conflict };
      throw error;
    }
  }
}

type VersionRead = (record: object, current: object | undefined, currentVersion: string | undefined, normalise?: (value: never) => unknown) => string;

/** Turns a batch's intents into PATCHes (If-Match on each) and the records as they would leave them. */
class PlanBuilder {
  readonly #mailboxes = new Map<string, Mailbox>();
  readonly #mailboxBodies = new Map<string, Record<string, unknown>>();
  readonly #ownerBodies = new Map<string, { type: 'systemuser' | 'queue'; id: string; etag: string; body: Record<string, unknown> }>();
  readonly #users = new Map<string, User>();
  readonly #queues = new Map<string, Queue>();
  #organization: Organization | undefined;

  constructor(
    private readonly cache: Cache,
    private readonly versionRead: VersionRead,
  ) {}

  /** The mailbox as the batch has left it so far, after checking the version the intent read. */
  #mailbox(id: string, expectedVersion: number): Mailbox {
    const key = id.toLowerCase();
    const stored = this.cache.mailboxes.get(key);
    if (stored?.version !== expectedVersion) throw conflictOf('mailbox', id, String(expectedVersion), stored === undefined ? null : String(stored.version));
    return this.#mailboxes.get(key) ?? stored;
  }
  #setMailbox(mailbox: Mailbox, body: Record<string, unknown>): void {
    this.#mailboxes.set(mailbox.id, mailbox);
    this.#mailboxBodies.set(mailbox.id, { ...this.#mailboxBodies.get(mailbox.id), ...body });
  }
  #ownerMailbox(owner: MailboxRegarding): Mailbox | undefined {
    return this.cache.mailboxByRegarding(owner);
  }
  #owner(type: 'systemuser' | 'queue', id: string, expected: User | Queue | undefined): { etag: string } {
    const key = id.toLowerCase();
    const version = this.cache.versions.get(`${type}:${key}`);
    const current = type === 'systemuser' ? this.cache.users.get(key) : this.cache.queues.get(key);
    if (current === undefined || version === undefined) throw conflictOf(type, id, expected === undefined ? '(any)' : this.versionRead(expected, undefined, undefined), null);
    if (expected !== undefined) {
      const read = this.versionRead(expected, current, version, type === 'systemuser' ? (value: User) => dataverseFieldsOfUser(value) : (value: Queue) => value);
      if (read !== version) throw conflictOf(type, id, read, version);
    }
    return { etag: etagOfVersion(version) };
  }
  #ownerBody(type: 'systemuser' | 'queue', id: string, etag: string, body: Record<string, unknown>): void {
    const key = `${type}:${id.toLowerCase()}`;
    const before = this.#ownerBodies.get(key);
    this.#ownerBodies.set(key, { type, id: id.toLowerCase(), etag, body: { ...before?.body, ...body } });
  }
  #organizationExpected(expected: Organization): Organization {
    const stored = this.cache.organization;
    const read = this.versionRead(expected, stored, this.cache.organizationVersion);
    if (read !== this.cache.organizationVersion) throw conflictOf('organization', expected.id, read, this.cache.organizationVersion);
    return this.#organization ?? stored;
  }

  add(intent: RecordIntent): void {
    switch (intent.kind) {
      case 'setAddressApproval': {
        const mailbox = this.#ownerMailbox(intent.owner);
        if (mailbox === undefined) throw conflictOf(intent.owner.type, intent.owner.id, String(intent.expectedMailboxVersion), null);
        const current = this.#mailbox(mailbox.id, intent.expectedMailboxVersion);
        const { etag } = this.#owner(intent.owner.type, intent.owner.id, undefined);
        // The platform sets isemailaddressapprovedbyo365admin itself; the mailbox is re-read afterwards.
        this.#ownerBody(intent.owner.type, intent.owner.id, etag, { emailrouteraccessapproval: intent.status });
        this.#mailboxes.set(current.id, { ...current, emailRouterAccessApproval: intent.status, isEmailAddressApprovedByO365Admin: intent.approvedByO365Admin });
        return;
      }
      case 'scheduleTestAndEnable': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        const options = intent.syncFromThisOrgOnly === undefined ? {} : { syncFromThisOrgOnly: intent.syncFromThisOrgOnly };
        this.#setMailbox(scheduleTestAndEnable(mailbox, options), { testemailconfigurationscheduled: true, ...(intent.syncFromThisOrgOnly === true ? { orgmarkedasprimaryforexchangesync: true } : {}) });
        return;
      }
      case 'setDeliveryConfiguration': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        const isQueue = mailbox.regarding.type === 'queue';
        this.#setMailbox(
          { ...mailbox, emailServerProfileId: intent.profileId, incomingEmailDeliveryMethod: intent.incoming, outgoingEmailDeliveryMethod: intent.outgoing, actDeliveryMethod: isQueue ? mailbox.actDeliveryMethod : intent.act },
          {
            'emailserverprofile@odata.bind': intent.profileId === null ? null : `/emailserverprofiles(${odataGuid(intent.profileId)})`,
            incomingemaildeliverymethod: intent.incoming,
            outgoingemaildeliverymethod: intent.outgoing,
            // Queues have no appointments, contacts and tasks.
            ...(isQueue ? {} : { actdeliverymethod: intent.act }),
          },
        );
        return;
      }
      case 'setSyncFromThisOrgOnly': {
        const mailbox = this.#mailbox(intent.mailboxId, intent.expectedVersion);
        this.#setMailbox({ ...mailbox, orgMarkedAsPrimaryForExchangeSync: intent.on }, { orgmarkedasprimaryforexchangesync: intent.on });
        return;
      }
      case 'changeEmailAddress': {
        const { owner } = intent;
        const { etag } = this.#owner(owner.type, owner.expected.id, owner.expected);
        if (owner.type === 'systemuser') {
          this.#users.set(owner.expected.id, { ...(this.#users.get(owner.expected.id) ?? owner.expected), primaryEmail: intent.address });
          this.#ownerBody('systemuser', owner.expected.id, etag, { internalemailaddress: intent.address });
        } else {
          this.#queues.set(owner.expected.id, { ...(this.#queues.get(owner.expected.id) ?? owner.expected), emailAddress: intent.address });
          this.#ownerBody('queue', owner.expected.id, etag, { emailaddress: intent.address });
        }
        const mailbox = this.#ownerMailbox({ type: owner.type, id: owner.expected.id });
        if (mailbox === undefined) {
          if (intent.expectedMailboxVersion !== null) throw conflictOf('mailbox', `${owner.type}:${owner.expected.id}`, String(intent.expectedMailboxVersion), null);
          return;
        }
        if (intent.expectedMailboxVersion === null) throw conflictOf('mailbox', mailbox.id, '(none)', String(mailbox.version));
        const current = this.#mailbox(mailbox.id, intent.expectedMailboxVersion);
        // The platform moves the mailbox to the new address and back to Pending Approval.
        this.#mailboxes.set(current.id, mailboxWithNewAddress(current, intent.address));
        return;
      }
      case 'setApprovalRequirement': {
        const organization = this.#organizationExpected(intent.expected);
        this.#organization = { ...organization, settings: withApprovalRequirement(organization.settings, intent.for, intent.required) };
        return;
      }
      case 'setEmailSettings': {
        const organization = this.#organizationExpected(intent.expected);
        this.#organization = { ...organization, settings: intent.settings };
        return;
      }
      case 'recordTestOutcome': {
        // Server-side synchronization recorded the run itself (status columns, trace logs): nothing to write, and
        // the version the runner read is older than the platform's own write, so it is not checked either.
        const mailbox = this.cache.mailboxes.get(intent.mailboxId.toLowerCase());
        if (mailbox !== undefined) this.#mailboxes.set(mailbox.id, this.#mailboxes.get(mailbox.id) ?? mailbox);
        return;
      }
      case 'setRolePrivileges':
      case 'setUserSecurityRoles':
        // Refused before anything was read (see #plan).
        return;
    }
  }

  build(batch: IntentBatch): Plan {
    for (const intent of batch.intents) this.add(intent);
    const operations: BatchOperation[] = [];
    const targets: Plan['targets'][number][] = [];
    // Mailboxes first: an owner's update makes the platform touch its mailbox (a new row version).
    for (const [id, body] of this.#mailboxBodies) {
      const version = this.cache.mailboxes.get(id)?.version ?? 0;
      operations.push({ method: 'PATCH', path: `mailboxes(${odataGuid(id)})`, body, etag: etagOfVersion(version) });
      targets.push({ type: 'mailbox', id, expected: String(version) });
    }
    for (const owner of this.#ownerBodies.values()) {
      operations.push({ method: 'PATCH', path: `${owner.type === 'systemuser' ? 'systemusers' : 'queues'}(${odataGuid(owner.id)})`, body: owner.body, etag: owner.etag });
      targets.push({ type: owner.type, id: owner.id, expected: owner.etag.replace(/^W\/"|"$/g, '') });
    }
    if (this.#organization !== undefined) {
      const before = organizationChanges(this.cache.organization.settings);
      const after = organizationChanges(this.#organization.settings);
      const body = Object.fromEntries(Object.entries(after).filter(([column, value]) => canonicalJson(before[column]) !== canonicalJson(value)));
      if (Object.keys(body).length > 0) {
        operations.push({ method: 'PATCH', path: `organizations(${odataGuid(this.#organization.id)})`, body, etag: etagOfVersion(this.cache.organizationVersion) });
        targets.push({ type: 'organization', id: this.#organization.id, expected: this.cache.organizationVersion });
      }
    }
    const changes: ChangeSet = {
      ...(this.#organization === undefined ? {} : { organization: this.#organization }),
      ...(this.#users.size === 0 ? {} : { users: [...this.#users.values()] }),
      ...(this.#queues.size === 0 ? {} : { queues: [...this.#queues.values()] }),
      ...(this.#mailboxes.size === 0 ? {} : { mailboxes: [...this.#mailboxes.values()] }),
      ...(batch.audit === undefined || batch.audit.length === 0 ? {} : { audit: batch.audit }),
      ...(batch.events === undefined || batch.events.length === 0 ? {} : { events: batch.events }),
    };
    return { operations, targets, changes, mailboxIds: [...this.#mailboxes.keys()] };
  }
}
