// Our thin Dataverse Web API v9.2 client (issue 13): OData headers, paging through @odata.nextLink,
// If-Match on every update with a typed conflict, $batch change sets, and the request rules of
// HttpCore (429 pause of the whole client, concurrency cap, retries). Rows are parsed with the
// caller's zod schema; nothing here knows the application's ports yet.
import { z } from 'zod';
import { encodeBatch, parseBatchResponse } from './batch.js';
import type { BatchOperation, BatchPartResponse } from './batch.js';
import type { DataverseSettings } from './config.js';
import { DataverseError, adminMessage } from './errors.js';
import { HttpCore, describeRequest } from './http-core.js';
import { DATAVERSE_REQUEST_BUDGET } from './request-gate.js';
import type { HttpCoreOptions, HttpRequest, HttpResponse } from './http-core.js';
import type { AccessTokenSource, AppTokenSourceOptions } from './token.js';
import { AppTokenSource, createConfidentialClient } from './token.js';

export const API_PATH = '/api/data/v9.2';
/** Dataverse's page cap: a larger odata.maxpagesize is ignored. */
export const MAX_PAGE_SIZE = 5000;
/** Requests in one $batch. */
export const MAX_BATCH_REQUESTS = 1000;

export type Row = Readonly<Record<string, unknown>>;

export interface Query {
  readonly select?: readonly string[];
  /** An OData $filter expression; use `odataString`/`odataGuid` for values. */
  readonly filter?: string;
  readonly orderBy?: string;
  readonly top?: number;
}

export interface PageOptions {
  /** Rows per page, at most 5,000 (the default). */
  readonly pageSize?: number;
  /** Ask for formatted values (labels of option sets and lookups). */
  readonly formattedValues?: boolean;
}

export type UpdateResult =
  | { readonly outcome: 'updated'; readonly etag: string | null }
  /** 412: the row changed since `etag` was read. `current` is the row as it is now (null when deleted). */
  | { readonly outcome: 'conflict'; readonly current: Row | null };

export type BatchOperationResult =
  | { readonly outcome: 'done'; readonly operation: BatchOperation; readonly etag: string | null }
  | { readonly outcome: 'conflict'; readonly operation: BatchOperation }
  | { readonly outcome: 'failed'; readonly operation: BatchOperation; readonly error: DataverseError }
  /** Another request of its change set failed, so this one was undone. */
  | { readonly outcome: 'rolled-back'; readonly operation: BatchOperation };

export interface BatchOptions {
  /** Requests per change set (one transaction), default 50. */
  readonly changeSetSize?: number;
  /** Requests per $batch request, at most 1,000 (default). */
  readonly requestsPerBatch?: number;
  /** Send as this person (their delegated token) instead of the application user. */
  readonly tokens?: AccessTokenSource;
}

export interface DataverseClientOptions extends Omit<HttpCoreOptions, 'service' | 'tokens'> {
  /** Environment root, e.g. `https://contoso.crm.dynamics.com`. */
  readonly url: string;
  readonly tokens: AccessTokenSource;
  readonly changeSetSize?: number;
}

const collectionSchema = z.object({ value: z.array(z.record(z.string(), z.unknown())), '@odata.nextLink': z.string().optional() });
const rowSchema = z.record(z.string(), z.unknown());

/** A string literal for $filter: single quotes doubled. */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A GUID key or literal; refuses anything else so nothing can be injected into a path. */
export function odataGuid(value: string): string {
  if (!GUID.test(value)) throw new DataverseError('bad-request', `"${value}" is not a Dataverse record id (a GUID).`, { service: 'Dataverse' });
  return value.toLowerCase();
}

