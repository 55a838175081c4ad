// Everything the Dataverse backend talks to, faked on loopback and seeded from one organization file:
// the Entra token endpoint, Dataverse and Graph, all over TLS with the test CA (which this process
// trusts). `settings` and `env` point the bot's Dataverse settings at them.
import { readFileSync } from 'node:fs';
import { loadOrganizationFile, type OrganizationData } from '../../src/store/org-file.js';
import type { DataverseSettings } from '../../src/dataverse/config.js';
import type { DelegatedCredential } from '../../src/app/ports.js';
import { FakeDirectory } from './directory.js';
import { signJwt } from './jwt.js';
import { startFakeDataverse } from './fake-dataverse/server.js';
import type { FakeDataverse, FakeDataverseOptions, ServiceProtectionLimits } from './fake-dataverse/server.js';
import { startFakeGraph } from './fake-graph.js';
import type { FakeGraph } from './fake-graph.js';
import { startFakeTokenEndpoint } from './fake-token-endpoint.js';
import type { FakeTokenEndpoint } from './fake-token-endpoint.js';
import { testCertificates, trustTestAuthority } from './tls.js';

export const FAKE_CLIENT_ID = 'b07b07b0-0000-4000-8000-00000000b070';
export const FAKE_CLIENT_SECRET = 'fake-client-secret-Zq8~not-a-real-one';
/** Object id of the bot's service principal: the `oid` of its app-only tokens. */
export const FAKE_SERVICE_PRINCIPAL_ID = 'b07b07b0-0000-4000-8000-0000000005b0';
/** The bot's Teams single sign-on app (SSO_APP_ID): Teams asks for tokens to its exposed API; it exchanges them on behalf of the person. */
export const FAKE_SSO_APP_ID = '5507b07b-0000-4000-8000-0000000055a0';
export const FAKE_SSO_APP_ID_URI = `api://localhost/botid-${FAKE_SSO_APP_ID}`;
export const FAKE_SSO_SECRET = 'fake-sso-secret-Wq3~not-a-real-one';
const FAKE_SSO_SERVICE_PRINCIPAL_ID = '5507b07b-0000-4000-8000-0000000005b1';

/** The certificate uploaded to the app registration: the PEM file's certificate, without its key. */
const certificateOnly = (pemFile: string): string => readFileSync(pemFile, 'utf8').split('-----BEGIN PRIVATE KEY-----')[0] ?? '';

export interface FakeCloudOptions {
  readonly orgFile?: string;
  /** Seeds from these records instead of an organization file. */
  readonly data?: OrganizationData;
  readonly limits?: ServiceProtectionLimits | null;
  readonly testDelayMs?: number;
  readonly latencyMs?: number;
  readonly applicationPrivileges?: readonly string[];
  readonly tokenLifetimeSeconds?: number;
  readonly graphPageSize?: number;
}

