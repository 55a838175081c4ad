// Test & Enable against Exchange as the runner sees it: one mailbox tested and its outcome awaited, made safe.
// Underneath, the test is scheduled on the connector and its outcome picked up from the connector's
// observation feed, which one loop reads (with a cursor) while any test waits. Every answer is parsed (a
// connector is a boundary); a connector that refuses to schedule, cannot be observed, stays silent past the
// timeout or reports nonsense gives a `connectorError` outcome, which the domain handles as a transient failure.
import { z } from 'zod';
import { MailboxParts, type PermanentExchangeCondition, type TransientExchangeCondition } from '../../domain/alert-catalog.js';
import type { MailboxTestRequest, TestOutcome } from '../../domain/test-and-enable.js';
import { describeIssues } from '../../shared/zod-problems.js';
import type { ExchangeConnector } from '../exchange-connector.js';
import type { IdGenerator } from '../ports.js';
import type { JobTimers } from './ports.js';

const transientConditions = ['ServerUnreachable', 'ConnectorError'] as const satisfies readonly TransientExchangeCondition[];
const permanentConditions = [
  'NotApprovedByO365Admin',
  'Unauthorized',
  'SecureConnectionFailure',
  'MailboxNotFound',
  'ActConfiguredWithAnotherOrganization',
  'ActNotSupportedByProfile',
  'ReportedByPlatform',
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

const observedOutcomesSchema = z.object({
  outcomes: z.array(z.object({ testId: z.string().min(1), result: z.unknown() })),
  cursor: z.string(),
});

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const oneLine = (error: z.ZodError): string => describeIssues(error).join('; ');

/** How a waiting test ends: reported on the feed, or failed before that. */
type Settlement = { readonly kind: 'reported'; readonly result: unknown } | { readonly kind: 'failed'; readonly message: string };

export interface ExchangeTestsOptions {
  readonly timers: JobTimers;
  /** A test with no reported outcome after this long counts as a connector error. */
  readonly timeoutMs: number;
}

export class ExchangeTests {
  /** Tests scheduled and not yet settled, by test id. */
  private readonly waiting = new Map<string, (settlement: Settlement) => void>();
  /** Where the feed was last read up to; undefined until the first read (then: from that moment on). */
  private cursor: string | undefined;
  private observation: { readonly controller: AbortController; readonly done: Promise<void> } | undefined;

  constructor(
    private readonly connector: ExchangeConnector,
    private readonly ids: IdGenerator,
    private readonly options: ExchangeTestsOptions,
  ) {}

  /** Tests one mailbox: schedules it and waits for its reported outcome. Never throws. */
  async run(request: MailboxTestRequest): Promise<TestOutcome> {
    const testId = this.ids.next('exchange-test');
    const settled = new Promise<Settlement>((resolve) => this.waiting.set(testId, resolve));
    let timeout: { cancel(): void } | undefined;
    const timedOut = new Promise<Settlement>((resolve) => {
      const seconds = Math.round(this.options.timeoutMs / 1000);
      timeout = this.options.timers.setTimeout(() => resolve({ kind: 'failed', message: `the Exchange connector did not answer within ${seconds} s` }), this.options.timeoutMs);
    });
    try {
      // Reading starts before scheduling, so an outcome reported at once is not missed.
      this.observeWhileWaiting();
      this.connector.schedule([{ testId, request }]).catch((error: unknown) => this.settle(testId, { kind: 'failed', message: `the Exchange connector failed: ${describeError(error)}` }));
      const settlement = await Promise.race([settled, timedOut]);
      if (settlement.kind === 'failed') return { kind: 'connectorError', request, message: settlement.message };
      const parsed = connectorTestResultSchema.safeParse(settlement.result);
      if (!parsed.success) return { kind: 'connectorError', request, message: `the Exchange connector gave an answer that is not a test result (${oneLine(parsed.error)})` };
      return { kind: 'tested', request, result: parsed.data };
    } finally {
      timeout?.cancel();
      this.waiting.delete(testId);
      if (this.waiting.size === 0) this.stopObserving();
    }
  }

  /** Ends every waiting test as a connector error and stops reading the feed (the runner is stopping). */
  async close(reason: string): Promise<void> {
    for (const testId of [...this.waiting.keys()]) this.settle(testId, { kind: 'failed', message: reason });
    const observation = this.observation;
    this.stopObserving();
    await observation?.done;
  }

  private settle(testId: string, settlement: Settlement): void {
    const resolve = this.waiting.get(testId);
    if (resolve === undefined) return;
    this.waiting.delete(testId);
    resolve(settlement);
  }

  private observeWhileWaiting(): void {
    if (this.observation !== undefined) return;
    const controller = new AbortController();
    const observation = { controller, done: this.readFeed(controller.signal) };
    this.observation = observation;
    void observation.done.finally(() => {
      if (this.observation === observation) this.observation = undefined;
      // A test may have started waiting while the last read was ending.
      if (this.waiting.size > 0 && !controller.signal.aborted) this.observeWhileWaiting();
    });
  }

  private stopObserving(): void {
    this.observation?.controller.abort();
    this.observation = undefined;
  }

  private async readFeed(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.waiting.size > 0) {
      let answer: unknown;
      try {
        answer = await this.connector.observe(this.cursor, signal);
      } catch (error) {
        if (signal.aborted) return;
        // The waiting tests cannot learn their outcome: they fail now and the domain schedules their retry.
        this.failAllWaiting(`the Exchange connector could not report test outcomes: ${describeError(error)}`);
        return;
      }
      // A newer read has taken over (see observeWhileWaiting); it reads from the same cursor.
      if (signal.aborted) return;
      const parsed = observedOutcomesSchema.safeParse(answer);
      if (!parsed.success) {
        this.failAllWaiting(`the Exchange connector reported outcomes that are not readable (${oneLine(parsed.error)})`);
        return;
      }
      this.cursor = parsed.data.cursor;
      for (const reported of parsed.data.outcomes) this.settle(reported.testId, { kind: 'reported', result: reported.result });
    }
  }

  private failAllWaiting(message: string): void {
    for (const testId of [...this.waiting.keys()]) this.settle(testId, { kind: 'failed', message });
  }
}
