// Checks a Teams single sign-on token before anything is done with it: the RS256 signature against the
// tenant's Entra keys (the OpenID configuration's jwks_uri, fetched from the authority host), the issuer, the
// audience (the bot's single sign-on app: its application id or Application ID URI), the tenant and the time.
// Teams obtains the token for the person in the client; the bot never trusts it before this check.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SignInProblem } from '../app/ports/sign-in.js';

export interface SsoTokenSettings {
  /** The single sign-on app's application (client) id. */
  readonly appId: string;
  /** Its Application ID URI, e.g. `api://contoso-bot.example.com/botid-<bot app id>`. */
  readonly appIdUri: string;
  /** `https://login.microsoftonline.com`, or the fake token endpoint in tests. */
  readonly authorityHost: string;
}

export interface SsoTokenClaims {
  readonly oid: string;
  readonly tid: string;
  readonly audience: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type SsoTokenCheck = { readonly ok: true; readonly claims: SsoTokenClaims } | { readonly ok: false; readonly problem: SignInProblem; readonly message: string };

/** Clock skew allowed on `exp` and `nbf`, as Entra's own libraries allow. */
const SKEW_SECONDS = 300;
/** Keys are fetched again at most this often when a token names a key the bot does not know (Entra rotates keys). */
const KEY_REFRESH_MS = 60_000;

const headerSchema = z.object({ alg: z.literal('RS256'), kid: z.string().min(1) });
const claimsSchema = z.object({
  aud: z.string(),
  iss: z.string(),
  tid: z.string(),
  oid: z.string(),
  exp: z.number(),
  nbf: z.number().optional(),
});
const openIdConfigurationSchema = z.object({ jwks_uri: z.url(), issuer: z.string() });
const jwksSchema = z.object({ keys: z.array(z.looseObject({ kid: z.string().optional(), kty: z.string(), n: z.string().optional(), e: z.string().optional() })) });

const INVALID = 'Your sign-in could not be verified: the token Teams sent is not one Microsoft Entra ID issued for this organization. Nothing was changed.';

const decodePart = (part: string): unknown => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

interface TenantKeys {
  readonly issuer: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly fetchedAt: number;
}

export class SsoTokenValidator {
  readonly #settings: SsoTokenSettings;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  readonly #tenants = new Map<string, Promise<TenantKeys>>();

  constructor(settings: SsoTokenSettings, options: { now?: () => number; fetch?: typeof fetch } = {}) {
    this.#settings = settings;
    this.#now = options.now ?? Date.now;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** Checks `token` for `expectedTenantId` (the activity's tenant). Never throws for a bad token. */
  async check(token: string, expectedTenantId: string): Promise<SsoTokenCheck> {
    const parts = token.split('.');
    const [headerPart, payloadPart, signaturePart] = parts;
    if (parts.length !== 3 || headerPart === undefined || payloadPart === undefined || signaturePart === undefined) return { ok: false, problem: 'invalidToken', message: INVALID };
    const header = headerSchema.safeParse(decodePart(headerPart));
    const claims = claimsSchema.safeParse(decodePart(payloadPart));
    if (!header.success || !claims.success) return { ok: false, problem: 'invalidToken', message: INVALID };
    const { tid, aud, oid, exp, nbf, iss } = claims.data;
    // The tenant is checked before any key is fetched: a token of another tenant never makes the bot call out.
    if (tid.toLowerCase() !== expectedTenantId.toLowerCase()) {
      return { ok: false, problem: 'wrongTenant', message: `Your sign-in belongs to tenant ${tid}, but you clicked in tenant ${expectedTenantId}, this organization's. Sign in with your account of this organization. Nothing was changed.` };
    }
    const key = await this.#key(expectedTenantId, header.data.kid);
    if (key === 'unreachable') {
      return { ok: false, problem: 'exchangeFailed', message: `Your sign-in could not be checked: Microsoft Entra ID's signing keys could not be read from ${this.#settings.authorityHost}. Try again in a moment. Nothing was changed.` };
    }
    if (key === undefined) return { ok: false, problem: 'invalidToken', message: INVALID };
    const signed = verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), key.key, Buffer.from(signaturePart, 'base64url'));
    if (!signed) return { ok: false, problem: 'invalidToken', message: INVALID };
    const issuers = [key.issuer, `https://sts.windows.net/${expectedTenantId}/`, `${this.#settings.authorityHost}/${expectedTenantId}/v2.0`].map((issuer) => issuer.toLowerCase());
    if (!issuers.includes(iss.toLowerCase())) return { ok: false, problem: 'invalidToken', message: INVALID };
    if (aud !== this.#settings.appId && aud !== this.#settings.appIdUri) {
      return {
        ok: false,
        problem: 'wrongAudience',
        message: `Your sign-in token was issued for another application (${aud}), not for this bot (${this.#settings.appIdUri}). Ask your Teams admin to check the app's single sign-on settings (webApplicationInfo in its manifest). Nothing was changed.`,
      };
    }
    const nowSeconds = Math.floor(this.#now() / 1000);
    if (exp + SKEW_SECONDS <= nowSeconds) return { ok: false, problem: 'expired', message: 'Your sign-in has expired. Click again: Teams signs you in anew. Nothing was changed.' };
    if (nbf !== undefined && nbf - SKEW_SECONDS > nowSeconds) return { ok: false, problem: 'invalidToken', message: INVALID };
    return { ok: true, claims: { oid: oid.toLowerCase(), tid: tid.toLowerCase(), audience: aud, expiresAt: exp } };
  }

  /** The key named `kid` of the tenant, fetching the keys again (at most once a minute) when it is unknown. */
  async #key(tenantId: string, kid: string): Promise<{ key: KeyObject; issuer: string } | 'unreachable' | undefined> {
    const cacheKey = tenantId.toLowerCase();
    let keys = await this.#keysOf(cacheKey);
    if (keys === undefined) return 'unreachable';
    if (keys !== undefined && !keys.keys.has(kid) && this.#now() - keys.fetchedAt >= KEY_REFRESH_MS) {
      this.#tenants.delete(cacheKey);
      keys = await this.#keysOf(cacheKey);
    }
    const key = keys?.keys.get(kid);
    return key === undefined || keys === undefined ? undefined : { key, issuer: keys.issuer };
  }

  async #keysOf(tenantId: string): Promise<TenantKeys | undefined> {
    let pending = this.#tenants.get(tenantId);
    if (pending === undefined) {
      pending = this.#fetchKeys(tenantId);
      this.#tenants.set(tenantId, pending);
      // A failed fetch is not kept: the next token tries again.
      pending.catch(() => this.#tenants.delete(tenantId));
    }
    try {
      return await pending;
    } catch {
      return undefined;
    }
  }

  async #fetchKeys(tenantId: string): Promise<TenantKeys> {
    const configurationUrl = `${this.#settings.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`;
    const configuration = openIdConfigurationSchema.parse(await (await this.#fetch(configurationUrl)).json());
    const jwks = jwksSchema.parse(await (await this.#fetch(configuration.jwks_uri)).json());
    const keys = new Map<string, KeyObject>();
    for (const jwk of jwks.keys) {
      if (jwk.kid === undefined || jwk.kty !== 'RSA') continue;
      keys.set(jwk.kid, createPublicKey({ key: { kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' }, format: 'jwk' }));
    }
    return { issuer: configuration.issuer, keys, fetchedAt: this.#now() };
  }
}
