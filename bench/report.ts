// The results of `npm run bench` (written to bench/results.json) and the table printed at the end.
import type { ChatResult } from './chat.js';
import type { ChatPostgresResult } from './chat-postgres.js';
import type { FanoutInstancesResult } from './fanout-instances-bench.js';
import type { FanoutResult } from './fanout-bench.js';
import type { ChildRuntime } from './processes.js';
import type { StartupResult } from './startup-bench.js';
import type { StoreResult } from './store-bench.js';
import type { TestAndEnableResult } from './test-and-enable-bench.js';
import { dataverseSection, type DataverseBenchResult } from './dataverse-bench.js';

export interface BenchResults {
  readonly startedAt: string;
  finishedAt?: string;
  readonly mode: 'full' | 'quick';
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly os: string;
    readonly node: string;
    readonly loadAverageBefore: readonly number[];
    loadAverageAfter: readonly number[];
  };
  readonly organization: { readonly mailboxes: number; readonly users: number };
  /** How the measured processes ran: compiled JavaScript under plain node, as `npm start` runs the bot. */
  children?: { readonly code: string; readonly loader: 'none'; readonly compileMs: number; readonly runtimes: readonly ChildRuntime[] };
  chat?: ChatResult;
  testAndEnable?: TestAndEnableResult;
  fanout?: FanoutResult;
  store?: StoreResult;
  startup?: StartupResult;
  dataverse?: DataverseBenchResult;
  /** Issue 16: the chat commands with the bot's state in PostgreSQL against the file store, in one run. */
  chatPostgres?: ChatPostgresResult;
  /** Issue 16: the alert fan-out on PostgreSQL by two instances against one. */
  fanoutInstances?: FanoutInstancesResult;
}

const MB = 1024 * 1024;
export const megabytes = (bytes: number | null | undefined): string => (bytes === null || bytes === undefined ? 'n/a' : `${(bytes / MB).toFixed(0)} MB`);
export const milliseconds = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
/** How many of a count of data-file writes were whole-file snapshots (the rest are journal appends). */
const snapshotsNote = (snapshots: number): string => ` (${snapshots.toLocaleString('en-US')} snapshots)`;

/** A plain-text table: the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, index) => Math.max(acc[index] ?? 0, cell.length)), []);
  const line = (row: readonly string[]): string => row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd();
  const [header, ...body] = rows;
  return [line(header ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/** CPU time per request by area (µs), one column per profiled target: where the bot's extra time goes. */
function profileTable(chat: ChatResult): string[] {
  const profiled = chat.targets.filter((target) => target.profile !== undefined && target.profile.requests > 0);
  if (profiled.length === 0) return [];
  const perRequest = (target: ChatResult['targets'][number], area: string): number => {
    const profile = target.profile;
    if (profile === undefined) return 0;
    const share = profile.selfByArea.find((entry) => entry.name === area)?.percent ?? 0;
    return ((profile.sampledMs * share) / 100 / profile.requests) * 1000;
  };
  const areas = [...new Set(profiled.flatMap((target) => target.profile?.selfByArea.map((entry) => entry.name) ?? []))];
  const rows = areas
    .map((area) => ({ area, values: profiled.map((target) => perRequest(target, area)) }))
    .sort((a, b) => Math.max(...b.values) - Math.max(...a.values))
    .slice(0, 14);
  const totals = profiled.map((target) => (target.profile === undefined ? 0 : (target.profile.sampledMs / target.profile.requests) * 1000));
  return [
    'CPU time per request by where the code lives (µs; from a profiled run, which is slower than the runs above):',
    table([
      ['area', ...profiled.map((target) => target.name)],
      ...rows.map((row) => [row.area, ...row.values.map((value) => value.toFixed(0))]),
      ['all (sampled)', ...totals.map((value) => value.toFixed(0))],
    ]),
    ...profiled.flatMap((target) => {
      const profile = target.profile;
      if (profile === undefined || target.name.startsWith('echo')) return [];
      const calls = profile.packagesByCaller
        .filter((entry) => !entry.name.endsWith('(no project code on the stack)'))
        .slice(0, 5)
        .map((entry) => `${entry.name} ${((profile.sampledMs * entry.percent) / 100 / profile.requests * 1000).toFixed(0)} µs`);
      return [`  ${target.name}, package time by calling project function: ${calls.join('; ')}`];
    }),
  ];
}

