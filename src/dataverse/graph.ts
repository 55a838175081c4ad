// The Entra directory roles of a person, from Microsoft Graph with an app-only token (User.Read.All):
// GET /v1.0/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId with
// ConsistencyLevel: eventual. Transitive, so roles held through role-assignable groups count; a
// PIM-eligible role appears only while it is activated. Answers are cached for at most 5 minutes,
// so a role removed in Entra stops counting within that time.
import { z } from 'zod';
import type { RoleDirectory } from '../app/role-directory.js';
import { Office365Roles, type Office365Role } from '../domain/options.js';
import type { DataverseSettings } from './config.js';
import { DataverseError } from './errors.js';
import { HttpCore } from './http-core.js';
import type { HttpCoreOptions, HttpRequest } from './http-core.js';
import type { Clock } from './request-gate.js';
import { systemClock } from './request-gate.js';
import type { AdminRoleEligibility } from '../app/platform-refusal.js';
import type { AccessTokenSource } from './token.js';
import { AppTokenSource, createConfidentialClient } from './token.js';

/** Immutable role template ids (Entra permissions reference). */
export const DirectoryRoleTemplateIds = {
  GlobalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  ExchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  /** The approval table's "Service admin". */
  Dynamics365Administrator: '44367163-eba1-44c3-98af-f5787879f96a',
  PowerPlatformAdministrator: '11648597-926c-4cf3-9c36-bcebb0ba8dcc',
} as const;
export type DirectoryRole = keyof typeof DirectoryRoleTemplateIds;

export const MAX_ROLE_CACHE_MS = 5 * 60_000;

const pageSchema = z.object({
  value: z.array(z.object({ roleTemplateId: z.string().nullable().optional() })),
  '@odata.nextLink': z.string().optional(),
});