export interface FakeCloud {
  readonly tokenEndpoint: FakeTokenEndpoint;
  readonly dataverse: FakeDataverse;
  readonly graph: FakeGraph;
  readonly directory: FakeDirectory;
  readonly settings: DataverseSettings;
  /** A PEM file with a certificate the fake app registration accepts, and its key (AZURE_CLIENT_CERTIFICATE_PATH). */
  readonly clientCertificateFile: string;
  /**
   * A person's own sign-in (what Teams SSO + on-behalf-of gives the bot): tokens for `{resource}/user_impersonation`
   * with the person's object id, signed by the fake token endpoint. `scopes` lists what was asked for.
   */
  delegatedCredentialFor(aadObjectId: string): DelegatedCredential & { readonly scopes: string[] };
  /** The same, as environment variables (BACKEND=dataverse …) plus NODE_EXTRA_CA_CERTS for child processes. */
  readonly env: Readonly<Record<string, string>>;
  /** The single sign-on settings (SSO_*) pointing at the fake token endpoint and the fake Dataverse. */
  readonly signInEnv: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const certificates = testCertificates();
  trustTestAuthority(certificates);
  const data = options.data ?? (await loadOrganizationFile(options.orgFile ?? 'examples/contoso.json'));
  const tenantId = data.organization.tenantId;
  const tokenEndpoint = await startFakeTokenEndpoint(
    {
      tenantId,
      apps: [
        { clientId: FAKE_CLIENT_ID, secret: FAKE_CLIENT_SECRET, certificatePem: certificateOnly(certificates.clientPemFile), servicePrincipalObjectId: FAKE_SERVICE_PRINCIPAL_ID },
        { clientId: FAKE_SSO_APP_ID, secret: FAKE_SSO_SECRET, servicePrincipalObjectId: FAKE_SSO_SERVICE_PRINCIPAL_ID, exposedApiAudiences: [FAKE_SSO_APP_ID, FAKE_SSO_APP_ID_URI], name: 'Mailbox Sync Bot SSO' },
      ],
      ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }) },
    certificates,
  );
  const directory = FakeDirectory.fromOrganization(data);
  const dataverseOptions: FakeDataverseOptions = {
    data,
    tokenKey: tokenEndpoint.signingKey.publicKey,
    applicationUsers: [{ clientId: FAKE_CLIENT_ID, servicePrincipalObjectId: FAKE_SERVICE_PRINCIPAL_ID, ...(options.applicationPrivileges === undefined ? {} : { privileges: options.applicationPrivileges }) }],
    directory,
    tls: certificates,
    limits: options.limits ?? null,
    ...(options.testDelayMs === undefined ? {} : { testDelayMs: options.testDelayMs }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
  };
  const dataverse = await startFakeDataverse(dataverseOptions);
  const graph = await startFakeGraph({ directory, tokenKey: tokenEndpoint.signingKey.publicKey, tls: certificates, ...(options.graphPageSize === undefined ? {} : { defaultPageSize: options.graphPageSize }) });
  const settings: DataverseSettings = {
    backend: 'dataverse',
    dataverseUrl: dataverse.url,
    tenantId,
    clientId: FAKE_CLIENT_ID,
    credential: { kind: 'secret', secret: FAKE_CLIENT_SECRET },
    authorityHost: tokenEndpoint.url,
    graphUrl: graph.url,
  };
  return {
    tokenEndpoint,
    dataverse,
    graph,
    directory,
    settings,
    clientCertificateFile: certificates.clientPemFile,
    delegatedCredentialFor: (aadObjectId) => {
      const scopes: string[] = [];
      return {
        scopes,
        accessToken: (scope) => {
          scopes.push(scope);
          const issuedAt = Math.floor(Date.now() / 1000);
          const resource = scope.replace(/\/user_impersonation$/, '');
          return Promise.resolve(signJwt({ aud: resource, iss: `https://sts.windows.net/${tenantId}/`, iat: issuedAt, nbf: issuedAt, exp: issuedAt + 3600, oid: aadObjectId.toLowerCase(), sub: aadObjectId.toLowerCase(), tid: tenantId, scp: 'user_impersonation' }, tokenEndpoint.signingKey));
        },
      };
    },
    env: {
      BACKEND: 'dataverse',
      DATAVERSE_URL: dataverse.url,
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: FAKE_CLIENT_ID,
      AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
      AZURE_AUTHORITY_HOST: tokenEndpoint.url,
      GRAPH_URL: graph.url,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
    },
    signInEnv: {
      SSO_APP_ID: FAKE_SSO_APP_ID,
      SSO_APP_ID_URI: FAKE_SSO_APP_ID_URI,
      SSO_CLIENT_SECRET: FAKE_SSO_SECRET,
      SSO_AUTHORITY_HOST: tokenEndpoint.url,
      SSO_RESOURCE_URL: dataverse.url,
    },
    close: async () => {
      await Promise.all([dataverse.close(), graph.close(), tokenEndpoint.close()]);
    },
  };
}
