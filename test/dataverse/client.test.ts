// The Dataverse client against the fake: paging, $skip refused, batch rollback, typed 412 conflicts,
// the whole-client 429 pause (measured at the fake), the concurrency cap (measured at the fake),
// token caching and refresh, retries, and admin-actionable messages without secrets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataverseClient } from '../../src/dataverse/client.js';
import type { BatchOperation } from '../../src/dataverse/batch.js';
import type { ThrottleEvent } from '../../src/dataverse/http-core.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import { AppTokenSource, createConfidentialClient } from '../../src/dataverse/token.js';
import { APPLICATION_USER_PRIVILEGES } from '../../src/dataverse/privileges.js';
import { FAKE_CLIENT_SECRET, startFakeCloud } from '../fakes/fake-cloud.js';
import type { FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';

let cloud: FakeCloud;
const mailboxOf = (user: string): string => guidOf(`mailbox-${user}`);
const newClient = (options: Partial<ConstructorParameters<typeof DataverseClient>[0]> = {}): DataverseClient =>
  DataverseClient.fromSettings(cloud.settings, { retryBaseDelayMs: 5, ...options });

async function failureOf(promise: Promise<unknown>): Promise<DataverseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataverseError) return error;
    throw error;
  }
  throw new Error('expected a DataverseError');
}

beforeAll(async () => {
  cloud = await startFakeCloud({ testDelayMs: 30 });
});
afterAll(() => cloud.close());
afterEach(() => {
  cloud.dataverse.setLimits(null);
  cloud.dataverse.setLatency(0);
  cloud.dataverse.failNext(0);
});

describe('DataverseClient: reading', () => {
  it('sends the OData headers and pages through @odata.nextLink', async () => {
    const client = newClient();
    const before = cloud.dataverse.requests.length;
    const pages: number[] = [];
    for await (const page of client.pages('mailboxes', { select: ['emailaddress'], filter: 'statecode eq 0' }, { pageSize: 5 })) pages.push(page.length);
    expect(pages).toEqual([5, 5, 2]);
    const sent = cloud.dataverse.requests.slice(before);
    expect(sent).toHaveLength(3);
    expect(sent.every((record) => record.status === 200)).toBe(true);

    const addresses: unknown[] = [];
    for await (const row of client.rows('mailboxes', { select: ['emailaddress'], filter: "emailaddress eq 'pia@contoso.com' or emailaddress eq 'ada@contoso.com'" }, { pageSize: 1 })) addresses.push(row.emailaddress);
    expect(addresses.sort()).toEqual(['ada@contoso.com', 'pia@contoso.com']);
  });

  it('turns the refusal of $skip into a typed error with an admin message, not the OData body', async () => {
    const error = await failureOf(newClient().get('mailboxes?$skip=10', z.unknown()));
    expect(error.kind).toBe('bad-request');
    expect(error.details).toMatchObject({ status: 400, code: '0x80060888', service: 'Dataverse' });
    expect(error.message).toContain('The query parameter $skip is not supported');
    expect(error.message).not.toContain('{');
  });

  it('reads WhoAmI, RetrieveVersion and privileges by name with their depth', async () => {
    const client = newClient();
    expect((await client.whoAmI()).UserId).toBe(guidOf(`application-user:${cloud.settings.clientId}`));
    expect(await client.retrieveVersion()).toBe('9.1.0.5805');
    expect(await client.retrieveUserPrivilegeByPrivilegeName(guidOf('user-ada'), 'prvApproveRejectEmailAddress')).toEqual([
      { depth: 'Global', privilegeName: 'prvApproveRejectEmailAddress', businessUnitId: guidOf('bu-contoso') },
    ]);
    expect(await client.retrieveUserPrivilegeByPrivilegeName(guidOf('user-otto'), 'prvApproveRejectEmailAddress')).toEqual([]);
  });
});