const eligibilityPageSchema = z.object({
  value: z.array(z.object({ roleDefinitionId: z.string().nullable().optional() })),
  '@odata.nextLink': z.string().optional(),
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GraphDirectoryRolesOptions extends Omit<HttpCoreOptions, 'service' | 'tokens' | 'clock'> {
  /** Graph root, e.g. `https://graph.microsoft.com`. */
  readonly url: string;
  readonly tokens: AccessTokenSource;
  /** At most 5 minutes (the default); a longer value is cut to 5 minutes. */
  readonly cacheTtlMs?: number;
  readonly clock?: Clock;
}

export class GraphDirectoryRoles implements AdminRoleEligibility {
  readonly http: HttpCore;
  private readonly root: string;
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { roles: ReadonlySet<DirectoryRole>; expiresAt: number }>();

  constructor(options: GraphDirectoryRolesOptions) {
    this.root = options.url.replace(/\/$/, '');
    this.clock = options.clock ?? systemClock;
    this.ttlMs = Math.min(options.cacheTtlMs ?? MAX_ROLE_CACHE_MS, MAX_ROLE_CACHE_MS);
    this.http = new HttpCore({ maxConcurrent: 4, ...options, clock: this.clock, service: 'Microsoft Graph' });
  }

  static fromSettings(settings: DataverseSettings, options: Omit<GraphDirectoryRolesOptions, 'url' | 'tokens' | 'secrets'> = {}): GraphDirectoryRoles {
    const tokens = new AppTokenSource(createConfidentialClient(settings), settings, settings.graphUrl);
    const secrets = settings.credential.kind === 'secret' ? [settings.credential.secret] : [];
    return new GraphDirectoryRoles({ ...options, url: settings.graphUrl, tokens, secrets });
  }

  /** The directory roles (of those the bot knows) the person holds actively now. */
  async rolesOf(userObjectId: string): Promise<ReadonlySet<DirectoryRole>> {
    if (!GUID.test(userObjectId)) throw new DataverseError('bad-request', `"${userObjectId}" is not an Entra object id.`, { service: 'Microsoft Graph' });
    const key = userObjectId.toLowerCase();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.clock.now()) return cached.roles;
    const templateIds = new Set<string>();
    let url: string | undefined = `${this.root}/v1.0/users/${key}/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId`;
    while (url !== undefined) {
      const request: HttpRequest = { method: 'GET', url, headers: { accept: 'application/json', consistencylevel: 'eventual' } };
      const response = await this.http.send(request);
      if (response.status < 200 || response.status >= 300) throw this.http.errorFor(response, request);
      let page;
      try {
        page = pageSchema.parse(JSON.parse(response.text));
      } catch {
        throw new DataverseError('invalid-response', 'Microsoft Graph sent an answer the bot cannot read. Check GRAPH_URL.', { service: 'Microsoft Graph', status: response.status });
      }
      for (const role of page.value) if (role.roleTemplateId) templateIds.add(role.roleTemplateId.toLowerCase());
      url = page['@odata.nextLink'];
      if (url !== undefined && !url.startsWith(this.root)) throw new DataverseError('invalid-response', 'Microsoft Graph sent a next-page link outside GRAPH_URL; the bot does not follow it.', { service: 'Microsoft Graph' });
    }
    const roles = new Set((Object.entries(DirectoryRoleTemplateIds) as [DirectoryRole, string][]).filter(([, id]) => templateIds.has(id)).map(([role]) => role));
    this.cache.set(key, { roles, expiresAt: this.clock.now() + this.ttlMs });
    return roles;
  }

  /**
   * The Global and Exchange Administrator roles the person may activate in Privileged Identity Management but
   * does not hold actively now (roleEligibilityScheduleInstances, RoleEligibilitySchedule.Read.Directory). Not
   * cached: it is asked after Dynamics 365 refused an approval, to say "activate it first".
   */
  async eligibleAdminRoles(userObjectId: string): Promise<readonly Office365Role[]> {
    if (!GUID.test(userObjectId)) throw new DataverseError('bad-request', `"${userObjectId}" is not an Entra object id.`, { service: 'Microsoft Graph' });
    const key = userObjectId.toLowerCase();
    const filter = encodeURIComponent(`principalId eq '${key}'`);
    const templateIds = new Set<string>();
    let url: string | undefined = `${this.root}/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${filter}&$select=roleDefinitionId`;
    while (url !== undefined) {
      const request: HttpRequest = { method: 'GET', url, headers: { accept: 'application/json' } };
      const response = await this.http.send(request);
      if (response.status < 200 || response.status >= 300) throw this.http.errorFor(response, request);
      const page = eligibilityPageSchema.safeParse(JSON.parse(response.text));
      if (!page.success) throw new DataverseError('invalid-response', 'Microsoft Graph sent an answer the bot cannot read. Check GRAPH_URL.', { service: 'Microsoft Graph', status: response.status });
      for (const eligibility of page.data.value) if (eligibility.roleDefinitionId) templateIds.add(eligibility.roleDefinitionId.toLowerCase());
      url = page.data['@odata.nextLink'];
      if (url !== undefined && !url.startsWith(this.root)) throw new DataverseError('invalid-response', 'Microsoft Graph sent a next-page link outside GRAPH_URL; the bot does not follow it.', { service: 'Microsoft Graph' });
    }
    const active = await this.rolesOf(key);
    const adminRoles: readonly Office365Role[] = ['GlobalAdministrator', 'ExchangeAdministrator'];
    return adminRoles.filter((role) => templateIds.has(DirectoryRoleTemplateIds[role]) && !active.has(role));
  }

  /** Forget a person's roles (e.g. after they say they activated a PIM role). */
  forget(userObjectId: string): void {
    this.cache.delete(userObjectId.toLowerCase());
  }
}

/**
 * The role directory over Microsoft Graph: the Microsoft 365 admin roles the permission model names, in the
 * order the domain lists them (so an unchanged answer compares equal). Cached for at most 5 minutes.
 */
export class GraphRoleDirectory implements RoleDirectory {
  constructor(private readonly graph: Pick<GraphDirectoryRoles, 'rolesOf'>) {}

  async rolesOf(aadObjectId: string): Promise<readonly Office365Role[]> {
    const held = await this.graph.rolesOf(aadObjectId);
    return Office365Roles.filter((role) => held.has(role));
  }

  /** The Dynamics 365 administrator role: the permission table's "Service admin". */
  async isServiceAdministrator(aadObjectId: string): Promise<boolean> {
    return (await this.graph.rolesOf(aadObjectId)).has('Dynamics365Administrator');
  }
}
