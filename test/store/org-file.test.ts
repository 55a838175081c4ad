import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../src/domain/model.js';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { loadOrganizationFile, OrganizationFileError, parseOrganizationFile, seedDocument } from '../../src/store/org-file.js';
import { exampleFileNames, examplePath, loadExample } from '../support/fixtures.js';

const TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';

/** A small valid organization file; tests break one thing in it at a time. */
function minimalFile(): Record<string, unknown> & { users: Record<string, unknown>[]; mailboxes: Record<string, unknown>[]; profiles: Record<string, unknown>[] } {
  return {
    id: 'org-test',
    name: 'Test',
    deployment: { customerEngagement: 'online', exchange: 'online' },
    version: '9.1.0.5805',
    tenantId: TENANT,
    exchangeOnline: { subscribed: true, tenantId: TENANT },
    emailSettings: { defaultEmailServerProfileId: 'profile-exo' },
    businessUnits: [{ id: 'bu-root', name: 'Test' }],
    securityRoles: [{ id: 'role-sysadmin', name: 'System Administrator', template: 'SystemAdministrator' }],
    users: [
      { id: 'user-ada', aadObjectId: '00000000-0000-4000-8000-000000000001', fullName: 'Ada Admin', primaryEmail: 'ada@contoso.com', securityRoleIds: ['role-sysadmin'] },
      { id: 'user-bob', aadObjectId: '00000000-0000-4000-8000-000000000002', fullName: 'Bob Plain', primaryEmail: 'bob@contoso.com' },
    ],
    queues: [{ id: 'queue-sales', name: 'Sales Inbox', emailAddress: 'sales@contoso.com', ownerId: 'user-bob' }],
    profiles: [{ id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline', ownerId: 'user-ada' }],
    mailboxes: [{ regarding: { type: 'systemuser', id: 'user-ada' }, emailRouterAccessApproval: 1 }],
    exchange: { tenantId: TENANT },
  };
}

function problemsOf(file: unknown): readonly string[] {
  try {
    parseOrganizationFile(file, 'test.json');
  } catch (error) {
    if (error instanceof OrganizationFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the organization file to be rejected');
}

describe('the example organizations', () => {
  it.each(exampleFileNames())('loads examples/%s without error', async (fileName) => {
    const data = await loadExample(fileName);
    expect(data.mailboxes.length).toBeGreaterThanOrEqual(data.users.length + data.queues.length);
  });

  it('gives Contoso ten users covering every role combination of the permission table', async () => {
    const contoso = await loadExample('contoso.json');
    const describeUser = (fullName: string) => {
      const user = contoso.users.find((candidate) => candidate.fullName === fullName);
      const templates = user?.securityRoleIds.map((id) => contoso.securityRoles.find((role) => role.id === id)?.template);
      return { office365Roles: user?.office365Roles, templates, serviceAdmin: user?.isServiceAdministrator };
    };
    expect(contoso.users).toHaveLength(10);
    expect(describeUser('Ada Admin')).toEqual({ office365Roles: ['GlobalAdministrator'], templates: ['SystemAdministrator'], serviceAdmin: false });
    expect(describeUser('Evan Exchange')).toEqual({ office365Roles: ['ExchangeAdministrator'], templates: ['SystemAdministrator'], serviceAdmin: false });
    expect(describeUser('Sam Sysadmin')).toEqual({ office365Roles: [], templates: ['SystemAdministrator'], serviceAdmin: false });
    expect(describeUser('Sid Service')).toEqual({ office365Roles: [], templates: [], serviceAdmin: true });
    expect(describeUser('Erin ExchangeOnly')).toEqual({ office365Roles: ['ExchangeAdministrator'], templates: [], serviceAdmin: false });
    expect(describeUser('Gus Global')).toEqual({ office365Roles: ['GlobalAdministrator'], templates: [], serviceAdmin: false });
    expect(describeUser('Dana Delegate').templates).toEqual(['DelegatedMailboxApprover', 'SystemAdministrator']);
    expect(describeUser('Cody Customizer').templates).toEqual(['SystemCustomizer']);
    expect(contoso.users.map((user) => user.aadObjectId)).toEqual(
      Array.from({ length: 10 }, (_, index) => `00000000-0000-4000-8000-0000000000${String(index + 1).padStart(2, '0')}`),
    );
  });

  it('puts Contoso mailboxes in every approval state, with some not yet on server-side synchronization', async () => {
    const contoso = await loadExample('contoso.json');
    expect(new Set(contoso.mailboxes.map((mailbox) => mailbox.emailRouterAccessApproval))).toEqual(new Set([0, 1, 2, 3]));
    const notOnServerSideSync = contoso.mailboxes.filter((mailbox) => mailbox.incomingEmailDeliveryMethod !== 2 && mailbox.emailServerProfileId === null);
    expect(notOnServerSideSync.map((mailbox) => mailbox.emailAddress)).toEqual(['sid@contoso.com', 'cody@contoso.com']);
    expect(new Set(contoso.mailboxes.map((mailbox) => mailbox.mailboxStatus))).toEqual(new Set([0, 1, 2]));
  });

  it('keeps contoso-2025.json identical to contoso.json except for the product version', async () => {
    const [contoso, current] = await Promise.all([loadExample('contoso.json'), loadExample('contoso-2025.json')]);
    expect(current.organization.version).toBe('9.2.22104.00170');
    expect({ ...current, organization: { ...current.organization, version: contoso.organization.version } }).toEqual(contoso);
  });
});

describe('the format documentation', () => {
  it('shows a short example that loads and gets the defaults the text promises', async () => {
    const markdown = await readFile(fileURLToPath(new URL('../../docs/org-file.md', import.meta.url)), 'utf8');
    const example = /## A short example\s+```json\n([\s\S]+?)\n```/.exec(markdown)?.[1];
    expect(example).toBeDefined();
    const data = parseOrganizationFile(JSON.parse(example ?? 'null'), 'docs/org-file.md');
    expect(data.mailboxes).toEqual([
      expect.objectContaining({ emailServerProfileId: 'profile-exo', incomingEmailDeliveryMethod: 2, outgoingEmailDeliveryMethod: 2, actDeliveryMethod: 1, emailRouterAccessApproval: 2, mailboxStatus: 0 }),
    ]);
  });
});

describe('mailboxes created for users and queues without one', () => {
  it('creates one per user and queue from the default email settings, owned like Dynamics owns them', () => {
    const data = parseOrganizationFile(minimalFile(), 'test.json');
    const byRegarding = (id: string): Mailbox | undefined => data.mailboxes.find((mailbox) => mailbox.regarding.id === id);
    expect(data.mailboxes).toHaveLength(3);
    expect(byRegarding('user-bob')).toMatchObject({
      id: 'mailbox-user-bob',
      name: 'Bob Plain',
      emailAddress: 'bob@contoso.com',
      ownerId: 'user-bob',
      emailServerProfileId: 'profile-exo',
      incomingEmailDeliveryMethod: 2,
      outgoingEmailDeliveryMethod: 2,
      actDeliveryMethod: 1,
      emailRouterAccessApproval: 0,
      mailboxStatus: 0,
      enabledForIncomingEmail: true,
      testEmailConfigurationRetryCount: 0,
      version: 1,
    });
    expect(byRegarding('queue-sales')).toMatchObject({ name: 'Sales Inbox', emailAddress: 'sales@contoso.com', ownerId: 'user-bob', regarding: { type: 'queue', id: 'queue-sales' } });
    expect(byRegarding('user-ada')).toMatchObject({ emailRouterAccessApproval: 1, emailServerProfileId: 'profile-exo' });
  });

  it('links no profile when none of the default delivery methods is server-side synchronization', () => {
    const file = { ...minimalFile(), emailSettings: { defaultEmailServerProfileId: 'profile-exo', defaultIncomingEmailDeliveryMethod: 1, defaultOutgoingEmailDeliveryMethod: 1, defaultActDeliveryMethod: 0 } };
    const created = parseOrganizationFile(file, 'test.json').mailboxes.find((mailbox) => mailbox.regarding.id === 'user-bob');
    expect(created).toMatchObject({ emailServerProfileId: null, incomingEmailDeliveryMethod: 1, actDeliveryMethod: 0 });
  });
});

describe('organization file errors', () => {
  it('names the JSON path and the allowed values of an invalid option', () => {
    const file = minimalFile();
    file.users.push({ id: 'user-x', aadObjectId: '00000000-0000-4000-8000-000000000003', fullName: 'X', primaryEmail: 'x@contoso.com', office365Roles: ['GlobalAdmin'] });
    file.users.push({ id: 'user-y', aadObjectId: '00000000-0000-4000-8000-000000000004', fullName: 'Y', primaryEmail: 'y@contoso.com', office365Roles: ['ExchangeAdministrator', 'Owner'] });
    expect(problemsOf(file)).toEqual([
      'users[2].office365Roles[0]: Invalid option: expected "GlobalAdministrator" | "ExchangeAdministrator"',
      'users[3].office365Roles[1]: Invalid option: expected "GlobalAdministrator" | "ExchangeAdministrator"',
    ]);
  });

  it('lists every shape problem at once, each with its path', () => {
    const file = { ...minimalFile(), version: 'nine', surprise: true, mailboxes: [{ regarding: { type: 'systemuser', id: 'user-ada' }, actDeliveryMethod: 3 }] };
    expect(problemsOf(file)).toEqual([
      'version: must be a product version like 9.1.0.5805 (two to four numbers separated by dots)',
      'mailboxes[0].actDeliveryMethod: Invalid option: expected 0 (Microsoft Dynamics 365 for Outlook) | 1 (Server-Side Synchronization) | 2 (None)',
      '(root): Unrecognized key: "surprise"',
    ]);
  });

  it('reports unknown role, owner, profile and business unit ids with the known ones', () => {
    const file = minimalFile();
    file.users[1] = { ...file.users[1], securityRoleIds: ['role-sysadmin', 'role-missing'], businessUnitId: 'bu-nowhere' };
    file.profiles[0] = { ...file.profiles[0], ownerId: 'user-nobody' };
    file.mailboxes.push({ regarding: { type: 'queue', id: 'queue-sales' }, emailServerProfileId: 'profile-gone' });
    expect(problemsOf(file)).toEqual([
      'profiles[0].ownerId: unknown user "user-nobody" (known: "user-ada", "user-bob")',
      'users[1].businessUnitId: unknown business unit "bu-nowhere" (known: "bu-root")',
      'users[1].securityRoleIds[1]: unknown security role "role-missing" (known: "role-sysadmin")',
      'mailboxes[1].emailServerProfileId: unknown email server profile "profile-gone" (known: "profile-exo")',
    ]);
  });

  it('rejects an address listed twice on the simulated Exchange side', () => {
    const file = { ...minimalFile(), exchange: { tenantId: TENANT, mailboxes: [{ emailAddress: 'ada@contoso.com' }, { emailAddress: 'Ada@Contoso.com' }] } };
    expect(problemsOf(file)).toEqual(['exchange.mailboxes[1].emailAddress: duplicate emailAddress "ada@contoso.com" (already used by exchange.mailboxes[0])']);
  });

  it('rejects duplicate ids, Entra object ids and email addresses', () => {
    const file = minimalFile();
    file.users.push({ id: 'user-bob', aadObjectId: '00000000-0000-4000-8000-000000000001', fullName: 'Bob Again', primaryEmail: 'SALES@contoso.com' });
    expect(problemsOf(file)).toEqual([
      'users[2].id: duplicate id "user-bob" (already used by users[1])',
      'users[2].aadObjectId: duplicate aadObjectId "00000000-0000-4000-8000-000000000001" (already used by users[0])',
      'queues[0].emailAddress: duplicate email address "sales@contoso.com" (already used by users[2].primaryEmail)',
    ]);
  });

  it('allows exactly one mailbox per user and per queue, with its owner address', () => {
    const file = minimalFile();
    file.mailboxes.push({ regarding: { type: 'systemuser', id: 'user-ada' }, id: 'second' });
    file.mailboxes.push({ regarding: { type: 'queue', id: 'queue-sales' }, emailAddress: 'other@contoso.com' });
    file.mailboxes.push({ regarding: { type: 'queue', id: 'queue-ghost' } });
    expect(problemsOf(file)).toEqual([
      'mailboxes[1].regarding: user "user-ada" already has a mailbox (mailboxes[0]): exactly one mailbox per user and per queue',
      `mailboxes[2].emailAddress: "other@contoso.com" differs from the queue's address "sales@contoso.com"; a user or queue mailbox has its owner's address (leave it out)`,
      'mailboxes[3].regarding.id: unknown queue "queue-ghost" (known: "queue-sales")',
    ]);
  });

  it('allows the Microsoft Exchange Online profile only with an Exchange Online subscription in the same tenant', () => {
    const otherTenant = { ...minimalFile(), exchangeOnline: { subscribed: true, tenantId: '11111111-0000-4000-8000-000000000000' } };
    expect(problemsOf(otherTenant)).toEqual([
      `profiles[0].name: the "Microsoft Exchange Online" profile exists only when the organization has an Exchange Online subscription in its own tenant (exchangeOnline.subscribed true and exchangeOnline.tenantId equal to tenantId ${TENANT})`,
    ]);
    const unsubscribed = { ...minimalFile(), exchangeOnline: { subscribed: false } };
    expect(problemsOf(unsubscribed)).toHaveLength(1);
  });

  it('requires the default profile to exist and be active', () => {
    const missing = { ...minimalFile(), emailSettings: { defaultEmailServerProfileId: 'profile-nope' } };
    expect(problemsOf(missing)).toEqual(['emailSettings.defaultEmailServerProfileId: unknown email server profile "profile-nope" (known: "profile-exo")']);
    const file = minimalFile();
    file.profiles[0] = { ...file.profiles[0], active: false };
    expect(problemsOf(file)).toEqual(['emailSettings.defaultEmailServerProfileId: the default profile "profile-exo" is inactive (profiles[0].active is false)']);
  });

  it('rejects Microsoft 365 roles and profile types that do not exist in a Customer Engagement on-premises deployment', () => {
    const file = { ...minimalFile(), deployment: { customerEngagement: 'onPremises', exchange: 'onPremises' }, exchangeOnline: { subscribed: false } };
    file.users[0] = { ...file.users[0], office365Roles: ['GlobalAdministrator'] };
    file.profiles[0] = { ...file.profiles[0], name: 'Exchange', serverType: 'ExchangeOnline' };
    expect(problemsOf(file)).toEqual([
      'users[0].office365Roles: must be empty: Customer Engagement on-premises has no Microsoft 365 admin roles',
      'profiles[0].serverType: "ExchangeOnline" does not fit this deployment: Exchange Online (server-to-server) profiles exist only for Customer Engagement online',
    ]);
  });

  it('rejects a business-unit tree without a single root or with a cycle', () => {
    const file = { ...minimalFile(), businessUnits: [{ id: 'bu-a', name: 'A', parentBusinessUnitId: 'bu-b' }, { id: 'bu-b', name: 'B', parentBusinessUnitId: 'bu-a' }] };
    expect(problemsOf(file)).toEqual(
      expect.arrayContaining([
        'businessUnits: exactly one root business unit (parentBusinessUnitId null) is required, found 0',
        'businessUnits[0].parentBusinessUnitId: business unit "bu-a" is its own ancestor',
      ]),
    );
  });

  it('names the file when it is not JSON', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'org-file-'));
    try {
      const path = join(directory, 'broken.json');
      await writeFile(path, '{ "id": "org", ');
      await expect(loadOrganizationFile(path)).rejects.toThrow(`${path} is not a valid organization file:\n  - (root): not JSON`);
      await expect(loadOrganizationFile(join(directory, 'absent.json'))).rejects.toThrow(/absent\.json cannot be read:\n {2}- \(root\): ENOENT/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('seeding the data file from an organization file', () => {
  it('creates the data file from Contoso when it does not exist, then reads the file back', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'seed-'));
    try {
      const dataPath = join(directory, 'data.json');
      const store = await openEmailConfigStore(dataPath, () => seedDocument(examplePath('contoso.json')));
      expect(store.mailboxByEmail('otto@contoso.com')?.emailRouterAccessApproval).toBe(1);
      expect(store.exchangeSimulation().mailboxes.find((mailbox) => mailbox.emailAddress === 'otto@contoso.com')?.primarySyncOrganizationId).toBe('org-fabrikam');
      const reopened = await openEmailConfigStore(dataPath, () => Promise.reject(new Error('must not seed twice')));
      expect(reopened.document()).toEqual(store.document());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