function chatSection(chat: ChatResult): string {
  const halfRate = Math.round(chat.echoPeakRequestsPerSecond / 2);
  const spread = (runs: readonly number[]): string => (runs.length > 1 ? ` (${Math.min(...runs).toFixed(0)}-${Math.max(...runs).toFixed(0)})` : '');
  const ratio = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)}x`);
  const cpu = (figures: { readonly cpuMicrosPerRequest: number | null }): string => (figures.cpuMicrosPerRequest === null ? 'n/a' : figures.cpuMicrosPerRequest.toFixed(0));
  const rows = chat.targets.map((target) => [
    target.name,
    `${target.peak.requestsPerSecond.toFixed(0)}/s${spread(target.peak.runs)}`,
    `${target.peak.p50Ms} / ${target.peak.p99Ms}`,
    `${target.ratioToEcho.toFixed(2)}x`,
    cpu(target.peak),
    ratio(target.cpuRatioToEcho),
    `${target.halfRate.p50Ms} / ${target.halfRate.p99Ms}`,
    target.peak.non2xx + target.peak.errors + target.halfRate.non2xx + target.halfRate.errors === 0 ? 'none' : `${target.peak.non2xx + target.halfRate.non2xx} non-2xx, ${target.peak.errors + target.halfRate.errors} errors`,
    target.name.startsWith('echo')
      ? ''
      : `${verdict(target.ratioToEcho >= 0.9)} / ${target.cpuRatioToEcho === null ? 'n/a' : verdict(target.cpuRatioToEcho >= 0.9)} / ${verdict(target.halfRate.p99Ms < 50)}${target.check.ok ? '' : ' (ANSWER CHECK FAILED)'}`,
  ]);
  return [
    `1. Chat throughput and latency (${chat.connections} connections; best of ${chat.repeats} rounds over all targets, ${chat.durationSeconds} s per run; half rate = ${halfRate} req/s; ${chat.cpuPinning})`,
    table([
      ['target', 'peak (all runs)', 'p50 / p99 ms', 'vs echo', 'CPU µs/request', 'vs echo by CPU', `p50 / p99 ms at ${halfRate}/s`, 'failures', 'targets ≥0.9x (rate / CPU) / p99<50ms'],
      ...rows,
    ]),
    'The echo bot answering with the card each command sent (the cost of carrying that card through botbuilder, none of the bot\'s work):',
    table([
      ['card of', 'bytes', 'peak', 'vs echo', 'CPU µs/request', 'vs echo by CPU', 'bot vs this ceiling (rate / CPU)'],
      ...chat.cardCeilings.map((ceiling) => {
        const bot = chat.targets.find((target) => target.name === ceiling.name);
        const byCpu = bot === undefined || bot.peak.cpuMicrosPerRequest === null || ceiling.peak.cpuMicrosPerRequest === null ? null : ceiling.peak.cpuMicrosPerRequest / bot.peak.cpuMicrosPerRequest;
        return [
          ceiling.name,
          String(ceiling.cardBytes),
          `${ceiling.peak.requestsPerSecond.toFixed(0)}/s`,
          `${ceiling.ratioToEcho.toFixed(2)}x`,
          cpu(ceiling.peak),
          ratio(ceiling.cpuRatioToEcho),
          bot === undefined ? '' : `${(bot.peak.requestsPerSecond / ceiling.peak.requestsPerSecond).toFixed(2)}x / ${ratio(byCpu)}`,
        ];
      }),
    ]),
    ...(chat.echoHoldingOrganization === undefined
      ? []
      : [
          `The plain echo bot holding the ${chat.echoHoldingOrganization.mailboxes.toLocaleString('en-US')}-mailbox data file open through the store (unused): ${chat.echoHoldingOrganization.peak.requestsPerSecond.toFixed(0)}/s, ${ratio(chat.echoHoldingOrganization.ratioToEcho)} the plain echo (${cpu(chat.echoHoldingOrganization.peak)} µs CPU/request, ${ratio(chat.echoHoldingOrganization.cpuRatioToEcho)} by CPU)`,
        ]),
    `bot after chat load: RSS ${megabytes(chat.botMemoryAfterLoad.rss)}, heap ${megabytes(chat.botMemoryAfterLoad.heapUsed)}; data-file writes during the load: ${chat.botStoreWritesDuringLoad}`,
    ...profileTable(chat),
  ].join('\n');
}

function storeSection(store: StoreResult): string {
  const rows = store.scenarios.map((scenario) => [
    scenario.name,
    `${scenario.approved.toLocaleString('en-US')} of ${scenario.attempted.toLocaleString('en-US')}`,
    milliseconds(scenario.elapsedMs),
    scenario.approved > 0 ? milliseconds(scenario.elapsedMs / scenario.approved) : 'n/a',
    `${scenario.writes.toLocaleString('en-US')}${snapshotsNote(scenario.snapshotsWritten)} for ${scenario.transactionsWritten.toLocaleString('en-US')} commits`,
    megabytes(scenario.peakRss),
    scenario.extrapolatedMs === null ? '' : `all ${store.mailboxes.toLocaleString('en-US')}: ~${milliseconds(scenario.extrapolatedMs)}`,
  ]);
  return [
    `4. Store (data file ${megabytes(store.dataFileBytes)} with ${store.mailboxes.toLocaleString('en-US')} mailboxes, opened in ${milliseconds(store.openMs)})`,
    table([['scenario', 'approved', 'time', 'per approval', 'file writes', 'peak RSS', 'note'], ...rows]),
  ].join('\n');
}

function startupSection(startup: StartupResult, mailboxes: number): string {
  const row = (name: string, run: StartupResult['firstStart']): string[] => [name, milliseconds(run.readyAfterMs), milliseconds(run.modulesLoadedMs), milliseconds(run.startBotMs)];
  const { atRest } = startup;
  return [
    `5. Start-up to ready with ${mailboxes.toLocaleString('en-US')} mailboxes, and memory at rest`,
    table([
      ['start', 'fork to ready', 'process start + loading modules', 'startBot'],
      row('first start (seeds the data file)', startup.firstStart),
      row('restart (reads the data file)', startup.restart),
    ]),
    `at rest after restart: RSS ${megabytes(atRest.rss ?? atRest.memory.rss)}, heap used ${megabytes(atRest.memory.heapUsed)}, external ${megabytes(atRest.memory.external)}; after a full GC: RSS ${megabytes(atRest.rssAfterGc ?? atRest.memoryAfterGc.rss)}, heap used ${megabytes(atRest.memoryAfterGc.heapUsed)}`,
    `for comparison, the bare echo bot at rest on the same runtime (plain node + restify + botbuilder): RSS ${megabytes(startup.echoAtRest.rss ?? startup.echoAtRest.memory.rss)}, heap used ${megabytes(startup.echoAtRest.memory.heapUsed)}`,
  ].join('\n');
}

function testAndEnableSection(result: TestAndEnableResult): string {
  const rows = result.runs.map((run) => {
    const target = run.latencyMs === 0 ? run.jobMs < 5_000 : run.jobMs <= 1.5 * run.idealMs;
    return [
      `${run.latencyMs} ms${run.heapLimitMb === null ? '' : ` (heap limit ${run.heapLimitMb} MB)`}`,
      run.mailboxes.toLocaleString('en-US'),
      milliseconds(run.jobMs),
      run.latencyMs === 0 ? '< 5 s' : `≤ 1.5 × ${milliseconds(run.idealMs)} = ${milliseconds(1.5 * run.idealMs)}`,
      verdict(target),
      megabytes(run.peakRss),
      verdict((run.peakRss ?? 0) < 300 * MB),
      `${run.dataFileWrites}${snapshotsNote(run.dataFileSnapshots)}`,
      Object.entries(run.verdicts).map(([name, count]) => `${name} ${count}`).join(', '),
    ];
  });
  return [
    `2. Test & Enable at scale: "test mailboxes for profile" (${result.concurrency} tests at a time)`,
    table([['Exchange latency', 'mailboxes', 'job time', 'target', '', 'peak RSS', '< 300 MB', 'file writes', 'verdicts'], ...rows]),
  ].join('\n');
}

function fanoutSection(fanout: FanoutResult): string {
  const ratio = fanout.requestsPerSecond / fanout.allowedPerSecond;
  return [
    `3. Alert fan-out: ${fanout.alerts.toLocaleString('en-US')} alerts to ${fanout.alerts.toLocaleString('en-US')} conversations (Teams limits enforced, ${fanout.allowedPerSecond}/s per tenant; 10% answered 429 Retry-After: 1)`,
    table([
      ['figure', 'value', 'target'],
      ['delivered / still queued at the time budget', `${fanout.delivered.toLocaleString('en-US')} / ${fanout.pending.toLocaleString('en-US')}`, ''],
      ['lost', String(fanout.lost), verdict(fanout.lost === 0)],
      ['duplicated', String(fanout.duplicated), verdict(fanout.duplicated === 0)],
      ['requests per second (429s included)', `${fanout.requestsPerSecond.toFixed(1)}/s = ${(ratio * 100).toFixed(0)}% of allowed`, verdict(ratio >= 0.9)],
      ['deliveries per second', `${fanout.deliveredPerSecond.toFixed(1)}/s = ${((fanout.deliveredPerSecond / fanout.allowedPerSecond) * 100).toFixed(0)}% of allowed`, 'ceiling 90% (10% are refused)'],
      [
        'saved in the outbox / run ended after',
        `${fanout.enqueued.toLocaleString('en-US')} ${fanout.enqueueMs === null ? 'when the time budget ran out' : `in ${milliseconds(fanout.enqueueMs)}`} / ${milliseconds(fanout.settledMs)}`,
        '',
      ],
      ['requests / 429 scripted / 429 over limit / limit violations', `${fanout.requests} / ${fanout.throttledScripted} / ${fanout.throttledByLimit} / ${fanout.limitViolations}`, ''],
      ['data-file writes for the outbox', `${fanout.dataFileWrites.toLocaleString('en-US')} for ${fanout.transactionsWritten.toLocaleString('en-US')} saves`, ''],
      ['peak RSS of the bot process', megabytes(fanout.peakRss), ''],
      [
        `${fanout.newConversations.count} new conversations via the registry`,
        `${milliseconds(fanout.newConversations.elapsedMs)} (${milliseconds(fanout.newConversations.elapsedMs / fanout.newConversations.count)} each, ${fanout.newConversations.writes} writes)`,
        '',
      ],
    ]),
    ...(fanout.deadLetters.length > 0 ? [`dead letters (first ${fanout.deadLetters.length}): ${fanout.deadLetters.join('; ')}`] : []),
  ].join('\n');
}

function chatPostgresSection(result: ChatPostgresResult): string {
  const cpu = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : value.toFixed(0));
  const ratio = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)}x`);
  const failures = (figures: ChatPostgresResult['commands'][number]['file']): number => figures.non2xx + figures.errors;
  return [
    `6. Chat on PostgreSQL (issue 16): STATE_STORE=postgres vs the file store, same run, alternating (${result.connections} connections; best of ${result.repeats} rounds, ${result.durationSeconds} s per run; ${result.cpuPinning})`,
    table([
      ['command', 'file store', 'PostgreSQL', 'rate ratio', 'CPU µs/req file / PostgreSQL (bot + server)', 'CPU ratio (bot alone)', 'p50 / p99 ms file / PostgreSQL', 'failures', `≥${result.goal}x (rate / CPU)`],
      ...result.commands.map((command) => [
        command.name,
        `${command.file.requestsPerSecond.toFixed(0)}/s`,
        `${command.postgres.requestsPerSecond.toFixed(0)}/s`,
        `${command.rateRatio.toFixed(2)}x`,
        `${cpu(command.file.cpuMicrosPerRequest)} / ${cpu(command.postgres.cpuMicrosPerRequest)} + ${cpu(command.postgres.databaseCpuMicrosPerRequest)}`,
        `${ratio(command.cpuRatio)} (${ratio(command.botCpuRatio)})`,
        `${command.file.p50Ms} / ${command.file.p99Ms}; ${command.postgres.p50Ms} / ${command.postgres.p99Ms}`,
        failures(command.file) + failures(command.postgres) === 0 ? 'none' : `${failures(command.file)} / ${failures(command.postgres)}`,
        `${verdict(command.rateRatio >= result.goal)} / ${command.cpuRatio === null ? 'n/a' : verdict(command.cpuRatio >= result.goal)}${command.check.file === null && command.check.postgres === null ? '' : ' (ANSWER CHECK FAILED)'}`,
      ]),
    ]),
  ].join('\n');
}

