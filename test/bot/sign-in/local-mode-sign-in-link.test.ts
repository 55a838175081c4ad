// In local mode (no MicrosoftAppId) there is no Bot Framework token service: with REQUIRE_SIGN_IN=1 the login
// request's button is Entra's consent page for the single sign-on app and the Dynamics 365 scope, and nothing
// tries to reach the public token service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CardVerb } from '../../../src/cards/index.js';
import { askForApproval, decisionDataOf, greet, startApprovalBot, waitForApprovalCards } from '../../approvals/support.js';
import { FAKE_SSO_APP_ID, startFakeCloud, type FakeCloud } from '../../fakes/fake-cloud.js';
import type { TestBot } from '../../support/bot-harness.js';

describe('the sign-in link without a bot registration', () => {
  let cloud: FakeCloud;
  let t: TestBot;

  beforeAll(async () => {
    cloud = await startFakeCloud();
    t = await startApprovalBot({ configEnv: { REQUIRE_SIGN_IN: '1', ...cloud.signInEnv } });
  });
  afterAll(async () => {
    await t.stop();
    await cloud.close();
  });

  it("is Entra's consent page for the single sign-on app and the environment's user_impersonation", async () => {
    const ada = t.user('ada');
    await greet(t, ada);
    await askForApproval(t, ada, 'cody@contoso.com');
    const [card] = await waitForApprovalCards(t, [ada]);
    if (card === undefined) throw new Error('no approval card');
    const answer = await t.invoke(ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(card.card) });
    const link = z
      .object({ statusCode: z.literal(401), value: z.object({ buttons: z.array(z.object({ type: z.literal('signin'), value: z.url() })).length(1) }) })
      .parse(answer.body).value.buttons[0]?.value;
    const url = new URL(link ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${cloud.tokenEndpoint.url}/${cloud.settings.tenantId}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: FAKE_SSO_APP_ID, scope: `${cloud.dataverse.url}/user_impersonation`, prompt: 'consent' });
  });
});
