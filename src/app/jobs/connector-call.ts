// One call to the Exchange connector, made safe: the answer is parsed (a connector is a boundary), a
// connector that throws, hangs or answers nonsense becomes a `connectorError` outcome, which the domain
// handles as a transient failure.
import { z } from 'zod';
import { MailboxParts, type PermanentExchangeCondition, type TransientExchangeCondition } from '../../domain/alert-catalog.js';
import type { MailboxTestRequest, TestOutcome } from '../../domain/test-and-enable.js';
import type { ExchangeConnector } from '../exchange-connector.js';
import type { JobTimers } from './ports.js';

const transientConditions = ['ServerUnreachable', 'ConnectorError'] as const satisfies readonly TransientExchangeCondition[];
const permanentConditions = [
  'NotApprovedByO365Admin',
  'Unauthorized',
  'SecureConnectionFailure',
  'MailboxNotFound',
  'ActConfiguredWithAnotherOrganization',
  'ActNotSupportedByProfile',
] as const satisfies readonly PermanentExchangeCondition[];

// Compile-time proof that the lists name every condition of the domain types.
type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
export type _ConditionListsAreComplete = [
  Covers<TransientExchangeCondition, (typeof transientConditions)[number]> extends true ? true : never,
  Covers<PermanentExchangeCondition, (typeof permanentConditions)[number]> extends true ? true : never,
];

const text = z.string();
const partOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), code: text, message: text }),
  z.object({ status: z.literal('transient'), condition: z.enum(transientConditions), code: text, message: text }),
  z.object({ status: z.literal('permanent'), condition: z.enum(permanentConditions), code: text, message: text }),
]);

export const connectorTestResultSchema = z.object({ parts: z.partialRecord(z.enum(MailboxParts), partOutcomeSchema) });

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Tests one mailbox; never throws. */
export async function callConnector(connector: ExchangeConnector, request: MailboxTestRequest, timers: JobTimers, timeoutMs: number): Promise<TestOutcome> {
  let timeout: { cancel(): void } | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timeout = timers.setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const answer = await Promise.race([connector.testMailbox(request), timedOut]);
    if (answer === 'timeout') {
      return { kind: 'connectorError', request, message: `the Exchange connector did not answer within ${Math.round(timeoutMs / 1000)} s` };
    }
    const parsed = connectorTestResultSchema.safeParse(answer);
    if (!parsed.success) {
      return { kind: 'connectorError', request, message: `the Exchange connector gave an answer that is not a test result (${z.prettifyError(parsed.error).replace(/\s+/g, ' ')})` };
    }
    return { kind: 'tested', request, result: parsed.data };
  } catch (error) {
    return { kind: 'connectorError', request, message: `the Exchange connector failed: ${describeError(error)}` };
  } finally {
    timeout?.cancel();
  }
}
