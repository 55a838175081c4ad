// Outbound Bot Connector clients, kept. botbuilder's CloudAdapter asks its authentication for a new ConnectorClient
// (credentials plus an HTTP pipeline of a dozen policies) and a new user-token client on every turn and every
// proactive send, and drops them when the turn ends: about a sixth of the CPU a chat turn costs on Node 24, and
// some 15 KB per turn that lives long enough to reach the old generation (docs/performance.md, "Chat"). Neither
// client holds anything of a turn: the credentials keep their token in botbuilder's token cache, and requests
// carry their own URL and body. So one client per bot app id, service URL and audience serves every turn.
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { LruCache } from '../shared/lru-cache.js';

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Service URLs are a handful per cloud region; a bot has one app id. The bound only guards against odd callers. */
const MAX_CONNECTOR_CLIENTS = 64;
const MAX_USER_TOKEN_CLIENTS = 8;

/** The app id botbuilder binds a client to: the token's audience, or its appid claim (botbuilder's own getAppId). */
const appIdOf = (claims: ClaimsIdentity): string => claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '';

/** A promise kept in `cache` under `key` until it fails: a failed creation is tried again on the next turn. */
function keptUntilFailed<V>(cache: LruCache<Promise<V>>, key: string, create: () => Promise<V>): Promise<V> {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const created = create();
  cache.set(key, created);
  // The caller sees the failure through `created`; this only forgets it.
  created.catch(() => {
    if (cache.get(key) === created) cache.delete(key);
  });
  return created;
}

export class ReusedClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  readonly #connectorClients = new LruCache<Promise<ConnectorClient>>(MAX_CONNECTOR_CLIENTS);
  readonly #userTokenClients = new LruCache<Promise<UserTokenClient>>(MAX_USER_TOKEN_CLIENTS);

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory === undefined ? result : { ...result, connectorFactory: this.#reusing(result.claimsIdentity, result.connectorFactory) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.#reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return keptUntilFailed(this.#userTokenClients, appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  /** How many clients are kept (for tests): connector clients and user-token clients. */
  get clientsKept(): { readonly connectorClients: number; readonly userTokenClients: number } {
    return { connectorClients: this.#connectorClients.size, userTokenClients: this.#userTokenClients.size };
  }

  #reusing(claimsIdentity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        keptUntilFailed(this.#connectorClients, `${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience)),
    };
  }
}
