// Configuration comes from the environment, parsed once at start-up; every problem is reported at once.
import { z } from 'zod';
import { DataverseConfigError, describeDataverseSettings, isLoopback, loadBackendSettings, type BackendSettings } from './backend-config.js';
import { describeIssues } from './zod-problems.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const emptyToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalText = z.preprocess(emptyToUndefined, z.string().trim().optional());

const appTypeSchema = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return 'MultiTenant' as const;
      const match = (['SingleTenant', 'MultiTenant', 'UserAssignedMSI'] as const).find((type) => type.toLowerCase() === value.toLowerCase());
      if (match === undefined) {
        ctx.addIssue({ code: 'custom', message: `must be SingleTenant, MultiTenant or UserAssignedMSI (got "${value}")` });
        return z.NEVER;
      }
      return match;
    }),
);

const switchSchema = (defaultValue: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no'], { message: 'must be 0 or 1 (or true/false)' })
      .optional()
      .transform((value) => (value === undefined ? defaultValue : ['1', 'true', 'on', 'yes'].includes(value))),
  );

/** DATABASE_URL's shape (the connection itself is checked at start-up by src/postgres/connection.ts). */
export const databaseUrlSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .refine((text) => URL.canParse(text), 'is not a URL (expected postgres://user:password@host:5432/database)')
  .refine((text) => ['postgres:', 'postgresql:'].includes(new URL(text).protocol), 'must start with postgres:// or postgresql://');

const environmentSchema = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
    /** Bind address. Defaults to 127.0.0.1 in local mode and 0.0.0.0 with an app id. */
    HOST: optionalText,
    DATA_FILE: z.preprocess(emptyToUndefined, z.string().default('./data/db.json')),
    ORG_FILE: z.preprocess(emptyToUndefined, z.string().default('./examples/contoso.json')),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: appTypeSchema,
    MicrosoftAppTenantId: optionalText,
    PLAYGROUND: switchSchema(true),
    PLAYGROUND_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(56150)),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
    /** Where the bot keeps its own state: the data file (one instance) or PostgreSQL (several instances). */
    STATE_STORE: z.preprocess(emptyToUndefined, z.enum(['file', 'postgres'], { message: 'must be file or postgres' }).default('file')),
    DATABASE_URL: z.preprocess(emptyToUndefined, databaseUrlSchema.optional()),
    /**
     * With STATE_STORE=postgres: a Test & Enable run whose instance sent no heartbeat for this long is failed and
     * taken over by another instance (pg-boss's minimum is 10).
     */
    JOB_HEARTBEAT_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'must be a whole number of seconds' }).int().min(10, 'must be at least 10').max(3_600, 'must be at most 3600 (1 hour)').default(20)),
    /** Mailboxes one instance tests at once, across its Test & Enable jobs; the default depends on BACKEND. */
    JOB_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'must be a whole number' }).int().min(1, 'must be at least 1').max(1_000, 'must be at most 1000').optional()),
    /** With BACKEND=dataverse: between two polls for the outcomes of scheduled Test & Enable tests. */
    DATAVERSE_POLL_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100, 'must be at least 100').max(600_000, 'must be at most 600000 (10 minutes)').default(30_000)),
  })
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.STATE_STORE === 'postgres' && env.DATABASE_URL === undefined) problem('DATABASE_URL', 'is required when STATE_STORE is postgres (postgres://user:password@host:5432/database)');
    if (env.MicrosoftAppId === undefined) {
      if (env.MicrosoftAppPassword !== undefined) problem('MicrosoftAppPassword', 'is set but MicrosoftAppId is empty');
      if (env.HOST !== undefined && !isLoopback(env.HOST)) {
        problem('HOST', `is ${env.HOST}, but without MicrosoftAppId the bot runs unauthenticated and may only listen on a loopback address (127.0.0.1 or ::1)`);
      }
      return;
    }
    if (!GUID.test(env.MicrosoftAppId)) problem('MicrosoftAppId', 'must be a GUID (the Azure Bot registration\'s application id)');
    if (env.MicrosoftAppType === 'UserAssignedMSI') {
      if (env.MicrosoftAppPassword !== undefined) problem('MicrosoftAppPassword', 'must be empty when MicrosoftAppType is UserAssignedMSI');
      if (env.MicrosoftAppTenantId === undefined) problem('MicrosoftAppTenantId', 'is required when MicrosoftAppType is UserAssignedMSI');
    } else if (env.MicrosoftAppPassword === undefined) {
      problem('MicrosoftAppPassword', `is required when MicrosoftAppType is ${env.MicrosoftAppType}`);
    }
    if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppTenantId === undefined) {
      problem('MicrosoftAppTenantId', 'is required when MicrosoftAppType is SingleTenant');
    }
    if (env.MicrosoftAppTenantId !== undefined && !GUID.test(env.MicrosoftAppTenantId)) problem('MicrosoftAppTenantId', 'must be a GUID');
  });

