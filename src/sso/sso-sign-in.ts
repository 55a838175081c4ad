// Teams single sign-on for the person who acts: the token is checked (src/sso/sso-token.ts), must belong to the
// person and tenant the activity names, and is exchanged on their behalf for the Dataverse user_impersonation
// scope. The credential works for the turn only; it is never stored or logged.
import type { SignInAttempt, SignInExchange, SignInOutcome, TurnCredential } from '../app/ports/sign-in.js';
import { OnBehalfOfExchange, type OnBehalfOfResult, type OnBehalfOfSettings } from './on-behalf-of.js';
import { SsoTokenValidator, type SsoTokenSettings } from './sso-token.js';

export interface SsoSignInSettings extends SsoTokenSettings, Omit<OnBehalfOfSettings, 'appId'> {
  /** The Dynamics 365 environment, e.g. `https://contoso.crm.dynamics.com`: the scope is its user_impersonation. */
  readonly resourceUrl: string;
}

/** `https://contoso.crm.dynamics.com/user_impersonation`. */
export const userImpersonationScope = (resourceUrl: string): string => `${resourceUrl.replace(/\/$/, '')}/user_impersonation`;

export class SsoSignIn implements SignInExchange {
  readonly #validator: SsoTokenValidator;
  readonly #exchange: OnBehalfOfExchange;
  readonly #scope: string;

  constructor(settings: SsoSignInSettings, options: { now?: () => number } = {}) {
    this.#validator = new SsoTokenValidator(settings, options);
    this.#exchange = new OnBehalfOfExchange({ appId: settings.appId, clientSecret: settings.clientSecret, authorityHost: settings.authorityHost });
    this.#scope = userImpersonationScope(settings.resourceUrl);
  }

  async signIn(attempt: SignInAttempt): Promise<SignInOutcome> {
    const checked = await this.#validator.check(attempt.token, attempt.tenantId);
    if (!checked.ok) return checked;
    if (checked.claims.oid !== attempt.aadObjectId.toLowerCase()) {
      return { ok: false, problem: 'wrongPerson', message: 'The sign-in Teams sent belongs to someone other than the person who clicked. Nothing was changed.' };
    }
    // Exchanged now, not when the write happens: missing consent shows before anything is decided.
    const exchanged = await this.#exchange.exchange(attempt.token, checked.claims.tid, this.#scope);
    if (!exchanged.ok) {
      return exchanged.consentRequired
        ? { ok: false, problem: 'consentRequired', message: 'Before the bot can approve as you, you (or an admin for the whole organization) must consent to let it act on Dynamics 365 for you. Sign in with the button to give that consent. Nothing was changed.' }
        : { ok: false, problem: 'exchangeFailed', message: `Your sign-in could not be turned into a Dynamics 365 sign-in (${exchanged.reason}). Nothing was changed.` };
    }
    return { ok: true, credential: turnCredential(this.#scope, exchanged.accessToken, (scope) => this.#exchange.exchange(attempt.token, checked.claims.tid, scope)) };
  }
}

/** The exchanged token, handed out until `end()`; another scope is exchanged on demand, with the same limit. */
function turnCredential(scope: string, token: string, exchange: (scope: string) => Promise<OnBehalfOfResult>): TurnCredential {
  const tokens = new Map<string, string>([[scope, token]]);
  let ended = false;
  return {
    accessToken: async (wanted) => {
      if (ended) throw new Error('This sign-in was for a turn that has ended; sign in again.');
      const known = tokens.get(wanted);
      if (known !== undefined) return known;
      const exchanged = await exchange(wanted);
      if (!exchanged.ok) throw new Error(`Your sign-in could not be exchanged for ${wanted} (${exchanged.reason}).`);
      if (ended) throw new Error('This sign-in was for a turn that has ended; sign in again.');
      tokens.set(wanted, exchanged.accessToken);
      return exchanged.accessToken;
    },
    end: () => {
      ended = true;
      tokens.clear();
    },
  };
}
