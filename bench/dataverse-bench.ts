// The Dataverse part of the benchmark (issue 13): the Dynamics 365 backend against the fake Dataverse with its
// service-protection limits enforced, in this process (the fake and the adapters share it; nothing is simulated
// on the bot's side). Limits are scaled down with time so that a run takes seconds, and stated in the result:
//  - cold start: the paged initial load of every mailbox (and the rest of the records);
//  - Test & Enable of every mailbox as a job does it (schedule through the records, then watch through the
//    connector until the platform reported every one): requests per mailbox without the polling, and the polls;
//  - 0 requests sent while paused by Retry-After (requests of the bot's caller seen by the fake inside a pause);
//  - the scheduling time against the bound the request limit sets.
import type { ReportedTestOutcome, ScheduledTest } from '../src/app/exchange-connector.js';
import { readAll } from '../src/app/ports.js';
import { DataverseClient } from '../src/dataverse/client.js';
import { DataverseExchangeConnector } from '../src/dataverse/exchange-connector.js';
import { DataverseOrganizationRecords } from '../src/dataverse/records.js';
import type { OrganizationData } from '../src/store/org-file.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud } from '../test/fakes/fake-cloud.js';
import type { ServiceProtectionLimits } from '../test/fakes/fake-dataverse/server.js';

export interface DataverseBenchOptions {
  readonly data: OrganizationData;
  /** The scaled limits (the real ones: 6,000 requests and 1,200 s of execution per 5 minutes, 52 concurrent). */
  readonly limits: ServiceProtectionLimits;
  readonly testDelayMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
}

export interface DataverseBenchResult {
  readonly mailboxes: number;
  readonly limits: ServiceProtectionLimits;
  readonly coldStart: { readonly ms: number; readonly requests: number; readonly mailboxesLoaded: number };
  readonly testAndEnable: {
    readonly ms: number;
    readonly reported: number;
    /** Requests to schedule (re-reads and $batch), without the polling. */
    readonly requests: number;
    readonly requestsPerMailbox: number;
    readonly pollRequests: number;
    readonly polls: number;
    readonly throttled: number;
    /** The bot's requests that reached the fake while it was told to wait: must be 0. */
    readonly requestsWhilePaused: number;
    readonly schedulingMs: number;
    /** The same scheduling on a fake without limits: what the work itself costs on this machine. */
    readonly unlimitedSchedulingMs: number;
    /**
     * The scheduling requests' combined time as the client measured it without limits. Not part of the bound: in
     * one process it grows with the concurrency, which the client's execution budget lowers.
     */
    readonly unlimitedExecutionMs: number;
    /** The larger of the unlimited time and the least time the request limit allows for the scheduling requests. */
    readonly schedulingBoundMs: number;
  };
}

/** The least time `requests` take under `perWindow` requests per sliding `windowMs` (the first window is free). */
export const requestBoundMs = (requests: number, limits: ServiceProtectionLimits): number => Math.max(0, Math.ceil(requests / limits.requestsPerWindow) - 1) * limits.windowMs;

interface Run {
  readonly coldStart: DataverseBenchResult['coldStart'];
  readonly testAndEnable: Omit<DataverseBenchResult['testAndEnable'], 'schedulingBoundMs' | 'unlimitedSchedulingMs' | 'unlimitedExecutionMs'> & { readonly schedulingExecutionMs: number };
}