// Teams single sign-on (docs/sso.md): approvals made as the approver, through the on-behalf-of exchange.
const signInEnvironmentSchema = z
  .object({
    /** The Entra app Teams asks single sign-on tokens for (often the bot's own registration). */
    SSO_APP_ID: optionalText,
    /** Its Application ID URI (`api://<domain>/botid-<bot app id>`): the manifest's webApplicationInfo.resource. */
    SSO_APP_ID_URI: optionalText,
    /** The app's client secret for the exchange; defaults to MicrosoftAppPassword when SSO_APP_ID is the bot's app. */
    SSO_CLIENT_SECRET: optionalText,
    /** The Azure Bot's OAuth connection (its sign-in link is the fallback when single sign-on cannot be used). */
    SSO_CONNECTION_NAME: z.preprocess(emptyToUndefined, z.string().trim().default('TeamsSSO')),
    SSO_AUTHORITY_HOST: optionalText,
    AZURE_AUTHORITY_HOST: optionalText,
    /** The Dynamics 365 environment whose user_impersonation scope is asked for; defaults to DATAVERSE_URL. */
    SSO_RESOURCE_URL: optionalText,
    DATAVERSE_URL: optionalText,
    BACKEND: optionalText,
    /** Approvals need a sign-in; on by default with BACKEND=dataverse and SSO_APP_ID set, off for the embedded backend. */
    REQUIRE_SIGN_IN: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no'], { message: 'must be 0 or 1 (or true/false)' }).optional()),
  })
  .loose();

export interface SignInSettings {
  /** Approve and Reject (cards and chat) ask for a sign-in first. */
  readonly required: boolean;
  readonly appId: string;
  readonly appIdUri: string;
  readonly clientSecret: string;
  readonly connectionName: string;
  readonly authorityHost: string;
  /** The Dynamics 365 environment (its `/user_impersonation` scope); empty when unknown. */
  readonly resourceUrl: string;
}

const httpsOrigin = (text: string): string | undefined => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)) ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

