// PLACEHOLDER until Test & Enable jobs and alert subscriptions land.
import { domainError } from '../../domain/errors.js';
import { err } from '../../domain/result.js';
import type { AlertSubscriptions, CoreServices, TestAndEnableJobs } from '../services.js';

export function createTestAndEnableJobs(_core: CoreServices): TestAndEnableJobs {
  return {
    startJob: () => Promise.resolve(err(domainError('NotApplicable', 'Test & Enable jobs are not available yet.'))),
    reportProgressTo: () => Promise.resolve(),
    job: () => undefined,
    latestJobOf: () => undefined,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}

export function createAlertSubscriptions(_core: CoreServices): AlertSubscriptions {
  const unavailable = () => Promise.resolve(err(domainError('NotApplicable', 'Alert subscriptions are not available yet.')));
  return { subscribe: unavailable, unsubscribe: unavailable };
}
