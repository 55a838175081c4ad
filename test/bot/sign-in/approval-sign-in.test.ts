// Approving as yourself, through the real Bot Framework HTTP protocol (REQUIRE_SIGN_IN=1 on the embedded
// backend) against the fake Entra token endpoint, the fake Dataverse and the fake Graph. The decision's write to
// Dynamics 365 is made here by a stand-in for the Dataverse records adapter (another issue writes the real one):
// at the records port it PATCHes the owner's approval in the fake Dataverse with the batch caller's credential, as
// that adapter will, so the tests see what Dynamics 365 would: whose token the PATCH carries, and its refusal.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CardVerb } from '../../../src/cards/index.js';
import { DataverseClient, DirectoryRoleTemplateIds, GraphDirectoryRoles, delegatedTokenSource } from '../../../src/dataverse/index.js';
import type { User } from '../../../src/domain/model.js';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import { EmbeddedOrganizationRecords } from '../../../src/store/embedded-records.js';
import type { IntentBatch } from '../../../src/app/ports.js';
import { askForApproval, decisionDataOf, greet, invokeBodySchema, mailboxOf, startApprovalBot, waitForApprovalCards } from '../../approvals/support.js';
import { FAKE_SSO_APP_ID_URI, startFakeCloud, type FakeCloud } from '../../fakes/fake-cloud.js';
import { guidOf } from '../../fakes/fake-dataverse/tables.js';
import { newSigningKey, signJwt, decodeJwt } from '../../fakes/jwt.js';
import { textOf, type HttpAnswer, type TestBot } from '../../support/bot-harness.js';
import { capturingLogger, type CapturedLog } from '../support/records.js';

const LOGIN_REQUEST = 'application/vnd.microsoft.activity.loginRequest';
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';
const SIGN_IN_LINK = 'https://token.botframework.test/api/oauth/signin?signin=fake';

const loginRequestSchema = z.object({
  statusCode: z.literal(401),
  type: z.literal(LOGIN_REQUEST),
  value: z.object({
    text: z.string(),
    connectionName: z.string(),
    tokenExchangeResource: z.object({ id: z.string().min(1), uri: z.string() }).optional(),
    buttons: z.array(z.object({ type: z.literal('signin'), title: z.string(), value: z.string() })).min(1),
  }),
});