describe('DataverseClient: writing', () => {
  it('updates with If-Match and returns a typed conflict with the current row when it changed meanwhile', async () => {
    const client = newClient();
    const mailbox = mailboxOf('user-sam');
    const read = await client.retrieve('mailboxes', mailbox, ['actdeliverymethod']);
    const etag = z.string().parse(read?.['@odata.etag']);
    cloud.dataverse.modify('mailboxes', mailbox, { actdeliverymethod: 2 });

    const result = await client.update('mailboxes', mailbox, { actdeliverymethod: 0 }, etag, ['actdeliverymethod']);
    expect(result.outcome).toBe('conflict');
    expect(result.outcome === 'conflict' ? result.current?.actdeliverymethod : undefined).toBe(2);
    expect(cloud.dataverse.row('mailboxes', mailbox)?.actdeliverymethod).toBe(2);

    const fresh = z.string().parse(result.outcome === 'conflict' ? result.current?.['@odata.etag'] : undefined);
    const retried = await client.update('mailboxes', mailbox, { actdeliverymethod: 0 }, fresh);
    expect(retried).toEqual({ outcome: 'updated', etag: `W/"${String(cloud.dataverse.row('mailboxes', mailbox)?.versionnumber)}"` });
    await expect(client.update('mailboxes', mailbox, { actdeliverymethod: 1 }, '*')).rejects.toThrow('needs the ETag');
  });

  it('sends change sets in $batch and reports a rolled-back change set per operation', async () => {
    const client = newClient({ changeSetSize: 2 });
    const users = ['user-ada', 'user-evan', 'user-dana', 'user-otto'];
    const operations: BatchOperation[] = [];
    for (const user of users) {
      const row = await client.retrieve('mailboxes', mailboxOf(user), ['versionnumber']);
      operations.push({ method: 'PATCH', path: `mailboxes(${mailboxOf(user)})`, body: { orgmarkedasprimaryforexchangesync: true }, etag: z.string().parse(row?.['@odata.etag']) });
    }
    cloud.dataverse.modify('mailboxes', mailboxOf('user-dana'), { actdeliverymethod: 1 }); // makes the 3rd operation's ETag stale
    const versions = users.map((user) => cloud.dataverse.row('mailboxes', mailboxOf(user))?.versionnumber);
    const before = cloud.dataverse.requests.length;

    const results = await client.batch(operations);
    expect(results.map((result) => result.outcome)).toEqual(['done', 'done', 'conflict', 'rolled-back']);
    expect(cloud.dataverse.requests.slice(before).map((record) => `${record.method} ${record.innerRequests}`)).toEqual(['POST 4']);
    expect(cloud.dataverse.row('mailboxes', mailboxOf('user-evan'))?.orgmarkedasprimaryforexchangesync).toBe(true);
    expect(cloud.dataverse.row('mailboxes', mailboxOf('user-otto'))?.versionnumber).toBe(versions[3]);
    expect(cloud.dataverse.row('mailboxes', mailboxOf('user-otto'))?.orgmarkedasprimaryforexchangesync).toBe(false);
    await expect(client.batch([{ method: 'PATCH', path: `mailboxes(${mailboxOf('user-ada')})`, body: {} }])).rejects.toThrow('needs the ETag');
  });

  it('reports a request the service rejected inside a change set as failed, with the platform text cleaned up', async () => {
    const client = newClient();
    const row = await client.retrieve('mailboxes', mailboxOf('user-erin'), ['versionnumber']);
    const [result] = await client.batch([{ method: 'PATCH', path: `mailboxes(${mailboxOf('user-erin')})`, body: { actdeliverymethod: 7 }, etag: z.string().parse(row?.['@odata.etag']) }]);
    expect(result?.outcome).toBe('failed');
    const error = result?.outcome === 'failed' ? result.error : undefined;
    expect(error?.kind).toBe('bad-request');
    expect(error?.details).toMatchObject({ status: 400, request: `PATCH /api/data/v9.2/mailboxes(${mailboxOf('user-erin')})` });
    expect(error?.message).toContain("The value 7 of 'actdeliverymethod' on record of type 'mailbox' is outside the valid range.");
  });

  it('splits operations into change sets of the configured size and $batch requests of at most the configured count', async () => {
    const client = newClient();
    expect(client.changeSetSize).toBe(50);
    const row = await client.retrieve('mailboxes', mailboxOf('user-gus'), ['versionnumber']);
    const etag = z.string().parse(row?.['@odata.etag']);
    // 120 updates of one row with one ETag: only the first can pass, so every change set fails at a known place.
    const operations: BatchOperation[] = Array.from({ length: 120 }, () => ({ method: 'PATCH', path: `mailboxes(${mailboxOf('user-gus')})`, body: { actdeliverymethod: 1 }, etag }));
    const before = cloud.dataverse.requests.length;
    const results = await client.batch(operations, { requestsPerBatch: 100 });
    expect(cloud.dataverse.requests.slice(before).map((record) => record.innerRequests).sort()).toEqual([100, 20]);
    expect(results.filter((result) => result.outcome === 'conflict')).toHaveLength(3);
    expect(results.filter((result) => result.outcome === 'rolled-back')).toHaveLength(117);
    expect(cloud.dataverse.row('mailboxes', mailboxOf('user-gus'))?.versionnumber).toBe(row?.versionnumber);
  });
});

