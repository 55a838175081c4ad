// BACKEND and the settings of the Dynamics 365 (Dataverse) backend, read from the environment as part of
// loadConfig (src/shared/config.ts). Every problem is listed at once, each naming its setting, and no message
// ever contains the client secret.
import { isIP } from 'node:net';
import { z } from 'zod';

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

export type AppCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly certificatePath: string };

export interface DataverseSettings {
  readonly backend: 'dataverse';
  /** Environment root without a trailing slash, e.g. `https://contoso.crm.dynamics.com`. */
  readonly dataverseUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: AppCredential;
  readonly authorityHost: string;
  readonly graphUrl: string;
}

export type BackendSettings = { readonly backend: 'embedded' } | DataverseSettings;

export class DataverseConfigError extends Error {
  override readonly name = 'DataverseConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Dynamics 365 (Dataverse) configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const blankToUndefined = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

const rawSchema = z.object({
  BACKEND: z.string().optional(),
  DATAVERSE_URL: z.string().optional(),
  AZURE_TENANT_ID: z.string().optional(),
  AZURE_CLIENT_ID: z.string().optional(),
  AZURE_CLIENT_SECRET: z.string().optional(),
  AZURE_CLIENT_CERTIFICATE_PATH: z.string().optional(),
  AZURE_AUTHORITY_HOST: z.string().optional(),
  GRAPH_URL: z.string().optional(),
});

/**
 * Checks a service root URL. https is required, except on a loopback host, where the fakes and the
 * demo serve plain http. Only the origin may be given (plus a trailing slash), because paths are ours.
 * Returns the normalised origin or a problem text (which quotes the URL, never a secret).
 */
function checkServiceUrl(text: string, example: string): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `is not a URL (got "${text}"); expected something like ${example}` };
  }
  if (url.username !== '' || url.password !== '') return { problem: 'must not contain a user name or password' };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return { problem: `must use https (got "${url.protocol}//${url.host}"); plain http is accepted only on a loopback host` };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return { problem: `must be just the address, without a path or query (got "${text}"); expected something like ${example}` };
  }
  return { url: url.origin };
}

/**
 * Reads BACKEND and, when it is `dataverse`, the Dataverse settings. Throws a DataverseConfigError
 * that lists every problem; `BACKEND` unset or empty means `embedded`.
 */
export function loadBackendSettings(env: Readonly<Record<string, string | undefined>>): BackendSettings {
  const raw = rawSchema.parse(env);
  const backend = (blankToUndefined(raw.BACKEND) ?? 'embedded').toLowerCase();
  if (backend === 'embedded') return { backend: 'embedded' };
  if (backend !== 'dataverse') throw new DataverseConfigError([`BACKEND: must be embedded or dataverse (got "${raw.BACKEND ?? ''}")`]);

  const problems: string[] = [];
  const required = (name: keyof typeof raw, what: string): string | undefined => {
    const value = blankToUndefined(raw[name]);
    if (value === undefined) problems.push(`${name}: is required when BACKEND=dataverse (${what})`);
    return value;
  };
  const guid = (name: 'AZURE_TENANT_ID' | 'AZURE_CLIENT_ID', what: string): string => {
    const value = required(name, what);
    if (value !== undefined && !GUID.test(value)) problems.push(`${name}: must be a GUID (${what}); got "${value}"`);
    return value ?? '';
  };
  const serviceUrl = (name: 'DATAVERSE_URL' | 'AZURE_AUTHORITY_HOST' | 'GRAPH_URL', value: string | undefined, example: string): string => {
    if (value === undefined) return '';
    const checked = checkServiceUrl(value, example);
    if ('problem' in checked) {
      problems.push(`${name}: ${checked.problem}`);
      return '';
    }
    return checked.url;
  };

  const dataverseUrl = serviceUrl('DATAVERSE_URL', required('DATAVERSE_URL', 'the environment URL, e.g. https://contoso.crm.dynamics.com'), 'https://contoso.crm.dynamics.com');
  const tenantId = guid('AZURE_TENANT_ID', 'the Entra tenant (directory) id');
  const clientId = guid('AZURE_CLIENT_ID', "the app registration's application (client) id");
  const authorityHost = serviceUrl('AZURE_AUTHORITY_HOST', blankToUndefined(raw.AZURE_AUTHORITY_HOST) ?? DEFAULT_AUTHORITY_HOST, DEFAULT_AUTHORITY_HOST);
  const graphUrl = serviceUrl('GRAPH_URL', blankToUndefined(raw.GRAPH_URL) ?? DEFAULT_GRAPH_URL, DEFAULT_GRAPH_URL);
  // The authority must be https even on loopback: msal-node refuses anything else.
  if (authorityHost.startsWith('http:')) problems.push('AZURE_AUTHORITY_HOST: must use https (the token library accepts only https authorities)');

  const secret = blankToUndefined(raw.AZURE_CLIENT_SECRET);
  const certificatePath = blankToUndefined(raw.AZURE_CLIENT_CERTIFICATE_PATH);
  let credential: AppCredential | undefined;
  if (secret !== undefined && certificatePath !== undefined) {
    problems.push('AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH: set exactly one of them, not both');
  } else if (secret !== undefined) {
    credential = { kind: 'secret', secret };
  } else if (certificatePath !== undefined) {
    credential = { kind: 'certificate', certificatePath };
  } else {
    problems.push('AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH: one is required when BACKEND=dataverse (the app registration\'s client secret, or a PEM file with its certificate and private key)');
  }

  if (problems.length > 0 || credential === undefined) throw new DataverseConfigError(problems);
  return { backend: 'dataverse', dataverseUrl, tenantId, clientId, credential, authorityHost, graphUrl };
}

/** What start-up may print about the settings: the secret is never shown. */
export function describeDataverseSettings(settings: DataverseSettings): string {
  const credential = settings.credential.kind === 'secret' ? 'client secret (hidden)' : `certificate ${settings.credential.certificatePath}`;
  return `Dataverse ${settings.dataverseUrl} as app ${settings.clientId} in tenant ${settings.tenantId} with a ${credential}; authority ${settings.authorityHost}; Graph ${settings.graphUrl}`;
}
