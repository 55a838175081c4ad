import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHILD_PROCESS_NETWORK_GUARD, NETWORK_BLOCKED, installNetworkGuard } from './network-guard.js';

afterEach(() => {
  vi.restoreAllMocks();
});

// The manifest tests rely on this guard to prove they stay offline, so the guard itself must be shown to bite.
describe('the network guard of the manifest tests', () => {
  it('turns a fetch into a rejection and records it', async () => {
    const guard = installNetworkGuard();
    await expect(fetch('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json')).rejects.toThrow(NETWORK_BLOCKED);
    expect(guard.attempts).toEqual(['fetch https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json']);
  });

  it('stops a raw TCP connection, which http, https and node-fetch all go through', () => {
    const guard = installNetworkGuard();
    expect(() => net.connect({ host: '192.0.2.1', port: 443 })).toThrow(NETWORK_BLOCKED);
    expect(guard.attempts).toHaveLength(1);
    expect(guard.attempts[0]).toContain('192.0.2.1');
  });

  it('blocks connections in a child process started with the guard module', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailbox-sync-guard-'));
    try {
      const guard = join(dir, 'no-network.mjs');
      await writeFile(guard, CHILD_PROCESS_NETWORK_GUARD);
      const script = "import net from 'node:net'; try { net.connect(443, '192.0.2.1').destroy(); console.log('connected'); } catch (error) { console.log(error.message); }";
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', pathToFileURL(guard).href, '--input-type=module', '-e', script]);
      expect(stdout.trim()).toBe(NETWORK_BLOCKED);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
