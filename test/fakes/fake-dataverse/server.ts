// A contract-faithful fake of the Dataverse Web API v9.2 for tests and the demo: an in-process
// HTTP(S) server on loopback, seeded from an organization file. What it reproduces, and where its
// wording is its own, is listed in docs/dataverse.md ("The fake Dataverse").
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APPLICATION_USER_PRIVILEGES } from '../../../src/dataverse/privileges.js';
import { DirectoryRoleTemplateIds } from '../../../src/dataverse/graph.js';
import type { OrganizationData } from '../../../src/store/org-file.js';
import { FakeDirectory } from '../directory.js';
import { checkBearer } from '../jwt.js';
import { readBody, startLoopbackServer } from '../loopback.js';
import type { TestCertificates } from '../tls.js';
import { QueryError, parseFilter, parseOrderBy } from './odata-query.js';
import type { Row } from './odata-query.js';
import { TABLES, guidOf, seedTables, tableByLogicalName } from './tables.js';
import type { TableDefinition, Tables } from './tables.js';
import { runMailboxTest } from './sync.js';

export const API_PATH = '/api/data/v9.2';
const MAX_PAGE_SIZE = 5000;
const MAX_BATCH_REQUESTS = 1000;
const CRLF = '\r\n';

export interface ServiceProtectionLimits {
  /** Requests per caller in the sliding window (Dataverse: 6,000 per 5 minutes). */
  readonly requestsPerWindow: number;
  readonly windowMs: number;
  /** Concurrent requests per caller (Dataverse: 52). */
  readonly maxConcurrent: number;
  /** Execution time per caller in the window (Dataverse: 1,200 s per 5 minutes); measured, plus latencyMs. */
  readonly executionMsPerWindow: number;
  /** Retry-After for the concurrency limit, in seconds (default 1). */
  readonly concurrentRetryAfterSeconds?: number;
  /** Added to the wait for every request sent while throttled (default 1,000 ms): "a client that keeps sending gets a longer wait". */
  readonly penaltyMsPerRequestWhileThrottled?: number;
}

export interface FakeApplicationUser {
  readonly clientId: string;
  readonly servicePrincipalObjectId: string;
  readonly name?: string;
  /** Privileges of its security role, at Organization depth (default: exactly the ones the bot needs). */
  readonly privileges?: readonly string[];
}

export interface FakeDataverseOptions {
  readonly data: OrganizationData;
  /** Public key of the fake token endpoint: tokens are checked for signature, audience and expiry. */
  readonly tokenKey: KeyObject;
  readonly applicationUsers: readonly FakeApplicationUser[];
  readonly directory?: FakeDirectory;
  /** Time from scheduling Test & Enable to its outcome (default 50 ms). */
  readonly testDelayMs?: number;
  readonly limits?: ServiceProtectionLimits | null;
  /** Artificial time each request takes (default 0). */
  readonly latencyMs?: number;
  readonly tls?: TestCertificates;
  /** RetrieveVersion's answer (default the organization file's version). */
  readonly version?: string;
}

export interface RequestRecord {
  readonly at: number;
  readonly method: string;
  /** Path and query, e.g. `/api/data/v9.2/mailboxes?$select=name`. */
  readonly target: string;
  caller: string | null;
  status: number;
  /** Requests inside it, for $batch. */
  innerRequests: number;
}

export interface ThrottleRecord {
  readonly at: number;
  readonly until: number;
  readonly code: string;
}

export interface FakeDataverse {
  readonly url: string;
  readonly apiRoot: string;
  readonly directory: FakeDirectory;
  readonly requests: RequestRecord[];
  /** Every Test & Enable scheduled (`testemailconfigurationscheduled` set to true and committed), in order. */
  readonly testsScheduled: readonly { readonly mailboxId: string; readonly at: number }[];
  readonly throttles: ThrottleRecord[];
  /** Highest number of one caller's requests being handled at once. */
  readonly maxConcurrentSeen: number;
  row(entitySet: string, id: string): Row | undefined;
  rows(entitySet: string): Row[];
  /** A change made outside the bot (bumps the version, so an old ETag no longer matches). */
  modify(entitySet: string, id: string, changes: Row): Row;
  /** Adds rows (e.g. thousands of mailboxes for a load test); keys are generated when missing. */
  insert(entitySet: string, rows: readonly Row[]): void;
  setLimits(limits: ServiceProtectionLimits | null): void;
  setLatency(ms: number): void;
  setTestDelay(ms: number): void;
  /** Starts measuring maxConcurrentSeen afresh. */
  resetMaxConcurrentSeen(): void;
  /** The next `count` requests fail with `status` (5xx tests). */
  failNext(count: number, status?: number): void;
  /** Resolves when no scheduled Test & Enable is pending. */
  whenSyncIdle(): Promise<void>;
  /** Requests that arrived in [from, to). */
  requestsBetween(from: number, to: number): RequestRecord[];
  close(): Promise<void>;
}

