import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, isLoopback, loadConfig } from '../../src/shared/config.js';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('defaults to explicit local mode on loopback with the demo organization', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, host: '127.0.0.1', credentials: null, dataFile: './data/db.json', orgFile: './examples/contoso.json', playground: true });
    expect(describeConfig(config)).toMatch(/LOCAL MODE.*127\.0\.0\.1 only/);
  });

  it('refuses to run anonymous on a non-loopback address', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([expect.stringMatching(/^HOST: .*loopback/)]);
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', MicrosoftAppId: 'not-a-guid', MicrosoftAppType: 'Weird', PLAYGROUND: 'maybe' });
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppType: must be SingleTenant, MultiTenant or UserAssignedMSI/);
    expect(problems.join('\n')).toMatch(/PLAYGROUND: must be 0 or 1/);
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  it('checks the credential combinations of each app type', () => {
    expect(problemsOf({ MicrosoftAppId: APP_ID })).toEqual(['MicrosoftAppPassword: is required when MicrosoftAppType is MultiTenant']);
    expect(problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', MicrosoftAppType: 'singletenant' })).toEqual([
      'MicrosoftAppTenantId: is required when MicrosoftAppType is SingleTenant',
    ]);
    expect(problemsOf({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: TENANT })).toEqual([
      'MicrosoftAppPassword: must be empty when MicrosoftAppType is UserAssignedMSI',
    ]);
    expect(problemsOf({ MicrosoftAppPassword: 'orphan' })).toEqual(['MicrosoftAppPassword: is set but MicrosoftAppId is empty']);
  });

  it('with an app id binds to all interfaces and never prints the password', () => {
    const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'super-secret-value', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, PLAYGROUND: '0' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.playground).toBe(false);
    expect(config.credentials?.appType).toBe('SingleTenant');
    expect(describeConfig(config)).not.toContain('super-secret-value');
    expect(describeConfig(config)).toMatch(/JWT validation on/);
  });

  it('recognises loopback addresses', () => {
    expect(['127.0.0.1', '127.8.9.1', 'localhost', '::1', '[::1]'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });

  it('keeps the bot state in the data file unless STATE_STORE=postgres names a DATABASE_URL', () => {
    expect(loadConfig({})).toMatchObject({ stateStore: 'file', databaseUrl: null });
    expect(problemsOf({ STATE_STORE: 'postgres' })).toEqual([expect.stringMatching(/^DATABASE_URL: is required when STATE_STORE is postgres/)]);
    expect(problemsOf({ STATE_STORE: 'mysql' })).toEqual([expect.stringMatching(/^STATE_STORE: must be file or postgres/)]);
    expect(problemsOf({ STATE_STORE: 'postgres', DATABASE_URL: 'mysql://db/state' })).toEqual([expect.stringMatching(/^DATABASE_URL: must start with postgres:\/\//)]);
    const config = loadConfig({ STATE_STORE: 'postgres', DATABASE_URL: 'postgres://bot:pa55word@db.example.com:5432/botstate' });
    expect(config).toMatchObject({ stateStore: 'postgres', databaseUrl: 'postgres://bot:pa55word@db.example.com:5432/botstate' });
    expect(describeConfig(config)).toContain('bot state in PostgreSQL db.example.com:5432/botstate');
    expect(describeConfig(config)).not.toMatch(/pa55word|bot:/);
  });

  it('reads the Test & Enable concurrency (8 on the simulated Exchange, 500 on Dynamics 365, which tests by itself), the job heartbeat and the Dataverse poll interval', () => {
    const dataverse = { BACKEND: 'dataverse', DATAVERSE_URL: 'https://contoso.crm.dynamics.com/', AZURE_TENANT_ID: '7a1d2c3b-0000-4000-8000-00000000c0de', AZURE_CLIENT_ID: 'b07b07b0-0000-4000-8000-00000000b070', AZURE_CLIENT_SECRET: 'app-secret-value' };
    expect(loadConfig({})).toMatchObject({ jobs: { concurrency: 8, heartbeatSeconds: 20 }, dataversePollIntervalMs: 30_000 });
    expect(loadConfig(dataverse)).toMatchObject({ jobs: { concurrency: 500, heartbeatSeconds: 20 } });
    expect(loadConfig({ ...dataverse, JOB_CONCURRENCY: '40' })).toMatchObject({ jobs: { concurrency: 40 } });
    expect(loadConfig({ JOB_HEARTBEAT_SECONDS: '30', JOB_CONCURRENCY: '200', DATAVERSE_POLL_INTERVAL_MS: '250' })).toMatchObject({ jobs: { heartbeatSeconds: 30, concurrency: 200 }, dataversePollIntervalMs: 250 });
    expect(problemsOf({ JOB_HEARTBEAT_SECONDS: '5' })).toEqual([expect.stringMatching(/^JOB_HEARTBEAT_SECONDS: must be at least 10/)]);
    expect(problemsOf({ JOB_HEARTBEAT_SECONDS: 'soon' })).toEqual([expect.stringMatching(/^JOB_HEARTBEAT_SECONDS: must be a whole number of seconds/)]);
    expect(problemsOf({ JOB_CONCURRENCY: '0' })).toEqual([expect.stringMatching(/^JOB_CONCURRENCY: must be at least 1/)]);
    expect(problemsOf({ JOB_CONCURRENCY: '2.5' })).toEqual([expect.stringMatching(/^JOB_CONCURRENCY: /)]);
    expect(problemsOf({ DATAVERSE_POLL_INTERVAL_MS: '10' })).toEqual([expect.stringMatching(/^DATAVERSE_POLL_INTERVAL_MS: must be at least 100/)]);
  });
});

describe('single sign-on settings (SSO_*, REQUIRE_SIGN_IN)', () => {
  const SSO_APP_ID = '5507b07b-0000-4000-8000-0000000055a0';
  const sso = { SSO_APP_ID, SSO_APP_ID_URI: `api://bot.contoso.example/botid-${SSO_APP_ID}`, SSO_CLIENT_SECRET: 'sso-secret-value-Xy9', DATAVERSE_URL: 'https://contoso.crm.dynamics.com' };

  it('is off without SSO_APP_ID on the embedded backend', () => {
    expect(loadConfig({}).signIn).toBeNull();
  });

  it('is required by default with BACKEND=dataverse, optional (REQUIRE_SIGN_IN=1) with the embedded backend', () => {
    // BACKEND=dataverse needs its own settings too (the Dataverse part of the configuration).
    const dataverse = { BACKEND: 'dataverse', AZURE_TENANT_ID: '7a1d2c3b-0000-4000-8000-00000000c0de', AZURE_CLIENT_ID: 'b07b07b0-0000-4000-8000-00000000b070', AZURE_CLIENT_SECRET: 'app-secret-value' };
    expect(loadConfig({ ...sso, ...dataverse }).signIn).toMatchObject({ required: true, appId: SSO_APP_ID, resourceUrl: 'https://contoso.crm.dynamics.com', authorityHost: 'https://login.microsoftonline.com', connectionName: 'TeamsSSO' });
    expect(loadConfig(sso).signIn?.required).toBe(false);
    expect(loadConfig({ ...sso, REQUIRE_SIGN_IN: '1' }).signIn?.required).toBe(true);
  });

  it('lists the sign-in and the Dataverse problems together', () => {
    const problems = problemsOf({ ...sso, SSO_APP_ID_URI: 'bot.contoso', BACKEND: 'dataverse' });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^SSO_APP_ID_URI: must start with/), expect.stringMatching(/^AZURE_TENANT_ID: is required when BACKEND=dataverse/)]));
    expect(problems.join('\n')).not.toContain('sso-secret-value-Xy9');
  });

  it('names every missing or malformed setting', () => {
    expect(problemsOf({ REQUIRE_SIGN_IN: '1' })).toEqual([expect.stringMatching(/^SSO_APP_ID: is required when REQUIRE_SIGN_IN is on/)]);
    const problems = problemsOf({ SSO_APP_ID: 'nope', SSO_APP_ID_URI: 'bot.contoso', REQUIRE_SIGN_IN: 'yes', SSO_AUTHORITY_HOST: 'http://login.example.com' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SSO_APP_ID: must be a GUID/),
        expect.stringMatching(/^SSO_APP_ID_URI: must start with api:\/\/ or https:\/\//),
        expect.stringMatching(/^SSO_CLIENT_SECRET: is required/),
        expect.stringMatching(/^SSO_AUTHORITY_HOST: must be an https address/),
        expect.stringMatching(/^SSO_RESOURCE_URL: is required when REQUIRE_SIGN_IN is on/),
      ]),
    );
    expect(problemsOf({ ...sso, REQUIRE_SIGN_IN: 'maybe' })).toEqual([expect.stringMatching(/REQUIRE_SIGN_IN.*must be 0 or 1/)]);
  });

  it("uses the bot's password when SSO_APP_ID is the bot's own app, and never prints a secret", () => {
    const config = loadConfig({ MicrosoftAppId: SSO_APP_ID, MicrosoftAppPassword: 'bot-password-Qz7', SSO_APP_ID, SSO_APP_ID_URI: sso.SSO_APP_ID_URI, SSO_RESOURCE_URL: 'https://contoso.crm.dynamics.com', REQUIRE_SIGN_IN: '1' });
    expect(config.signIn?.clientSecret).toBe('bot-password-Qz7');
    const described = describeConfig(config);
    expect(described).toContain(`single sign-on app ${SSO_APP_ID}`);
    expect(described).not.toContain('bot-password-Qz7');
    expect(describeConfig(loadConfig(sso))).not.toContain(sso.SSO_CLIENT_SECRET);
  });
});