function queryString(query: Query): string {
  const parts: string[] = [];
  if (query.select !== undefined && query.select.length > 0) parts.push(`$select=${query.select.join(',')}`);
  if (query.filter !== undefined) parts.push(`$filter=${encodeURIComponent(query.filter)}`);
  if (query.orderBy !== undefined) parts.push(`$orderby=${encodeURIComponent(query.orderBy)}`);
  if (query.top !== undefined) parts.push(`$top=${query.top}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

export class DataverseClient {
  readonly apiRoot: string;
  readonly http: HttpCore;
  readonly changeSetSize: number;

  constructor(options: DataverseClientOptions) {
    this.apiRoot = `${options.url.replace(/\/$/, '')}${API_PATH}`;
    this.http = new HttpCore({ budget: DATAVERSE_REQUEST_BUDGET, ...options, service: 'Dataverse' });
    this.changeSetSize = options.changeSetSize ?? 50;
  }

  /** A client for the settings, with an msal app-only token for `{DATAVERSE_URL}/.default`. */
  static fromSettings(settings: DataverseSettings, options: Omit<DataverseClientOptions, 'url' | 'tokens' | 'secrets'> & { tokenOptions?: AppTokenSourceOptions } = {}): DataverseClient {
    const tokens = new AppTokenSource(createConfidentialClient(settings), settings, settings.dataverseUrl, options.tokenOptions);
    const secrets = settings.credential.kind === 'secret' ? [settings.credential.secret] : [];
    return new DataverseClient({ ...options, url: settings.dataverseUrl, tokens, secrets });
  }

  private headers(extra: Record<string, string> = {}, prefer: string[] = []): Record<string, string> {
    return {
      accept: 'application/json',
      'odata-maxversion': '4.0',
      'odata-version': '4.0',
      ...(prefer.length === 0 ? {} : { prefer: prefer.join(',') }),
      ...extra,
    };
  }

  private async expectOk(request: HttpRequest, accept: (status: number) => boolean = (status) => status >= 200 && status < 300): Promise<HttpResponse> {
    const response = await this.http.send(request);
    if (!accept(response.status)) throw this.http.errorFor(response, request);
    return response;
  }

  private parseJson<T>(response: HttpResponse, schema: z.ZodType<T>, request: HttpRequest): T {
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new DataverseError('invalid-response', adminMessage('invalid-response', 'Dataverse'), { service: 'Dataverse', status: response.status, request: describeRequest(request.method, request.url) });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first === undefined ? '' : ` (${first.path.join('.') || 'body'}: ${first.message})`;
      throw new DataverseError('invalid-response', `${adminMessage('invalid-response', 'Dataverse')}${where}`, { service: 'Dataverse', status: response.status, request: describeRequest(request.method, request.url) });
    }
    return parsed.data;
  }

  /** GET of a path under the Web API root (a function call, a single row), parsed with `schema`. */
  async get<T>(path: string, schema: z.ZodType<T>, options: { formattedValues?: boolean } = {}): Promise<T> {
    const request: HttpRequest = { method: 'GET', url: `${this.apiRoot}/${path}`, headers: this.headers({}, options.formattedValues === true ? ['odata.include-annotations="*"'] : []) };
    return this.parseJson(await this.expectOk(request), schema, request);
  }

  /** One row by id, or null when it does not exist. */
  async retrieve(entitySet: string, id: string, select: readonly string[] = [], options: { formattedValues?: boolean } = {}): Promise<Row | null> {
    const request: HttpRequest = {
      method: 'GET',
      url: `${this.apiRoot}/${entitySet}(${odataGuid(id)})${queryString({ select })}`,
      headers: this.headers({}, options.formattedValues === true ? ['odata.include-annotations="*"'] : []),
    };
    const response = await this.expectOk(request, (status) => (status >= 200 && status < 300) || status === 404);
    return response.status === 404 ? null : this.parseJson(response, rowSchema, request);
  }

  /** Pages of rows, following @odata.nextLink until the last page. */
  async *pages(entitySet: string, query: Query = {}, options: PageOptions = {}): AsyncGenerator<Row[], void, undefined> {
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const prefer = [`odata.maxpagesize=${pageSize}`, ...(options.formattedValues === true ? ['odata.include-annotations="*"'] : [])];
    let url: string | undefined = `${this.apiRoot}/${entitySet}${queryString(query)}`;
    while (url !== undefined) {
      const request: HttpRequest = { method: 'GET', url, headers: this.headers({}, prefer) };
      const page = this.parseJson(await this.expectOk(request), collectionSchema, request);
      yield page.value;
      url = page['@odata.nextLink'];
      if (url !== undefined && !url.startsWith(this.apiRoot)) {
        throw new DataverseError('invalid-response', 'Dataverse sent a next-page link outside its own address; the bot does not follow it.', { service: 'Dataverse' });
      }
    }
  }

  /** Every row of a query, across pages. */
  async *rows(entitySet: string, query: Query = {}, options: PageOptions = {}): AsyncGenerator<Row, void, undefined> {
    for await (const page of this.pages(entitySet, query, options)) yield* page;
  }

  /**
   * Updates a row only if it still has `etag` (If-Match). A 412 is not an error but a conflict that
   * carries the current row, so the caller can say "it changed meanwhile: here is the current state".
   * `options.tokens`: the bearer for this update only, e.g. the approver's own sign-in (`delegatedTokenSource`),
   * since Dynamics 365 checks the caller's admin role when an address is approved.
   */
  async update(
    entitySet: string,
    id: string,
    changes: Readonly<Record<string, unknown>>,
    etag: string,
    currentSelect: readonly string[] = [],
    options: { readonly tokens?: AccessTokenSource } = {},
  ): Promise<UpdateResult> {
    if (etag.trim() === '' || etag.trim() === '*') throw new DataverseError('bad-request', 'Every update needs the ETag of the row it was decided on.', { service: 'Dataverse' });
    const request: HttpRequest = {
      method: 'PATCH',
      url: `${this.apiRoot}/${entitySet}(${odataGuid(id)})`,
      headers: this.headers({ 'content-type': 'application/json', 'if-match': etag }),
      body: JSON.stringify(changes),
      ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
    };
    const response = await this.expectOk(request, (status) => (status >= 200 && status < 300) || status === 412);
    if (response.status === 412) return { outcome: 'conflict', current: await this.retrieve(entitySet, id, currentSelect) };
    return { outcome: 'updated', etag: response.headers.get('etag') };
  }

  /**
   * Sends operations in $batch requests of change sets (`changeSetSize` per transaction, 50 by
   * default). A failing change set is rolled back by the service; the others go on
   * (odata.continue-on-error). One result per operation, in order.
   */
  async batch(operations: readonly BatchOperation[], options: BatchOptions = {}): Promise<BatchOperationResult[]> {
    const changeSetSize = Math.max(1, Math.min(options.changeSetSize ?? this.changeSetSize, MAX_BATCH_REQUESTS));
    const perBatch = Math.max(changeSetSize, Math.min(options.requestsPerBatch ?? MAX_BATCH_REQUESTS, MAX_BATCH_REQUESTS));
    const changeSetsPerBatch = Math.floor(perBatch / changeSetSize);
    for (const operation of operations) {
      if (operation.method === 'PATCH' && (operation.etag === undefined || operation.etag.trim() === '' || operation.etag.trim() === '*')) {
        throw new DataverseError('bad-request', `Every update needs the ETag of the row it was decided on (${operation.path}).`, { service: 'Dataverse' });
      }
    }
    const changeSets: BatchOperation[][] = [];
    for (let start = 0; start < operations.length; start += changeSetSize) changeSets.push(operations.slice(start, start + changeSetSize));
    const groups: BatchOperation[][][] = [];
    for (let start = 0; start < changeSets.length; start += changeSetsPerBatch) groups.push(changeSets.slice(start, start + changeSetsPerBatch));
    const results = await Promise.all(groups.map((group) => this.sendBatch(group, options.tokens)));
    return results.flat();
  }

  private async sendBatch(changeSets: readonly BatchOperation[][], tokens: AccessTokenSource | undefined): Promise<BatchOperationResult[]> {
    const { boundary, body } = encodeBatch(this.apiRoot, changeSets);
    const request: HttpRequest = {
      method: 'POST',
      url: `${this.apiRoot}/$batch`,
      headers: this.headers({ 'content-type': `multipart/mixed; boundary=${boundary}` }, ['odata.continue-on-error']),
      body,
      ...(tokens === undefined ? {} : { tokens }),
    };
    const response = await this.expectOk(request);
    let answers;
    try {
      answers = parseBatchResponse(response.text, response.headers.get('content-type'));
    } catch {
      throw new DataverseError('invalid-response', adminMessage('invalid-response', 'Dataverse'), { service: 'Dataverse', status: response.status, request: 'POST $batch' });
    }
    return changeSets.flatMap((changeSet, index): BatchOperationResult[] => {
      const answer = answers[index];
      if (answer === undefined) {
        const error = new DataverseError('invalid-response', 'Dataverse answered fewer change sets than were sent; the missing ones may not have run.', { service: 'Dataverse', request: 'POST $batch' });
        return changeSet.map((operation) => ({ outcome: 'failed', operation, error }));
      }
      if (answer.committed) {
        return changeSet.map((operation, position) => {
          const part = answer.responses.find((candidate) => candidate.contentId === String(position + 1)) ?? answer.responses[position];
          return { outcome: 'done', operation, etag: part?.headers.etag ?? null };
        });
      }
      const failedAt = Number(answer.error.contentId ?? '0') - 1;
      return changeSet.map((operation, position): BatchOperationResult => {
        if (position !== failedAt) return { outcome: 'rolled-back', operation };
        if (answer.error.status === 412) return { outcome: 'conflict', operation };
        return { outcome: 'failed', operation, error: this.partError(answer.error, operation) };
      });
    });
  }

  private partError(part: BatchPartResponse, operation: BatchOperation): DataverseError {
    return this.http.errorFor({ status: part.status, headers: new Headers(part.headers), text: part.body }, { method: operation.method, url: `${this.apiRoot}/${operation.path}` });
  }

  /** WhoAmI: the calling (application) user. */
  whoAmI(): Promise<{ UserId: string; BusinessUnitId: string; OrganizationId: string }> {
    return this.get('WhoAmI()', z.object({ UserId: z.string(), BusinessUnitId: z.string(), OrganizationId: z.string() }));
  }

  /** The organization's product version, e.g. `9.2.24104.00170`. */
  async retrieveVersion(): Promise<string> {
    return (await this.get('RetrieveVersion()', z.object({ Version: z.string() }))).Version;
  }

  /**
   * The user's roles' grants of one privilege (team roles included); empty when the user lacks it.
   * `Depth` arrives as a name ("Global") or a number (3), so both are read.
   */
  async retrieveUserPrivilegeByPrivilegeName(userId: string, privilegeName: string): Promise<readonly { depth: PrivilegeDepthName; privilegeName: string; businessUnitId: string | null }[]> {
    if (!/^[A-Za-z0-9_]+$/.test(privilegeName)) throw new DataverseError('bad-request', `"${privilegeName}" is not a privilege name.`, { service: 'Dataverse' });
    const answer = await this.get(
      `systemusers(${odataGuid(userId)})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName=${odataString(privilegeName)})`,
      z.object({ RolePrivileges: z.array(z.object({ Depth: privilegeDepthSchema, PrivilegeName: z.string(), BusinessUnitId: z.string().nullable().optional() })) }),
    );
    return answer.RolePrivileges.map((grant) => ({ depth: grant.Depth, privilegeName: grant.PrivilegeName, businessUnitId: grant.BusinessUnitId ?? null }));
  }
}

/** SDK `PrivilegeDepth`: Basic 0 (User) · Local 1 (Business Unit) · Deep 2 (Parent: Child BU) · Global 3 (Organization). */
const depthNames = ['Basic', 'Local', 'Deep', 'Global'] as const;
export type PrivilegeDepthName = (typeof depthNames)[number];
const privilegeDepthSchema = z.union([z.enum(depthNames), z.coerce.number().int().min(0).max(3).transform((depth): PrivilegeDepthName => depthNames[depth] ?? 'Basic')]);