/** One cold start and one Test & Enable of every mailbox on a fresh fake, with `limits` enforced during the test (or none). */
async function runOnce(options: DataverseBenchOptions, limits: ServiceProtectionLimits | null, log: (line: string) => void): Promise<Run> {
  const cloud = await startFakeCloud({ data: options.data, testDelayMs: options.testDelayMs, limits: null });
  try {
    // What the client itself did: when it sent each request, and when it was told to pause until when.
    const sends: number[] = [];
    const executions: { readonly at: number; readonly ms: number }[] = [];
    const pauses: { readonly at: number; readonly until: number }[] = [];
    const client = DataverseClient.fromSettings(cloud.settings, {
      // The client keeps to the (scaled) budget by itself, as it keeps to the real one by default; the run without
      // limits has none, to measure what the work itself costs.
      budget: limits === null ? null : { requestsPerWindow: limits.requestsPerWindow, windowMs: limits.windowMs, executionMsPerWindow: limits.executionMsPerWindow },
      fetch: async (input, init) => {
        const sentAt = Date.now();
        sends.push(sentAt);
        const response = await fetch(input, init);
        const body = await response.text();
        executions.push({ at: sentAt, ms: Date.now() - sentAt });
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      },
      onThrottle: (event) => pauses.push({ at: Date.now(), until: event.resumesAt }),
    });
    const records = new DataverseOrganizationRecords({ client, tenantId: cloud.settings.tenantId });
    const ours = (from: number) => cloud.dataverse.requests.slice(from).filter((request) => request.caller === FAKE_SERVICE_PRINCIPAL_ID);
    const label = limits === null ? 'without limits' : 'with limits';

    let mark = cloud.dataverse.requests.length;
    const loadStarted = performance.now();
    await records.load();
    const coldStartMs = performance.now() - loadStarted;
    const mailboxes = await readAll((page) => records.mailboxPage({ activeOnly: true }, page), 5000);
    const coldStart = { ms: coldStartMs, requests: ours(mark).length, mailboxesLoaded: mailboxes.length };
    log(`dataverse (${label}): cold start loaded ${mailboxes.length} mailboxes in ${(coldStartMs / 1000).toFixed(2)} s with ${coldStart.requests} requests`);

    cloud.dataverse.setLimits(limits);
    const connector = new DataverseExchangeConnector({
      client,
      pollIntervalMs: options.pollIntervalMs,
      current: async (ids) => new Map((await Promise.all(ids.map((id) => records.mailbox(id)))).flatMap((mailbox) => (mailbox === undefined ? [] : [[mailbox.id, mailbox] as const]))),
      onMailboxRead: (read) => records.observed(read),
      scheduledElsewhere: (mailboxId) => records.takeScheduledTest(mailboxId),
    });
    mark = cloud.dataverse.requests.length;
    const started = performance.now();
    const startedAt = Date.now();
    const outcome = await records.apply({ caller: { kind: 'app' }, intents: mailboxes.map((mailbox) => ({ kind: 'scheduleTestAndEnable' as const, mailboxId: mailbox.id, expectedVersion: mailbox.version })) });
    if (!outcome.ok) throw new Error(`scheduling conflicted on ${outcome.conflict.record.type} ${outcome.conflict.record.id}`);
    const tests: ScheduledTest[] = mailboxes.map((mailbox, index) => ({
      testId: `bench-${index}`,
      request: {
        organization: { id: options.data.organization.id, name: options.data.organization.name },
        tenantId: cloud.settings.tenantId,
        mailbox: { id: mailbox.id, name: mailbox.name, emailAddress: mailbox.emailAddress },
        profile: { id: mailbox.emailServerProfileId ?? '', name: 'profile', serverType: 'ExchangeOnline' },
        parts: ['incoming', 'outgoing'],
        makePrimarySyncOrganization: false,
      },
    }));
    await connector.schedule(tests);
    const schedulingMs = performance.now() - started;
    const scheduling = ours(mark).length;
    log(`dataverse (${label}): scheduled ${tests.length} tests in ${(schedulingMs / 1000).toFixed(2)} s with ${scheduling} requests`);

    const reported = new Set<string>();
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), options.timeoutMs);
    let cursor: string | undefined = '0';
    while (reported.size < tests.length && !controller.signal.aborted) {
      const answer = await connector.observe(cursor, controller.signal);
      answer.outcomes.forEach((reportedOutcome: ReportedTestOutcome) => reported.add(reportedOutcome.testId));
      cursor = answer.cursor;
    }
    clearTimeout(deadline);
    const ms = performance.now() - started;
    const sent = ours(mark);
    const isPoll = (target: string): boolean => {
      const decoded = decodeURIComponent(target);
      return decoded.includes('testemailconfigurationscheduled eq false') || decoded.startsWith('/api/data/v9.2/tracelogs');
    };
    const pollRequests = sent.filter((request) => isPoll(request.target)).length;
    const throttled = cloud.dataverse.throttles.filter((throttle) => throttle.at >= startedAt).length;
    // Requests the client started after a 429 told it to wait and before the time it was told (its own clock).
    const requestsWhilePaused = sends.filter((at) => pauses.some((pause) => at > pause.at && at < pause.until)).length;
    const run: Run = {
      coldStart,
      testAndEnable: {
        ms,
        reported: reported.size,
        requests: sent.length - pollRequests,
        requestsPerMailbox: (sent.length - pollRequests) / Math.max(1, mailboxes.length),
        pollRequests,
        polls: sent.filter((request) => decodeURIComponent(request.target).includes('testemailconfigurationscheduled eq false') && !request.target.includes('skiptoken')).length,
        throttled,
        requestsWhilePaused,
        schedulingMs,
        schedulingExecutionMs: executions.filter((execution) => execution.at >= startedAt && execution.at < startedAt + schedulingMs).reduce((sum, execution) => sum + execution.ms, 0),
      },
    };
    log(`dataverse (${label}): ${reported.size} of ${tests.length} reported in ${(ms / 1000).toFixed(2)} s; ${run.testAndEnable.requests} requests (${run.testAndEnable.requestsPerMailbox.toFixed(3)} per mailbox) + ${pollRequests} poll requests; ${throttled} throttled, ${requestsWhilePaused} requests while paused`);
    return run;
  } finally {
    await cloud.close();
  }
}

