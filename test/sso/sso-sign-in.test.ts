// Teams single sign-on against the fake Entra token endpoint and the fake Dataverse: the token is checked
// (signature, audience, tenant, person, time) before anything is exchanged, the on-behalf-of exchange gives a
// Dataverse token whose oid is the person's, missing consent is told apart, and the credential dies with the turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsoSignIn } from '../../src/sso/index.js';
import { DataverseClient, delegatedTokenSource } from '../../src/dataverse/index.js';
import { FAKE_SSO_APP_ID, FAKE_SSO_APP_ID_URI, FAKE_SSO_SECRET, startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { newSigningKey, signJwt, decodeJwt } from '../fakes/jwt.js';
import { z } from 'zod';

const ADA = '00000000-0000-4000-8000-000000000001';
const CODY = '00000000-0000-4000-8000-000000000003';
const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';

const oidOf = (token: string): unknown => z.object({ oid: z.string() }).parse(decodeJwt(token)?.claims).oid;

describe('Teams single sign-on and the on-behalf-of exchange', () => {
  let cloud: FakeCloud;
  let signIn: SsoSignIn;
  let tenantId: string;

  beforeAll(async () => {
    cloud = await startFakeCloud();
    tenantId = cloud.settings.tenantId;
    signIn = new SsoSignIn({ appId: FAKE_SSO_APP_ID, appIdUri: FAKE_SSO_APP_ID_URI, clientSecret: FAKE_SSO_SECRET, authorityHost: cloud.tokenEndpoint.url, resourceUrl: cloud.dataverse.url });
  });
  afterAll(async () => {
    await cloud.close();
  });

  it('exchanges a valid token for a Dataverse token of the same person, usable until the turn ends', async () => {
    const token = cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID_URI });
    const outcome = await signIn.signIn({ token, tenantId, aadObjectId: ADA.toUpperCase() });
    if (!outcome.ok) throw new Error(outcome.message);
    const dataverseToken = await outcome.credential.accessToken(`${cloud.dataverse.url}/user_impersonation`);
    expect(oidOf(dataverseToken)).toBe(ADA);
    expect(cloud.tokenEndpoint.onBehalfOfRequests.at(-1)).toMatchObject({ clientId: FAKE_SSO_APP_ID, oid: ADA, granted: true, scope: `${cloud.dataverse.url}/user_impersonation` });
    // Dataverse sees the person as the caller.
    const client = DataverseClient.fromSettings(cloud.settings);
    const before = cloud.dataverse.requests.length;
    await client.http.send({ method: 'GET', url: `${client.apiRoot}/WhoAmI()`, tokens: delegatedTokenSource(outcome.credential, cloud.dataverse.url) });
    expect(cloud.dataverse.requests.slice(before).map((request) => request.caller)).toEqual([ADA]);
    outcome.credential.end();
    await expect(outcome.credential.accessToken(`${cloud.dataverse.url}/user_impersonation`)).rejects.toThrow(/turn that has ended/);
  });

  it('accepts the application id as the audience too (v2 tokens carry it)', async () => {
    const token = cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID });
    const outcome = await signIn.signIn({ token, tenantId, aadObjectId: ADA });
    expect(outcome.ok).toBe(true);
  });

  const refusals: readonly (readonly [string, () => { token: string; tenantId: string; aadObjectId: string }, string, RegExp])[] = [
    ['a token signed with another key', () => ({ token: signJwt({ aud: FAKE_SSO_APP_ID_URI, iss: `${cloud.tokenEndpoint.url}/${tenantId}/v2.0`, tid: tenantId, oid: ADA, exp: Math.floor(Date.now() / 1000) + 3600 }, newSigningKey('fake-key-1')), tenantId, aadObjectId: ADA }), 'invalidToken', /could not be verified/],
    ['an expired token', () => ({ token: cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID_URI, expiresInSeconds: -3600 }), tenantId, aadObjectId: ADA }), 'expired', /expired/],
    ['a token for another application', () => ({ token: cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: 'api://elsewhere.example.com/other' }), tenantId, aadObjectId: ADA }), 'wrongAudience', /another application \(api:\/\/elsewhere/],
    ['a token of another tenant', () => ({ token: cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID_URI, tid: OTHER_TENANT }), tenantId, aadObjectId: ADA }), 'wrongTenant', /tenant 99999999/],
    ['a token of someone else than the clicker', () => ({ token: cloud.tokenEndpoint.issueSsoToken({ oid: CODY, audience: FAKE_SSO_APP_ID_URI }), tenantId, aadObjectId: ADA }), 'wrongPerson', /someone other/],
    ['text that is not a token', () => ({ token: 'not-a-token', tenantId, aadObjectId: ADA }), 'invalidToken', /could not be verified/],
  ];

  it.each(refusals)('refuses %s without asking Entra for an exchange', async (_what, attempt, problem, message) => {
    const exchangesBefore = cloud.tokenEndpoint.onBehalfOfRequests.length;
    const outcome = await signIn.signIn(attempt());
    expect(outcome).toMatchObject({ ok: false, problem });
    if (!outcome.ok) expect(outcome.message).toMatch(message);
    expect(cloud.tokenEndpoint.onBehalfOfRequests.length).toBe(exchangesBefore);
  });

  it('tells missing consent apart (AADSTS65001, consent_required) and works once consent is given', async () => {
    cloud.tokenEndpoint.withdrawConsent(CODY);
    const token = cloud.tokenEndpoint.issueSsoToken({ oid: CODY, audience: FAKE_SSO_APP_ID_URI });
    const refused = await signIn.signIn({ token, tenantId, aadObjectId: CODY });
    expect(refused).toMatchObject({ ok: false, problem: 'consentRequired' });
    expect(cloud.tokenEndpoint.onBehalfOfRequests.at(-1)).toMatchObject({ oid: CODY, granted: false, error: 'AADSTS65001 consent_required' });
    cloud.tokenEndpoint.grantConsent(CODY);
    expect(await signIn.signIn({ token, tenantId, aadObjectId: CODY })).toMatchObject({ ok: true });
  });

  it('says Entra could not be reached when its keys cannot be read, rather than calling the token forged', async () => {
    const offline = new SsoSignIn({ appId: FAKE_SSO_APP_ID, appIdUri: FAKE_SSO_APP_ID_URI, clientSecret: FAKE_SSO_SECRET, authorityHost: 'https://127.0.0.1:1', resourceUrl: cloud.dataverse.url });
    const outcome = await offline.signIn({ token: cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID_URI }), tenantId, aadObjectId: ADA });
    expect(outcome).toMatchObject({ ok: false, problem: 'exchangeFailed', message: expect.stringMatching(/signing keys could not be read from https:\/\/127\.0\.0\.1:1/) as unknown });
  });

  it('keeps no token of the person in msal after the exchange (a new exchange asks Entra again)', async () => {
    const token = cloud.tokenEndpoint.issueSsoToken({ oid: ADA, audience: FAKE_SSO_APP_ID_URI });
    const before = cloud.tokenEndpoint.onBehalfOfRequests.length;
    await signIn.signIn({ token, tenantId, aadObjectId: ADA });
    await signIn.signIn({ token, tenantId, aadObjectId: ADA });
    expect(cloud.tokenEndpoint.onBehalfOfRequests.length - before).toBe(2);
  });
});