function fanoutInstancesSection(result: FanoutInstancesResult): string {
  const [first] = result.runs;
  return [
    `7. Alert fan-out on PostgreSQL (issue 16): ${first?.alerts.toLocaleString('en-US') ?? 0} alerts, one instance then two (Teams limits enforced, ${result.allowedPerSecond}/s per tenant; 10% answered 429 Retry-After: 1)`,
    table([
      ['instances', 'requests/s (429s included)', 'of allowed', `≥${result.goal * 100}%`, 'delivered / pending', 'by instance', 'admitted / refused', 'lost / duplicated', 'limit violations', '429 scripted / over limit', 'span'],
      ...result.runs.map((run) => [
        String(run.instances),
        `${run.requestsPerSecond.toFixed(1)}/s`,
        `${(run.fractionOfAllowed * 100).toFixed(0)}%`,
        verdict(run.fractionOfAllowed >= result.goal),
        `${run.delivered.toLocaleString('en-US')} / ${run.pending.toLocaleString('en-US')}`,
        run.sentByInstance.join(' / '),
        run.admissionsByInstance.map((instance) => `${instance.granted} / ${instance.refused}`).join(', '),
        `${run.lost} / ${run.duplicated}`,
        `${run.limitViolations} ${verdict(run.limitViolations === 0)}`,
        `${run.throttledScripted} / ${run.throttledByLimit}`,
        milliseconds(run.settledMs),
      ]),
    ]),
    `two instances / one: ${result.twoToOne.toFixed(2)}x the request rate`,
    ...result.runs.flatMap((run) => (run.violationSamples.length === 0 ? [] : [`violations with ${run.instances} instance(s), first ${run.violationSamples.length}: ${JSON.stringify(run.violationSamples)}`])),
  ].join('\n');
}

