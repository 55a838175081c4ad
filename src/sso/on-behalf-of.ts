// The on-behalf-of exchange (msal-node acquireTokenOnBehalfOf): the person's checked single sign-on token
// becomes a token for a resource (Dataverse's user_impersonation), issued to the bot's single sign-on app,
// acting as the person. msal keeps tokens in memory; the bot empties that cache after every exchange, so no
// token of a person outlives the turn that asked for it (and none is ever written anywhere).
import { ConfidentialClientApplication } from '@azure/msal-node';

export interface OnBehalfOfSettings {
  readonly appId: string;
  readonly clientSecret: string;
  readonly authorityHost: string;
}

export type OnBehalfOfResult =
  | { readonly ok: true; readonly accessToken: string; readonly expiresAt: number }
  | { readonly ok: false; readonly consentRequired: boolean; readonly reason: string };

/** Entra's words for a refusal, without anything that could be a token. */
function reasonOf(error: unknown): { consentRequired: boolean; reason: string } {
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const text = `${typeof fields.errorCode === 'string' ? fields.errorCode : ''} ${typeof fields.subError === 'string' ? fields.subError : ''} ${error instanceof Error ? error.message : String(error)}`;
  const consentRequired = /consent_required|AADSTS65001/i.test(text);
  const aadsts = /AADSTS\d+:[^.]*\./.exec(text)?.[0];
  return { consentRequired, reason: aadsts ?? (/fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|network/i.test(text) ? 'Microsoft Entra ID could not be reached' : 'Microsoft Entra ID refused the exchange') };
}

export class OnBehalfOfExchange {
  readonly #settings: OnBehalfOfSettings;
  readonly #applications = new Map<string, ConfidentialClientApplication>();

  constructor(settings: OnBehalfOfSettings) {
    this.#settings = settings;
  }

  /** A token for `scope` for the owner of `assertion` (already checked: signature, audience, tenant, expiry). */
  async exchange(assertion: string, tenantId: string, scope: string): Promise<OnBehalfOfResult> {
    const application = this.#application(tenantId);
    try {
      const result = await application.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [scope], skipCache: true });
      if (result === null || result.accessToken === '') return { ok: false, consentRequired: false, reason: 'Microsoft Entra ID returned no token' };
      return { ok: true, accessToken: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() + 300_000 };
    } catch (error) {
      return { ok: false, ...reasonOf(error) };
    } finally {
      // Nothing of the person stays in msal's memory cache once the exchange is over.
      application.clearCache();
    }
  }

  /** One msal application per tenant authority; `knownAuthorities` keeps msal off the public instance discovery. */
  #application(tenantId: string): ConfidentialClientApplication {
    const key = tenantId.toLowerCase();
    let application = this.#applications.get(key);
    if (application === undefined) {
      application = new ConfidentialClientApplication({
        auth: {
          clientId: this.#settings.appId,
          clientSecret: this.#settings.clientSecret,
          authority: `${this.#settings.authorityHost}/${key}`,
          knownAuthorities: [new URL(this.#settings.authorityHost).host],
        },
        system: { loggerOptions: { piiLoggingEnabled: false, loggerCallback: () => undefined } },
      });
      this.#applications.set(key, application);
    }
    return application;
  }
}
