// Proactive delivery: conversation references, the persisted outbox, and the Teams transport.
export * from './conversation-references.js';
export * from './delivery-policy.js';
export * from './outbox.js';
export * from './rate-limiter.js';
export * from './repository.js';
export type * from './sender.js';
export * from './teams-sender.js';
