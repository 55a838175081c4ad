// The settings and the trust of the fakes' CA at the process level: a fresh Node process configured
// only through its environment, as the bot will be.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FAKE_CLIENT_SECRET, startFakeCloud } from '../fakes/fake-cloud.js';
import type { FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';

const run = promisify(execFile);
let cloud: FakeCloud;

async function whoAmI(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AZURE_') && !['BACKEND', 'DATAVERSE_URL', 'GRAPH_URL', 'NODE_EXTRA_CA_CERTS'].includes(key)));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'test/dataverse/fixtures/who-am-i.ts'], { env: { ...clean, ...env }, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = z.object({ code: z.number().optional(), stdout: z.string().default(''), stderr: z.string().default('') }).parse(error);
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  cloud = await startFakeCloud();
});
afterAll(() => cloud.close());

describe('a process configured by its environment', () => {
  it('reaches the fakes when NODE_EXTRA_CA_CERTS names the test CA', async () => {
    const result = await whoAmI(cloud.env);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(guidOf(`application-user:${cloud.settings.clientId}`));
  });

  it('says the authority is unreachable, naming the settings, when the CA is not trusted', async () => {
    const result = await whoAmI({ ...cloud.env, NODE_EXTRA_CA_CERTS: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Microsoft Entra ID is unreachable at ${cloud.tokenEndpoint.url} (AZURE_AUTHORITY_HOST)`);
    expect(result.stderr).not.toContain(FAKE_CLIENT_SECRET);
  });

  it('names the setting and never prints the secret when the secret is wrong or a setting is invalid', async () => {
    const wrongSecret = 'Qz9~wrong-but-secret-all-the-same';
    const refused = await whoAmI({ ...cloud.env, AZURE_CLIENT_SECRET: wrongSecret });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET');
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(wrongSecret);

    const invalid = await whoAmI({ ...cloud.env, AZURE_CLIENT_SECRET: wrongSecret, DATAVERSE_URL: 'contoso.crm.dynamics.com' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('DATAVERSE_URL: is not a URL (got "contoso.crm.dynamics.com")');
    expect(`${invalid.stdout}${invalid.stderr}`).not.toContain(wrongSecret);
  });
});

describe('the bot started with BACKEND=dataverse', () => {
  async function startBot(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AZURE_') && !['BACKEND', 'DATAVERSE_URL', 'GRAPH_URL', 'NODE_EXTRA_CA_CERTS'].includes(key)));
    const directory = await mkdtemp(join(tmpdir(), 'dataverse-start-'));
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...clean, PORT: '0', PLAYGROUND: '0', DATA_FILE: join(directory, 'db.json'), LOG_LEVEL: 'error', ...env }, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = z.object({ code: z.number().optional(), stdout: z.string().default(''), stderr: z.string().default('') }).parse(error);
      return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  it('lists every missing or invalid setting by name and exits, without printing the secret', async () => {
    const secret = 'Qz9~a-secret-that-must-not-show';
    const result = await startBot({ BACKEND: 'dataverse', DATAVERSE_URL: 'http://contoso.crm.dynamics.com', AZURE_CLIENT_SECRET: secret, AZURE_CLIENT_ID: 'not-a-guid' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATAVERSE_URL: must use https');
    expect(result.stderr).toContain('AZURE_TENANT_ID: is required when BACKEND=dataverse');
    expect(result.stderr).toContain('AZURE_CLIENT_ID: must be a GUID');
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  });

  it('stops start-up when Entra refuses the credentials, naming the settings and hiding the secret', async () => {
    const wrongSecret = 'Qz9~wrong-but-secret-all-the-same';
    const result = await startBot({ ...cloud.env, AZURE_CLIENT_SECRET: wrongSecret });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Cannot start:');
    expect(result.stderr).toContain('AZURE_CLIENT_SECRET');
    expect(`${result.stdout}${result.stderr}`).not.toContain(wrongSecret);
  });
});
