// `npm run demo:sign-in`: approving as yourself, end to end on this machine, with REQUIRE_SIGN_IN=1 on the
// embedded backend. The fake Entra token endpoint plays Microsoft Entra ID (it issues the Teams single sign-on
// token and serves the on-behalf-of exchange) and a fake Bot Connector plays Teams; the bot is the real one,
// over HTTP. Nothing leaves 127.0.0.1. What each step sends and gets is printed. See docs/sso.md.
import { z } from 'zod';
import { CardVerb } from '../src/cards/index.js';
import { EmailApprovalStatus } from '../src/domain/options.js';
import { askForApproval, decisionDataOf, greet, mailboxOf, startApprovalBot, waitForApprovalCards } from '../test/approvals/support.js';
import { FAKE_SSO_APP_ID_URI, startFakeCloud } from '../test/fakes/fake-cloud.js';
import type { HttpAnswer } from '../test/support/bot-harness.js';

const invokeBody = z.object({ statusCode: z.number(), type: z.string(), value: z.unknown() });
const statusName = (status: number): string => Object.entries(EmailApprovalStatus).find(([, value]) => value === status)?.[0] ?? String(status);
const show = (step: string, detail: string): void => console.log(`\n▶ ${step}\n  ${detail.replaceAll('\n', '\n  ')}`);
const shortened = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

const cloud = await startFakeCloud();
const t = await startApprovalBot({ configEnv: { REQUIRE_SIGN_IN: '1', ...cloud.signInEnv } });
try {
  const ada = t.user('ada');
  const cody = t.user('cody');
  const click = (extra: Record<string, unknown>, data: unknown): Promise<HttpAnswer> =>
    t.post(t.activityFrom(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: CardVerb.ApproveEmail, data }, trigger: 'manual', ...extra } }));

  await greet(t, ada);
  await askForApproval(t, ada, mailboxOf(t, cody).emailAddress);
  const [card] = await waitForApprovalCards(t, [ada]);
  if (card === undefined) throw new Error('no approval card arrived');
  const data = decisionDataOf(card.card);
  show('Approval asked for cody@contoso.com; Ada (Global Administrator) has the card', `mailbox status: ${statusName(mailboxOf(t, cody).emailRouterAccessApproval)}`);

  const first = invokeBody.parse((await click({}, data)).body);
  show('Ada clicks Approve (no token yet): Teams is asked to sign her in', `${first.statusCode} ${first.type}\n${shortened(first.value)}`);

  const forged = invokeBody.parse((await click({ authentication: { id: 'x', connectionName: 'TeamsSSO', token: cloud.tokenEndpoint.issueSsoToken({ oid: ada.aadObjectId, audience: FAKE_SSO_APP_ID_URI, tid: '99999999-0000-4000-8000-000000000000' }) } }, data)).body);
  show('Someone replays a token of another tenant', `${forged.statusCode} ${forged.type}; the card says: ${JSON.stringify(forged.value).match(/Your sign-in[^"]*/)?.[0] ?? '?'}\nmailbox status: ${statusName(mailboxOf(t, cody).emailRouterAccessApproval)}`);

  cloud.tokenEndpoint.withdrawConsent(ada.aadObjectId);
  const noConsent = invokeBody.parse((await click({ authentication: { id: 'x', connectionName: 'TeamsSSO', token: cloud.tokenEndpoint.issueSsoToken({ oid: ada.aadObjectId, audience: FAKE_SSO_APP_ID_URI }) } }, data)).body);
  show('Before consent: Entra answers AADSTS65001 (consent_required); the bot sends the login request without single sign-on', `${noConsent.statusCode} ${noConsent.type}\n${shortened(noConsent.value)}`);
  cloud.tokenEndpoint.grantConsent(ada.aadObjectId);

  const token = cloud.tokenEndpoint.issueSsoToken({ oid: ada.aadObjectId, audience: FAKE_SSO_APP_ID_URI, name: ada.fullName });
  const decided = invokeBody.parse((await click({ authentication: { id: 'x', connectionName: 'TeamsSSO', token } }, data)).body);
  const exchange = cloud.tokenEndpoint.onBehalfOfRequests.at(-1);
  show(
    'After consent, Teams sends the click again with Ada\'s single sign-on token',
    `${decided.statusCode} ${decided.type}\non-behalf-of exchange: ${exchange?.granted === true ? 'granted' : 'refused'} for ${exchange?.oid ?? '?'} (${exchange?.scope ?? '?'})\nmailbox status: ${statusName(mailboxOf(t, cody).emailRouterAccessApproval)}`,
  );
} finally {
  await t.stop();
  await cloud.close();
}
