// Approving as yourself on Dynamics 365 itself: the bot with BACKEND=dataverse and single sign-on, against the fake
// Entra token endpoint, the fake Dataverse and the fake Graph, through the real Bot Framework HTTP protocol. A typed
// approval gets the OAuth card; once signin/tokenExchange brings Ada's token, the approval reaches Dynamics 365 as a
// PATCH of the owner's row carrying a token of hers (its oid), made by the Dataverse records adapter itself.
// (Approval cards on this backend are covered with the card flow in test/bot/sign-in/approval-sign-in.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { decisionDataOf, greet, invokeBodySchema, waitForApprovalCards } from '../approvals/support.js';
import { CardVerb } from '../../src/cards/index.js';
import { FAKE_SSO_APP_ID_URI, startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { startTestBot, type HttpAnswer, type TestBot } from '../support/bot-harness.js';

const healthSchema = z.object({ backend: z.object({ reachable: z.boolean() }).optional() });

describe('approving as yourself on Dynamics 365 (fake)', () => {
  let cloud: FakeCloud;
  let t: TestBot;
  beforeAll(async () => {
    cloud = await startFakeCloud({ testDelayMs: 20 });
    const { NODE_EXTRA_CA_CERTS: _ca, ...env } = cloud.env;
    t = await startTestBot({
      configEnv: { ...env, ...cloud.signInEnv, REQUIRE_SIGN_IN: '1' },
      dataverse: { refreshIntervalMs: 100, pollIntervalMs: 50 },
      outbox: { backoff: { baseMs: 10, maxMs: 50 } },
      userTokens: { signInLink: () => Promise.resolve('https://token.botframework.test/api/oauth/signin?signin=fake'), tokenForCode: () => Promise.resolve(undefined) },
    });
    for (let tries = 0; tries < 200; tries++) {
      const health = healthSchema.parse(await (await fetch(`${t.bot.url}/healthz`)).json());
      if (health.backend?.reachable === true) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 30_000);
  afterAll(async () => {
    await t.stop();
    await cloud.close();
  });

  it('asks a typed approval to sign in, then writes it to Dynamics 365 with the approver\'s own token', async () => {
    const ada = t.user('ada');
    await greet(t, ada);
    const sent = await t.say(ada, 'approve mailbox pia@contoso.com');
    const oauth = sent.flatMap((activity) => activity.attachments).find((attachment) => z.object({ contentType: z.literal('application/vnd.microsoft.card.oauth') }).loose().safeParse(attachment).success);
    const card = z.object({ content: z.object({ connectionName: z.string(), tokenExchangeResource: z.object({ id: z.string(), uri: z.literal(FAKE_SSO_APP_ID_URI) }) }) }).parse(oauth);
    expect(cloud.dataverse.row('systemusers', guidOf('user-pia'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.PendingApproval);

    const token = cloud.tokenEndpoint.issueSsoToken({ oid: ada.aadObjectId, audience: FAKE_SSO_APP_ID_URI, name: ada.fullName });
    const exchanged = await t.post(t.activityFrom(ada, { type: 'invoke', name: 'signin/tokenExchange', value: { id: card.content.tokenExchangeResource.id, connectionName: card.content.connectionName, token } }));
    expect(exchanged.status).toBe(200);
    expect(cloud.dataverse.row('systemusers', guidOf('user-pia'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
    // The owner's approval PATCH that Dynamics 365 received came with a token of Ada's (exchanged on her behalf),
    // sent by the Dataverse records adapter.
    // The adapter writes in $batch change sets: the one carrying the PATCH came with Ada's token.
    const writes = cloud.dataverse.requests.filter((request) => request.method === 'PATCH' || (request.target.endsWith('/$batch') && request.innerRequests > 0));
    expect(writes.at(-1)).toMatchObject({ caller: ada.aadObjectId, status: 200 });
    expect(cloud.tokenEndpoint.onBehalfOfRequests.at(-1)).toMatchObject({ oid: ada.aadObjectId, granted: true });
  }, 30_000);

  it('sends the approval card to an approver whose admin role only Graph knows, and decides her retried click with her token', async () => {
    const [ada, cody] = [t.user('ada'), t.user('cody')];
    await greet(t, ada, cody);
    // Cody asks, in chat, for approval of his own address; Ada (Global Administrator in Graph) gets the card.
    await t.say(cody, 'request approval cody@contoso.com');
    const [card] = await waitForApprovalCards(t, [ada]);
    if (card === undefined) throw new Error('no approval card');
    const data = decisionDataOf(card.card);
    const click = (extra: Record<string, unknown>): Promise<HttpAnswer> =>
      t.post(t.activityFrom(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: CardVerb.ApproveEmail, data }, trigger: 'manual', ...extra } }));
    const first = z.object({ statusCode: z.literal(401), type: z.literal('application/vnd.microsoft.activity.loginRequest') }).safeParse((await click({})).body);
    expect(first.success).toBe(true);
    expect(cloud.dataverse.row('systemusers', guidOf('user-cody'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.PendingApproval);

    const token = cloud.tokenEndpoint.issueSsoToken({ oid: ada.aadObjectId, audience: FAKE_SSO_APP_ID_URI, name: ada.fullName });
    const decided = await click({ authentication: { id: 'exchange-2', connectionName: 'TeamsSSO', token } });
    expect(invokeBodySchema.parse(decided.body)).toMatchObject({ statusCode: 200 });
    expect(cloud.dataverse.row('systemusers', guidOf('user-cody'))?.emailrouteraccessapproval).toBe(EmailApprovalStatus.Approved);
    const writes = cloud.dataverse.requests.filter((request) => request.method === 'PATCH' || (request.target.endsWith('/$batch') && request.innerRequests > 0));
    expect(writes.at(-1)).toMatchObject({ caller: ada.aadObjectId, status: 200 });
  }, 30_000);
});
