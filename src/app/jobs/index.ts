// Test & Enable jobs and alert subscriptions: the runner, its ports and records, and the subscription use cases.
export * from './alert-subscriptions.js';
export { callConnector, connectorTestResultSchema } from './connector-call.js';
export * from './job-records.js';
export * from './ports.js';
export * from './runner.js';
