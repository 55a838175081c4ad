import type { ConfigurationBotFrameworkAuthentication, Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ReusedClientsAuthentication } from '../../src/bot/reused-clients.js';

type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type Credentials = Awaited<ReturnType<CredentialsFactory['createCredentials']>>;

const activity = (serviceUrl: string): Activity =>
  ({ type: 'message', channelId: 'msteams', serviceUrl, conversation: { id: 'c1' }, from: { id: 'u1' }, recipient: { id: 'b1' } }) as Activity;

/** botbuilder's anonymous mode, with credentials that fail to be made the first `failures` times. */
function credentialsFailing(failures: number): { readonly factory: CredentialsFactory; readonly made: () => number } {
  let calls = 0;
  let made = 0;
  const factory: CredentialsFactory = {
    isValidAppId: () => Promise.resolve(true),
    isAuthenticationDisabled: () => Promise.resolve(true),
    createCredentials: () => {
      calls += 1;
      if (calls <= failures) return Promise.reject(new Error('the token endpoint did not answer'));
      made += 1;
      // Anonymous mode: no credentials sign outbound requests.
      return Promise.resolve({ signRequest: (request: unknown) => Promise.resolve(request) } as unknown as Credentials);
    },
  };
  return { factory, made: () => made };
}

describe('outbound Bot Connector clients are made once and reused across turns', () => {
  it('gives every turn to the same service URL the same connector client, and another URL its own', async () => {
    const authentication = new ReusedClientsAuthentication({});
    const first = await authentication.authenticateRequest(activity('https://smba.example/emea/'), '');
    const second = await authentication.authenticateRequest(activity('https://smba.example/emea/'), '');
    const clientOfFirst = await first.connectorFactory?.create('https://smba.example/emea/', first.audience);
    const clientOfSecond = await second.connectorFactory?.create('https://smba.example/emea/', second.audience);
    expect(clientOfFirst).toBeDefined();
    expect(clientOfSecond).toBe(clientOfFirst);

    const elsewhere = await second.connectorFactory?.create('https://smba.example/amer/', second.audience);
    expect(elsewhere).not.toBe(clientOfFirst);
    // Proactive sends (createConnectorFactory) share the clients of inbound turns.
    const proactive = await authentication.createConnectorFactory(first.claimsIdentity).create('https://smba.example/emea/', first.audience);
    expect(proactive).toBe(clientOfFirst);
    expect(authentication.clientsKept.connectorClients).toBe(2);
  });

  it('makes one user-token client per bot app id', async () => {
    const authentication = new ReusedClientsAuthentication({});
    const { claimsIdentity } = await authentication.authenticateRequest(activity('https://smba.example/emea/'), '');
    const first = await authentication.createUserTokenClient(claimsIdentity);
    expect(await authentication.createUserTokenClient(claimsIdentity)).toBe(first);
    expect(authentication.clientsKept.userTokenClients).toBe(1);
  });

  it('does not keep a client whose credentials could not be made: the next turn tries again', async () => {
    const { factory, made } = credentialsFailing(1);
    const authentication = new ReusedClientsAuthentication({}, factory);
    const { connectorFactory, audience } = await authentication.authenticateRequest(activity('https://smba.example/emea/'), '');
    await expect(connectorFactory?.create('https://smba.example/emea/', audience)).rejects.toThrow('the token endpoint did not answer');
    expect(authentication.clientsKept.connectorClients).toBe(0);

    const client = await connectorFactory?.create('https://smba.example/emea/', audience);
    expect(client).toBeDefined();
    expect(await connectorFactory?.create('https://smba.example/emea/', audience)).toBe(client);
    expect(made()).toBe(1);
  });
});
