// The runner's side of the Exchange port: tests are scheduled, and their outcomes picked up from the
// observation feed, read with the cursor it last returned, only while a test waits.
import { describe, expect, it } from 'vitest';
import type { ExchangeConnector, ObservedOutcomes, ReportedTestOutcome, ScheduledTest } from '../../src/app/exchange-connector.js';
import { ExchangeTests } from '../../src/app/jobs/exchange-tests.js';
import type { MailboxTestRequest, TestOutcome } from '../../src/domain/test-and-enable.js';
import { ManualTime, settleMicrotasks, taggedIds } from './support.js';

/** A connector driven by the test: it records schedules and reads, and a read answers when the test reports. */
class ScriptedExchange implements ExchangeConnector {
  readonly scheduled: ScheduledTest[] = [];
  readonly reads: { cursor: string | undefined; signal: AbortSignal; answer: (page: ObservedOutcomes) => void; fail: (error: Error) => void }[] = [];
  refuseSchedule: Error | undefined;
  private position = 0;

  schedule(tests: readonly ScheduledTest[]): Promise<void> {
    if (this.refuseSchedule !== undefined) return Promise.reject(this.refuseSchedule);
    this.scheduled.push(...tests);
    return Promise.resolve();
  }

  observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    return new Promise((answer, fail) => this.reads.push({ cursor, signal, answer, fail }));
  }

  /** Answers the latest read with these outcomes. */
  report(...outcomes: ReportedTestOutcome[]): void {
    this.position += outcomes.length;
    this.latestRead().answer({ outcomes, cursor: `c${this.position}` });
  }

  latestRead() {
    const read = this.reads.at(-1);
    if (read === undefined) throw new Error('nobody reads the feed');
    return read;
  }

  testIdFor(emailAddress: string): string {
    const test = this.scheduled.find((candidate) => candidate.request.mailbox.emailAddress === emailAddress);
    if (test === undefined) throw new Error(`no test scheduled for ${emailAddress}`);
    return test.testId;
  }
}

const requestFor = (emailAddress: string): MailboxTestRequest => ({
  organization: { id: 'org-contoso', name: 'Contoso' },
  tenantId: 'tenant-contoso',
  mailbox: { id: `mailbox-${emailAddress}`, name: emailAddress, emailAddress },
  profile: { id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline' },
  parts: ['incoming'],
  makePrimarySyncOrganization: false,
});

const success = { parts: { incoming: { status: 'success', code: 'Success', message: 'ok' } } };
const notFound = { parts: { incoming: { status: 'permanent', condition: 'MailboxNotFound', code: 'AutodiscoverMailboxNotFound', message: 'gone' } } };

const summary = (outcome: TestOutcome): string => {
  if (outcome.kind === 'connectorError') return `connectorError: ${outcome.message}`;
  if (outcome.kind !== 'tested') return outcome.kind;
  const incoming = outcome.result.parts.incoming;
  return incoming === undefined ? 'tested: nothing' : `tested: ${incoming.status === 'success' ? 'success' : incoming.condition}`;
};

function setup() {
  const exchange = new ScriptedExchange();
  const time = new ManualTime();
  const tests = new ExchangeTests(exchange, taggedIds('x'), { timers: time, timeoutMs: 60_000 });
  return { exchange, time, tests };
}

describe('Test & Enable outcomes come through the observation feed', () => {
  it('hands each waiting test its own outcome, whatever the order, skipping outcomes of tests it does not know', async () => {
    const { exchange, tests } = setup();
    const ann = tests.run(requestFor('ann@contoso.com')).then(summary);
    const bob = tests.run(requestFor('bob@contoso.com')).then(summary);
    await settleMicrotasks();
    expect(exchange.scheduled.map((test) => test.request.mailbox.emailAddress)).toEqual(['ann@contoso.com', 'bob@contoso.com']);
    // One read serves both; the first starts "from now".
    expect(exchange.reads.map((read) => read.cursor)).toEqual([undefined]);

    exchange.report({ testId: 'someone-elses-test', result: notFound }, { testId: exchange.testIdFor('bob@contoso.com'), result: notFound });
    expect(await bob).toBe('tested: MailboxNotFound');
    await settleMicrotasks();
    // Ann still waits: the feed is read on from where the last read ended.
    expect(exchange.reads.map((read) => read.cursor)).toEqual([undefined, 'c2']);
    exchange.report({ testId: exchange.testIdFor('ann@contoso.com'), result: success });
    expect(await ann).toBe('tested: success');
  });

  it('stops reading when no test waits, and reads on from the same cursor for the next test', async () => {
    const { exchange, tests } = setup();
    const ann = tests.run(requestFor('ann@contoso.com'));
    await settleMicrotasks();
    exchange.report({ testId: exchange.testIdFor('ann@contoso.com'), result: success });
    await ann;
    await settleMicrotasks();
    // Nothing waits: no read is pending against Exchange.
    expect(exchange.reads).toHaveLength(1);

    const bob = tests.run(requestFor('bob@contoso.com'));
    await settleMicrotasks();
    expect(exchange.reads.map((read) => read.cursor)).toEqual([undefined, 'c1']);
    exchange.report({ testId: exchange.testIdFor('bob@contoso.com'), result: success });
    expect(summary(await bob)).toBe('tested: success');
  });

  it('turns a refused schedule, an unreadable feed and a report that is not a test result into connector errors', async () => {
    const { exchange, tests } = setup();
    exchange.refuseSchedule = new Error('503 Service Unavailable');
    expect(summary(await tests.run(requestFor('ann@contoso.com')))).toBe('connectorError: the Exchange connector failed: 503 Service Unavailable');

    exchange.refuseSchedule = undefined;
    const bob = tests.run(requestFor('bob@contoso.com'));
    const cy = tests.run(requestFor('cy@contoso.com'));
    await settleMicrotasks();
    exchange.report({ testId: exchange.testIdFor('bob@contoso.com'), result: { parts: { incoming: { status: 'fine' } } } });
    expect(summary(await bob)).toMatch(/^connectorError: the Exchange connector gave an answer that is not a test result/);
    await settleMicrotasks();
    exchange.latestRead().fail(new Error('token expired'));
    expect(summary(await cy)).toBe('connectorError: the Exchange connector could not report test outcomes: token expired');
  });

  it('gives up on a test whose outcome is not reported within the timeout, and ends waiting tests on close', async () => {
    const { exchange, tests, time } = setup();
    const ann = tests.run(requestFor('ann@contoso.com'));
    await settleMicrotasks();
    await time.advance(60_000);
    expect(summary(await ann)).toBe('connectorError: the Exchange connector did not answer within 60 s');

    const bob = tests.run(requestFor('bob@contoso.com'));
    await settleMicrotasks();
    const reading = exchange.latestRead();
    const closed = tests.close('the bot stopped');
    expect(summary(await bob)).toBe('connectorError: the bot stopped');
    expect(reading.signal.aborted).toBe(true);
    reading.answer({ outcomes: [], cursor: 'c0' });
    await closed;
  });
});