/** The single sign-on settings, or null when SSO_APP_ID is not set (and sign-in not required); problems are collected. */
function signInSettings(env: Readonly<Record<string, string | undefined>>, problems: string[], bot: { appId: string | undefined; appPassword: string | undefined }): SignInSettings | null {
  const parsed = signInEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error, { root: 'environment' }));
    return null;
  }
  const value = parsed.data;
  const problem = (name: string, message: string): void => void problems.push(`${name}: ${message}`);
  const dataverseBackend = value.BACKEND?.toLowerCase() === 'dataverse';
  const required = value.REQUIRE_SIGN_IN === undefined ? dataverseBackend && value.SSO_APP_ID !== undefined : ['1', 'true', 'on', 'yes'].includes(value.REQUIRE_SIGN_IN);
  if (value.SSO_APP_ID === undefined) {
    if (required) problem('SSO_APP_ID', 'is required when REQUIRE_SIGN_IN is on (the Entra app of the bot\'s Teams single sign-on; see docs/sso.md)');
    return null;
  }
  if (!GUID.test(value.SSO_APP_ID)) problem('SSO_APP_ID', 'must be a GUID (the application id of the Entra app Teams asks single sign-on tokens for)');
  if (value.SSO_APP_ID_URI === undefined) problem('SSO_APP_ID_URI', 'is required with SSO_APP_ID (its Application ID URI, e.g. api://bot.contoso.com/botid-<app id>)');
  else if (!/^(api|https):\/\/\S+$/.test(value.SSO_APP_ID_URI)) problem('SSO_APP_ID_URI', `must start with api:// or https:// (got "${value.SSO_APP_ID_URI}")`);
  const sameAsBot = bot.appId !== undefined && bot.appId.toLowerCase() === value.SSO_APP_ID.toLowerCase();
  const clientSecret = value.SSO_CLIENT_SECRET ?? (sameAsBot ? bot.appPassword : undefined);
  if (clientSecret === undefined) problem('SSO_CLIENT_SECRET', 'is required with SSO_APP_ID (the client secret the bot exchanges the sign-in with), unless SSO_APP_ID is MicrosoftAppId and MicrosoftAppPassword is set');
  const authorityText = value.SSO_AUTHORITY_HOST ?? value.AZURE_AUTHORITY_HOST ?? 'https://login.microsoftonline.com';
  const authorityHost = httpsOrigin(authorityText);
  if (authorityHost === undefined || !authorityHost.startsWith('https:')) problem(value.SSO_AUTHORITY_HOST === undefined ? 'AZURE_AUTHORITY_HOST' : 'SSO_AUTHORITY_HOST', `must be an https address such as https://login.microsoftonline.com (got "${authorityText}")`);
  const resourceText = value.SSO_RESOURCE_URL ?? value.DATAVERSE_URL;
  const resourceUrl = resourceText === undefined ? undefined : httpsOrigin(resourceText);
  if (resourceText !== undefined && resourceUrl === undefined) problem(value.SSO_RESOURCE_URL === undefined ? 'DATAVERSE_URL' : 'SSO_RESOURCE_URL', `must be the environment's https address (got "${resourceText}")`);
  if (required && resourceText === undefined) problem('SSO_RESOURCE_URL', 'is required when REQUIRE_SIGN_IN is on and DATAVERSE_URL is not set (the environment whose user_impersonation the sign-in is exchanged for)');
  return {
    required,
    appId: value.SSO_APP_ID,
    appIdUri: value.SSO_APP_ID_URI ?? '',
    clientSecret: clientSecret ?? '',
    connectionName: value.SSO_CONNECTION_NAME,
    authorityHost: authorityHost ?? '',
    resourceUrl: resourceUrl ?? '',
  };
}

export { isLoopback };

