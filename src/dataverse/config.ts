// The Dataverse backend's settings are parsed with the rest of the configuration (src/shared/backend-config.ts);
// re-exported here for the backend's own modules.
export { loadBackendSettings, describeDataverseSettings, DataverseConfigError, DEFAULT_AUTHORITY_HOST, DEFAULT_GRAPH_URL } from '../shared/backend-config.js';
export type { AppCredential, BackendSettings, DataverseSettings } from '../shared/backend-config.js';
