// App-only (client credentials) tokens from Microsoft Entra ID through @azure/msal-node.
// Our own cache sits in front of msal's: one token per scope, renewed a margin before it expires, and
// one request in flight however many callers ask at once (msal alone would send one per caller).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration } from '@azure/msal-node';
import type { DelegatedCredential } from '../app/ports/intents.js';
import type { AppCredential } from './config.js';
import { DataverseError, cleanPlatformText } from './errors.js';

export interface AccessTokenSource {
  /** A valid bearer token; `forceRefresh` after the service said the token was not accepted. */
  getToken(forceRefresh?: boolean): Promise<string>;
}

export interface AppIdentity {
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: AppCredential;
  readonly authorityHost: string;
}

/** Certificate credential for msal from one PEM file with the certificate and its private key. */
function certificateCredential(path: string): NonNullable<Configuration['auth']['clientCertificate']> {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new DataverseError('authentication', `AZURE_CLIENT_CERTIFICATE_PATH: cannot read ${path} (${reason}).`, { service: 'Microsoft Entra ID' });
  }
  const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const keyBlock = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (certificateBlock === undefined || keyBlock === undefined) {
    throw new DataverseError('authentication', `AZURE_CLIENT_CERTIFICATE_PATH: ${path} must be a PEM file holding both the certificate and its unencrypted private key.`, {
      service: 'Microsoft Entra ID',
    });
  }
  const certificate = new X509Certificate(certificateBlock);
  return {
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
    privateKey: createPrivateKey(keyBlock).export({ format: 'pem', type: 'pkcs8' }).toString(),
    x5c: certificateBlock,
  };
}

/** The msal application for the bot's registration. `knownAuthorities` keeps msal off the public instance discovery. */
export function createConfidentialClient(identity: AppIdentity): ConfidentialClientApplication {
  const credential =
    identity.credential.kind === 'secret' ? { clientSecret: identity.credential.secret } : { clientCertificate: certificateCredential(identity.credential.certificatePath) };
  return new ConfidentialClientApplication({
    auth: {
      clientId: identity.clientId,
      authority: `${identity.authorityHost}/${identity.tenantId}`,
      knownAuthorities: [new URL(identity.authorityHost).host],
      ...credential,
    },
    system: { loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined } },
  });
}

const SECONDS = 1000;

/** Turns an msal failure into a message naming the settings to check, without the secret. */
function tokenError(error: unknown, identity: AppIdentity, scope: string): DataverseError {
  const secrets = identity.credential.kind === 'secret' ? [identity.credential.secret] : [];
  const errorCode = error instanceof Error && 'errorCode' in error ? String(error.errorCode) : '';
  const text = cleanPlatformText(error instanceof Error ? error.message : String(error), secrets);
  const network = /network|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|certificate|self[- ]signed|fetch failed|endpoints_resolution_error|openid/i.test(`${errorCode} ${text}`);
  if (network) {
    return new DataverseError(
      'unreachable',
      `Microsoft Entra ID is unreachable at ${identity.authorityHost} (AZURE_AUTHORITY_HOST) for tenant ${identity.tenantId} (AZURE_TENANT_ID). Check both settings and the network path. Details: ${text}`,
      { service: 'Microsoft Entra ID', ...(errorCode === '' ? {} : { code: errorCode }) },
    );
  }
  const which = identity.credential.kind === 'secret' ? 'AZURE_CLIENT_SECRET' : 'AZURE_CLIENT_CERTIFICATE_PATH';
  return new DataverseError(
    'authentication',
    `Microsoft Entra ID refused the bot's credentials for ${scope}. Check AZURE_TENANT_ID, AZURE_CLIENT_ID and ${which}. Entra ID says: "${text}"`,
    { service: 'Microsoft Entra ID', ...(errorCode === '' ? {} : { code: errorCode }) },
  );
}

export interface AppTokenSourceOptions {
  /** Renew this long before expiry (default 5 minutes, as msal does). */
  readonly renewBeforeExpiryMs?: number;
  readonly now?: () => number;
}

/** Tokens for one resource (`{resource}/.default`). */
export class AppTokenSource implements AccessTokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly renewBeforeExpiryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly application: ConfidentialClientApplication,
    private readonly identity: AppIdentity,
    resource: string,
    options: AppTokenSourceOptions = {},
  ) {
    this.scope = `${resource.replace(/\/$/, '')}/.default`;
    this.renewBeforeExpiryMs = options.renewBeforeExpiryMs ?? 300 * SECONDS;
    this.now = options.now ?? Date.now;
  }

  readonly scope: string;

  getToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.cached !== undefined && this.cached.expiresAt - this.renewBeforeExpiryMs > this.now()) return Promise.resolve(this.cached.token);
    this.pending ??= this.acquire(forceRefresh || this.cached !== undefined).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async acquire(skipMsalCache: boolean): Promise<string> {
    try {
      // msal's own cache renews only in its last 5 minutes; when ours decided to renew, ask the endpoint.
      const result = await this.application.acquireTokenByClientCredential({ scopes: [this.scope], skipCache: skipMsalCache });
      if (result === null || result.accessToken === '') throw new Error('the token endpoint returned no access token');
      const expiresAt = result.expiresOn?.getTime() ?? this.now() + 3600 * SECONDS;
      this.cached = { token: result.accessToken, expiresAt };
      return result.accessToken;
    } catch (error) {
      throw tokenError(error, this.identity, this.scope);
    }
  }
}

/**
 * Bearer tokens from a person's own sign-in for this turn (Teams single sign-on exchanged on their behalf), for
 * requests Dataverse must see as made by that person. Nothing is cached here: the credential ends with the turn.
 */
export const delegatedTokenSource = (credential: DelegatedCredential, resource: string): AccessTokenSource => ({
  getToken: () => credential.accessToken(`${resource.replace(/\/$/, '')}/user_impersonation`),
});
