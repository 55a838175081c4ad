// What the use cases need from the outside world. Adapters in src/store, src/exchange, src/notify implement these.
export * from './ports/change-set.js';
export * from './ports/records.js';
export * from './ports/intents.js';
export * from './ports/audit-log.js';
export * from './ports/state-store.js';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  next(prefix: string): string;
}