export interface BotCredentials {
  readonly appId: string;
  readonly appPassword: string | undefined;
  readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  readonly appTenantId: string | undefined;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataFile: string;
  readonly orgFile: string;
  /** `null` means explicit local mode: no JWT validation, loopback only. */
  readonly credentials: BotCredentials | null;
  readonly playground: boolean;
  readonly playgroundPort: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Teams single sign-on (SSO_*, REQUIRE_SIGN_IN); null without SSO_APP_ID. */
  readonly signIn: SignInSettings | null;
  /** `file`: the data file holds the bot's state; `postgres`: PostgreSQL at `databaseUrl` does (see docs/scale-out.md). */
  readonly stateStore: 'file' | 'postgres';
  /** A secret (it may carry a password): never logged; `describeDatabase` says where it points. */
  readonly databaseUrl: string | null;
  /** Where the organization's records live: the embedded data file (default) or Dynamics 365 (`BACKEND=dataverse`). */
  readonly backend: BackendSettings;
  /**
   * Test & Enable jobs: mailboxes tested at once (JOB_CONCURRENCY), and with STATE_STORE=postgres the heartbeat after
   * which another instance takes a run over (JOB_HEARTBEAT_SECONDS).
   */
  readonly jobs: { readonly concurrency: number; readonly heartbeatSeconds: number };
  /** With BACKEND=dataverse: between two polls for Test & Enable outcomes (DATAVERSE_POLL_INTERVAL_MS). */
  readonly dataversePollIntervalMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = environmentSchema.safeParse(env);
  const signInProblems: string[] = [];
  const signIn = signInSettings(env, signInProblems, { appId: parsed.data?.MicrosoftAppId, appPassword: parsed.data?.MicrosoftAppPassword });
  let backend: BackendSettings | undefined;
  const backendProblems: string[] = [];
  try {
    backend = loadBackendSettings(env);
  } catch (error) {
    if (!(error instanceof DataverseConfigError)) throw error;
    backendProblems.push(...error.problems);
  }
  if (!parsed.success || signInProblems.length > 0 || backend === undefined) {
    throw new ConfigError([...(parsed.success ? [] : describeIssues(parsed.error, { root: 'environment' })), ...signInProblems, ...backendProblems]);
  }
  const value = parsed.data;
  const credentials: BotCredentials | null =
    value.MicrosoftAppId === undefined
      ? null
      : {
          appId: value.MicrosoftAppId,
          appPassword: value.MicrosoftAppPassword,
          appType: value.MicrosoftAppType,
          appTenantId: value.MicrosoftAppTenantId,
        };
  return Object.freeze({
    port: value.PORT,
    host: value.HOST ?? (credentials === null ? '127.0.0.1' : '0.0.0.0'),
    dataFile: value.DATA_FILE,
    orgFile: value.ORG_FILE,
    credentials,
    playground: value.PLAYGROUND,
    playgroundPort: value.PLAYGROUND_PORT,
    logLevel: value.LOG_LEVEL,
    signIn,
    stateStore: value.STATE_STORE,
    databaseUrl: value.DATABASE_URL ?? null,
    backend,
    jobs: Object.freeze({ concurrency: value.JOB_CONCURRENCY ?? defaultJobConcurrency[backend.backend], heartbeatSeconds: value.JOB_HEARTBEAT_SECONDS }),
    dataversePollIntervalMs: value.DATAVERSE_POLL_INTERVAL_MS,
  });
}

/**
 * Mailboxes one instance tests at once by default. The simulated Exchange answers in milliseconds: 8 keep it busy.
 * Dynamics 365 runs each test itself and the bot only schedules it and polls (every 30 s): at 8 a 5,000-mailbox
 * job would take hours, so the bot keeps 500 scheduled at once (10 `$batch` requests of 50 to schedule them).
 */
const defaultJobConcurrency: Readonly<Record<BackendSettings['backend'], number>> = { embedded: 8, dataverse: 500 };

/** What start-up prints about the configuration: never a secret. */
export function describeConfig(config: Config): string {
  const mode =
    config.credentials === null
      ? `LOCAL MODE: no MicrosoftAppId, requests are NOT authenticated; listening on ${config.host} only`
      : `authenticated mode: app ${config.credentials.appId} (${config.credentials.appType}), JWT validation on; password ${config.credentials.appPassword === undefined ? 'not set' : 'set (hidden)'}`;
  const signIn =
    config.signIn === null
      ? ''
      : `; single sign-on app ${config.signIn.appId} (${config.signIn.appIdUri}), sign-in ${config.signIn.required ? 'required for approvals' : 'not required'}, client secret set (hidden)`;
  const state = config.stateStore === 'postgres' && config.databaseUrl !== null ? `; bot state in PostgreSQL ${describeDatabase(config.databaseUrl)}` : '';
  const records = config.backend.backend === 'dataverse' ? `; records in ${describeDataverseSettings(config.backend)}` : '';
  return `${mode}; data file ${config.dataFile}; organization file ${config.orgFile}${signIn}${state}${records}`;
}

/** Where a database URL points (host, port, database), with no user name or password. */
export function describeDatabase(databaseUrl: string): string {
  if (!URL.canParse(databaseUrl)) return '(unreadable DATABASE_URL)';
  const url = new URL(databaseUrl);
  return `${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname}`;
}
