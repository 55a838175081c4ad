// The fake Graph's contract and the directory-roles client against it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DirectoryRoleTemplateIds, GraphDirectoryRoles, GraphRoleDirectory } from '../../src/dataverse/graph.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import type { Clock } from '../../src/dataverse/request-gate.js';
import { startFakeCloud } from '../fakes/fake-cloud.js';
import type { FakeCloud } from '../fakes/fake-cloud.js';
import { rawToken } from './raw.js';

const ADA = '00000000-0000-4000-8000-000000000001'; // Global Administrator in examples/contoso.json
const ERIN = '00000000-0000-4000-8000-000000000005'; // Exchange Administrator
const PIA = '00000000-0000-4000-8000-000000000010'; // no directory role
let cloud: FakeCloud;

beforeAll(async () => {
  cloud = await startFakeCloud({ graphPageSize: 1 });
  cloud.directory.grant(ADA, DirectoryRoleTemplateIds.PowerPlatformAdministrator);
});
afterAll(() => cloud.close());
afterEach(() => cloud.graph.setLimit(null));

const rolesPath = (user: string) => `/v1.0/users/${user}/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId`;

describe('fake Graph', () => {
  it('requires ConsistencyLevel: eventual and pages with @odata.nextLink', async () => {
    const token = await rawToken(cloud, cloud.graph.url);
    const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
    const without = await get(`${cloud.graph.url}${rolesPath(ADA)}`);
    expect(without.status).toBe(400);
    expect(z.object({ error: z.object({ code: z.string() }) }).parse(await without.json()).error.code).toBe('Request_UnsupportedQuery');

    const page = z.object({ value: z.array(z.object({ roleTemplateId: z.string() })), '@odata.nextLink': z.string().optional() });
    const first = page.parse(await (await get(`${cloud.graph.url}${rolesPath(ADA)}`, { consistencylevel: 'eventual' })).json());
    expect(first.value).toHaveLength(1);
    const second = page.parse(await (await get(first['@odata.nextLink'] ?? '', { consistencylevel: 'eventual' })).json());
    expect([...first.value, ...second.value].map((role) => role.roleTemplateId).sort()).toEqual([DirectoryRoleTemplateIds.PowerPlatformAdministrator, DirectoryRoleTemplateIds.GlobalAdministrator].sort());
  });

  it('answers 429 with Retry-After beyond its request limit', async () => {
    const token = await rawToken(cloud, cloud.graph.url);
    cloud.graph.setLimit({ requestsPerWindow: 1, windowMs: 1_000 });
    const get = () => fetch(`${cloud.graph.url}${rolesPath(PIA)}`, { headers: { authorization: `Bearer ${token}`, consistencylevel: 'eventual' } });
    expect((await get()).status).toBe(200);
    const throttled = await get();
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('GraphDirectoryRoles', () => {
  it('reads the roles across pages and keeps them at most 5 minutes', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
    const roles = GraphDirectoryRoles.fromSettings(cloud.settings, { clock, cacheTtlMs: 60 * 60_000 });
    const before = cloud.graph.requests.length;
    expect([...(await roles.rolesOf(ADA))].sort()).toEqual(['GlobalAdministrator', 'PowerPlatformAdministrator']);
    expect([...(await roles.rolesOf(ERIN))]).toEqual(['ExchangeAdministrator']);
    expect((await roles.rolesOf(PIA)).size).toBe(0);
    const afterFirst = cloud.graph.requests.length;
    expect(afterFirst - before).toBe(4); // two pages for Ada, one each for Erin and Pia

    cloud.directory.revoke(ERIN, DirectoryRoleTemplateIds.ExchangeAdministrator);
    expect([...(await roles.rolesOf(ERIN))]).toEqual(['ExchangeAdministrator']); // cached
    expect(cloud.graph.requests.length).toBe(afterFirst);
    now += 5 * 60_000 + 1; // the hour asked for is cut to 5 minutes
    expect((await roles.rolesOf(ERIN)).size).toBe(0);
    cloud.directory.grant(ERIN, DirectoryRoleTemplateIds.ExchangeAdministrator);
  });

  it('waits out a 429 and then answers', async () => {
    cloud.graph.setLimit({ requestsPerWindow: 1, windowMs: 1_000 });
    const roles = GraphDirectoryRoles.fromSettings(cloud.settings);
    const started = Date.now();
    expect((await roles.rolesOf(PIA)).size).toBe(0);
    expect([...(await roles.rolesOf(ERIN))]).toEqual(['ExchangeAdministrator']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('reports a person Graph does not know as not found, and refuses an id that is not a GUID before sending', async () => {
    const roles = GraphDirectoryRoles.fromSettings(cloud.settings);
    const unknown = await roles.rolesOf('11111111-1111-4111-8111-111111111111').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(DataverseError);
    expect(unknown instanceof DataverseError ? unknown.kind : null).toBe('not-found');
    await expect(roles.rolesOf('not-a-guid')).rejects.toThrow('is not an Entra object id');
  });
});

describe('GraphRoleDirectory (the RoleDirectory port over Graph)', () => {
  it('answers the Microsoft 365 admin roles the permission model names, in the domain order, and none for a person without', async () => {
    const graph = GraphDirectoryRoles.fromSettings(cloud.settings);
    const roles = new GraphRoleDirectory(graph);
    expect(await roles.rolesOf(ADA)).toEqual(['GlobalAdministrator']);
    expect(await roles.rolesOf(PIA)).toEqual([]);
    // Sid is the organization file's Service administrator: Dynamics 365 administrator in Entra.
    expect(await roles.isServiceAdministrator('00000000-0000-4000-8000-000000000004')).toBe(true);
    expect(await roles.isServiceAdministrator(ADA)).toBe(false);
    cloud.directory.grant(ERIN, DirectoryRoleTemplateIds.GlobalAdministrator);
    try {
      graph.forget(ERIN);
      expect(await roles.rolesOf(ERIN)).toEqual(['GlobalAdministrator', 'ExchangeAdministrator']);
    } finally {
      cloud.directory.revoke(ERIN, DirectoryRoleTemplateIds.GlobalAdministrator);
    }
  });
});