interface Result {
  status: number;
  headers: Record<string, string>;
  body: string;
}

class ODataFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  status,
  headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0', ...headers },
  body: JSON.stringify(body),
});
const errorResult = (failure: ODataFailure): Result => json(failure.status, { error: { code: failure.code, message: failure.message } });
const etagOf = (row: Row): string => `W/"${String(row.versionnumber)}"`;

function parsePrefer(header: string | undefined): { maxPageSize: number | null; annotations: boolean; continueOnError: boolean } {
  const prefer = header ?? '';
  const size = /odata\.maxpagesize=(\d+)/i.exec(prefer);
  return {
    maxPageSize: size?.[1] === undefined ? null : Number(size[1]),
    annotations: /odata\.include-annotations="?(\*|[^",]*FormattedValue[^",]*)"?/i.test(prefer),
    continueOnError: /odata\.continue-on-error/i.test(prefer),
  };
}

interface Caller {
  readonly objectId: string;
  readonly systemUserId: string;
  readonly privileges: ReadonlySet<string>;
}

interface ExecutionContext {
  readonly caller: Caller;
  readonly afterCommit: (() => void)[];
}

export async function startFakeDataverse(options: FakeDataverseOptions): Promise<FakeDataverse> {
  const directory = options.directory ?? FakeDirectory.fromOrganization(options.data);
  let version = 1000;
  const now = (): number => Date.now();
  const stamp = () => ({ versionnumber: ++version, at: new Date(now()).toISOString() });
  const tables: Tables = seedTables(
    options.data,
    options.applicationUsers.map((app) => ({ clientId: app.clientId, servicePrincipalObjectId: app.servicePrincipalObjectId, name: app.name ?? '# Mailbox Sync Bot' })),
    stamp,
  );
  const organizationRow = [...(tables.get('organizations')?.values() ?? [])][0] ?? {};
  const organizationId = String(organizationRow.organizationid);
  const appPrivileges = new Map(options.applicationUsers.map((app) => [app.servicePrincipalObjectId.toLowerCase(), new Set(app.privileges ?? APPLICATION_USER_PRIVILEGES.map((privilege) => privilege.name))]));
  let testDelayMs = options.testDelayMs ?? 50;
  let limits = options.limits ?? null;
  let latencyMs = options.latencyMs ?? 0;
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  const requests: RequestRecord[] = [];
  const testsScheduled: { mailboxId: string; at: number }[] = [];
  const throttles: ThrottleRecord[] = [];
  const perCaller = new Map<string, { arrivals: number[]; executions: { at: number; ms: number }[]; throttledUntil: number; lastCode: string }>();
  const activeByCaller = new Map<string, number>();
  let maxConcurrentSeen = 0;
  let undoLog: { set: string; id: string; before: Row | undefined }[] | null = null;
  const timers = new Set<NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];
  let base = '';

  // ------------------------------------------------------------------ rows
  const tableOf = (set: string): Map<string, Row> => {
    const table = tables.get(set);
    if (table === undefined) throw new Error(`no table ${set}`);
    return table;
  };
  const write = (set: string, id: string, row: Row | undefined): void => {
    const table = tableOf(set);
    undoLog?.push({ set, id, before: table.get(id) });
    if (row === undefined) table.delete(id);
    else table.set(id, row);
  };
  const update = (set: string, id: string, changes: Row): Row => {
    const current = tableOf(set).get(id);
    if (current === undefined) throw new Error(`no row ${set}(${id})`);
    const { versionnumber, at } = stamp();
    const next = { ...current, ...changes, versionnumber, modifiedon: at };
    write(set, id, next);
    return next;
  };
  const insertRow = (set: string, row: Row): Row => {
    const definition = TABLES[set];
    if (definition === undefined) throw new Error(`no table ${set}`);
    const { versionnumber, at } = stamp();
    const key = typeof row[definition.key] === 'string' ? String(row[definition.key]) : randomUUID();
    const next = { createdon: at, modifiedon: at, ...row, [definition.key]: key, versionnumber };
    write(set, key, next);
    return next;
  };

  // ------------------------------------------------------------------ security
  const callerFor = (objectId: string): Caller | null => {
    const user = [...tableOf('systemusers').values()].find((row) => row.azureactivedirectoryobjectid === objectId.toLowerCase());
    if (user === undefined) return null;
    return { objectId: objectId.toLowerCase(), systemUserId: String(user.systemuserid), privileges: appPrivileges.get(objectId.toLowerCase()) ?? privilegesOfSystemUser(String(user.systemuserid)) };
  };
  const depthName = { User: 'Basic', BusinessUnit: 'Local', ParentChildBusinessUnit: 'Deep', Organization: 'Global' } as const;
  function grantsOf(systemUserId: string): { privilegeName: string; depth: string; roleBusinessUnit: string }[] {
    const rootUnit = guidOf(options.data.businessUnits.find((unit) => unit.parentBusinessUnitId === null)?.id ?? '');
    const app = options.applicationUsers.find((candidate) => guidOf(`application-user:${candidate.clientId}`) === systemUserId);
    if (app !== undefined) return [...(appPrivileges.get(app.servicePrincipalObjectId.toLowerCase()) ?? [])].map((privilegeName) => ({ privilegeName, depth: 'Global', roleBusinessUnit: rootUnit }));
    const user = options.data.users.find((candidate) => guidOf(candidate.id) === systemUserId);
    if (user === undefined) return [];
    return options.data.securityRoles
      .filter((role) => user.securityRoleIds.includes(role.id))
      .flatMap((role) =>
        role.template === 'SystemAdministrator'
          ? [...new Set([...APPLICATION_USER_PRIVILEGES.map((privilege) => privilege.name), ...Object.keys(role.privileges)])].map((privilegeName) => ({ privilegeName, depth: 'Global', roleBusinessUnit: guidOf(role.businessUnitId) }))
          : Object.entries(role.privileges).map(([privilegeName, depth]) => ({ privilegeName, depth: depthName[depth], roleBusinessUnit: guidOf(role.businessUnitId) })),
      );
  }
  function privilegesOfSystemUser(systemUserId: string): ReadonlySet<string> {
    return new Set(grantsOf(systemUserId).map((grant) => grant.privilegeName));
  }
  const requirePrivilege = (caller: Caller, privilege: string, table: TableDefinition): void => {
    if (!caller.privileges.has(privilege)) {
      throw new ODataFailure(403, '0x80040220', `Principal user (Id=${caller.systemUserId}, type=8) is missing ${privilege} privilege (Id=${guidOf(privilege)}) on entity '${table.logicalName}'.`);
    }
  };

  // ------------------------------------------------------------------ presentation
  const checkColumn = (table: TableDefinition) => (column: string): void => {
    if (!table.columns.includes(column)) throw new ODataFailure(400, '0x0', `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`);
  };
  const present = (table: TableDefinition, row: Row, select: readonly string[] | null, annotations: boolean): Row => {
    const out: Row = { '@odata.etag': etagOf(row) };
    const columns = select === null ? table.columns : [...new Set([...select, table.key])];
    for (const column of columns) {
      const value = row[column] ?? null;
      out[column] = value;
      if (!annotations || value === null) continue;
      const labels = table.optionSets[column];
      if (labels !== undefined && typeof value === 'number') out[`${column}@OData.Community.Display.V1.FormattedValue`] = labels[value] ?? String(value);
      if (table.booleans.includes(column)) out[`${column}@OData.Community.Display.V1.FormattedValue`] = value === true ? 'Yes' : 'No';
      const lookup = table.lookups.find((candidate) => candidate.column === column);
      if (lookup !== undefined) {
        const targetName = typeof row.__regardingtype === 'string' && column === '_regardingobjectid_value' ? row.__regardingtype : lookup.targets[0];
        const target = targetName === undefined ? undefined : tableByLogicalName(targetName);
        const targetRow = target === undefined ? undefined : typeof value !== 'string' ? undefined : tables.get(target.entitySet)?.get(value);
        out[`${column}@Microsoft.Dynamics.CRM.lookuplogicalname`] = targetName ?? null;
        if (target !== undefined && targetRow !== undefined) out[`${column}@OData.Community.Display.V1.FormattedValue`] = targetRow[target.primaryName] ?? null;
      }
    }
    return out;
  };

  // ------------------------------------------------------------------ operations
  function retrieveMultiple(table: TableDefinition, search: URLSearchParams, prefer: ReturnType<typeof parsePrefer>, caller: Caller): Result {
    requirePrivilege(caller, table.readPrivilege, table);
    if (search.has('$skip')) throw new ODataFailure(400, '0x80060888', 'The query parameter $skip is not supported');
    for (const key of search.keys()) {
      if (key.startsWith('$') && !['$select', '$filter', '$orderby', '$top', '$skiptoken'].includes(key)) throw new ODataFailure(400, '0x80060888', `The query parameter ${key} is not supported by the fake Dataverse`);
    }
    const select = search.get('$select')?.split(',').map((column) => column.trim()) ?? null;
    select?.forEach(checkColumn(table));
    const filterText = search.get('$filter');
    const orderText = search.get('$orderby');
    let rows = [...tableOf(table.entitySet).values()];
    if (filterText !== null) {
      const predicate = parseFilter(filterText, checkColumn(table));
      rows = rows.filter(predicate);
    }
    rows.sort(orderText === null ? (left, right) => String(left[table.key]).localeCompare(String(right[table.key])) : parseOrderBy(orderText, checkColumn(table)));
    const top = search.get('$top');
    if (top !== null) {
      if (!/^\d+$/.test(top)) throw new ODataFailure(400, '0x0', `Invalid value '${top}' for $top query option found.`);
      rows = rows.slice(0, Number(top));
    }
    const pageSize = Math.min(prefer.maxPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    // The paging cookie: the page number and where the previous page ended (the last key without
    // $orderby, so rows added meanwhile neither repeat nor go missing; the offset with it).
    const cookie = /^<cookie pagenumber="(\d+)" (last|offset)="([^"]+)" \/>$/.exec(search.get('$skiptoken') ?? '');
    if (search.has('$skiptoken') && cookie === null) throw new ODataFailure(400, '0x80060888', 'The $skiptoken is not valid.');
    const pageNumber = cookie === null ? 1 : Number(cookie[1]);
    let start = 0;
    if (cookie?.[2] === 'last') start = rows.findIndex((row) => String(row[table.key]) > (cookie[3] ?? ''));
    else if (cookie?.[2] === 'offset') start = Number(cookie[3]);
    if (start < 0) start = rows.length;
    const page = rows.slice(start, start + pageSize);
    const body: Row = {
      '@odata.context': `${base}${API_PATH}/$metadata#${table.entitySet}${select === null ? '' : `(${select.join(',')})`}`,
      value: page.map((row) => present(table, row, select, prefer.annotations)),
    };
    if (start + pageSize < rows.length) {
      const position = orderText === null ? `last="${String(page.at(-1)?.[table.key])}"` : `offset="${start + pageSize}"`;
      const query = [...search.entries()].filter(([key]) => key !== '$skiptoken').map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
      query.push(`$skiptoken=${encodeURIComponent(`<cookie pagenumber="${pageNumber + 1}" ${position} />`)}`);
      body['@odata.nextLink'] = `${base}${API_PATH}/${table.entitySet}?${query.join('&')}`;
    }
    const applied = [...(prefer.maxPageSize === null ? [] : [`odata.maxpagesize=${pageSize}`]), ...(prefer.annotations ? ['odata.include-annotations="*"'] : [])];
    return json(200, body, applied.length === 0 ? {} : { 'preference-applied': applied.join(',') });
  }

  function retrieve(table: TableDefinition, id: string, search: URLSearchParams, headers: Record<string, string>, prefer: ReturnType<typeof parsePrefer>, caller: Caller): Result {
    requirePrivilege(caller, table.readPrivilege, table);
    const row = tableOf(table.entitySet).get(id);
    if (row === undefined) throw new ODataFailure(404, '0x80040217', `Entity '${table.logicalName}' With Id = ${id} Does Not Exist`);
    if (headers['if-none-match'] === etagOf(row)) return { status: 304, headers: { etag: etagOf(row) }, body: '' };
    const select = search.get('$select')?.split(',').map((column) => column.trim()) ?? null;
    select?.forEach(checkColumn(table));
    return json(200, { '@odata.context': `${base}${API_PATH}/$metadata#${table.entitySet}${select === null ? '' : `(${select.join(',')})`}/$entity`, ...present(table, row, select, prefer.annotations) }, { etag: etagOf(row) });
  }

  function patch(table: TableDefinition, id: string, headers: Record<string, string>, bodyText: string, context: ExecutionContext): Result {
    const current = tableOf(table.entitySet).get(id);
    if (current === undefined) throw new ODataFailure(404, '0x80040217', `Entity '${table.logicalName}' With Id = ${id} Does Not Exist`);
    if (table.writePrivilege === null) throw new ODataFailure(405, '0x80060888', `The fake Dataverse does not update ${table.entitySet}.`);
    requirePrivilege(context.caller, table.writePrivilege, table);
    const ifMatch = headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etagOf(current)) {
      throw new ODataFailure(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      throw new ODataFailure(400, '0x0', 'The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ODataFailure(400, '0x0', 'The request body must be a JSON object.');
    const changes: Row = {};
    for (const [key, value] of Object.entries(body)) {
      if (key.endsWith('@odata.bind')) {
        const navigation = key.slice(0, -'@odata.bind'.length);
        const lookup = table.lookups.find((candidate) => candidate.navigation === navigation);
        if (lookup === undefined) throw new ODataFailure(400, '0x0', `An undeclared property '${navigation}' which only has property annotations in the payload but no property value was found in the payload.`);
        if (value === null) {
          // Removing the link (the Web API also takes DELETE …/$ref).
          changes[lookup.column] = null;
          continue;
        }
        const target = /^\/?(\w+)\(([0-9a-f-]{36})\)$/i.exec(typeof value === 'string' ? value.replace(/^.*\/api\/data\/v9\.2/, '') : '');
        const targetTable = target?.[1] === undefined ? undefined : TABLES[target[1]];
        const targetId = target?.[2]?.toLowerCase();
        if (targetTable === undefined || targetId === undefined || !lookup.targets.includes(targetTable.logicalName) || !tables.get(targetTable.entitySet)?.has(targetId)) {
          throw new ODataFailure(400, '0x80040217', `The record ${JSON.stringify(value)} to bind ${navigation} to does not exist.`);
        }
        if (table.logicalName === 'mailbox') {
          requirePrivilege(context.caller, 'prvAppendMailbox', table);
          requirePrivilege(context.caller, 'prvAppendToEmailServerProfile', targetTable);
        }
        changes[lookup.column] = targetId;
        continue;
      }
      checkColumn(table)(key);
      if (!table.writable.includes(key)) throw new ODataFailure(400, '0x80040203', `The fake Dataverse does not let '${key}' of ${table.logicalName} be written (not valid for update).`);
      const labels = table.optionSets[key];
      if (labels !== undefined && (typeof value !== 'number' || labels[value] === undefined)) {
        throw new ODataFailure(400, '0x80040203', `A validation error occurred. The value ${JSON.stringify(value)} of '${key}' on record of type '${table.logicalName}' is outside the valid range.`);
      }
      if (table.booleans.includes(key) && typeof value !== 'boolean') throw new ODataFailure(400, '0x0', `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.Boolean'.`);
      changes[key] = value;
    }
    applySideEffects(table, current, changes, context);
    const next = update(table.entitySet, id, changes);
    return { status: 204, headers: { etag: etagOf(next), 'odata-version': '4.0', 'odata-entityid': `${base}${API_PATH}/${table.entitySet}(${id})` }, body: '' };
  }

  /** What the platform does around an update: approval rules, address changes, Test & Enable. */
  function applySideEffects(table: TableDefinition, current: Row, changes: Row, context: ExecutionContext): void {
    const owner = table.logicalName === 'systemuser' || table.logicalName === 'queue';
    if (owner && 'emailrouteraccessapproval' in changes && changes.emailrouteraccessapproval !== current.emailrouteraccessapproval) {
      requirePrivilege(context.caller, 'prvApproveRejectEmailAddress', table);
      const approving = changes.emailrouteraccessapproval === 1;
      if (approving) {
        const roles = directory.roleTemplateIdsOf(context.caller.objectId);
        if (!roles.has(DirectoryRoleTemplateIds.GlobalAdministrator) && !roles.has(DirectoryRoleTemplateIds.ExchangeAdministrator)) {
          throw new ODataFailure(403, '0x80040220', `User ${context.caller.systemUserId} should be a global administrator or exchange administrator to approve mailbox in organization ${organizationId}.`);
        }
      }
      changes.isemailaddressapprovedbyo365admin = approving;
      const mailboxId = current._defaultmailbox_value;
      if (typeof mailboxId === 'string' && tableOf('mailboxes').has(mailboxId)) {
        update('mailboxes', mailboxId, { emailrouteraccessapproval: changes.emailrouteraccessapproval, isemailaddressapprovedbyo365admin: approving });
      }
    }
    const addressColumn = table.logicalName === 'systemuser' ? 'internalemailaddress' : 'emailaddress';
    if (owner && addressColumn in changes && String(changes[addressColumn]).toLowerCase() !== String(current[addressColumn]).toLowerCase()) {
      // A changed primary address needs approval again (domain.md §9).
      changes.emailrouteraccessapproval = 2;
      changes.isemailaddressapprovedbyo365admin = false;
      const mailboxId = current._defaultmailbox_value;
      if (typeof mailboxId === 'string' && tableOf('mailboxes').has(mailboxId)) {
        update('mailboxes', mailboxId, { emailaddress: changes[addressColumn], emailrouteraccessapproval: 2, isemailaddressapprovedbyo365admin: false });
      }
    }
    if (table.logicalName === 'mailbox' && changes.testemailconfigurationscheduled === true) {
      const mailboxId = String(current.mailboxid);
      context.afterCommit.push(() => {
        testsScheduled.push({ mailboxId, at: now() });
        scheduleTest(mailboxId, 0);
      });
    }
  }

  function scheduleTest(mailboxId: string, attempt: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const outcome = runMailboxTest({ tables, organization: options.data.organization, exchange: options.data.exchange, mailboxId, attempt, update, insertTrace: (row) => insertRow('tracelogs', row) });
      if (outcome === 'retry') scheduleTest(mailboxId, attempt + 1);
      if (timers.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        waiters.forEach((resolve) => resolve());
      }
    }, testDelayMs);
    timers.add(timer);
  }

  function callFunction(path: string, caller: Caller): Result | null {
    if (path === 'WhoAmI()' || path === 'WhoAmI') {
      const user = tableOf('systemusers').get(caller.systemUserId);
      return json(200, { '@odata.context': `${base}${API_PATH}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, BusinessUnitId: user?._businessunitid_value ?? null, UserId: caller.systemUserId, OrganizationId: organizationId });
    }
    if (path === 'RetrieveVersion()' || path === 'RetrieveVersion') {
      return json(200, { '@odata.context': `${base}${API_PATH}/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse`, Version: options.version ?? options.data.organization.version });
    }
    const privilegeCall = /^systemusers\(([0-9a-f-]{36})\)\/Microsoft\.Dynamics\.CRM\.RetrieveUserPrivilegeByPrivilegeName\(PrivilegeName='([^']*)'\)$/i.exec(path);
    if (privilegeCall !== null) {
      const users = TABLES.systemusers;
      if (users === undefined) return null;
      requirePrivilege(caller, users.readPrivilege, users);
      requirePrivilege(caller, 'prvReadRole', users);
      const userId = (privilegeCall[1] ?? '').toLowerCase();
      if (!tableOf('systemusers').has(userId)) throw new ODataFailure(404, '0x80040217', `Entity 'systemuser' With Id = ${userId} Does Not Exist`);
      const name = privilegeCall[2] ?? '';
      const grants = grantsOf(userId).filter((grant) => grant.privilegeName.toLowerCase() === name.toLowerCase());
      return json(200, {
        '@odata.context': `${base}${API_PATH}/$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeNameResponse`,
        RolePrivileges: grants.map((grant) => ({ Depth: grant.depth, PrivilegeId: guidOf(grant.privilegeName), BusinessUnitId: grant.roleBusinessUnit, PrivilegeName: grant.privilegeName })),
      });
    }
    return null;
  }

  /** One request, synchronously, so that a change set is atomic with respect to the sync timers. */
  function execute(method: string, rawPath: string, search: URLSearchParams, headers: Record<string, string>, body: string, context: ExecutionContext): Result {
    try {
      const path = decodeURIComponent(rawPath).replace(/^\/+/, '');
      const prefer = parsePrefer(headers.prefer);
      if (method === 'GET') {
        const called = callFunction(path, context.caller);
        if (called !== null) return called;
      }
      const match = /^(\w+)(?:\(([0-9a-fA-F-]{36})\))?$/.exec(path);
      const table = match?.[1] === undefined ? undefined : TABLES[match[1]];
      if (match === null || table === undefined) throw new ODataFailure(404, '0x8006088a', `Resource not found for the segment '${path.split(/[(/]/)[0] ?? path}'.`);
      const id = match[2]?.toLowerCase();
      if (id === undefined) {
        if (method === 'GET') return retrieveMultiple(table, search, prefer, context.caller);
        throw new ODataFailure(405, '0x80060888', `The fake Dataverse does not support ${method} on ${table.entitySet}.`);
      }
      if (method === 'GET') return retrieve(table, id, search, headers, prefer, context.caller);
      if (method === 'PATCH') return patch(table, id, headers, body, context);
      throw new ODataFailure(405, '0x80060888', `The fake Dataverse does not support ${method} on ${table.entitySet}(id).`);
    } catch (error) {
      if (error instanceof ODataFailure) return errorResult(error);
      if (error instanceof QueryError) return errorResult(new ODataFailure(400, '0x0', error.message));
      throw error;
    }
  }

  // ------------------------------------------------------------------ $batch
  function splitParts(text: string, boundary: string): string[] {
    const parts: string[] = [];
    for (const chunk of text.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      parts.push(chunk.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    }
    return parts;
  }
  function headersAndBody(text: string): { headers: Record<string, string>; body: string } {
    const split = text.indexOf(`${CRLF}${CRLF}`);
    const head = split === -1 ? text : text.slice(0, split);
    const headers: Record<string, string> = {};
    for (const line of head.split(CRLF)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body: split === -1 ? '' : text.slice(split + 4) };
  }
  const boundaryIn = (contentType: string | undefined): string | null => /boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2] ?? null;

  interface InnerRequest {
    contentId: string | null;
    method: string;
    path: string;
    search: URLSearchParams;
    headers: Record<string, string>;
    body: string;
  }
  function parseInner(part: string): InnerRequest {
    const mime = headersAndBody(part);
    const lineEnd = mime.body.indexOf(CRLF);
    const requestLine = lineEnd === -1 ? mime.body : mime.body.slice(0, lineEnd);
    const [method = '', target = ''] = requestLine.split(' ');
    const message = headersAndBody(lineEnd === -1 ? '' : mime.body.slice(lineEnd + 2));
    const url = new URL(target, `${base}${API_PATH}/`);
    const path = url.pathname.startsWith(API_PATH) ? url.pathname.slice(API_PATH.length) : url.pathname;
    return { contentId: mime.headers['content-id'] ?? null, method, path, search: url.searchParams, headers: message.headers, body: message.body.trim() };
  }
  const httpPart = (result: Result, contentId: string | null): string =>
    [
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      ...(contentId === null ? [] : [`Content-ID: ${contentId}`]),
      '',
      `HTTP/1.1 ${result.status} ${result.status < 300 ? 'OK' : 'Error'}`,
      ...Object.entries(result.headers).map(([name, value]) => `${name}: ${value}`),
      '',
      result.body,
    ].join(CRLF);

  function batch(headers: Record<string, string>, body: string, caller: Caller): Result & { inner: number } {
    const boundary = boundaryIn(headers['content-type']);
    if (boundary === null) return { ...errorResult(new ODataFailure(400, '0x0', 'A $batch request must be multipart/mixed with a boundary.')), inner: 0 };
    const parts = splitParts(body, boundary).map((part) => {
      const mime = headersAndBody(part);
      const inner = boundaryIn(mime.headers['content-type']);
      return inner === null ? { changeSet: false, requests: [parseInner(part)] } : { changeSet: true, requests: splitParts(mime.body, inner).map(parseInner) };
    });
    const total = parts.reduce((sum, part) => sum + part.requests.length, 0);
    if (total > MAX_BATCH_REQUESTS) {
      return { ...errorResult(new ODataFailure(400, '0x80060888', `The number of requests in the batch (${total}) exceeds the limit of ${MAX_BATCH_REQUESTS}.`)), inner: total };
    }
    const continueOnError = parsePrefer(headers.prefer).continueOnError;
    const responseBoundary = `batchresponse_${randomUUID()}`;
    const out: string[] = [];
    for (const part of parts) {
      let failed = false;
      if (!part.changeSet) {
        const [request] = part.requests;
        if (request === undefined) continue;
        const context: ExecutionContext = { caller, afterCommit: [] };
        const result = execute(request.method, request.path, request.search, request.headers, request.body, context);
        if (result.status < 400) context.afterCommit.forEach((run) => run());
        failed = result.status >= 400;
        out.push(`--${responseBoundary}${CRLF}${httpPart(result, request.contentId)}`);
      } else {
        const context: ExecutionContext = { caller, afterCommit: [] };
        undoLog = [];
        const answers: string[] = [];
        let error: string | null = null;
        for (const request of part.requests) {
          if (request.method === 'GET') {
            error = httpPart(errorResult(new ODataFailure(400, '0x0', 'A GET request is not allowed inside a change set.')), request.contentId);
            break;
          }
          const result = execute(request.method, request.path, request.search, request.headers, request.body, context);
          if (result.status >= 400) {
            error = httpPart(result, request.contentId);
            break;
          }
          answers.push(httpPart(result, request.contentId));
        }
        const log = undoLog;
        undoLog = null;
        if (error !== null) {
          // The change set is one transaction: undo every write it made, newest first.
          for (const entry of log.reverse()) {
            const table = tableOf(entry.set);
            if (entry.before === undefined) table.delete(entry.id);
            else table.set(entry.id, entry.before);
          }
          failed = true;
          out.push(`--${responseBoundary}${CRLF}${error}`);
        } else {
          context.afterCommit.forEach((run) => run());
          const changeSetBoundary = `changesetresponse_${randomUUID()}`;
          out.push(
            `--${responseBoundary}${CRLF}Content-Type: multipart/mixed; boundary=${changeSetBoundary}${CRLF}${CRLF}` +
              answers.map((answer) => `--${changeSetBoundary}${CRLF}${answer}${CRLF}`).join('') +
              `--${changeSetBoundary}--`,
          );
        }
      }
      if (failed && !continueOnError) break;
    }
    out.push(`--${responseBoundary}--${CRLF}`);
    return { status: 200, headers: { 'content-type': `multipart/mixed; boundary=${responseBoundary}`, 'odata-version': '4.0' }, body: out.join(CRLF), inner: total };
  }

  // ------------------------------------------------------------------ service protection
  function admit(callerId: string, at: number): { code: string; retryAfterMs: number; message: string } | null {
    if (limits === null) return null;
    const state = perCaller.get(callerId) ?? { arrivals: [], executions: [], throttledUntil: 0, lastCode: '' };
    perCaller.set(callerId, state);
    const windowStart = at - limits.windowMs;
    state.arrivals = state.arrivals.filter((time) => time > windowStart);
    state.executions = state.executions.filter((execution) => execution.at > windowStart);
    if (at < state.throttledUntil) {
      state.throttledUntil += limits.penaltyMsPerRequestWhileThrottled ?? 1000;
      return { code: state.lastCode, retryAfterMs: state.throttledUntil - at, message: 'Requests were sent while the client was told to wait; the wait is now longer.' };
    }
    let verdict: { code: string; retryAfterMs: number; message: string } | null = null;
    if ((activeByCaller.get(callerId) ?? 0) >= limits.maxConcurrent) {
      verdict = { code: '0x80072326', retryAfterMs: (limits.concurrentRetryAfterSeconds ?? 1) * 1000, message: `Number of concurrent requests exceeded the limit of ${limits.maxConcurrent}.` };
    } else if (state.arrivals.length >= limits.requestsPerWindow) {
      verdict = { code: '0x80072322', retryAfterMs: (state.arrivals[0] ?? at) + limits.windowMs - at, message: `Number of requests exceeded the limit of ${limits.requestsPerWindow} over time window of ${limits.windowMs / 1000} seconds.` };
    } else if (state.executions.reduce((sum, execution) => sum + execution.ms, 0) >= limits.executionMsPerWindow) {
      verdict = {
        code: '0x80072321',
        retryAfterMs: (state.executions[0]?.at ?? at) + limits.windowMs - at,
        message: `Combined execution time of incoming requests exceeded limit of ${limits.executionMsPerWindow} milliseconds over time window of ${limits.windowMs / 1000} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
      };
    }
    if (verdict !== null) {
      const retryAfterMs = Math.max(1000, Math.ceil(verdict.retryAfterMs / 1000) * 1000);
      state.throttledUntil = at + retryAfterMs;
      state.lastCode = verdict.code;
      return { ...verdict, retryAfterMs };
    }
    state.arrivals.push(at);
    return null;
  }

  // ------------------------------------------------------------------ HTTP
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const arrivedAt = now();
    const url = new URL(request.url ?? '/', base);
    const record: RequestRecord = { at: arrivedAt, method: request.method ?? 'GET', target: `${url.pathname}${url.search}`, caller: null, status: 0, innerRequests: 0 };
    requests.push(record);
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const send = (result: Result): void => {
      record.status = result.status;
      response.writeHead(result.status, { ...result.headers, 'content-length': Buffer.byteLength(result.body) });
      response.end(result.body);
    };
    const auth = checkBearer(headers.authorization, options.tokenKey, base, Math.floor(arrivedAt / 1000));
    if ('reason' in auth) {
      send({ status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${auth.reason}", authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize` }, body: '' });
      return;
    }
    record.caller = auth.claims.oid;
    const caller = callerFor(auth.claims.oid);
    if (caller === null) {
      send(errorResult(new ODataFailure(403, '0x80072560', `The user is not a member of the organization. No systemuser has azureactivedirectoryobjectid ${auth.claims.oid}: create the application user for this app.`)));
      return;
    }
    if (!url.pathname.startsWith(API_PATH)) {
      send(errorResult(new ODataFailure(404, '0x8006088a', `Resource not found for the segment '${url.pathname}'.`)));
      return;
    }
    const throttled = admit(caller.objectId, arrivedAt);
    if (throttled !== null) {
      throttles.push({ at: arrivedAt, until: arrivedAt + throttled.retryAfterMs, code: throttled.code });
      send({ ...json(429, { error: { code: throttled.code, message: throttled.message } }), headers: { 'content-type': 'application/json', 'retry-after': String(Math.ceil(throttled.retryAfterMs / 1000)) } });
      return;
    }
    const activeNow = (activeByCaller.get(caller.objectId) ?? 0) + 1;
    activeByCaller.set(caller.objectId, activeNow);
    maxConcurrentSeen = Math.max(maxConcurrentSeen, activeNow);
    const started = now();
    try {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (failures.count > 0) {
        failures.count -= 1;
        send(json(failures.status, { error: { code: '0x80040216', message: 'An unexpected error occurred.' } }));
        return;
      }
      const path = url.pathname.slice(API_PATH.length);
      if (path === '/$batch' && request.method === 'POST') {
        const result = batch(headers, body, caller);
        record.innerRequests = result.inner;
        send(result);
        return;
      }
      const context: ExecutionContext = { caller, afterCommit: [] };
      const result = execute(request.method ?? 'GET', path, url.searchParams, headers, body, context);
      if (result.status < 400) context.afterCommit.forEach((run) => run());
      send(result);
    } finally {
      activeByCaller.set(caller.objectId, (activeByCaller.get(caller.objectId) ?? 1) - 1);
      perCaller.get(caller.objectId)?.executions.push({ at: now(), ms: now() - started });
    }
  };

  const server = await startLoopbackServer(handle, options.tls);
  base = server.url;
  return {
    url: server.url,
    apiRoot: `${server.url}${API_PATH}`,
    directory,
    requests,
    testsScheduled,
    throttles,
    get maxConcurrentSeen() {
      return maxConcurrentSeen;
    },
    row: (set, id) => tables.get(set)?.get(id.toLowerCase()),
    rows: (set) => [...(tables.get(set)?.values() ?? [])],
    modify: (set, id, changes) => update(set, id.toLowerCase(), changes),
    insert: (set, rows) => rows.forEach((row) => insertRow(set, row)),
    setLimits: (next) => {
      limits = next;
      perCaller.clear();
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setTestDelay: (ms) => {
      testDelayMs = ms;
    },
    resetMaxConcurrentSeen: () => {
      maxConcurrentSeen = 0;
    },
    failNext: (count, status = 503) => {
      failures = { count, status };
    },
    whenSyncIdle: () => (timers.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    requestsBetween: (from, to) => requests.filter((entry) => entry.at >= from && entry.at < to),
    close: async () => {
      timers.forEach((timer) => clearTimeout(timer));
      timers.clear();
      await server.close();
    },
  };
}