describe('DataverseClient: staying within the limits', () => {
  it('pauses the whole client for Retry-After after a 429: the fake receives nothing during the wait, and every request still succeeds', async () => {
    cloud.dataverse.setLimits({ requestsPerWindow: 8, windowMs: 1_000, maxConcurrent: 52, executionMsPerWindow: 1e9, penaltyMsPerRequestWhileThrottled: 0 });
    const started = Date.now();
    const throttles: ThrottleEvent[] = [];
    const told: { at: number; until: number }[] = [];
    const sent: number[] = [];
    const client = newClient({
      maxConcurrent: 4,
      onThrottle: (event) => {
        throttles.push(event);
        told.push({ at: Date.now(), until: event.resumesAt });
      },
      fetch: (input, init) => {
        sent.push(Date.now());
        return fetch(input, init);
      },
    });
    const first = cloud.dataverse.throttles.length;
    const answers = await Promise.all(Array.from({ length: 24 }, () => client.whoAmI()));
    expect(answers).toHaveLength(24);
    const windows = cloud.dataverse.throttles.slice(first);
    expect(windows.length).toBeGreaterThanOrEqual(1);
    expect(throttles.length).toBeGreaterThanOrEqual(1);
    expect(throttles[0]).toMatchObject({ service: 'Dataverse', limit: 'numberOfRequests', request: 'GET /api/data/v9.2/WhoAmI()' });
    expect(throttles[0]?.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    // At the fake: requests already on the wire when the 429 left it may still arrive a moment later.
    const graceMs = 250;
    for (const window of windows) expect(cloud.dataverse.requestsBetween(window.at + graceMs, window.until)).toEqual([]);
    // At the client, exactly: nothing sent from the moment a 429 was read until its Retry-After passed.
    for (const pause of told) expect(sent.filter((at) => at > pause.at && at < pause.until)).toEqual([]);
    // 24 requests at 8 per second cannot take less than two full windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('gives up with a throttled error when the waits would pass the bound the caller set, and still pauses', async () => {
    cloud.dataverse.setLimits({ requestsPerWindow: 1, windowMs: 2_000, maxConcurrent: 52, executionMsPerWindow: 1e9, penaltyMsPerRequestWhileThrottled: 0 });
    const client = newClient({ maxThrottleWaitMs: 500 });
    await client.whoAmI();
    const error = await failureOf(client.whoAmI());
    expect(error.kind).toBe('throttled');
    expect(error.details.code).toBe('0x80072322');
    expect(error.message).toBe("Dynamics 365 (Dataverse) is limiting the bot's requests (service protection). The work slows down; try again in a few minutes.");
    expect(client.http.gate.pausedFor).toBeGreaterThan(0);
  });

  it('never has more requests in flight than its concurrency cap', async () => {
    cloud.dataverse.setLatency(40);
    const client = newClient({ maxConcurrent: 3 });
    cloud.dataverse.resetMaxConcurrentSeen();
    await Promise.all(Array.from({ length: 15 }, () => client.whoAmI()));
    expect(cloud.dataverse.maxConcurrentSeen).toBe(3);
  });

  it('retries a read that timed out, and reports a time-out when every attempt does', async () => {
    const client = newClient({ timeoutMs: 100, maxRetries: 1 });
    cloud.dataverse.setLatency(300);
    const before = cloud.dataverse.requests.length;
    const error = await failureOf(client.retrieveVersion());
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Dynamics 365 (Dataverse) did not answer in time. It may be busy; the request can be tried again later.');
    expect(cloud.dataverse.requests.length - before).toBe(2);
  });

  it('retries an idempotent request after 5xx answers, but not an update', async () => {
    const client = newClient();
    cloud.dataverse.failNext(2, 503);
    expect(await client.retrieveVersion()).toBe('9.1.0.5805');

    const mailbox = mailboxOf('user-cody');
    const row = await client.retrieve('mailboxes', mailbox, ['versionnumber']);
    cloud.dataverse.failNext(1, 503);
    const error = await failureOf(client.update('mailboxes', mailbox, { actdeliverymethod: 2 }, z.string().parse(row?.['@odata.etag'])));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('Dynamics 365');
  });
});

describe('DataverseClient: tokens and errors', () => {
  it('asks the token endpoint once for many concurrent requests and renews the token before it expires', async () => {
    let now = Date.now();
    const tokens = new AppTokenSource(createConfidentialClient(cloud.settings), cloud.settings, cloud.settings.dataverseUrl, { now: () => now });
    const client = new DataverseClient({ url: cloud.settings.dataverseUrl, tokens });
    const granted = () => cloud.tokenEndpoint.tokenRequests.filter((request) => request.granted && request.scope === `${cloud.dataverse.url}/.default`).length;
    const before = granted();
    await Promise.all(Array.from({ length: 10 }, () => client.whoAmI()));
    expect(granted() - before).toBe(1);
    now += 3_600_000 - 299_000; // inside the renewal margin of a one-hour token
    await client.whoAmI();
    expect(granted() - before).toBe(2);
    // msal asked the authority itself for its metadata: no instance discovery elsewhere.
    const tenant = cloud.settings.tenantId;
    expect(new Set(cloud.tokenEndpoint.paths)).toEqual(new Set([`/${tenant}/v2.0/.well-known/openid-configuration`, `/${tenant}/oauth2/v2.0/token`]));
  });

  it('says which settings to check when the secret is wrong, without the secret', async () => {
    const wrongSecret = 'wrong-secret-value-8Q~abc';
    const client = DataverseClient.fromSettings({ ...cloud.settings, credential: { kind: 'secret', secret: wrongSecret } });
    const error = await failureOf(client.whoAmI());
    expect(error.kind).toBe('authentication');
    expect(error.message).toContain('AZURE_CLIENT_SECRET');
    expect(error.message).toContain('AADSTS7000215');
    expect(error.message).not.toContain(wrongSecret);
    expect(error.message).not.toContain(FAKE_CLIENT_SECRET);
  });

  it('signs in with a certificate, and names the setting when the certificate file cannot be read', async () => {
    const withCertificate = DataverseClient.fromSettings({ ...cloud.settings, credential: { kind: 'certificate', certificatePath: cloud.clientCertificateFile } });
    expect((await withCertificate.whoAmI()).UserId).toBe(guidOf(`application-user:${cloud.settings.clientId}`));
    expect(() => DataverseClient.fromSettings({ ...cloud.settings, credential: { kind: 'certificate', certificatePath: '/nonexistent/bot.pem' } })).toThrow(
      'AZURE_CLIENT_CERTIFICATE_PATH: cannot read /nonexistent/bot.pem (ENOENT).',
    );
  });

  it('says the service is unreachable when nothing listens at the URL', async () => {
    const client = DataverseClient.fromSettings({ ...cloud.settings, dataverseUrl: 'https://127.0.0.1:1' }, { maxRetries: 1, retryBaseDelayMs: 1 });
    const error = await failureOf(client.retrieveVersion());
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe('Dynamics 365 (Dataverse) is unreachable. Check the URL setting and the network path from the bot to it.');
  });

  it('names the missing privilege and the fix when the application user lacks it', async () => {
    const limited = await startFakeCloud({ applicationPrivileges: APPLICATION_USER_PRIVILEGES.map((privilege) => privilege.name).filter((name) => name !== 'prvReadMailbox') });
    try {
      const error = await failureOf(DataverseClient.fromSettings(limited.settings).retrieve('mailboxes', mailboxOf('user-ada')));
      expect(error.kind).toBe('forbidden');
      expect(error.message).toContain('is missing prvReadMailbox privilege');
      expect(error.message).toContain('docs/dataverse.md');
      expect(error.message).not.toContain(FAKE_CLIENT_SECRET);
    } finally {
      await limited.close();
    }
  });
});
