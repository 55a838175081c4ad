// The port to Exchange used by Test & Enable, shaped like the real platform: a test is *scheduled* and its
// outcome is *reported later* on an observation feed the caller reads with a cursor. The request and result
// shapes live in the domain (src/domain/test-and-enable.ts) because the pure rules build the one and read the other.
import type { ConnectorTestResult, MailboxTestRequest, PartOutcome } from '../domain/test-and-enable.js';

export type { ConnectorTestResult, MailboxTestRequest, PartOutcome };

/** One test to run; `testId` is chosen by the caller and comes back with the outcome. */
export interface ScheduledTest {
  readonly testId: string;
  readonly request: MailboxTestRequest;
}

/**
 * The outcome of one scheduled test, as reported. `result` is whatever the platform said; the caller parses
 * it (a connector is a boundary) and treats an answer that is not a `ConnectorTestResult` as a connector error.
 */
export interface ReportedTestOutcome {
  readonly testId: string;
  readonly result: unknown;
}

/** Outcomes reported after a cursor, oldest first, and the cursor to read on from. */
export interface ObservedOutcomes {
  readonly outcomes: readonly ReportedTestOutcome[];
  /** Opaque: only ever handed back to `observe`. */
  readonly cursor: string;
}

export interface ExchangeConnector {
  /**
   * Asks Exchange to test the mailboxes and returns once Exchange has accepted them, before any is tested.
   * Each request tests the requested parts and reports per part: success, transient or permanent, with the
   * alert condition. Expected failures are reported outcomes, never exceptions; a rejection means the tests
   * were not scheduled, and the caller treats that as a transient failure of each of them.
   * When `request.makePrimarySyncOrganization` is set, this organization becomes the one Exchange
   * synchronizes the mailbox with ("Sync items with Exchange from this org only…").
   */
  schedule(tests: readonly ScheduledTest[]): Promise<void>;
  /**
   * Outcomes reported after `cursor`; without a cursor, those reported from the moment of the call on. Waits
   * until at least one is there (a long poll), and answers with none, at the same cursor, once `signal` aborts.
   * Outcomes of tests someone else scheduled may appear too: callers skip test ids they do not know.
   */
  observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes>;
}
