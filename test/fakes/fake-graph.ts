// A fake Microsoft Graph serving the one call the bot makes:
// GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId
// It requires ConsistencyLevel: eventual (as Graph does for this OData cast), pages with
// @odata.nextLink ($top, default 100, at most 999), and answers 429 with Retry-After beyond a
// configurable number of requests per window. Errors have Graph's { error: { code, message } } shape.
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import type { FakeDirectory } from './directory.js';
import { checkBearer } from './jwt.js';
import { sendJson, startLoopbackServer } from './loopback.js';
import type { TestCertificates } from './tls.js';

const ROLE_NAMES: Readonly<Record<string, string>> = {
  [DirectoryRoleTemplateIds.GlobalAdministrator]: 'Global Administrator',
  [DirectoryRoleTemplateIds.ExchangeAdministrator]: 'Exchange Administrator',
  [DirectoryRoleTemplateIds.Dynamics365Administrator]: 'Dynamics 365 Administrator',
  [DirectoryRoleTemplateIds.PowerPlatformAdministrator]: 'Power Platform Administrator',
};

export interface FakeGraphOptions {
  readonly directory: FakeDirectory;
  readonly tokenKey: KeyObject;
  /** Page size without $top (Graph: 100). */
  readonly defaultPageSize?: number;
  readonly limit?: { readonly requestsPerWindow: number; readonly windowMs: number } | null;
  readonly tls?: TestCertificates;
}

export interface FakeGraph {
  readonly url: string;
  readonly requests: { at: number; path: string; status: number }[];
  setLimit(limit: { requestsPerWindow: number; windowMs: number } | null): void;
  close(): Promise<void>;
}

const graphError = (response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
  sendJson(response, status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': '00000000-0000-0000-0000-000000000000' } } }, headers);

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const requests: { at: number; path: string; status: number }[] = [];
  let limit = options.limit ?? null;
  let arrivals: number[] = [];
  let base = '';

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const at = Date.now();
    const url = new URL(request.url ?? '/', base);
    const entry = { at, path: `${url.pathname}${url.search}`, status: 0 };
    requests.push(entry);
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      sendJson(response, status, body, headers);
    };
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      graphError(response, status, code, message, headers);
    };
    const auth = checkBearer(request.headers.authorization, options.tokenKey, base, Math.floor(at / 1000));
    if ('reason' in auth) return fail(401, 'InvalidAuthenticationToken', `Access token validation failure. ${auth.reason}.`);
    if (limit !== null) {
      const windowMs = limit.windowMs;
      arrivals = arrivals.filter((time) => time > at - windowMs);
      if (arrivals.length >= limit.requestsPerWindow) {
        const retryAfter = Math.max(1, Math.ceil(((arrivals[0] ?? at) + windowMs - at) / 1000));
        return fail(429, 'TooManyRequests', 'Too many requests. Please try again later.', { 'retry-after': String(retryAfter) });
      }
      arrivals.push(at);
    }
    if (request.method === 'GET' && url.pathname === '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances') {
      const principal = /^principalId eq '([0-9a-fA-F-]+)'$/.exec(url.searchParams.get('$filter') ?? '');
      if (principal === null) return fail(400, 'BadRequest', "Invalid filter clause: only principalId eq '<id>' is served by the fake.");
      const eligible = [...options.directory.eligibleRoleTemplateIdsOf(principal[1] ?? '')].sort();
      return respond(200, {
        '@odata.context': `${base}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(roleDefinitionId)`,
        value: eligible.map((roleDefinitionId) => ({ id: `eligibility-${roleDefinitionId}`, principalId: principal[1], roleDefinitionId, directoryScopeId: '/', memberType: 'Direct' })),
      });
    }
    const match = /^\/v1\.0\/users\/([^/]+)\/transitiveMemberOf\/microsoft\.graph\.directoryRole$/.exec(url.pathname);
    if (request.method !== 'GET' || match === null) return fail(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
    if ((request.headers.consistencylevel ?? '').toString().toLowerCase() !== 'eventual') {
      return fail(400, 'Request_UnsupportedQuery', 'Request with OData cast on transitiveMemberOf requires the ConsistencyLevel header set to eventual.');
    }
    const userId = decodeURIComponent(match[1] ?? '').toLowerCase();
    if (!options.directory.users.has(userId) && options.directory.roleTemplateIdsOf(userId).size === 0) {
      return fail(404, 'Request_ResourceNotFound', `Resource '${userId}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const top = Math.min(Number(url.searchParams.get('$top') ?? options.defaultPageSize ?? 100), 999);
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const select = url.searchParams.get('$select')?.split(',') ?? null;
    const roles = [...options.directory.roleTemplateIdsOf(userId)].sort().map((roleTemplateId) => {
      const role: Record<string, unknown> = { '@odata.type': '#microsoft.graph.directoryRole', id: roleTemplateId, displayName: ROLE_NAMES[roleTemplateId] ?? 'Role', roleTemplateId };
      return select === null ? role : Object.fromEntries(Object.entries(role).filter(([key]) => key.startsWith('@') || key === 'id' || select.includes(key)));
    });
    const page = roles.slice(skip, skip + top);
    const next = new URLSearchParams(url.searchParams);
    next.set('$skiptoken', String(skip + top));
    respond(200, {
      '@odata.context': `${base}/v1.0/$metadata#directoryObjects(roleTemplateId)`,
      value: page,
      ...(skip + top < roles.length ? { '@odata.nextLink': `${base}${url.pathname}?${next.toString()}` } : {}),
    });
  };

  const server = await startLoopbackServer(handle, options.tls);
  base = server.url;
  return {
    url: server.url,
    requests,
    setLimit: (next) => {
      limit = next;
      arrivals = [];
    },
    close: () => server.close(),
  };
}
