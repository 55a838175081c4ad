// Minimal RS256 JWTs for the fakes: the token endpoint signs, the fake Dataverse and Graph verify.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function newSigningKey(kid = 'fake-key-1'): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

export const accessTokenClaimsSchema = z.object({
  aud: z.string(),
  tid: z.string(),
  oid: z.string(),
  appid: z.string().optional(),
  exp: z.number(),
  iat: z.number(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** The token's claims when its signature is valid for the key, else null. Expiry is the caller's business. */
export function verifyJwt(token: string, publicKey: KeyObject): unknown {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return null;
  const valid = verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Header and claims of a JWT without checking it (to read a client assertion's key hint). */
export function decodeJwt(token: string): { header: unknown; claims: unknown } | null {
  const [header, payload] = token.split('.');
  if (header === undefined || payload === undefined) return null;
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown,
      claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown,
    };
  } catch {
    return null;
  }
}

export const publicJwk = (key: SigningKey): Record<string, unknown> => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, use: 'sig', alg: 'RS256' });

/** Checks a bearer token for a resource: signature, audience and expiry. Returns the claims or a reason. */
export function checkBearer(
  authorization: string | undefined,
  publicKey: KeyObject,
  audience: string,
  nowSeconds: number,
): { claims: AccessTokenClaims } | { reason: string } {
  if (authorization === undefined || !/^Bearer /i.test(authorization)) return { reason: 'Bearer token missing' };
  const parsed = accessTokenClaimsSchema.safeParse(verifyJwt(authorization.slice(7).trim(), publicKey));
  if (!parsed.success) return { reason: 'Bearer token is not valid' };
  if (parsed.data.aud.replace(/\/$/, '') !== audience.replace(/\/$/, '')) return { reason: `Bearer token audience ${parsed.data.aud} is not ${audience}` };
  if (parsed.data.exp <= nowSeconds) return { reason: 'Bearer token has expired' };
  return { claims: parsed.data };
}
