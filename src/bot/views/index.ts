// Pure mappings from use-case results to card view models, and the notice card for what has no template.
export * from './approval.js';
export * from './command-line.js';
export * from './configuration.js';
export * from './help.js';
export * from './identity.js';
export * from './mailboxes.js';
export * from './monitoring.js';
export * from './notice-card.js';
export * from './problems.js';
export * from './confirmation.js';
export * from './health.js';
export * from './unavailable.js';
