// Helpers for Test & Enable tests over HTTP: an Exchange connector with a latency the test sets and a record
// of every call, and ways to read jobs and outbox entries of a running test bot.
import type { ExchangeConnector, ObservedOutcomes, ScheduledTest } from '../../src/app/exchange-connector.js';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import type { AcceptedActivity } from '../support/fake-connector.js';
import type { TestBot } from '../support/bot-harness.js';
import { exampleDocument } from '../support/fixtures.js';

/** The demo organization's simulated Exchange, answering after `latencyMs` (changeable at any time). */
export class TimedExchange implements ExchangeConnector {
  readonly calls: string[] = [];
  latencyMs: number;

  private constructor(
    private readonly inner: SimulatedExchangeConnector,
    latencyMs: number,
  ) {
    this.latencyMs = latencyMs;
  }

  static async contoso(latencyMs: number): Promise<TimedExchange> {
    const { exchangeSimulation } = await exampleDocument();
    return new TimedExchange(new SimulatedExchangeConnector(exchangeSimulation, { sleep: () => Promise.resolve() }), latencyMs);
  }

  /** Accepts at once; Exchange starts testing (and reports later) after `latencyMs`. */
  schedule(tests: readonly ScheduledTest[]): Promise<void> {
    for (const test of tests) this.calls.push(test.request.mailbox.emailAddress.toLowerCase());
    setTimeout(() => void this.inner.schedule(tests), this.latencyMs);
    return Promise.resolve();
  }

  observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    return this.inner.observe(cursor, signal);
  }

  callsFor(address: string): number {
    return this.calls.filter((call) => call === address).length;
  }
}

export function jobsOf(t: TestBot): readonly JobRecord[] {
  return t.bot.services.store.document().jobs ?? [];
}

export function jobOf(t: TestBot, jobId: string): JobRecord | undefined {
  return jobsOf(t).find((job) => job.id === jobId);
}

/** Waits until the job is done and the requester was told how its alerts were delivered. */
export async function waitForReportedJob(t: TestBot, jobId: string, timeoutMs = 15_000): Promise<JobRecord> {
  await t.connector.waitFor(() => jobOf(t, jobId)?.deliveryReported === true, timeoutMs, `job ${jobId} to finish and report its alerts`);
  const job = jobOf(t, jobId);
  if (job === undefined) throw new Error(`job ${jobId} vanished`);
  return job;
}

/** New messages (not updates) a conversation got, after the first `skip` (e.g. replies to earlier commands). */
export const newMessages = (t: TestBot, conversationId: string, skip = 0): AcceptedActivity[] => t.connector.messagesSentTo(conversationId).slice(skip);

/** Per conversation, how many of the job's notifications the outbox marked sent; throws if one was not sent. */
export function sentNotificationsPerConversation(t: TestBot, job: JobRecord): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of job.notificationKeys) {
    const entry = t.bot.services.outbox.get(key);
    if (entry?.state !== 'sent' || entry.conversationId === null) throw new Error(`${key} was not sent: ${JSON.stringify(entry?.deadLetter ?? entry?.state)}`);
    counts.set(entry.conversationId, (counts.get(entry.conversationId) ?? 0) + 1);
  }
  return counts;
}
