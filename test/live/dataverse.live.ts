// Against a real environment: `BACKEND=dataverse DATAVERSE_URL=… AZURE_TENANT_ID=… AZURE_CLIENT_ID=…
// AZURE_CLIENT_SECRET=… npm run test:live`. Read-only, except with LIVE_WRITE=1 and LIVE_TEST_MAILBOX naming a
// mailbox it may schedule Test & Enable for. Without the variables every test is skipped with the reason.
import { describe, expect, it } from 'vitest';
import { readAll } from '../../src/app/ports.js';
import { DataverseClient } from '../../src/dataverse/client.js';
import { DataverseExchangeConnector } from '../../src/dataverse/exchange-connector.js';
import { GraphDirectoryRoles } from '../../src/dataverse/graph.js';
import { APPLICATION_USER_PRIVILEGES } from '../../src/dataverse/privileges.js';
import { DataverseOrganizationRecords } from '../../src/dataverse/records.js';
import { loadBackendSettings, type DataverseSettings } from '../../src/shared/backend-config.js';

function settingsOrReason(): { readonly settings: DataverseSettings } | { readonly reason: string } {
  if ((process.env.BACKEND ?? '').toLowerCase() !== 'dataverse') return { reason: 'no live environment configured: set BACKEND=dataverse, DATAVERSE_URL and AZURE_* (docs/dataverse.md)' };
  const settings = loadBackendSettings(process.env);
  return settings.backend === 'dataverse' ? { settings } : { reason: 'BACKEND is not dataverse' };
}

const configured = settingsOrReason();
if ('reason' in configured) process.stdout.write(`test:live skipped: ${configured.reason}\n`);
const live = 'settings' in configured ? configured.settings : undefined;
const writeMailbox = process.env.LIVE_WRITE === '1' ? process.env.LIVE_TEST_MAILBOX : undefined;

describe.skipIf(live === undefined)('a live Dynamics 365 environment (read-only)', () => {
  it("connects as the bot's application user and holds every privilege docs/dataverse.md lists", async () => {
    if (live === undefined) return;
    const dataverse = DataverseClient.fromSettings(live);
    const me = await dataverse.whoAmI();
    const missing: string[] = [];
    for (const privilege of APPLICATION_USER_PRIVILEGES) {
      if ((await dataverse.retrieveUserPrivilegeByPrivilegeName(me.UserId, privilege.name)).length === 0) missing.push(privilege.name);
    }
    expect(missing.filter((name) => name !== 'prvWriteOrganization')).toEqual([]);
  });

  it('loads the records the permission model reads, and pages every mailbox', async () => {
    if (live === undefined) return;
    const records = new DataverseOrganizationRecords({ client: DataverseClient.fromSettings(live), tenantId: live.tenantId });
    await records.load();
    const mailboxes = await readAll((page) => records.mailboxPage({}, page));
    expect(mailboxes.length).toBe(await records.mailboxCount({}));
    expect((await records.organization()).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads directory roles from Microsoft Graph (User.Read.All consented)', async () => {
    if (live === undefined) return;
    const records = new DataverseOrganizationRecords({ client: DataverseClient.fromSettings(live), tenantId: live.tenantId });
    await records.load();
    const [someone] = await readAll((page) => records.userPage(page));
    if (someone === undefined || someone.aadObjectId === '') return;
    await expect(GraphDirectoryRoles.fromSettings(live).rolesOf(someone.aadObjectId)).resolves.toBeInstanceOf(Set);
  });
});

describe.skipIf(live === undefined || writeMailbox === undefined)('a live Test & Enable of LIVE_TEST_MAILBOX (LIVE_WRITE=1)', () => {
  it('schedules the test and reports what the platform found', async () => {
    if (live === undefined || writeMailbox === undefined) return;
    const dataverse = DataverseClient.fromSettings(live);
    const records = new DataverseOrganizationRecords({ client: dataverse, tenantId: live.tenantId });
    await records.load();
    const mailbox = await records.mailboxByEmail(writeMailbox);
    expect(mailbox, `no mailbox ${writeMailbox}`).toBeDefined();
    if (mailbox === undefined) return;
    const connector = new DataverseExchangeConnector({ client: dataverse, pollIntervalMs: 30_000 });
    await connector.schedule([{ testId: 'live', request: { organization: { id: '', name: '' }, tenantId: live.tenantId, mailbox, profile: { id: mailbox.emailServerProfileId ?? '', name: '', serverType: 'ExchangeOnline' }, parts: ['incoming', 'outgoing'], makePrimarySyncOrganization: false } }]);
    const answer = await connector.observe('0', AbortSignal.timeout(15 * 60_000));
    expect(answer.outcomes.map((outcome) => outcome.testId)).toEqual(['live']);
  }, 16 * 60_000);
});

describe.skipIf(live !== undefined)('test:live without an environment', () => {
  it('is skipped with the reason printed above', () => {
    expect('reason' in configured).toBe(true);
  });
});
