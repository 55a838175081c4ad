// Teams single sign-on and the on-behalf-of exchange (issue 14): an adapter implementing the SignInExchange port.
export { SsoSignIn, userImpersonationScope, type SsoSignInSettings } from './sso-sign-in.js';
export { SsoTokenValidator, type SsoTokenSettings, type SsoTokenCheck } from './sso-token.js';
export { OnBehalfOfExchange, type OnBehalfOfSettings, type OnBehalfOfResult } from './on-behalf-of.js';
