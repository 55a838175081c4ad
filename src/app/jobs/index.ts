// Test & Enable jobs and alert subscriptions: the runner, its ports and records, and the subscription use cases.
export * from './alert-subscriptions.js';
export { connectorTestResultSchema, ExchangeTests, type ExchangeTestsOptions } from './exchange-tests.js';
export * from './in-process-dispatch.js';
export * from './job-records.js';
export * from './ports.js';
export * from './runner.js';
export * from './service.js';
