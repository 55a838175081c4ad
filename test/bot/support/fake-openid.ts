// A Bot Framework token issuer on loopback: OpenID metadata, a JWKS with one trusted RSA key, and helpers
// that mint tokens (genuine or forged) the way the Bot Connector service signs them. Nothing leaves the machine.
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { z } from 'zod';
import type { AuthenticationEndpoints } from '../../../src/bot/adapter.js';

export const CHANNEL_ISSUER = 'https://api.botframework.com';
export const TRUSTED_KID = 'trusted-signing-key';

export interface Claims {
  readonly [claim: string]: unknown;
}

export interface FakeTokenIssuer {
  readonly endpoints: AuthenticationEndpoints;
  /** RS256 signed by the trusted key. */
  signed(claims: Claims, header?: Record<string, unknown>): string;
  /** RS256 signed by a key nobody trusts, with the trusted key's `kid`. */
  selfSigned(claims: Claims): string;
  /** `alg: none`, no signature, the trusted `kid`. */
  unsigned(claims: Claims): string;
  /** HS256 keyed with the trusted public key's PEM text (algorithm confusion). */
  hmacWithPublicKey(claims: Claims): string;
  /** Requests the key set was asked for (proves validation used this issuer). */
  readonly keyRequests: () => number;
  close(): Promise<void>;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(header: Record<string, unknown>, claims: Claims, signature: (input: string) => Buffer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${signature(input).toString('base64url')}`;
}

const rs256 = (key: KeyObject) => (input: string): Buffer => sign('sha256', Buffer.from(input), key);

export async function startFakeTokenIssuer(): Promise<FakeTokenIssuer> {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = trusted.publicKey.export({ format: 'jwk' });
  let keyRequests = 0;
  let baseUrl = '';
  const server: Server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/v1/.well-known/openidconfiguration') {
      response.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${baseUrl}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (request.url === '/v1/keys') {
      keyRequests += 1;
      response.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: TRUSTED_KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = z.object({ port: z.number() }).parse(server.address());
  baseUrl = `http://127.0.0.1:${port}`;
  const header = { alg: 'RS256', typ: 'JWT', kid: TRUSTED_KID };
  return {
    endpoints: {
      toBotFromChannelOpenIdMetadataUrl: `${baseUrl}/v1/.well-known/openidconfiguration`,
      toBotFromEmulatorOpenIdMetadataUrl: `${baseUrl}/emulator/.well-known/openid-configuration`,
      toBotFromChannelTokenIssuer: CHANNEL_ISSUER,
      toChannelFromBotLoginUrl: `${baseUrl}/login`,
      toChannelFromBotOAuthScope: CHANNEL_ISSUER,
      oAuthUrl: `${baseUrl}/oauth`,
    },
    signed: (claims, extraHeader = {}) => token({ ...header, ...extraHeader }, claims, rs256(trusted.privateKey)),
    selfSigned: (claims) => token(header, claims, rs256(stranger.privateKey)),
    unsigned: (claims) => token({ alg: 'none', typ: 'JWT', kid: TRUSTED_KID }, claims, () => Buffer.alloc(0)),
    hmacWithPublicKey: (claims) => {
      const pem = trusted.publicKey.export({ type: 'pkcs1', format: 'pem' });
      return token({ alg: 'HS256', typ: 'JWT', kid: TRUSTED_KID }, claims, (input) => createHmac('sha256', pem).update(input).digest());
    },
    keyRequests: () => keyRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
