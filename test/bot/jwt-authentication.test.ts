// Authenticated mode over real HTTP: botbuilder validates tokens against a loopback OpenID key set, and
// every token it refuses is answered 401 with our own words, never 500 with the library's message.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestBot, type HttpAnswer, type TestBot } from '../support/bot-harness.js';
import { CHANNEL_ISSUER, startFakeTokenIssuer, type Claims, type FakeTokenIssuer } from './support/fake-openid.js';
import { capturingLogger, organizationRecords, type CapturedLog } from './support/records.js';

const APP_ID = '0b7e6c1a-1f1e-4c56-9d7e-2a8f5e1c9b01';
const UNAUTHORIZED = { error: { code: 'Unauthorized', message: 'The request is not authorized.' } };
/** Words of botbuilder's and jsonwebtoken's messages that must never reach the caller. */
const LIBRARY_WORDS = /jwt|signature|algorithm|not active|nbf|expired|Signing Key|Unauthorized\.|Invalid AppId|issuer/i;

describe('JWT validation with an app id configured', () => {
  let issuer: FakeTokenIssuer;
  let t: TestBot;
  let log: CapturedLog;
  let authorization: string | undefined;

  const claims = (overrides: Claims = {}): Claims => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: t.connector.url, iat: now, nbf: now - 60, exp: now + 3600, ...overrides };
  };

  // A card action answered inside the invoke response, so the turn needs no outbound call (which would need
  // a real bot token from Entra): cancelling a confirmation that no longer exists.
  const cardActionWith = async (header: string | undefined): Promise<HttpAnswer> => {
    authorization = header;
    return t.invoke(t.user('ada'), { verb: 'confirmation.cancel', data: { confirmationId: 'C-0000000001' } });
  };

  beforeAll(async () => {
    // jsonwebtoken failures are printed by botbuilder itself with console.error; keep the test output readable.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    issuer = await startFakeTokenIssuer();
    log = capturingLogger();
    t = await startTestBot({
      configEnv: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-password', MicrosoftAppType: 'MultiTenant', HOST: '127.0.0.1' },
      authenticationEndpoints: issuer.endpoints,
      headers: (): Record<string, string> => (authorization === undefined ? {} : { authorization }),
      logger: log,
    });
  });
  afterAll(async () => {
    await t.stop();
    await issuer.close();
    vi.restoreAllMocks();
  });

  it('accepts a token signed by the trusted key (the set-up can pass)', async () => {
    const answer = await cardActionWith(`Bearer ${issuer.signed(claims())}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    // The turn ran as Ada: a stranger would get the refusal, she gets the answer about her (stale) confirmation.
    expect(JSON.stringify(answer.body)).toMatch(/I no longer know this confirmation/);
    expect(issuer.keyRequests()).toBeGreaterThan(0);
  });

  const forgeries: readonly (readonly [string, () => string])[] = [
    ['a self-signed RS256 token with the right audience and issuer and a trusted kid', () => issuer.selfSigned(claims())],
    ['a token not valid for another hour (nbf)', () => issuer.signed(claims({ nbf: Math.floor(Date.now() / 1000) + 3600 }))],
    ['alg none with a trusted kid', () => issuer.unsigned(claims())],
    ['HS256 keyed with the trusted public key', () => issuer.hmacWithPublicKey(claims())],
    ['a genuine signature for another audience', () => issuer.signed(claims({ aud: 'someone-else' }))],
    ['a genuine signature with an unknown kid', () => issuer.signed(claims(), { kid: 'unknown-key' })],
    ['no token at all', () => ''],
    ['a token that is not a JWT', () => 'Bearer not.a.jwt'],
  ];

  it.each(forgeries)('answers %s with 401 in its own words, storing nothing', async (_name, forge) => {
    const before = organizationRecords(t.bot.services.store);
    const references = t.bot.services.references.all().length;
    const sentBefore = t.connector.activitiesSentTo(t.personalChatOf(t.user('ada'))).length;
    const forged = forge();
    const answer = await cardActionWith(forged === '' ? undefined : forged.startsWith('Bearer ') ? forged : `Bearer ${forged}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
    expect(JSON.stringify(answer.body)).not.toMatch(LIBRARY_WORDS);
    expect(organizationRecords(t.bot.services.store)).toBe(before);
    expect(t.bot.services.references.all()).toHaveLength(references);
    expect(t.connector.activitiesSentTo(t.personalChatOf(t.user('ada')))).toHaveLength(sentBefore);
    expect(log.errors()).toEqual([]);
  });
});

describe('JWT validation when the signing keys cannot be loaded', () => {
  it('answers 401 without the library message, and logs why', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const issuer = await startFakeTokenIssuer();
    const log = capturingLogger();
    const missingMetadata = issuer.endpoints.toBotFromChannelOpenIdMetadataUrl.replace('openidconfiguration', 'missing');
    const token = issuer.signed({ iss: CHANNEL_ISSUER, aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 3600 });
    const t = await startTestBot({
      configEnv: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-password', MicrosoftAppType: 'MultiTenant', HOST: '127.0.0.1' },
      authenticationEndpoints: { ...issuer.endpoints, toBotFromChannelOpenIdMetadataUrl: missingMetadata },
      headers: () => ({ authorization: `Bearer ${token}` }),
      logger: log,
    });
    try {
      const answer = await t.invoke(t.user('ada'), { verb: 'command', data: { command: 'whoami' } });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(UNAUTHORIZED);
      expect(log.lines.join('\n')).toMatch(/WARN refused an unauthenticated request .*openID config/);
      expect(log.errors()).toEqual([]);
    } finally {
      await t.stop();
      await issuer.close();
      vi.restoreAllMocks();
    }
  });
});
