// The bot on Dynamics 365 in the Agents Playground (issue 13): BACKEND=dataverse against the fake Dynamics 365,
// Entra token endpoint and Graph on loopback, seeded from the same Contoso organization file. Ada approves an
// address and runs Test & Enable as she would on the embedded backend; what changed is checked in Dynamics 365.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { startE2eEnvironment, type E2eEnvironment } from './support/environment.js';

const healthSchema = z.object({ backend: z.object({ reachable: z.boolean() }).optional() });

describe('The bot on Dynamics 365 (fake) in the Microsoft 365 Agents Playground, as Ada Admin sees it', () => {
  let cloud: FakeCloud;
  let env: E2eEnvironment;

  beforeAll(async () => {
    cloud = await startFakeCloud({ testDelayMs: 20 });
    // Without single sign-on (the Playground has none), approvals are made by the application user, which
    // Dynamics 365 accepts only while it holds an administrator role: this environment grants it one.
    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    const { NODE_EXTRA_CA_CERTS: _ca, ...configEnv } = cloud.env;
    env = await startE2eEnvironment({ configEnv, start: { dataverse: { refreshIntervalMs: 200, pollIntervalMs: 100 } } });
    for (let tries = 0; tries < 200; tries++) {
      const health = healthSchema.parse(await (await fetch(`${env.bot.url}/healthz`)).json());
      if (health.backend?.reachable === true) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
    await cloud?.close();
  });

  it('approves an address, and the owner\'s row in Dynamics 365 says Approved', async () => {
    const { ada } = env;
    const reply = await ada.ask('approve mailbox pia@contoso.com', { showing: /Approved/ });
    expect(await ada.cardText(reply)).toMatch(/Pending Approval → Approved/);
    expect(cloud.dataverse.row('systemusers', guidOf('user-pia'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
  });

  it('sends the approval card to Ada (Global Administrator in Graph) and approves from it in Dynamics 365', async () => {
    const { ada } = env;
    const before = await ada.botMessageCount();
    await ada.send('request approval cody@contoso.com');
    const card = await ada.waitForReply(before, { showing: /^Email address approval\s+Pending approval[\s\S]*cody@contoso\.com/ });
    await ada.button(card, /^Approve$/).click();
    await ada.waitUntilShows(card, /Approved by Ada Admin/);
    expect(cloud.dataverse.row('systemusers', guidOf('user-cody'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
  }, 60_000);

  it('runs Test & Enable as the platform does, and the job card ends with what the platform found', async () => {
    const { ada } = env;
    const jobCard = await ada.ask('test mailbox ada@contoso.com', { showing: /Test & Enable/ });
    const summary = await ada.waitUntilShows(jobCard, /Done[\s\S]*succeeded/, 60_000);
    expect(summary).toMatch(/1 of 1 mailbox(es)? tested/);
    expect(cloud.dataverse.row('mailboxes', guidOf('mailbox-user-ada'))).toMatchObject({ mailboxstatus: 1, testemailconfigurationscheduled: false });
  }, 90_000);
});
