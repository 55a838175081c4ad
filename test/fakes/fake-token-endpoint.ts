// A fake Microsoft Entra ID v2 token endpoint over TLS (msal-node accepts only https authorities): app-only
// tokens (client credentials) and on-behalf-of tokens (jwt-bearer, requested_token_use=on_behalf_of) for a
// person's Teams single sign-on token, which it also mints (`issueSsoToken`, as Teams would get it). It serves
// what msal reads for a known authority: the OpenID configuration, the JWKS and /{tenant}/oauth2/v2.0/token.
// Errors have Entra's shape ({ error, error_description: "AADSTS…: …", error_codes[, suberror] }) with the
// AADSTS codes Entra uses; a person who has not consented gets AADSTS65001 with suberror consent_required.
import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { decodeJwt, newSigningKey, publicJwk, signJwt, verifyJwt } from './jwt.js';
import type { SigningKey } from './jwt.js';
import { readBody, sendJson, startLoopbackServer } from './loopback.js';
import type { TestCertificates } from './tls.js';

export interface FakeAppRegistration {
  readonly clientId: string;
  readonly secret?: string;
  /** PEM of the certificate uploaded to the app registration (client assertion). */
  readonly certificatePem?: string;
  /** Object id of the app's service principal: the `oid` of its app-only tokens. */
  readonly servicePrincipalObjectId: string;
  /**
   * The audiences of the API the app exposes (its application id and Application ID URI): a single sign-on
   * token for one of them may be exchanged on behalf of its owner by this app. None: no on-behalf-of.
   */
  readonly exposedApiAudiences?: readonly string[];
  /** A display name, for AADSTS65001's text. */
  readonly name?: string;
}

/** A person's Teams single sign-on token, as Entra issues it to the Teams client for the bot's exposed API. */
export interface SsoTokenClaims {
  readonly oid: string;
  readonly audience: string;
  /** Defaults to the endpoint's tenant. */
  readonly tid?: string;
  readonly name?: string;
  /** Seconds from now until it expires (negative: already expired). Default 3600. */
  readonly expiresInSeconds?: number;
}

export interface OnBehalfOfRecord {
  readonly clientId: string;
  readonly scope: string;
  /** The person the token was asked for (the assertion's oid), when the assertion could be read. */
  readonly oid: string | null;
  readonly granted: boolean;
  readonly error: string | null;
}

export interface FakeTokenEndpointOptions {
  readonly tenantId: string;
  readonly apps: readonly FakeAppRegistration[];
  readonly tokenLifetimeSeconds?: number;
  readonly now?: () => number;
}

export interface TokenRequestRecord {
  readonly clientId: string;
  readonly scope: string;
  readonly granted: boolean;
}

export interface FakeTokenEndpoint {
  /** The authority host, e.g. `https://127.0.0.1:41234` (AZURE_AUTHORITY_HOST). */
  readonly url: string;
  readonly signingKey: SigningKey;
  /** Every request received, by path, in order (to prove what msal fetched). */
  readonly paths: string[];
  readonly tokenRequests: TokenRequestRecord[];
  readonly onBehalfOfRequests: OnBehalfOfRecord[];
  setTokenLifetime(seconds: number): void;
  /** Signs a Teams single sign-on token for a person with the endpoint's key (what Teams hands the bot). */
  issueSsoToken(claims: SsoTokenClaims): string;
  /** On-behalf-of requests for this person fail with AADSTS65001 (consent_required) until `grantConsent`. */
  withdrawConsent(oid: string): void;
  grantConsent(oid: string): void;
  close(): Promise<void>;
}

