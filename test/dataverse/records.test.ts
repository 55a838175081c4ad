// DataverseOrganizationRecords beyond the shared contract: rows map to exactly the domain records the
// organization file describes; refresh notices changes made outside the bot; a 412 between the re-read and the
// write becomes the typed conflict; bulk writes go in $batch change sets; approval is refused for an
// application user without the Entra role, as the platform does, and made with a person's own token when given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../src/app/ports.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import { UnsupportedInDataverseError } from '../../src/dataverse/records.js';
import type { Mailbox } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { loadOrganizationFile, type OrganizationData } from '../../src/store/org-file.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { closeClouds, dataverseRecordsOver, type RecordsOverFake } from './records-support.js';

let contoso: OrganizationData;
let fake: RecordsOverFake;
const app = { kind: 'app' } as const;

beforeAll(async () => {
  contoso = await loadOrganizationFile('examples/contoso.json');
  fake = await dataverseRecordsOver({ data: contoso, testDelayMs: 20 });
});
afterAll(closeClouds);

/** A record of the organization file with every id as the fake keys it. */
function mapped<T>(value: T): T {
  const ids = new Set<string>([contoso.organization.id, ...contoso.users.map((user) => user.id), ...contoso.queues.map((queue) => queue.id), ...contoso.mailboxes.map((mailbox) => mailbox.id), ...contoso.profiles.map((profile) => profile.id), ...contoso.securityRoles.map((role) => role.id), ...contoso.businessUnits.map((unit) => unit.id)]);
  return JSON.parse(JSON.stringify(value), (_key, field: unknown) => (typeof field === 'string' && ids.has(field) ? guidOf(field) : field)) as T;
}
const withoutVersion = ({ version: _version, ...rest }: Mailbox) => rest;

describe('DataverseOrganizationRecords: the initial load', () => {
  it('maps every mailbox, queue, profile, business unit and role to the records the organization file describes', async () => {
    const { records } = fake;
    const mailboxes = await readAll((page) => records.mailboxPage({}, page), 4);
    expect(mailboxes.map(withoutVersion).sort((a, b) => a.id.localeCompare(b.id))).toEqual(mapped(contoso.mailboxes).map(withoutVersion).sort((a, b) => a.id.localeCompare(b.id)));
    expect([...(await readAll((page) => records.queuePage(page)))].sort((a, b) => a.id.localeCompare(b.id))).toEqual(mapped(contoso.queues).slice().sort((a, b) => a.id.localeCompare(b.id)));
    for (const profile of contoso.profiles) expect(await records.profile(guidOf(profile.id))).toEqual(mapped(profile));
    const roles = await readAll((page) => records.securityRolePage(page));
    for (const role of contoso.securityRoles) {
      // System Administrator holds every privilege in Dataverse, which the permission model also assumes.
      const loaded = roles.find((candidate) => candidate.id === guidOf(role.id));
      if (role.template === 'SystemAdministrator') expect(loaded).toMatchObject({ ...mapped(role), privileges: role.privileges });
      else expect(loaded).toEqual(mapped(role));
    }
  });

  it('maps users with their security roles, without Entra roles (those come from Microsoft Graph per turn)', async () => {
    const dana = contoso.users.find((user) => user.id === 'user-dana');
    const loaded = await fake.records.userByAadObjectId('00000000-0000-4000-8000-000000000007');
    expect(loaded).toMatchObject({ ...mapped(dana), securityRoleIds: loaded?.securityRoleIds, office365Roles: [], isServiceAdministrator: false });
    expect([...(loaded?.securityRoleIds ?? [])].sort()).toEqual(mapped([...(dana?.securityRoleIds ?? [])]).sort());
    // The bot's own application user is not a person of the organization.
    expect((await readAll((page) => fake.records.userPage(page))).length).toBe(contoso.users.length);
  });

  it('reads the organization settings, the default delivery methods from the defaultemailsettings XML', async () => {
    const organization = await fake.records.organization();
    const { settings } = contoso.organization;
    expect(organization.settings).toMatchObject({
      defaultEmailServerProfileId: settings.defaultEmailServerProfileId === null ? null : guidOf(settings.defaultEmailServerProfileId),
      defaultIncomingEmailDeliveryMethod: settings.defaultIncomingEmailDeliveryMethod,
      defaultOutgoingEmailDeliveryMethod: settings.defaultOutgoingEmailDeliveryMethod,
      defaultActDeliveryMethod: settings.defaultActDeliveryMethod,
      requireApprovalForUserEmail: settings.requireApprovalForUserEmail,
      requireApprovalForQueueEmail: settings.requireApprovalForQueueEmail,
    });
    expect(organization.version).toBe(contoso.organization.version);
  });

  it('pages the load through nextLink with Prefer odata.maxpagesize', () => {
    const mailboxPages = fake.cloud.dataverse.requests.filter((request) => request.target.startsWith('/api/data/v9.2/mailboxes?'));
    expect(mailboxPages.length).toBeGreaterThanOrEqual(Math.ceil(contoso.mailboxes.length / 7));
    expect(mailboxPages.some((request) => request.target.includes('%24skiptoken') || request.target.includes('$skiptoken'))).toBe(true);
  });
});

