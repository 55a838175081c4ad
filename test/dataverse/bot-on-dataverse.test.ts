// The bot with BACKEND=dataverse against the fake cloud: people are identified from Dynamics 365, their roles
// come from Microsoft Graph, an approval reaches the owner's row in Dynamics 365 (or the platform's refusal is
// shown as it is), and an unreachable Dynamics 365 at start-up leaves a running bot that says so in /healthz
// and in answer to commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../support/bot-harness.js';
import { cardIn, confirmationIdOf, sayForCard } from '../bot/handlers/support.js';
import { waitForReportedJob } from '../jobs/http-support.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';

const healthSchema = z.object({ status: z.string(), backend: z.object({ name: z.string(), reachable: z.boolean(), detail: z.string().optional() }).optional() });
const healthOf = async (t: TestBot) => healthSchema.parse(await (await fetch(`${t.bot.url}/healthz`)).json());

describe('the bot on Dynamics 365 (fake)', () => {
  let cloud: FakeCloud;
  let t: TestBot;
  beforeAll(async () => {
    cloud = await startFakeCloud({ testDelayMs: 20 });
    // This process trusts the fakes' CA already (trustTestAuthority).
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = cloud.env;
    t = await startTestBot({ configEnv: env, dataverse: { refreshIntervalMs: 100, pollIntervalMs: 50 } });
    // The first load runs in the background; wait until /healthz says Dynamics 365 is reachable.
    for (let tries = 0; tries < 200 && !(await healthOf(t)).backend?.reachable; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  }, 30_000);
  afterAll(async () => {
    await t.stop();
    await cloud.close();
  });

  it('reports Dynamics 365 as reachable in /healthz', async () => {
    expect(await healthOf(t)).toEqual({ status: 'ok', backend: { name: 'Dynamics 365', reachable: true } });
  });

  it('shows the platform refusing an approval by the application user, and approves once the platform accepts it', async () => {
    const ada = t.user('ada');
    const refused = textOf((await sayForCard(t, ada, 'approve mailbox pia@contoso.com')).activity);
    expect(refused).toContain('should be a global administrator or exchange administrator');
    expect(cloud.dataverse.row('systemusers', guidOf('user-pia'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.PendingApproval);

    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    try {
      const approved = textOf((await sayForCard(t, ada, 'approve mailbox pia@contoso.com')).activity);
      expect(approved).toContain('Pending Approval → Approved');
      expect(cloud.dataverse.row('systemusers', guidOf('user-pia'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
      expect(cloud.dataverse.row('mailboxes', guidOf('mailbox-user-pia'))?.isemailaddressapprovedbyo365admin).toBe(true);
      // The audit trail stays in the bot's own data file.
      expect(t.bot.services.store.recentAudit(1)[0]).toMatchObject({ actorId: guidOf('user-ada') });
    } finally {
      cloud.directory.revoke(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    }
  });

  it('runs Test & Enable as the platform does it and summarises what the platform found', async () => {
    const ada = t.user('ada');
    const chat = t.personalChatOf(ada);
    const before = t.connector.activitiesSentTo(chat).length;
    const [first] = await t.say(ada, 'test mailbox ada@contoso.com, otto@contoso.com, support@contoso.com, evan@contoso.com');
    // Several mailboxes: previewed first, as on the embedded store.
    expect((await t.invoke(ada, { verb: 'confirmation.confirm', data: { confirmationId: confirmationIdOf(cardIn(first)) } })).status).toBe(200);
    const [card] = t.connector.activitiesSentTo(chat).slice(before).filter((activity) => activity.operation === 'reply' && textOf(activity).includes('Test & Enable 4 mailboxes'));
    const jobId = /J-\d+/.exec(textOf(card))?.[0] ?? '';
    const scheduledBefore = cloud.dataverse.requests.length;
    await waitForReportedJob(t, jobId, 20_000);
    const summary = textOf(t.connector.currentActivity(chat, card?.activityId ?? ''));
    expect(summary).toMatch(/4 of 4 mailboxes tested/);
    expect(summary).toMatch(/2 succeeded, 2 failed\./);
    expect(summary).toMatch(/Otto Owner[\s\S]*configured with another organization/);
    expect(summary).toMatch(/Support[\s\S]*could not be determined/);
    // The platform tested them: its status columns say so, and its trace logs are the alerts.
    expect(cloud.dataverse.row('mailboxes', guidOf('mailbox-user-ada'))).toMatchObject({ mailboxstatus: 1, testemailconfigurationscheduled: false });
    expect(cloud.dataverse.row('mailboxes', guidOf('mailbox-user-otto'))).toMatchObject({ actstatus: 2 });
    // Each mailbox was scheduled once: one PATCH each, in $batch requests.
    const batches = cloud.dataverse.requests.slice(scheduledBefore).filter((request) => request.target.endsWith('/$batch'));
    expect(batches.reduce((sum, request) => sum + request.innerRequests, 0)).toBeLessThanOrEqual(4);
  }, 30_000);

  it("takes the Dynamics 365 administrator role from Graph (Dynamics 365's user record does not carry it)", async () => {
    const sid = t.user('sid');
    expect(textOf((await sayForCard(t, sid, 'whoami')).activity)).toContain('Dynamics 365 Service administrator');
    expect(textOf((await sayForCard(t, t.user('pia'), 'whoami')).activity)).not.toContain('Dynamics 365 Service administrator');
  });

  it('refuses Pia (no admin role in Graph, no privilege in Dynamics 365)', async () => {
    const pia = t.user('pia');
    const answer = textOf((await sayForCard(t, pia, 'approve mailbox otto@contoso.com')).activity);
    expect(answer).toContain('Not allowed');
    expect(cloud.dataverse.row('systemusers', guidOf('user-otto'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
  });
});

describe('the bot when Dynamics 365 is unreachable at start-up', () => {
  let cloud: FakeCloud;
  let t: TestBot;
  beforeAll(async () => {
    cloud = await startFakeCloud();
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = cloud.env;
    const unreachable = cloud.dataverse.url;
    await cloud.dataverse.close();
    t = await startTestBot({ configEnv: { ...env, DATAVERSE_URL: unreachable }, dataverse: { refreshIntervalMs: 60_000 } });
  }, 30_000);
  afterAll(async () => {
    await t.stop();
    await cloud.close();
  });

  it('starts, says so in /healthz, and answers a command that Dynamics 365 is unreachable', async () => {
    const health = await healthOf(t);
    expect(health).toMatchObject({ status: 'degraded', backend: { name: 'Dynamics 365', reachable: false } });
    expect(health.backend?.detail).toContain('unreachable');
    // Nobody can be identified without the records: the answer says why instead of a generic error.
    const [answer] = await t.say(t.user('ada'), 'approve mailbox pia@contoso.com');
    expect(textOf(answer)).toContain('Dynamics 365 is unreachable');
  }, 30_000);
});
