// Configuration comes from the environment, parsed once at start-up; every problem is reported at once.
import { isIP } from 'node:net';
import { z } from 'zod';
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
  })
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
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

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

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
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error, { root: 'environment' }));
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
  });
}

/** What start-up prints about the configuration: never a secret. */
export function describeConfig(config: Config): string {
  const mode =
    config.credentials === null
      ? `LOCAL MODE: no MicrosoftAppId, requests are NOT authenticated; listening on ${config.host} only`
      : `authenticated mode: app ${config.credentials.appId} (${config.credentials.appType}), JWT validation on; password ${config.credentials.appPassword === undefined ? 'not set' : 'set (hidden)'}`;
  return `${mode}; data file ${config.dataFile}; organization file ${config.orgFile}`;
}
