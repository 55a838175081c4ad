// An address approved in Dynamics 365 itself (the admin center, another tool), not through the bot: the records'
// refresh notices it, and the bot closes the open approval request and updates every sent card in place, saying it
// was decided outside the bot. BACKEND=dataverse against the fake Dynamics 365, Entra and Graph.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataverseClient } from '../../src/dataverse/client.js';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { cardTextOf, currentApprovalCard, greet, waitForApprovalCards } from '../approvals/support.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { startTestBot, type TestBot } from '../support/bot-harness.js';

const healthSchema = z.object({ backend: z.object({ reachable: z.boolean() }).optional() });

describe('an approval made in Dynamics 365 itself', () => {
  let cloud: FakeCloud;
  let t: TestBot;
  beforeAll(async () => {
    cloud = await startFakeCloud({ testDelayMs: 20 });
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = cloud.env;
    t = await startTestBot({ configEnv: env, dataverse: { refreshIntervalMs: 100, pollIntervalMs: 50 }, outbox: { backoff: { baseMs: 10, maxMs: 50 } } });
    for (let tries = 0; tries < 200; tries++) {
      if (healthSchema.parse(await (await fetch(`${t.bot.url}/healthz`)).json()).backend?.reachable === true) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);
  afterAll(async () => {
    await t.stop();
    await cloud.close();
  });

  it('closes the open request and updates its card: decided by someone in Dynamics 365, outside this bot', async () => {
    const [ada, cody] = [t.user('ada'), t.user('cody')];
    await greet(t, ada, cody);
    await t.say(cody, 'request approval cody@contoso.com');
    const [card] = await waitForApprovalCards(t, [ada]);
    if (card === undefined) throw new Error('no approval card');
    expect(cardTextOf(card.card)).toMatch(/Pending approval/);

    // An Exchange administrator approves Cody's address with another tool, straight in Dynamics 365.
    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    const tool = DataverseClient.fromSettings(cloud.settings);
    const row = z.object({ '@odata.etag': z.string() }).parse(await tool.retrieve('systemusers', guidOf('user-cody'), ['emailrouteraccessapproval']));
    expect(await tool.update('systemusers', guidOf('user-cody'), { emailrouteraccessapproval: EmailApprovalStatus.Approved }, row['@odata.etag'])).toMatchObject({ outcome: 'updated' });

    await t.connector.waitFor(() => /outside this bot/.test(cardTextOf(currentApprovalCard(t, card))), 10_000, 'the approval card updated after the outside approval');
    const updated = cardTextOf(currentApprovalCard(t, card));
    expect(updated).toMatch(/Approved by someone in Dynamics 365, outside this bot/);
    const requests = t.bot.services.store.document().approvalRequests ?? [];
    expect(requests.map((request) => [request.status, request.decision?.via.kind])).toEqual([['approved', 'outside']]);
  }, 30_000);
});
