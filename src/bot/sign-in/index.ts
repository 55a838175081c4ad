// Sign-in before approvals (issue 14): Teams single sign-on on cards and in chat.
export { createSignInGate, type SignInGate, type CardSignInStep, type InvokeAnswer, type RunSignedIn } from './sign-in-gate.js';
export { botFrameworkUserTokens, consentLink, type UserTokenService, type UserTokenServiceSettings } from './user-tokens.js';
export { LOGIN_REQUEST_TYPE, OAUTH_CARD_CONTENT_TYPE, PRECONDITION_FAILED_TYPE, oauthCard } from './oauth-card.js';