function childrenLine(children: NonNullable<BenchResults['children']>): string {
  const versions = [...new Set(children.runtimes.map((runtime) => runtime.node))].join(', ');
  // One entry per distinct command line, so a flag given to one run (a heap limit) is not read as given to all.
  const flagSets = [...new Set(children.runtimes.map((runtime) => (runtime.execArgv.length === 0 ? '(none)' : runtime.execArgv.join(' '))))];
  return `Children: node ${versions}, ${children.code} (${milliseconds(children.compileMs)}), no loader; node flags by child: ${flagSets.join(' | ')}`;
}

export function formatReport(results: BenchResults): string {
  const { machine } = results;
  const sections = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load average ${machine.loadAverageBefore.map((value) => value.toFixed(2)).join(' ')} before, ${machine.loadAverageAfter.map((value) => value.toFixed(2)).join(' ')} after`,
    `Organization: ${results.organization.mailboxes.toLocaleString('en-US')} mailboxes, ${results.organization.users.toLocaleString('en-US')} users`,
  ];
  if (results.children !== undefined) sections.push(childrenLine(results.children));
  if (results.chat !== undefined) sections.push(chatSection(results.chat));
  if (results.testAndEnable !== undefined) sections.push(testAndEnableSection(results.testAndEnable));
  if (results.fanout !== undefined) sections.push(fanoutSection(results.fanout));
  if (results.store !== undefined) sections.push(storeSection(results.store));
  if (results.dataverse !== undefined) sections.push(dataverseSection(results.dataverse));
  if (results.startup !== undefined) sections.push(startupSection(results.startup, results.organization.mailboxes));
  if (results.chatPostgres !== undefined) sections.push(chatPostgresSection(results.chatPostgres));
  if (results.fanoutInstances !== undefined) sections.push(fanoutInstancesSection(results.fanoutInstances));
  return sections.join('\n\n');
}