describe('approving as yourself: Teams single sign-on and the on-behalf-of exchange', () => {
  let cloud: FakeCloud;
  let t: TestBot;
  let log: CapturedLog;
  let ada: User;
  const issuedTokens: string[] = [];
  /** Sign-in codes the fake Bot Framework token service knows (after a nominal sign-in), with their token. */
  const codes = new Map<string, string>();
  const dataverseWrites: { caller: string | null; status: number }[] = [];
  let appClient: DataverseClient;
  // Called with `.call(this, …)` in the stand-in below, so it keeps its records.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const apply = EmbeddedOrganizationRecords.prototype.apply;

  const ssoToken = (user: User, overrides: { audience?: string; tid?: string; expiresInSeconds?: number } = {}): string => {
    const token = cloud.tokenEndpoint.issueSsoToken({ oid: user.aadObjectId, audience: overrides.audience ?? FAKE_SSO_APP_ID_URI, name: user.fullName, ...overrides });
    issuedTokens.push(token);
    return token;
  };

  const click = (user: User, verb: string, data: unknown, extra: Record<string, unknown> = {}): Promise<HttpAnswer> =>
    t.post(t.activityFrom(user, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual', ...extra } }));

  const withToken = (token: string): Record<string, unknown> => ({ authentication: { id: 'exchange-1', connectionName: 'TeamsSSO', token } });

  const pendingCardFor = async (owner: User): Promise<{ requestId: string; version: number }> => {
    const before = (t.bot.services.store.document().approvalRequests ?? []).length;
    await askForApproval(t, ada, mailboxOf(t, owner).emailAddress);
    const [card] = await waitForApprovalCards(t, [ada], before + 1);
    if (card === undefined) throw new Error('no approval card');
    return decisionDataOf(card.card);
  };

  beforeAll(async () => {
    cloud = await startFakeCloud();
    log = capturingLogger();
    appClient = DataverseClient.fromSettings(cloud.settings);
    t = await startApprovalBot({
      configEnv: { REQUIRE_SIGN_IN: '1', ...cloud.signInEnv },
      logger: log,
      userTokens: { signInLink: () => Promise.resolve(SIGN_IN_LINK), tokenForCode: (_context, code) => Promise.resolve(codes.get(code)) },
      adminRoleEligibility: GraphDirectoryRoles.fromSettings(cloud.settings),
    });
    ada = t.user('ada');
    await greet(t, ada);
  });
  // Installed before each test: the configuration restores mocks after every test.
  beforeEach(() => {
    // The stand-in for the Dataverse records adapter: an approval is written to Dynamics 365 as the batch's caller,
    // with their credential as the bearer; a refusal is thrown as the adapter's error, and nothing is stored then.
    vi.spyOn(EmbeddedOrganizationRecords.prototype, 'apply').mockImplementation(async function (this: EmbeddedOrganizationRecords, batch: IntentBatch) {
      const caller = batch.caller;
      for (const intent of batch.intents) {
        if (intent.kind !== 'setAddressApproval' || intent.owner.type !== 'systemuser' || caller.kind !== 'person' || caller.credential === undefined) continue;
        const ownerId = guidOf(intent.owner.id);
        const row = await appClient.retrieve('systemusers', ownerId, ['emailrouteraccessapproval']);
        const etag = z.object({ '@odata.etag': z.string() }).parse(row)['@odata.etag'];
        const before = cloud.dataverse.requests.length;
        try {
          await appClient.update('systemusers', ownerId, { emailrouteraccessapproval: intent.status }, etag, [], { tokens: delegatedTokenSource(caller.credential, cloud.dataverse.url) });
        } finally {
          for (const request of cloud.dataverse.requests.slice(before)) if (request.method === 'PATCH') dataverseWrites.push({ caller: request.caller, status: request.status });
        }
      }
      return apply.call(this, batch);
    });
  });
  afterAll(async () => {
    await t.stop();
    await cloud.close();
    vi.restoreAllMocks();
  });

  it('answers the first click with the login request, then decides the retried click with the approver\'s own token', async () => {
    const cody = t.user('cody');
    const data = await pendingCardFor(cody);
    const first = await click(ada, CardVerb.ApproveEmail, data);
    expect(first.status).toBe(200);
    const login = loginRequestSchema.parse(first.body);
    expect(login.value).toMatchObject({ connectionName: 'TeamsSSO', tokenExchangeResource: { uri: FAKE_SSO_APP_ID_URI }, buttons: [{ type: 'signin', value: SIGN_IN_LINK }] });
    expect(mailboxOf(t, cody).emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    expect(dataverseWrites).toHaveLength(0);

    const retried = await click(ada, CardVerb.ApproveEmail, data, withToken(ssoToken(ada)));
    expect(invokeBodySchema.parse(retried.body)).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
    expect(mailboxOf(t, cody).emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    // The PATCH Dynamics 365 received carried a token of Ada's, exchanged on her behalf by the single sign-on app.
    expect(dataverseWrites).toEqual([{ caller: ada.aadObjectId, status: 204 }]);
    expect(cloud.dataverse.row('systemusers', guidOf(cody.id))?.emailrouteraccessapproval).toBe(1);
    expect(cloud.tokenEndpoint.onBehalfOfRequests.at(-1)).toMatchObject({ oid: ada.aadObjectId, granted: true });
  });

  describe('tokens that are refused, with no change and a card saying why', () => {
    let data: { requestId: string; version: number };
    beforeAll(async () => {
      data = await pendingCardFor(t.user('sid'));
    });

    const forgeries: readonly (readonly [string, () => string, RegExp])[] = [
      ['a forged token (signed with another key)', () => signJwt({ aud: FAKE_SSO_APP_ID_URI, iss: `${cloud.tokenEndpoint.url}/${cloud.settings.tenantId}/v2.0`, tid: cloud.settings.tenantId, oid: ada.aadObjectId, exp: Math.floor(Date.now() / 1000) + 3600 }, newSigningKey('fake-key-1')), /could not be verified/],
      ['an expired token', () => ssoToken(ada, { expiresInSeconds: -3600 }), /expired/],
      ['a token for another application', () => ssoToken(ada, { audience: 'api://elsewhere.example.com/other-app' }), /another application/],
      ['a token of another tenant', () => ssoToken(ada, { tid: OTHER_TENANT }), /tenant 99999999/],
      ["someone else's token", () => ssoToken(t.user('evan')), /someone other than the person who clicked/],
    ];

    it.each(forgeries)('refuses %s', async (_what, token, why) => {
      const sid = t.user('sid');
      const writesBefore = dataverseWrites.length;
      const auditBefore = t.bot.services.store.document().audit.length;
      const answer = await click(ada, CardVerb.ApproveEmail, data, withToken(token()));
      const body = invokeBodySchema.parse(answer.body);
      expect(body).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
      expect(JSON.stringify(body.value)).toMatch(why);
      expect(JSON.stringify(body.value)).toMatch(/Nothing was changed/);
      expect(mailboxOf(t, sid).emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
      expect(dataverseWrites.length).toBe(writesBefore);
      expect(t.bot.services.store.document().audit.length).toBe(auditBefore);
    });

    it('decides a double click during sign-in once', async () => {
      const sid = t.user('sid');
      const auditBefore = t.bot.services.store.document().audit.length;
      const token = ssoToken(ada);
      const answers = await Promise.all([click(ada, CardVerb.ApproveEmail, data, withToken(token)), click(ada, CardVerb.ApproveEmail, data, withToken(token))]);
      for (const answer of answers) expect(invokeBodySchema.parse(answer.body)).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
      expect(mailboxOf(t, sid).emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      const decisions = t.bot.services.store.document().audit.slice(auditBefore).filter((entry) => entry.action === 'mailbox.approveEmail');
      expect(decisions).toHaveLength(1);
      const request = (t.bot.services.store.document().approvalRequests ?? []).find((candidate) => candidate.id === data.requestId);
      expect(request?.decision).toMatchObject({ outcome: 'approved', decidedById: ada.id });
    });
  });

  describe('Dynamics 365 refuses an approver without an active Global or Exchange Administrator role', () => {
    let data: { requestId: string; version: number };
    beforeAll(async () => {
      data = await pendingCardFor(t.user('erin'));
      // Entra no longer has Ada as an active Global Administrator; the bot's own directory still says she is.
      cloud.directory.revoke(ada.aadObjectId, DirectoryRoleTemplateIds.GlobalAdministrator);
      cloud.directory.makeEligible(ada.aadObjectId, DirectoryRoleTemplateIds.GlobalAdministrator);
    });
    afterAll(() => {
      cloud.directory.grant(ada.aadObjectId, DirectoryRoleTemplateIds.GlobalAdministrator);
    });

    it('shows the platform\'s reason on the card, says to activate the PIM role first, and claims nothing', async () => {
      const erin = t.user('erin');
      const writesBefore = dataverseWrites.length;
      const answer = await click(ada, CardVerb.ApproveEmail, data, withToken(ssoToken(ada)));
      const body = invokeBodySchema.parse(answer.body);
      expect(body).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
      const text = JSON.stringify(body.value);
      expect(text).toMatch(/should be a global administrator or exchange administrator to approve mailbox in organization/);
      expect(text).toMatch(/Global Administrator role is only eligible in Privileged Identity Management: activate it first/);
      expect(text).not.toMatch(/Approved by|was approved/i);
      expect(dataverseWrites.slice(writesBefore)).toEqual([{ caller: ada.aadObjectId, status: 403 }]);
      expect(mailboxOf(t, erin).emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
      expect((t.bot.services.store.document().approvalRequests ?? []).find((request) => request.id === data.requestId)?.status).toBe('pending');
    });
  });

  describe('consent missing', () => {
    afterAll(() => {
      cloud.tokenEndpoint.grantConsent(ada.aadObjectId);
    });

    it('answers with the documented second login request (no single sign-on, a working sign-in button), then decides with the signed-in code', async () => {
      const erin = t.user('erin');
      const data = await pendingCardFor(erin);
      cloud.tokenEndpoint.withdrawConsent(ada.aadObjectId);
      const refused = await click(ada, CardVerb.ApproveEmail, data, withToken(ssoToken(ada)));
      const login = loginRequestSchema.parse(refused.body);
      expect(login.value.tokenExchangeResource).toBeUndefined();
      expect(login.value.buttons[0]?.value).toBe(SIGN_IN_LINK);
      expect(login.value.text).toMatch(/consent/);
      expect(cloud.tokenEndpoint.onBehalfOfRequests.at(-1)).toMatchObject({ oid: ada.aadObjectId, error: 'AADSTS65001 consent_required' });
      expect(mailboxOf(t, erin).emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);

      // Ada signs in through the button and consents; Teams sends the click again with the sign-in code.
      cloud.tokenEndpoint.grantConsent(ada.aadObjectId);
      codes.set('123456', ssoToken(ada));
      const decided = await click(ada, CardVerb.ApproveEmail, data, { state: '123456' });
      expect(invokeBodySchema.parse(decided.body)).toMatchObject({ statusCode: 200, type: ADAPTIVE_CARD });
      expect(mailboxOf(t, erin).emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      // An unknown code is the documented 412.
      const unknown = await click(ada, CardVerb.ApproveEmail, data, { state: '999999' });
      expect(invokeBodySchema.parse(unknown.body)).toMatchObject({ statusCode: 412, type: 'application/vnd.microsoft.error.preconditionFailed' });
    });
  });

  describe('chat commands', () => {
    it('answers "approve mailbox" with an OAuth card and runs it once signin/tokenExchange brings a valid token', async () => {
      const pia = t.user('pia');
      const address = mailboxOf(t, pia).emailAddress;
      const sent = await t.say(ada, `approve mailbox ${address}`);
      const oauth = sent.flatMap((activity) => activity.attachments).find((attachment) => z.object({ contentType: z.literal('application/vnd.microsoft.card.oauth') }).loose().safeParse(attachment).success);
      const card = z.object({ content: z.object({ connectionName: z.string(), tokenExchangeResource: z.object({ id: z.string(), uri: z.literal(FAKE_SSO_APP_ID_URI) }), buttons: z.array(z.object({ type: z.literal('signin'), value: z.string() })) }) }).parse(oauth);
      expect(mailboxOf(t, pia).emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);

      const exchange = (token: string): Promise<HttpAnswer> =>
        t.post(t.activityFrom(ada, { type: 'invoke', name: 'signin/tokenExchange', value: { id: card.content.tokenExchangeResource.id, connectionName: card.content.connectionName, token } }));
      const forged = await exchange(ssoToken(ada, { tid: OTHER_TENANT }));
      // 412 in the invoke response: Teams then shows the OAuth card's sign-in button.
      expect(forged.status).toBe(412);
      const failure = z.object({ id: z.string(), failureDetail: z.string() }).parse(forged.body);
      expect(failure.id).toBe(card.content.tokenExchangeResource.id);
      expect(failure.failureDetail).toMatch(/tenant 99999999/);
      expect(mailboxOf(t, pia).emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);

      const before = t.connector.activitiesSentTo(t.personalChatOf(ada)).length;
      const writesBefore = dataverseWrites.length;
      const accepted = await exchange(ssoToken(ada));
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ id: card.content.tokenExchangeResource.id });
      expect(mailboxOf(t, pia).emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      // The command's write reached Dynamics 365 as Ada, with a token of hers.
      expect(dataverseWrites.slice(writesBefore)).toEqual([{ caller: ada.aadObjectId, status: 204 }]);
      expect(t.connector.activitiesSentTo(t.personalChatOf(ada)).slice(before).map((activity) => textOf(activity)).join('\n')).toMatch(/Approved mailboxes/);
      // Teams sends the exchange again from another signed-in client: nothing runs twice.
      const auditBefore = t.bot.services.store.document().audit.length;
      await exchange(ssoToken(ada));
      expect(t.bot.services.store.document().audit.length).toBe(auditBefore);
    });
  });

  it('answers an Action.Submit decision (no sign-in possible from it) by pointing to the typed command, deciding nothing', async () => {
    const auditBefore = t.bot.services.store.document().audit.length;
    const before = t.connector.activitiesSentTo(t.personalChatOf(ada)).length;
    const answer = await t.post(t.activityFrom(ada, { type: 'message', value: { verb: CardVerb.ApproveEmail, requestId: 'A-unknown', version: 1 } }));
    expect(answer.status).toBe(200);
    expect(t.connector.activitiesSentTo(t.personalChatOf(ada)).slice(before).map((activity) => activity.text ?? '').join('\n')).toMatch(/needs your sign-in.*approve mailbox/s);
    expect(t.bot.services.store.document().audit.length).toBe(auditBefore);
  });

  it('never stored a token at rest', async () => {
    const directory = dirname(t.dataFile);
    const stored = (await Promise.all((await readdir(directory)).map((name) => readFile(join(directory, name), 'utf8').catch(() => '')))).join('\n');
    expect(stored.length).toBeGreaterThan(0);
    for (const token of issuedTokens) expect(stored).not.toContain(token.split('.')[2]);
  });

  it('never logged a token', () => {
    expect(issuedTokens.length).toBeGreaterThan(5);
    const everything = log.lines.join('\n');
    for (const token of issuedTokens) expect(everything).not.toContain(token.split('.')[2]);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    // The decoded claims are not logged either (only ids and outcomes are).
    expect(log.lines.some((line) => /signed in for this turn/.test(line))).toBe(true);
    expect(decodeJwt(issuedTokens[0] ?? '')).not.toBeNull();
  });
});
