// Contract tests of the fake Dataverse: each documented limit and behaviour, through plain HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { startFakeCloud } from '../fakes/fake-cloud.js';
import type { FakeCloud } from '../fakes/fake-cloud.js';
import { FAKE_SERVICE_PRINCIPAL_ID } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { FAKE_TRACE_CODES } from '../fakes/fake-dataverse/sync.js';
import { collectionSchema, odataErrorSchema, raw, rawToken } from './raw.js';

let cloud: FakeCloud;
let token: string;
const pia = { user: guidOf('user-pia'), mailbox: guidOf('mailbox-user-pia') };
const ada = { user: guidOf('user-ada'), mailbox: guidOf('mailbox-user-ada') };
const request = (method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}) => raw(cloud, method, path, { ...options, token });
const etagOf = async (set: string, id: string): Promise<string> => z.object({ '@odata.etag': z.string() }).parse((await request('GET', `${set}(${id})?$select=versionnumber`)).json())['@odata.etag'];

beforeAll(async () => {
  cloud = await startFakeCloud({ testDelayMs: 40 });
  token = await rawToken(cloud);
});
afterAll(() => cloud.close());
afterEach(() => {
  cloud.dataverse.setLimits(null);
  cloud.dataverse.setLatency(0);
});

describe('fake Dataverse: OData JSON', () => {
  it('answers a collection with @odata.context and a weak @odata.etag per row, and formatted values only when Prefer asks', async () => {
    const plain = collectionSchema.parse((await request('GET', `mailboxes?$select=name,actdeliverymethod,_emailserverprofile_value&$filter=mailboxid eq ${ada.mailbox}`)).json());
    expect(plain['@odata.context']).toBe(`${cloud.dataverse.url}/api/data/v9.2/$metadata#mailboxes(name,actdeliverymethod,_emailserverprofile_value)`);
    expect(plain.value).toHaveLength(1);
    expect(plain.value[0]?.['@odata.etag']).toMatch(/^W\/"\d+"$/);
    expect(plain.value[0]?.mailboxid).toBe(ada.mailbox);
    expect(Object.keys(plain.value[0] ?? {}).some((key) => key.includes('FormattedValue'))).toBe(false);

    const annotated = await request('GET', `mailboxes(${ada.mailbox})?$select=actdeliverymethod,_emailserverprofile_value,enabledforact`, { headers: { prefer: 'odata.include-annotations="*"' } });
    const row = z.record(z.string(), z.unknown()).parse(annotated.json());
    expect(row['actdeliverymethod@OData.Community.Display.V1.FormattedValue']).toBe('Server-Side Synchronization');
    expect(row['enabledforact@OData.Community.Display.V1.FormattedValue']).toBe('Yes');
    expect(row['_emailserverprofile_value@OData.Community.Display.V1.FormattedValue']).toBe('Microsoft Exchange Online');
    expect(row['_emailserverprofile_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('emailserverprofile');
    expect(annotated.headers.get('etag')).toBe(row['@odata.etag']);
  });

  it('filters with eq, and, null and ge on modifiedon', async () => {
    const noProfile = collectionSchema.parse((await request('GET', `mailboxes?$select=emailaddress&$filter=${encodeURIComponent('_emailserverprofile_value eq null and statecode eq 0')}`)).json());
    expect(noProfile.value.map((row) => row.emailaddress).sort()).toEqual(['cody@contoso.com', 'sid@contoso.com']);

    const before = new Date(Date.now() - 1).toISOString();
    cloud.dataverse.modify('systemusers', guidOf('user-otto'), { fullname: 'Otto Owner-Changed' });
    const changed = collectionSchema.parse((await request('GET', `systemusers?$select=fullname&$filter=${encodeURIComponent(`modifiedon ge ${before}`)}`)).json());
    expect(changed.value.map((row) => row.fullname)).toEqual(['Otto Owner-Changed']);

    const unknown = await request('GET', 'mailboxes?$filter=nosuchcolumn eq 1');
    expect(unknown.status).toBe(400);
    expect(odataErrorSchema.parse(unknown.json()).error.message).toBe("Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.mailbox'.");
  });
});

describe('fake Dataverse: paging', () => {
  it('caps a page at 5,000 rows whatever odata.maxpagesize asks, and pages on with @odata.nextLink', async () => {
    cloud.dataverse.insert('tracelogs', Array.from({ length: 5_100 }, (_, index) => ({ level: 1, tracecode: 1, text: `bulk ${index}`, tracestatus: true, _regardingobjectid_value: ada.mailbox, __regardingtype: 'mailbox' })));
    const first = await request('GET', 'tracelogs?$select=text', { headers: { prefer: 'odata.maxpagesize=10000' } });
    const page = collectionSchema.parse(first.json());
    expect(page.value).toHaveLength(5_000);
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    expect(page['@odata.nextLink']).toContain('$skiptoken=');
    const second = collectionSchema.parse((await request('GET', page['@odata.nextLink'] ?? '', { headers: { prefer: 'odata.maxpagesize=10000' } })).json());
    const total = cloud.dataverse.rows('tracelogs').length;
    expect(second.value).toHaveLength(total - 5_000);
    expect(second['@odata.nextLink']).toBeUndefined();
    const seen = new Set([...page.value, ...second.value].map((row) => row.tracelogid));
    expect(seen.size).toBe(total);
  });

  it('keeps the filter and select on the next link', async () => {
    const filter = encodeURIComponent('statecode eq 0');
    const pages: unknown[][] = [];
    let url: string | undefined = `mailboxes?$select=emailaddress&$filter=${filter}`;
    while (url !== undefined) {
      const page = collectionSchema.parse((await request('GET', url, { headers: { prefer: 'odata.maxpagesize=5' } })).json());
      pages.push(page.value);
      url = page['@odata.nextLink'];
    }
    expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(pages.flat().every((row) => Object.keys(row as object).sort().join() === '@odata.etag,emailaddress,mailboxid')).toBe(true);
  });

  it('limits the rows with $top and answers a conditional GET with 304 while the row is unchanged', async () => {
    const top = collectionSchema.parse((await request('GET', 'mailboxes?$select=name&$top=3', { headers: { prefer: 'odata.maxpagesize=2' } })).json());
    expect(top.value).toHaveLength(2);
    const rest = collectionSchema.parse((await request('GET', top['@odata.nextLink'] ?? '', { headers: { prefer: 'odata.maxpagesize=2' } })).json());
    expect(rest.value).toHaveLength(1);
    expect(rest['@odata.nextLink']).toBeUndefined();

    const etag = await etagOf('mailboxes', ada.mailbox);
    expect((await request('GET', `mailboxes(${ada.mailbox})`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    cloud.dataverse.modify('mailboxes', ada.mailbox, { name: 'Ada Admin (renamed)' });
    expect((await request('GET', `mailboxes(${ada.mailbox})`, { headers: { 'if-none-match': etag } })).status).toBe(200);
  });

  it('answers $skip with 400 and the OData error shape', async () => {
    const answer = await request('GET', 'mailboxes?$skip=5');
    expect(answer.status).toBe(400);
    expect(odataErrorSchema.parse(answer.json()).error).toEqual({ code: '0x80060888', message: 'The query parameter $skip is not supported' });
  });
});

describe('fake Dataverse: ETags', () => {
  it('answers a PATCH whose If-Match no longer matches with 412 and changes nothing', async () => {
    const stale = await etagOf('mailboxes', pia.mailbox);
    cloud.dataverse.modify('mailboxes', pia.mailbox, { actdeliverymethod: 2 });
    const refused = await request('PATCH', `mailboxes(${pia.mailbox})`, { headers: { 'content-type': 'application/json', 'if-match': stale }, body: JSON.stringify({ actdeliverymethod: 0 }) });
    expect(refused.status).toBe(412);
    expect(odataErrorSchema.parse(refused.json()).error.code).toBe('0x80060882');
    expect(cloud.dataverse.row('mailboxes', pia.mailbox)?.actdeliverymethod).toBe(2);

    const current = await etagOf('mailboxes', pia.mailbox);
    const accepted = await request('PATCH', `mailboxes(${pia.mailbox})`, { headers: { 'content-type': 'application/json', 'if-match': current }, body: JSON.stringify({ actdeliverymethod: 1 }) });
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('etag')).not.toBe(current);
    expect(cloud.dataverse.row('mailboxes', pia.mailbox)?.actdeliverymethod).toBe(1);
  });
});

describe('fake Dataverse: $batch', () => {
  const part = (id: string, etag: string, body: object, contentId: number) =>
    ['--cs', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${contentId}`, '', `PATCH ${cloud.dataverse.apiRoot}/mailboxes(${id}) HTTP/1.1`, 'Content-Type: application/json', `If-Match: ${etag}`, '', JSON.stringify(body)].join('\r\n');

  it('rolls a whole change set back when one of its requests fails', async () => {
    const sam = guidOf('mailbox-user-sam');
    const before = { ada: cloud.dataverse.row('mailboxes', ada.mailbox)?.versionnumber, sam: cloud.dataverse.row('mailboxes', sam)?.versionnumber };
    const body = [
      '--batch_1',
      'Content-Type: multipart/mixed; boundary=cs',
      '',
      part(ada.mailbox, await etagOf('mailboxes', ada.mailbox), { orgmarkedasprimaryforexchangesync: false }, 1),
      part(sam, 'W/"1"', { orgmarkedasprimaryforexchangesync: true }, 2),
      '--cs--',
      '--batch_1--',
      '',
    ].join('\r\n');
    const answer = await request('POST', '$batch', { headers: { 'content-type': 'multipart/mixed; boundary=batch_1' }, body });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Content-ID: 2');
    expect(answer.text).toContain('HTTP/1.1 412');
    expect(answer.text).not.toContain('changesetresponse');
    expect(cloud.dataverse.row('mailboxes', ada.mailbox)?.versionnumber).toBe(before.ada);
    expect(cloud.dataverse.row('mailboxes', ada.mailbox)?.orgmarkedasprimaryforexchangesync).toBe(true);
    expect(cloud.dataverse.row('mailboxes', sam)?.versionnumber).toBe(before.sam);
  });

  it('refuses a batch of more than 1,000 requests', async () => {
    const parts = Array.from({ length: 1_001 }, (_, index) => part(ada.mailbox, 'W/"1"', { actdeliverymethod: 1 }, index + 1));
    const body = ['--batch_2', 'Content-Type: multipart/mixed; boundary=cs', '', ...parts, '--cs--', '--batch_2--', ''].join('\r\n');
    const answer = await request('POST', '$batch', { headers: { 'content-type': 'multipart/mixed; boundary=batch_2' }, body });
    expect(answer.status).toBe(400);
    expect(odataErrorSchema.parse(answer.json()).error.message).toContain('limit of 1000');
  });
});

describe('fake Dataverse: service protection', () => {
  const retryAfterOf = (answer: { headers: Headers }): number => Number(answer.headers.get('retry-after'));

  it('answers 429 with Retry-After and 0x80072322 beyond the requests in the window, and waits longer for a client that keeps sending', async () => {
    cloud.dataverse.setLimits({ requestsPerWindow: 3, windowMs: 2_000, maxConcurrent: 50, executionMsPerWindow: 1e9, penaltyMsPerRequestWhileThrottled: 2_000 });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await request('GET', 'WhoAmI()')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const throttled = await request('GET', 'WhoAmI()');
    expect(throttled.status).toBe(429);
    expect(odataErrorSchema.parse(throttled.json()).error).toEqual({ code: '0x80072322', message: 'Number of requests exceeded the limit of 3 over time window of 2 seconds.' });
    const firstWait = retryAfterOf(throttled);
    expect(firstWait).toBeGreaterThanOrEqual(1);
    const again = await request('GET', 'WhoAmI()');
    expect(again.status).toBe(429);
    expect(retryAfterOf(again)).toBeGreaterThan(firstWait);
  });

  it('answers 429 with 0x80072326 beyond the concurrent requests', async () => {
    cloud.dataverse.setLimits({ requestsPerWindow: 1_000, windowMs: 60_000, maxConcurrent: 2, executionMsPerWindow: 1e9 });
    cloud.dataverse.setLatency(400);
    const answers = await Promise.all(Array.from({ length: 4 }, () => request('GET', 'WhoAmI()')));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(2);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(odataErrorSchema.parse(refused[0]?.json()).error.code).toBe('0x80072326');
    expect(retryAfterOf(refused[0] ?? { headers: new Headers() })).toBeGreaterThanOrEqual(1);
  });

  it('answers 429 with 0x80072321 beyond the execution time in the window', async () => {
    cloud.dataverse.setLimits({ requestsPerWindow: 1_000, windowMs: 60_000, maxConcurrent: 50, executionMsPerWindow: 150 });
    cloud.dataverse.setLatency(100);
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push(await request('GET', 'WhoAmI()'));
    expect(statuses.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(odataErrorSchema.parse(statuses[2]?.json()).error.code).toBe('0x80072321');
  });
});

describe('fake Dataverse: server-side synchronization', () => {
  it('completes a scheduled Test & Enable after the delay, sets the statuses and writes tracelogs regarding the mailbox', async () => {
    cloud.dataverse.setTestDelay(1_000);
    const scheduledAt = new Date(Date.now() - 1).toISOString();
    for (const mailbox of [ada.mailbox, pia.mailbox]) {
      const answer = await request('PATCH', `mailboxes(${mailbox})`, { headers: { 'content-type': 'application/json', 'if-match': await etagOf('mailboxes', mailbox) }, body: JSON.stringify({ testemailconfigurationscheduled: true }) });
      expect(answer.status).toBe(204);
      expect(cloud.dataverse.row('mailboxes', mailbox)).toMatchObject({ testemailconfigurationscheduled: true, testmailboxaccesscompletedon: mailbox === ada.mailbox ? '2025-01-15T09:00:00Z' : null });
    }
    await cloud.dataverse.whenSyncIdle();

    const adaRow = cloud.dataverse.row('mailboxes', ada.mailbox);
    expect(adaRow).toMatchObject({ testemailconfigurationscheduled: false, mailboxstatus: 1, incomingemailstatus: 1, outgoingemailstatus: 1, actstatus: 1, enabledforincomingemail: true });
    expect(Date.parse(String(adaRow?.testmailboxaccesscompletedon))).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    const piaRow = cloud.dataverse.row('mailboxes', pia.mailbox);
    expect(piaRow).toMatchObject({ testemailconfigurationscheduled: false, mailboxstatus: 2, incomingemailstatus: 2, enabledforincomingemail: false });

    const filter = encodeURIComponent(`_regardingobjectid_value eq ${pia.mailbox} and modifiedon ge ${scheduledAt}`);
    const traces = collectionSchema.parse((await request('GET', `tracelogs?$select=level,tracecode,text&$filter=${filter}&$orderby=modifiedon desc`)).json());
    expect(traces.value).toHaveLength(1);
    expect(traces.value[0]).toMatchObject({ level: 3, tracecode: FAKE_TRACE_CODES.EmailAddressNotApproved });
    expect(String(traces.value[0]?.text)).toContain('pia@contoso.com is not approved');
  });
});

describe('fake Dataverse: approval and privileges', () => {
  it('refuses an approval from a caller without the Global or Exchange administrator role, and accepts it once the role is held', async () => {
    const body = JSON.stringify({ emailrouteraccessapproval: 1 });
    const refused = await request('PATCH', `systemusers(${pia.user})`, { headers: { 'content-type': 'application/json', 'if-match': await etagOf('systemusers', pia.user) }, body });
    expect(refused.status).toBe(403);
    const applicationUser = guidOf(`application-user:${cloud.settings.clientId}`);
    expect(odataErrorSchema.parse(refused.json()).error.message).toMatch(new RegExp(`^User ${applicationUser} should be a global administrator or exchange administrator to approve mailbox in organization [0-9a-f-]{36}\\.$`));
    expect(cloud.dataverse.row('systemusers', pia.user)?.emailrouteraccessapproval).toBe(2);

    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    try {
      const accepted = await request('PATCH', `systemusers(${pia.user})`, { headers: { 'content-type': 'application/json', 'if-match': await etagOf('systemusers', pia.user) }, body });
      expect(accepted.status).toBe(204);
      expect(cloud.dataverse.row('mailboxes', pia.mailbox)).toMatchObject({ emailrouteraccessapproval: 1, isemailaddressapprovedbyo365admin: true });
    } finally {
      cloud.directory.revoke(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    }
  });

  it('answers WhoAmI, RetrieveVersion and RetrieveUserPrivilegeByPrivilegeName', async () => {
    const whoAmI = z.object({ UserId: z.string(), OrganizationId: z.string() }).parse((await request('GET', 'WhoAmI()')).json());
    expect(whoAmI.UserId).toBe(guidOf(`application-user:${cloud.settings.clientId}`));
    expect(whoAmI.OrganizationId).toBe(guidOf('org-contoso'));
    expect(z.object({ Version: z.string() }).parse((await request('GET', 'RetrieveVersion()')).json()).Version).toBe('9.1.0.5805');

    const privilegesOf = async (user: string) =>
      z.object({ RolePrivileges: z.array(z.object({ Depth: z.string(), PrivilegeName: z.string() })) }).parse(
        (await request('GET', `systemusers(${guidOf(user)})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='prvApproveRejectEmailAddress')`)).json(),
      ).RolePrivileges;
    expect(await privilegesOf('user-ada')).toEqual([{ Depth: 'Global', PrivilegeName: 'prvApproveRejectEmailAddress' }]);
    expect(await privilegesOf('user-pia')).toEqual([]);
    expect((await privilegesOf('user-dana')).length).toBe(2);
  });

  it('answers 401 to a token for another audience', async () => {
    const graphToken = await rawToken(cloud, cloud.graph.url);
    expect((await raw(cloud, 'GET', 'WhoAmI()', { token: graphToken })).status).toBe(401);
  });
});
