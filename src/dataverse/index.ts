// The Dataverse backend's building blocks, for the composition root and the adapters to come.
export { loadBackendSettings, describeDataverseSettings, DataverseConfigError } from './config.js';
export type { BackendSettings, DataverseSettings, AppCredential } from './config.js';
export { delegatedTokenSource } from './token.js';
export { DataverseClient, odataGuid, odataString, MAX_PAGE_SIZE, MAX_BATCH_REQUESTS } from './client.js';
export type { Row, Query, PageOptions, UpdateResult, BatchOperationResult, BatchOptions, DataverseClientOptions, PrivilegeDepthName } from './client.js';
export type { BatchOperation } from './batch.js';
export { GraphDirectoryRoles, DirectoryRoleTemplateIds, MAX_ROLE_CACHE_MS } from './graph.js';
export type { DirectoryRole } from './graph.js';
export { DataverseError, ServiceProtectionCodes } from './errors.js';
export type { DataverseErrorKind, ServiceProtectionLimit } from './errors.js';
export type { ThrottleEvent } from './http-core.js';
export { APPLICATION_USER_PRIVILEGES } from './privileges.js';
