// Makes any network use in the manifest tests fail loudly and be counted: validation must stay offline
// (the schema is bundled; without it @microsoft/app-manifest would download it).
import net from 'node:net';
import { afterEach, beforeEach, expect, vi } from 'vitest';

export const NETWORK_BLOCKED = 'network access is forbidden in the manifest tests';

export interface NetworkGuard {
  /** One entry per attempted connection or fetch. */
  readonly attempts: string[];
}

/**
 * Every TCP/TLS connection (http, https, node-fetch, undici's fetch) goes through Socket#connect,
 * so blocking it catches them all; fetch is blocked too in case a runtime bypasses it.
 */
export function installNetworkGuard(): NetworkGuard {
  const guard: NetworkGuard = { attempts: [] };
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function blockedConnect(...args: unknown[]): never {
    guard.attempts.push(`Socket#connect ${JSON.stringify(args[0]) ?? ''}`);
    throw new Error(NETWORK_BLOCKED);
  });
  vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    guard.attempts.push(`fetch ${input instanceof Request ? input.url : String(input)}`);
    return Promise.reject(new Error(NETWORK_BLOCKED));
  });
  return guard;
}

/** Installs the guard around every test of the calling file and fails a test that tried the network. */
export function forbidNetworkInEachTest(): void {
  let guard: NetworkGuard | undefined;
  beforeEach(() => {
    guard = installNetworkGuard();
  });
  afterEach(() => {
    expect(guard?.attempts ?? [], 'the test attempted network access').toEqual([]);
    vi.restoreAllMocks();
  });
}

/** An ES module for child processes (`node --import <it>`) that makes any connection attempt throw. */
export const CHILD_PROCESS_NETWORK_GUARD = `
import net from 'node:net';
const blocked = () => { throw new Error(${JSON.stringify(NETWORK_BLOCKED)}); };
net.Socket.prototype.connect = blocked;
globalThis.fetch = async () => blocked();
`;
