// Facts of the real product about Exchange Online that several layers need.

/**
 * The server profile Dynamics 365 creates by itself when Exchange Online is subscribed in the same tenant
 * as the organization (seed: "Verify you have the profile"). Profile names compare case-insensitively.
 */
export const EXCHANGE_ONLINE_PROFILE_NAME = 'Microsoft Exchange Online';