describe('DataverseOrganizationRecords: keeping fresh', () => {
  it('notices an approval made outside the bot on the next refresh, asking only for rows modified since', async () => {
    const { records, cloud } = fake;
    const pia = await records.mailboxByRegarding({ type: 'systemuser', id: guidOf('user-pia') });
    expect(pia?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    const revision = await records.revision();
    cloud.dataverse.modify('mailboxes', guidOf('mailbox-user-pia'), { emailrouteraccessapproval: 1, isemailaddressapprovedbyo365admin: true });
    const before = cloud.dataverse.requests.length;
    expect(await records.refresh()).toBeGreaterThanOrEqual(1);
    expect((await records.mailboxByRegarding({ type: 'systemuser', id: guidOf('user-pia') }))?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(await records.revision()).not.toBe(revision);
    const mailboxQueries = cloud.dataverse.requests.slice(before).filter((request) => request.target.startsWith('/api/data/v9.2/mailboxes?'));
    expect(mailboxQueries.length).toBeGreaterThanOrEqual(1);
    for (const query of mailboxQueries) expect(decodeURIComponent(query.target)).toContain('modifiedon ge ');
    // Nothing changed since: the revision stays.
    const settled = await records.revision();
    expect(await records.refresh()).toBe(0);
    expect(await records.revision()).toBe(settled);
  });
});

describe('DataverseOrganizationRecords: writes', () => {
  it('turns a 412 on the write (a change between the re-read and the PATCH) into the typed conflict with the current version', async () => {
    const mailboxId = guidOf('mailbox-user-otto');
    let interfere = true;
    const sneaky = await dataverseRecordsOver(
      { data: contoso },
      {
        client: {
          fetch: async (input, init) => {
            // Someone edits the mailbox in the admin center just before the bot's $batch arrives.
            if (interfere && (input instanceof Request ? input.url : input.toString()).endsWith('/$batch')) {
              interfere = false;
              sneakyCloud().dataverse.modify('mailboxes', mailboxId, { orgmarkedasprimaryforexchangesync: true });
            }
            return fetch(input, init);
          },
        },
      },
    );
    const sneakyCloud = () => sneaky.cloud;
    const read = await sneaky.records.mailbox(mailboxId);
    if (read === undefined) throw new Error('seeded');
    const outcome = await sneaky.records.apply({ caller: app, intents: [{ kind: 'setDeliveryConfiguration', reason: 'edit', mailboxId, expectedVersion: read.version, profileId: read.emailServerProfileId, incoming: 0, outgoing: 0, act: 2 }] });
    const now = sneaky.cloud.dataverse.row('mailboxes', mailboxId);
    expect(outcome).toEqual({ ok: false, conflict: { record: { type: 'mailbox', id: mailboxId }, expected: String(read.version), actual: String(now?.versionnumber) } });
    expect(now?.incomingemaildeliverymethod).toBe(read.incomingEmailDeliveryMethod);
    expect(await sneaky.records.mailbox(mailboxId)).toMatchObject({ orgMarkedAsPrimaryForExchangeSync: true, version: now?.versionnumber });
  });

  it('sends a bulk Test & Enable as one $batch (change sets of 50), with one re-read query per 100 mailboxes before and after', async () => {
    const extra = Array.from({ length: 109 }, (_, index) => ({ ...contoso.mailboxes[0], id: `mailbox-bulk-${index}`, name: `Bulk ${index}`, emailAddress: `bulk${index}@contoso.com` }) as Mailbox);
    const bulk = await dataverseRecordsOver({ data: { ...contoso, mailboxes: [...contoso.mailboxes, ...extra] }, testDelayMs: 60_000 }, { records: { pageSize: 5000 } });
    const all = await readAll((page) => bulk.records.mailboxPage({ activeOnly: true }, page));
    const before = bulk.cloud.dataverse.requests.length;
    const outcome = await bulk.records.apply({ caller: app, intents: all.map((mailbox) => ({ kind: 'scheduleTestAndEnable' as const, mailboxId: mailbox.id, expectedVersion: mailbox.version, syncFromThisOrgOnly: true })) });
    expect(outcome.ok).toBe(true);
    const sent = bulk.cloud.dataverse.requests.slice(before);
    const batches = sent.filter((request) => request.target.endsWith('/$batch'));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.innerRequests).toBe(all.length);
    // The re-read before and after: one query per 100 ids, not one request per mailbox.
    expect(sent.length).toBe(1 + 2 * Math.ceil(all.length / 100));
    expect(all.every((mailbox) => bulk.cloud.dataverse.row('mailboxes', mailbox.id)?.testemailconfigurationscheduled === true)).toBe(true);
    expect(outcome.ok ? outcome.mailboxes.every((mailbox) => mailbox.testEmailConfigurationScheduled && mailbox.orgMarkedAsPrimaryForExchangeSync) : false).toBe(true);
  });

  it('refuses an approval by the application user without the Global or Exchange administrator role, as the platform does, and changes nothing', async () => {
    const { records, cloud } = fake;
    const sam = await records.mailboxByRegarding({ type: 'systemuser', id: guidOf('user-sam') });
    if (sam === undefined) throw new Error('seeded');
    const attempt = records.apply({ caller: app, intents: [{ kind: 'setAddressApproval', owner: sam.regarding, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion: sam.version }] });
    await expect(attempt).rejects.toThrow(DataverseError);
    await expect(attempt).rejects.toThrow(/global administrator or exchange administrator/);
    expect(cloud.dataverse.row('systemusers', guidOf('user-sam'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.PendingApproval);
  });

  it("approves with the approver's own token when the caller signed in, and reads the platform's answer back from the mailbox", async () => {
    const { records, cloud } = fake;
    const sam = await records.mailboxByRegarding({ type: 'systemuser', id: guidOf('user-sam') });
    if (sam === undefined) throw new Error('seeded');
    const ada = contoso.users.find((user) => user.id === 'user-ada');
    if (ada === undefined) throw new Error('seeded');
    const credential = cloud.delegatedCredentialFor(ada.aadObjectId);
    const before = cloud.dataverse.requests.length;
    const outcome = await records.apply({
      caller: { kind: 'person', userId: guidOf('user-ada'), credential },
      intents: [{ kind: 'setAddressApproval', owner: sam.regarding, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion: sam.version }],
    });
    expect(outcome.ok ? outcome.mailboxes : []).toEqual([expect.objectContaining({ id: sam.id, emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: true })]);
    expect(credential.scopes).toEqual([`${cloud.dataverse.url}/user_impersonation`]);
    const write = cloud.dataverse.requests.slice(before).find((request) => request.method === 'POST');
    expect(write?.caller).toBe(ada.aadObjectId.toLowerCase());
  });

  it('applies System Settings changes to the organization row, the default methods as the XML the platform keeps', async () => {
    const { records, cloud } = fake;
    const organization = await records.organization();
    const outcome = await records.apply({ caller: app, intents: [{ kind: 'setEmailSettings', expected: organization, settings: { ...organization.settings, defaultActDeliveryMethod: 2, requireApprovalForQueueEmail: false } }] });
    expect(outcome.ok).toBe(true);
    const row = cloud.dataverse.rows('organizations')[0];
    expect(row?.defaultemailsettings).toContain('<ACTDeliveryMethod>2</ACTDeliveryMethod>');
    expect(row?.requireapprovalforqueueemail).toBe(false);
    expect((await records.organization()).settings).toMatchObject({ defaultActDeliveryMethod: 2, requireApprovalForQueueEmail: false });
  });

  it('refuses security-role changes with a message naming where they are made, before reading or writing anything', async () => {
    const { records, cloud } = fake;
    const role = await records.securityRole(guidOf('role-salesperson'));
    if (role === undefined) throw new Error('seeded');
    const before = cloud.dataverse.requests.length;
    await expect(records.apply({ caller: app, intents: [{ kind: 'setRolePrivileges', roleId: role.id, privileges: {}, expected: role }] })).rejects.toThrow(UnsupportedInDataverseError);
    await expect(records.changesOf({ caller: app, intents: [{ kind: 'setRolePrivileges', roleId: role.id, privileges: {}, expected: role }] })).rejects.toThrow(/Power Platform admin center/);
    expect(cloud.dataverse.requests.length).toBe(before);
  });
});
