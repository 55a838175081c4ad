// Driving an Exchange connector through its port the way the runner does: schedule a test, then read the
// outcome feed from the moment before scheduling until that test's outcome is reported.
import type { ExchangeConnector } from '../../src/app/exchange-connector.js';
import { connectorTestResultSchema } from '../../src/app/jobs/exchange-tests.js';
import type { ConnectorTestResult, MailboxTestRequest } from '../../src/domain/test-and-enable.js';

let testNumber = 0;

/** Schedules one test and resolves with its reported result, parsed as the runner parses it. */
export async function testOnce(connector: ExchangeConnector, request: MailboxTestRequest): Promise<ConnectorTestResult> {
  const testId = `support-test-${++testNumber}`;
  const signal = new AbortController().signal;
  // Started before scheduling, so it reads from before the test existed.
  let reading = connector.observe(undefined, signal);
  await connector.schedule([{ testId, request }]);
  for (;;) {
    const { outcomes, cursor } = await reading;
    const mine = outcomes.find((outcome) => outcome.testId === testId);
    if (mine !== undefined) return connectorTestResultSchema.parse(mine.result);
    reading = connector.observe(cursor, signal);
  }
}
