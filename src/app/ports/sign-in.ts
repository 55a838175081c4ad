// A person's sign-in for one turn: the bot receives a Teams single sign-on token for the person who acts,
// checks it, and exchanges it on their behalf for a token of the system the write goes to (Dynamics 365 wants
// an approval made by the approver themselves). The adapter (src/sso) does the checking and the exchange;
// the bot asks for sign-in and hands the credential to the use case through the caller.
import type { DelegatedCredential } from './intents.js';

/** Who the activity says is acting: the token must be theirs (identity comes from the activity, never the token). */
export interface SignInAttempt {
  /** The single sign-on token Teams sent with the action. Never stored, never logged. */
  readonly token: string;
  /** The activity's tenant (channelData.tenant.id). */
  readonly tenantId: string;
  /** The activity's `from.aadObjectId`. */
  readonly aadObjectId: string;
}

/** A credential that works until `end()` (the end of the turn that received it); then every request for a token fails. */
export interface TurnCredential extends DelegatedCredential {
  end(): void;
}

/** Why a sign-in was not accepted. Every one of them changes nothing. */
export type SignInProblem =
  /** Not a token, not signed by the tenant's Entra keys, or not issued by Entra for this tenant. */
  | 'invalidToken'
  | 'expired'
  /** Issued for another application than the bot's single sign-on app. */
  | 'wrongAudience'
  /** The token's tenant is not the activity's (or the organization's). */
  | 'wrongTenant'
  /** The token's person (oid) is not the one who clicked. */
  | 'wrongPerson'
  /** Entra needs the person's (or an admin's) consent before the bot may act for them. */
  | 'consentRequired'
  /** Entra refused the exchange for another reason, or could not be reached. */
  | 'exchangeFailed';

export type SignInOutcome =
  | { readonly ok: true; readonly credential: TurnCredential }
  | { readonly ok: false; readonly problem: SignInProblem; readonly message: string };

export interface SignInExchange {
  /** Checks the token against the attempt's identity and exchanges it on the person's behalf. */
  signIn(attempt: SignInAttempt): Promise<SignInOutcome>;
}