const clientAuthentication = {
  client_id: z.string().min(1),
  scope: z.string().min(1),
  client_secret: z.string().optional(),
  client_assertion: z.string().optional(),
  client_assertion_type: z.string().optional(),
};
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokenFormSchema = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('client_credentials'), ...clientAuthentication }),
  z.object({ grant_type: z.literal(JWT_BEARER), requested_token_use: z.literal('on_behalf_of'), assertion: z.string().min(1), ...clientAuthentication }),
]);
/** Scopes msal adds to every delegated request; they name no resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const ssoAssertionSchema = z.object({ aud: z.string(), tid: z.string(), oid: z.string(), exp: z.number(), name: z.string().optional() });

function entraError(response: ServerResponse, status: number, error: string, aadsts: number, description: string, suberror?: string): void {
  sendJson(response, status, {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: 00000000-0000-0000-0000-000000000000 Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString(),
    ...(suberror === undefined ? {} : { suberror }),
  });
}

function assertionMatches(assertion: string, certificatePem: string): boolean {
  const decoded = decodeJwt(assertion);
  if (decoded === null) return false;
  const certificate = new X509Certificate(certificatePem);
  const [header, payload, signature] = assertion.split('.');
  if (header === undefined || payload === undefined || signature === undefined) return false;
  const headerHint = z.object({ alg: z.string(), 'x5t#S256': z.string().optional(), x5t: z.string().optional() }).safeParse(decoded.header);
  if (!headerHint.success) return false;
  const der = certificate.raw;
  const thumbprints = [createHash('sha256').update(der).digest('base64url'), createHash('sha1').update(der).digest('base64url')];
  if (![headerHint.data['x5t#S256'], headerHint.data.x5t].some((hint) => hint !== undefined && thumbprints.includes(hint))) return false;
  const data = Buffer.from(`${header}.${payload}`);
  const signatureBytes = Buffer.from(signature, 'base64url');
  const key = certificate.publicKey;
  return headerHint.data.alg === 'PS256'
    ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signatureBytes)
    : verify('sha256', data, key, signatureBytes);
}

export async function startFakeTokenEndpoint(options: FakeTokenEndpointOptions, tls: TestCertificates): Promise<FakeTokenEndpoint> {
  const signingKey = newSigningKey();
  const paths: string[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const onBehalfOfRequests: OnBehalfOfRecord[] = [];
  const withoutConsent = new Set<string>();
  const now = options.now ?? Date.now;
  let lifetime = options.tokenLifetimeSeconds ?? 3600;
  let base = '';

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', base);
    paths.push(url.pathname);
    const [tenant, ...rest] = url.pathname.split('/').filter((segment) => segment !== '');
    const route = rest.join('/');
    if (tenant !== options.tenantId) {
      entraError(response, 400, 'invalid_tenant', 90002, `Tenant '${tenant ?? ''}' not found.`);
      return;
    }
    const tenantBase = `${base}/${tenant}`;
    if (request.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      sendJson(response, 200, {
        token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
        authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
        jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
        issuer: `${tenantBase}/v2.0`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        tenant_region_scope: 'EU',
      });
      return;
    }
    if (request.method === 'GET' && route === 'discovery/v2.0/keys') {
      sendJson(response, 200, { keys: [publicJwk(signingKey)] });
      return;
    }
    if (request.method !== 'POST' || route !== 'oauth2/v2.0/token') {
      entraError(response, 404, 'invalid_request', 900561, `The endpoint ${url.pathname} is not served by the fake.`);
      return;
    }
    const form = tokenFormSchema.safeParse(Object.fromEntries(new URLSearchParams(await readBody(request))));
    if (!form.success) {
      entraError(response, 400, 'invalid_request', 900144, 'The request body must contain grant_type (client_credentials, or jwt-bearer with requested_token_use=on_behalf_of and assertion), client_id and scope.');
      return;
    }
    const { client_id: clientId, scope } = form.data;
    const record = (granted: boolean): void => void tokenRequests.push({ clientId, scope, granted });
    const app = options.apps.find((candidate) => candidate.clientId === clientId);
    if (app === undefined) {
      record(false);
      entraError(response, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${options.tenantId}'.`);
      return;
    }
    const secretOk = form.data.client_secret !== undefined && app.secret !== undefined && form.data.client_secret === app.secret;
    const assertionOk = form.data.client_assertion !== undefined && app.certificatePem !== undefined && assertionMatches(form.data.client_assertion, app.certificatePem);
    if (!secretOk && !assertionOk) {
      record(false);
      if (form.data.client_assertion !== undefined) entraError(response, 401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
      else entraError(response, 401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
      return;
    }
    if (form.data.grant_type === JWT_BEARER) {
      onBehalfOf(response, app, form.data.assertion, scope);
      return;
    }
    if (!scope.endsWith('/.default')) {
      record(false);
      entraError(response, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
      return;
    }
    record(true);
    const issuedAt = Math.floor(now() / 1000);
    const accessToken = signJwt(
      {
        aud: scope.slice(0, -'/.default'.length),
        iss: `https://sts.windows.net/${options.tenantId}/`,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + lifetime,
        appid: clientId,
        oid: app.servicePrincipalObjectId,
        sub: app.servicePrincipalObjectId,
        tid: options.tenantId,
        idtyp: 'app',
        ver: '1.0',
      },
      signingKey,
    );
    sendJson(response, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken });
  };

  /** The on-behalf-of grant: the assertion must be a valid, unexpired token of this tenant for the app's exposed API. */
  const onBehalfOf = (response: ServerResponse, app: FakeAppRegistration, assertion: string, scope: string): void => {
    const claims = ssoAssertionSchema.safeParse(verifyJwt(assertion, signingKey.publicKey));
    const resourceScopes = scope.split(' ').filter((item) => item !== '' && !OIDC_SCOPES.has(item));
    const record = (granted: boolean, error: string | null): void =>
      void onBehalfOfRequests.push({ clientId: app.clientId, scope: resourceScopes.join(' '), oid: claims.success ? claims.data.oid : null, granted, error });
    const fail = (status: number, error: string, aadsts: number, description: string, suberror?: string): void => {
      record(false, `AADSTS${aadsts}${suberror === undefined ? '' : ` ${suberror}`}`);
      entraError(response, status, error, aadsts, description, suberror);
    };
    if (!claims.success) return fail(400, 'invalid_grant', 50013, 'Assertion failed signature validation.');
    const assertionClaims = claims.data;
    if (assertionClaims.exp <= Math.floor(now() / 1000)) return fail(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.');
    if (assertionClaims.tid !== options.tenantId) return fail(400, 'invalid_grant', 50013, `Assertion is not for tenant ${options.tenantId}.`);
    if (!(app.exposedApiAudiences ?? []).includes(assertionClaims.aud)) {
      return fail(400, 'invalid_grant', 50013, `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${assertionClaims.aud}' and the expected audience is '${app.clientId}' or one of the Application Uris of this application.`);
    }
    const [resourceScope, ...others] = resourceScopes;
    if (resourceScope === undefined || others.length > 0 || !/^https:\/\/[^/]+\/user_impersonation$/.test(resourceScope)) {
      return fail(400, 'invalid_scope', 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid (${scope}).`);
    }
    if (withoutConsent.has(assertionClaims.oid.toLowerCase())) {
      return fail(
        400,
        'invalid_grant',
        65001,
        `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.name ?? 'Mailbox Sync Bot'}'. Send an interactive authorization request for this user and resource.`,
        'consent_required',
      );
    }
    record(true, null);
    const issuedAt = Math.floor(now() / 1000);
    const resource = resourceScope.slice(0, -'/user_impersonation'.length);
    const accessToken = signJwt(
      {
        aud: resource,
        iss: `https://sts.windows.net/${options.tenantId}/`,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + lifetime,
        appid: app.clientId,
        oid: assertionClaims.oid,
        sub: assertionClaims.oid,
        tid: options.tenantId,
        scp: 'user_impersonation',
        idtyp: 'user',
        ...(assertionClaims.name === undefined ? {} : { name: assertionClaims.name }),
        ver: '1.0',
      },
      signingKey,
    );
    sendJson(response, 200, { token_type: 'Bearer', scope: resourceScope, expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken });
  };

  const server = await startLoopbackServer(handle, tls);
  base = server.url;
  return {
    url: server.url,
    signingKey,
    paths,
    tokenRequests,
    onBehalfOfRequests,
    setTokenLifetime: (seconds) => {
      lifetime = seconds;
    },
    issueSsoToken: (claims) => {
      const issuedAt = Math.floor(now() / 1000);
      const tid = claims.tid ?? options.tenantId;
      return signJwt(
        {
          aud: claims.audience,
          iss: `${base}/${tid}/v2.0`,
          iat: issuedAt,
          nbf: issuedAt,
          exp: issuedAt + (claims.expiresInSeconds ?? 3600),
          // The Teams desktop and web client, which asks Entra for the token on the person's behalf.
          azp: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
          oid: claims.oid,
          sub: `sub-${claims.oid}`,
          tid,
          scp: 'access_as_user',
          ...(claims.name === undefined ? {} : { name: claims.name }),
          ver: '2.0',
        },
        signingKey,
      );
    },
    withdrawConsent: (oid) => void withoutConsent.add(oid.toLowerCase()),
    grantConsent: (oid) => void withoutConsent.delete(oid.toLowerCase()),
    close: () => server.close(),
  };
}
