// Every failure of the Dataverse and Graph clients becomes a DataverseError: a kind the caller can
// branch on and a message an admin can act on. The platform's own error text is kept as one short,
// cleaned line (never the raw OData body, never a token or a secret).
import { z } from 'zod';
import { RecordsBackendError } from '../app/ports/records.js';

export type DataverseErrorKind =
  /** DNS, TLS or connection failure: the service could not be reached. */
  | 'unreachable'
  | 'timeout'
  /** The token endpoint refused the app's credentials, or the service refused the token (401). */
  | 'authentication'
  /** 403: the application user or the caller lacks a privilege, role or consent. */
  | 'forbidden'
  | 'not-found'
  /** 400 and other request errors: a bug on our side or a column the environment lacks. */
  | 'bad-request'
  /** 429s whose waits would pass the caller's bound (HttpCoreOptions.maxThrottleWaitMs); without one the client waits. */
  | 'throttled'
  | 'server'
  /** The answer was not the JSON or multipart body the API documents. */
  | 'invalid-response';

/** The three service-protection error codes (api-limits): requests, execution time, concurrency. */
export const ServiceProtectionCodes = {
  numberOfRequests: { hex: '0x80072322', decimal: '-2147015902' },
  executionTime: { hex: '0x80072321', decimal: '-2147015903' },
  concurrentRequests: { hex: '0x80072326', decimal: '-2147015898' },
} as const;
export type ServiceProtectionLimit = keyof typeof ServiceProtectionCodes;

export function serviceProtectionLimitOf(code: string | undefined): ServiceProtectionLimit | null {
  if (code === undefined) return null;
  const normalised = code.trim().toLowerCase();
  for (const [limit, codes] of Object.entries(ServiceProtectionCodes) as [ServiceProtectionLimit, { hex: string; decimal: string }][]) {
    if (normalised === codes.hex || normalised === codes.decimal) return limit;
  }
  return null;
}

/** Every Dataverse or Graph failure is a RecordsBackendError, so the bot shows its admin message in chat. */
export class DataverseError extends RecordsBackendError {
  override readonly name = 'DataverseError';
  constructor(
    readonly kind: DataverseErrorKind,
    message: string,
    readonly details: {
      readonly service: 'Dataverse' | 'Microsoft Graph' | 'Microsoft Entra ID';
      readonly status?: number;
      /** The platform's error code, e.g. `0x80072322`. */
      readonly code?: string;
      /** The request, as `PATCH mailboxes(…)`: method and path, never a header. */
      readonly request?: string;
    },
  ) {
    super(message, kind === 'unreachable' || kind === 'timeout' ? 'unreachable' : kind === 'authentication' || kind === 'forbidden' ? 'refused' : 'other');
  }
}

const odataErrorSchema = z.object({ error: z.object({ code: z.union([z.string(), z.number()]).optional(), message: z.string().optional() }) });

/** The `{ error: { code, message } }` body of an OData (or Graph) error, when the body is one. */
export function parseODataError(body: string): { code?: string; message?: string } {
  try {
    const parsed = odataErrorSchema.safeParse(JSON.parse(body));
    if (!parsed.success) return {};
    const { code, message } = parsed.data.error;
    return { ...(code === undefined ? {} : { code: String(code) }), ...(message === undefined ? {} : { message }) };
  } catch {
    return {};
  }
}

const MAX_PLATFORM_TEXT = 300;

/** One line of the platform's text: bearer tokens and given secrets blanked, whitespace folded, cut short. */
export function cleanPlatformText(text: string, secrets: readonly string[] = []): string {
  let cleaned = text.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [hidden]').replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[token hidden]');
  for (const secret of secrets) if (secret.length > 0) cleaned = cleaned.split(secret).join('[hidden]');
  cleaned = cleaned.replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_PLATFORM_TEXT ? `${cleaned.slice(0, MAX_PLATFORM_TEXT - 1)}…` : cleaned;
}

const ADVICE: Readonly<Record<DataverseErrorKind, (service: string) => string>> = {
  unreachable: (service) => `${service} is unreachable. Check the URL setting and the network path from the bot to it.`,
  timeout: (service) => `${service} did not answer in time. It may be busy; the request can be tried again later.`,
  authentication: (service) =>
    `${service} did not accept the bot's credentials. Check AZURE_TENANT_ID, AZURE_CLIENT_ID and the client secret or certificate of the app registration, and that the application user exists in the environment (docs/dataverse.md).`,
  forbidden: (service) =>
    service === 'Microsoft Graph'
      ? 'Microsoft Graph refused the request: the app registration needs the User.Read.All application permission with admin consent (docs/dataverse.md).'
      : `${service} refused the request: the bot's application user lacks a privilege. Give its security role the privileges listed in docs/dataverse.md.`,
  'not-found': (service) => `${service} has no such record. It may have been deleted meanwhile.`,
  'bad-request': (service) => `${service} rejected the request as invalid. This is a bug in the bot or a column this environment lacks; please report it.`,
  throttled: (service) => `${service} is limiting the bot's requests (service protection). The work slows down; try again in a few minutes.`,
  server: (service) => `${service} had an internal error. It usually passes; try again later.`,
  'invalid-response': (service) => `${service} sent an answer the bot cannot read. Check that the URL points at the service itself and not at a proxy or sign-in page.`,
};

/** What admins call the services; "Dataverse" alone means little in chat. */
const DISPLAY_NAME: Readonly<Record<string, string>> = { Dataverse: 'Dynamics 365 (Dataverse)' };

/** The admin-facing message for a kind, with the platform's cleaned text when there is one. */
export function adminMessage(kind: DataverseErrorKind, service: string, platformText?: string): string {
  const name = DISPLAY_NAME[service] ?? service;
  const advice = ADVICE[kind](name);
  return platformText === undefined || platformText === '' ? advice : `${advice} ${name} says: "${platformText}"`;
}

export function kindForStatus(status: number): DataverseErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'throttled';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'bad-request';
}