/**
 * Runs the same Test & Enable twice on fresh fakes: without limits (what the work itself costs here) and with
 * the limits enforced. The bound the limits set for scheduling is the larger of that cost and the least time the
 * request limit allows for its requests (the execution-time limit has no fixed bound here: in one process a
 * request's measured time grows with the concurrency).
 */
export async function runDataverseBenchmark(options: DataverseBenchOptions, log: (line: string) => void): Promise<DataverseBenchResult> {
  const unlimited = await runOnce(options, null, log);
  const limited = await runOnce(options, options.limits, log);
  const withoutExecution = ({ schedulingExecutionMs: _measured, ...rest }: Run['testAndEnable']) => rest;
  return {
    mailboxes: limited.coldStart.mailboxesLoaded,
    limits: options.limits,
    coldStart: unlimited.coldStart,
    testAndEnable: {
      ...withoutExecution(limited.testAndEnable),
      unlimitedSchedulingMs: unlimited.testAndEnable.schedulingMs,
      unlimitedExecutionMs: unlimited.testAndEnable.schedulingExecutionMs,
      schedulingBoundMs: Math.max(unlimited.testAndEnable.schedulingMs, requestBoundMs(limited.testAndEnable.requests, options.limits)),
    },
  };
}

export function dataverseSection(result: DataverseBenchResult): string {
  const { testAndEnable: run, limits } = result;
  const ratio = run.schedulingBoundMs === 0 ? null : run.schedulingMs / run.schedulingBoundMs;
  return [
    `Dataverse backend against the fake (limits scaled: ${limits.requestsPerWindow} requests per ${limits.windowMs / 1000} s window, ${limits.maxConcurrent} concurrent, ${limits.executionMsPerWindow / 1000} s execution per window)`,
    `  cold start: ${result.coldStart.mailboxesLoaded.toLocaleString('en-US')} mailboxes in ${(result.coldStart.ms / 1000).toFixed(2)} s, ${result.coldStart.requests} requests`,
    `  Test & Enable of ${result.mailboxes.toLocaleString('en-US')} mailboxes: ${run.reported.toLocaleString('en-US')} reported in ${(run.ms / 1000).toFixed(2)} s`,
    `    requests without polling: ${run.requests} (${run.requestsPerMailbox.toFixed(3)} per mailbox; target ≤ 0.1) ${run.requestsPerMailbox <= 0.1 ? 'MET' : 'MISSED'}`,
    `    polling: ${run.pollRequests} requests over ${run.polls} polls`,
    `    paused by Retry-After ${run.throttled} times; requests sent while paused: ${run.requestsWhilePaused} (target 0) ${run.requestsWhilePaused === 0 ? 'MET' : 'MISSED'}`,
    `    scheduling: ${(run.schedulingMs / 1000).toFixed(2)} s against a bound of ${(run.schedulingBoundMs / 1000).toFixed(2)} s (request limit: ${(requestBoundMs(run.requests, limits) / 1000).toFixed(2)} s; without limits: ${(run.unlimitedSchedulingMs / 1000).toFixed(2)} s, ${(run.unlimitedExecutionMs / 1000).toFixed(1)} s of request time, which the client's execution budget spreads out)${ratio === null ? ' (the limit does not bind at this scale)' : ` (${ratio.toFixed(2)}x; target ≤ 1.2x) ${ratio <= 1.2 ? 'MET' : 'MISSED'}`}`,
  ].join('\n');
}
