import { describe, expect, it } from 'vitest';
import { DataverseConfigError, describeDataverseSettings, loadBackendSettings } from '../../src/dataverse/config.js';

const SECRET = 'Zx8Q~very-secret-value-that-must-never-show';
const valid = {
  BACKEND: 'dataverse',
  DATAVERSE_URL: 'https://contoso.crm.dynamics.com/',
  AZURE_TENANT_ID: '7a1d2c3b-0000-4000-8000-00000000c0de',
  AZURE_CLIENT_ID: 'b07b07b0-0000-4000-8000-00000000b070',
  AZURE_CLIENT_SECRET: SECRET,
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadBackendSettings(env);
  } catch (error) {
    if (error instanceof DataverseConfigError) {
      expect(error.message).not.toContain(SECRET);
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a DataverseConfigError');
}

describe('loadBackendSettings', () => {
  it('is the embedded backend when BACKEND is unset or empty, whatever else is set', () => {
    expect(loadBackendSettings({})).toEqual({ backend: 'embedded' });
    expect(loadBackendSettings({ BACKEND: ' ', DATAVERSE_URL: 'nonsense' })).toEqual({ backend: 'embedded' });
  });

  it('reads the Dataverse settings with the default authority and Graph', () => {
    const settings = loadBackendSettings(valid);
    expect(settings).toEqual({
      backend: 'dataverse',
      dataverseUrl: 'https://contoso.crm.dynamics.com',
      tenantId: valid.AZURE_TENANT_ID,
      clientId: valid.AZURE_CLIENT_ID,
      credential: { kind: 'secret', secret: SECRET },
      authorityHost: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
    });
    expect(settings.backend === 'dataverse' ? describeDataverseSettings(settings) : '').not.toContain(SECRET);
  });

  it('lists every problem at once, each naming its setting, and never the secret', () => {
    const problems = problemsOf({ BACKEND: 'dataverse', DATAVERSE_URL: 'http://contoso.crm.dynamics.com', AZURE_TENANT_ID: 'contoso', AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_CERTIFICATE_PATH: '/etc/bot.pem', GRAPH_URL: 'not a url' });
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['DATAVERSE_URL', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'GRAPH_URL', 'AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH']);
    expect(problems.join('\n')).not.toContain(SECRET);
  });

  it('asks for a credential, refuses an unknown backend, plain http off loopback and an http authority', () => {
    expect(problemsOf({ ...valid, AZURE_CLIENT_SECRET: '' })).toEqual([expect.stringMatching(/^AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH: one is required/)]);
    expect(problemsOf({ BACKEND: 'sharepoint' })).toEqual(['BACKEND: must be embedded or dataverse (got "sharepoint")']);
    expect(problemsOf({ ...valid, DATAVERSE_URL: 'https://contoso.crm.dynamics.com/api/data/v9.2' })).toEqual([expect.stringMatching(/^DATAVERSE_URL: must be just the address/)]);
    expect(problemsOf({ ...valid, AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8443' })).toEqual([expect.stringMatching(/^AZURE_AUTHORITY_HOST: must use https/)]);
    expect(loadBackendSettings({ ...valid, DATAVERSE_URL: 'http://127.0.0.1:5555' })).toMatchObject({ dataverseUrl: 'http://127.0.0.1:5555' });
    expect(loadBackendSettings({ ...valid, AZURE_CLIENT_SECRET: undefined, AZURE_CLIENT_CERTIFICATE_PATH: '/etc/bot.pem' })).toMatchObject({ credential: { kind: 'certificate', certificatePath: '/etc/bot.pem' } });
  });
});
