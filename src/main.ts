// The composition root: the only place that knows every concrete class. `node dist/main.js` runs it;
// tests call `startBot` with their own configuration (a temp data file, port 0, a fake connector).
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UseCaseContext } from './app/context.js';
import { withDirectoryRoles } from './app/authorization.js';
import { EventDispatcher, type StoredEvent } from './app/event-outbox.js';
import type { ExchangeConnector } from './app/exchange-connector.js';
import { systemJobTimers, type JobDispatch, type JobRepository, type JobTimers } from './app/jobs/ports.js';
import { TestAndEnableRunner, type TestAndEnableRunnerOptions } from './app/jobs/runner.js';
import { TestAndEnableJobService } from './app/jobs/service.js';
import type { Clock, IdGenerator } from './app/ports.js';
import type { RoleDirectory } from './app/role-directory.js';
import { botAppIdOf, createCloudAdapter, type AuthenticationEndpoints } from './bot/adapter.js';
import { createAlertSubscriptions, createJobAlerts, jobsForCommands, type JobAlertsOptions } from './bot/alerts/index.js';
import { createApprovalCards } from './bot/approvals/index.js';
import { botFrameworkUserTokens, createSignInGate, type SignInGate, type UserTokenService } from './bot/sign-in/index.js';
import type { SignInExchange } from './app/ports/sign-in.js';
import type { AdminRoleEligibility } from './app/platform-refusal.js';
import { SsoSignIn } from './sso/index.js';
import { createCommandDispatch, welcomeReply, type CommandDispatch } from './bot/handlers/index.js';
import { close, createActivityEndpoint, createHttpServer, listen, type ActivityEndpoint, type BackendStatus } from './bot/server.js';
import type { ApprovalCards, CoreServices } from './bot/services.js';
import type { Mailbox } from './domain/model.js';
import { createTurnHandler, type ApprovalActionHandler, type ChoiceActionHandler, type CommandDispatcher, type CommandRequest, type SuggestionOffer } from './bot/turn-handler.js';
import { ConfigError, describeConfig, loadConfig, type Config } from './shared/config.js';
import { SimulatedExchangeConnector } from './exchange/simulated-exchange.js';
import { createLogger, type Logger } from './shared/logger.js';
import { ConversationReferenceRegistry } from './notify/conversation-references.js';
import { Outbox, type OutboxOptions } from './notify/outbox.js';
import { TeamsSender } from './notify/teams-sender.js';
import { PostgresConnectionError } from './postgres/connection.js';
import { InProcessPendingChoiceRepository } from './store/pending-choices.js';
import { MigrationError } from './postgres/migrations.js';
import { openPostgresBotState, type PostgresBotState, type PostgresBotStateOptions } from './postgres/bot-state.js';
import { DocumentApprovalRequestRepository } from './store/approvals-repository.js';
import { DataFileError } from './store/json-file.js';
import { openEmailConfigStore, type DocumentEmailConfigStore } from './store/email-config-store.js';
import { DocumentJobRepository } from './store/jobs-repository.js';
import { EmbeddedOrganizationRecords } from './store/embedded-records.js';
import { DocumentNotifyRepository } from './store/notify-repository.js';
import { DocumentEventOutboxRepository } from './store/event-outbox-repository.js';
import { OrganizationFileError, seedDocument } from './store/org-file.js';
import { OrganizationFileRoleDirectory } from './store/organization-roles.js';
import { DataverseClient } from './dataverse/client.js';
import { DataverseError } from './dataverse/errors.js';
import { DataverseExchangeConnector } from './dataverse/exchange-connector.js';
import { GraphDirectoryRoles, GraphRoleDirectory } from './dataverse/graph.js';
import { DataverseOrganizationRecords, type AppliedBatches } from './dataverse/records.js';
import type { DataverseSettings } from './shared/backend-config.js';

/** Test & Enable job tuning: the runner's, the job cards', and the timers both use. */
export interface TestAndEnableJobsOptions extends TestAndEnableRunnerOptions, JobAlertsOptions {
  readonly timers?: JobTimers;
  /** The instance id job leases name (with PostgreSQL: the one start-up logs). */
  readonly instance?: string;
}

export interface StartOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Replaces the simulated Exchange described in the data file. */
  readonly connector?: ExchangeConnector;
  /** Outbox tuning (tests shorten back-off). */
  readonly outbox?: Partial<Pick<OutboxOptions, 'backoff' | 'maxAttempts' | 'globalLimits' | 'perConversationLimits' | 'maxConcurrentSends'>>;
  /** Test & Enable job tuning (concurrency, batching, card update interval; tests shorten them). */
  readonly jobs?: TestAndEnableJobsOptions;
  /** Replaces the organization file as the source of people's directory (Entra) roles. */
  readonly roles?: RoleDirectory;
  /** Test hook: events it holds stay in the event outbox undispatched, as if the process died after their commit. */
  readonly holdEvent?: (stored: StoredEvent) => boolean;
  /** Replaces botbuilder's public-cloud token endpoints (tests: a loopback OpenID key set). */
  readonly authenticationEndpoints?: AuthenticationEndpoints;
  /** Replaces the Bot Framework token service of the OAuth connection (sign-in links, magic codes). */
  readonly userTokens?: UserTokenService;
  /** Replaces the single sign-on check and on-behalf-of exchange (src/sso). */
  readonly signInExchange?: SignInExchange;
  /** Where PIM-eligible admin roles are read when Dynamics 365 refuses an approval (Graph, with the Dataverse backend). */
  readonly adminRoleEligibility?: AdminRoleEligibility;
  /** BACKEND=dataverse tuning (tests shorten the intervals). */
  readonly dataverse?: DataverseTuning;
  /** STATE_STORE=postgres tuning (tests shorten the health probe, the reconnect intervals, the job heartbeat and supervision). */
  readonly postgres?: Pick<PostgresBotStateOptions, 'healthProbeMs' | 'listenRetryMs' | 'heldWriteRetryMs' | 'jobDispatch' | 'superviseIntervalSeconds'>;
}

/** The sign-in before approvals, when configuration requires it (REQUIRE_SIGN_IN, or the Dataverse backend with SSO_APP_ID). */
function createSignIn(config: Config, organizationTenantId: string, logger: Logger, options: StartOptions): SignInGate | undefined {
  const settings = config.signIn;
  if (settings === null || !settings.required) return undefined;
  const exchange = options.signInExchange ?? new SsoSignIn(settings);
  const userTokens = options.userTokens ?? botFrameworkUserTokens({ ...settings, organizationTenantId }, logger, config.credentials !== null);
  return createSignInGate({ connectionName: settings.connectionName, appIdUri: settings.appIdUri, exchange, userTokens, logger });
}

/** The services of a running bot, with the concrete data file store (tests and benchmarks read it). */
/** The core services with their concrete types, for tests and tooling that drive the running bot. */
export interface RunningServices extends CoreServices {
  readonly store: DocumentEmailConfigStore;
  readonly outbox: Outbox;
  readonly references: ConversationReferenceRegistry;
}

export interface RunningBot {
  readonly url: string;
  readonly port: number;
  readonly services: RunningServices;
  /** What POST /api/messages does for a parsed body, without the socket (fuzzing many activities quickly). */
  readonly receiveActivity: ActivityEndpoint;
  stop(): Promise<void>;
}

/** Where the jobs run when several instances share them: the dispatch (pg-boss) and this instance's name. */
export interface SharedJobPlacement {
  readonly dispatch: JobDispatch;
  readonly instance: string;
}

/** The Test & Enable jobs of the bot: the runner over `repository`, the service, and their bot-side adapters. */
export function createTestAndEnableJobs(
  core: CoreServices,
  repository: JobRepository,
  options: TestAndEnableJobsOptions = {},
  shared?: SharedJobPlacement,
): { readonly runner: TestAndEnableRunner; readonly service: TestAndEnableJobService } {
  const { outbox, references, clock, ids, logger } = core;
  const { records } = core.useCases;
  const timers = options.timers ?? systemJobTimers;
  const alerts = createJobAlerts(
    {
      records,
      outbox,
      references,
      subscriptions: () => repository.subscriptions(),
      // Called only once jobs run, after `runner` below exists.
      jobs: { job: (jobId) => runner.job(jobId), markDeliveryReported: (jobId) => runner.markDeliveryReported(jobId) },
      clock,
      timers,
      logger,
    },
    options,
  );
  const runner = new TestAndEnableRunner(
    { records, repository, connector: core.connector, clock, ids, notifications: alerts.notifications, timers, log: logger, ...shared },
    options,
  );
  const service = new TestAndEnableJobService({ runner, events: core.events, records, cards: alerts.cards, log: logger });
  return { runner, service };
}

/** Every check made for a command or a card action sees the requester's roles as the role directory has them now. */
function withRequesterRoles(roles: RoleDirectory, commands: CommandDispatch, handleApprovalAction: ApprovalActionHandler) {
  const withRoles = async (request: CommandRequest): Promise<CommandRequest> => ({ ...request, requester: await withDirectoryRoles(request.requester, roles) });
  return {
    dispatchCommand: (async (command, request) => commands.dispatchCommand(command, await withRoles(request))) satisfies CommandDispatcher,
    handleChoice: (async (action, request) => commands.handleChoice(action, await withRoles(request))) satisfies ChoiceActionHandler,
    offerSuggestions: (async (input, suggestions, request) => commands.offerSuggestions(input, suggestions, await withRoles(request))) satisfies SuggestionOffer,
    handleApprovalAction: (async (action, request) => {
      const { identification } = request;
      if (!identification.ok) return handleApprovalAction(action, request);
      return handleApprovalAction(action, { ...request, identification: { ...identification, user: await withDirectoryRoles(identification.user, roles) } });
    }) satisfies ApprovalActionHandler,
  };
}

/** PostgreSQL for the bot's state when configured; undefined keeps it in the data file. */
async function openBotState(config: Config, logger: Logger, clock: Clock, tuning: StartOptions['postgres'] = {}): Promise<PostgresBotState | undefined> {
  if (config.stateStore !== 'postgres' || config.databaseUrl === null) return undefined;
  const state = await openPostgresBotState(config.databaseUrl, {
    ...tuning,
    // Retry due times are the runner's, by its clock.
    jobDispatch: { now: () => clock.now().getTime(), heartbeatSeconds: config.jobs.heartbeatSeconds, ...tuning.jobDispatch },
    onJobSystemError: (error) => logger.warn('the job system (pg-boss) reported an error', { error: error.message }),
    onHealthChange: (healthy, error) =>
      healthy ? logger.info('PostgreSQL answers again') : logger.error('PostgreSQL does not answer; /healthz reports the bot unavailable', { error: String(error) }),
    onWriteHeld: (error) => logger.warn('a record write succeeded but PostgreSQL does not answer; its audit entries and events are held until it does', { error: String(error) }),
  });
  logger.info('bot state in PostgreSQL', { instance: state.instanceId, schemaVersion: state.migrations.current, migrationsApplied: state.migrations.applied });
  return state;
}

const systemClock: Clock = { now: () => new Date() };
const randomIds: IdGenerator = { next: (prefix) => `${prefix}-${randomUUID()}` };

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;

  // STATE_STORE=postgres: jobs, approvals, the outbox (with references and rate windows), audit and domain
  // events are shared with other instances in PostgreSQL, migrated here under the migration lock
  // (docs/scale-out.md). The organization's records stay with their backend.
  const postgres = await openBotState(config, logger, clock, options.postgres);
  // Group commit: writes queued behind one in flight share the next write (docs/performance.md).
  const store = await openEmailConfigStore(config.dataFile, () => seedDocument(config.orgFile), { groupCommit: true }).catch(async (error: unknown) => {
    await postgres?.close();
    throw error;
  });
  const notifyRepository = postgres?.notify ?? new DocumentNotifyRepository(store);
  const references = await ConversationReferenceRegistry.open(notifyRepository, { now: () => clock.now() });
  const adapter = createCloudAdapter(config.credentials, logger, options.authenticationEndpoints);
  const sender = new TeamsSender({ adapter, botAppId: botAppIdOf(config.credentials), log: logger });
  const outbox = await Outbox.open({ repository: notifyRepository, references, sender, log: logger, ...(postgres === undefined ? {} : { shared: postgres.notify }), ...options.outbox });
  // Events are committed to the event outbox with their change and dispatched from there (src/app/event-outbox.ts).
  const events = new EventDispatcher({
    repository: postgres?.eventOutbox ?? new DocumentEventOutboxRepository(store),
    onError: (error, stored, consumer) => logger.error('event consumer failed; it gets the event again', { event: stored.event.type, sequence: stored.sequence, consumer, error }),
    onOutboxError: (error, consumer) => logger.warn('could not read or update the event outbox; trying again', { consumer, error: String(error) }),
    ...(options.holdEvent === undefined ? {} : { hold: options.holdEvent }),
  });
  // The embedded store serves the organization's records (and, without PostgreSQL, the audit log) through their
  // ports; with BACKEND=dataverse, Dynamics 365 serves the records, Test & Enable and people's roles (the audit
  // log, jobs and notifications stay with the bot's state).
  const embeddedRecords = new EmbeddedOrganizationRecords(store);
  // Approvals made in Dynamics 365 itself close the bot's open requests; the approval cards exist only further down.
  const late: { approvalCards?: ApprovalCards } = {};
  const dataverse =
    config.backend.backend === 'dataverse'
      ? await startDataverseBackend(config.backend, postgres?.appliedBatches ?? embeddedRecords, logger, { pollIntervalMs: config.dataversePollIntervalMs, ...options.dataverse }, (mailboxes) => late.approvalCards?.decidedOutside(mailboxes))
      : undefined;
  const backendRecords = dataverse?.records ?? embeddedRecords;
  const records = postgres?.records(backendRecords) ?? backendRecords;
  const useCases: UseCaseContext = { records, auditLog: postgres?.audit ?? embeddedRecords, clock, ids, events };
  const connector =
    options.connector ??
    dataverse?.connector ??
    new SimulatedExchangeConnector(store.exchangeSimulation(), {
      recordPrimarySyncOrganization: (emailAddress, organizationId) => store.recordSimulatedPrimarySyncOrganization(emailAddress, organizationId),
    });
  const roles = options.roles ?? dataverse?.roles ?? new OrganizationFileRoleDirectory(store);
  // With Dynamics 365, a refused approval names a PIM-eligible role from Graph.
  const adminRoleEligibility = options.adminRoleEligibility ?? dataverse?.adminRoleEligibility;
  const services: RunningServices = {
    store,
    useCases,
    events,
    outbox,
    references,
    connector,
    clock,
    ids,
    logger,
    roles,
    ...(adminRoleEligibility === undefined ? {} : { adminRoleEligibility }),
  };

  const jobRepository = postgres?.jobs ?? new DocumentJobRepository(store);
  const jobs = createTestAndEnableJobs(
    services,
    jobRepository,
    { concurrency: config.jobs.concurrency, ...options.jobs },
    // Named by its instance id (host, process id, random part) in `jobs.record->'owner'`: which process runs a job.
    postgres === undefined ? undefined : { dispatch: postgres.jobDispatch, instance: postgres.instanceId },
  ).service;
  const subscriptions = createAlertSubscriptions(useCases, jobRepository);
  const approvalRequests = postgres?.approvals ?? new DocumentApprovalRequestRepository(store);
  const approvals = createApprovalCards(services, approvalRequests);
  late.approvalCards = approvals;
  const signIn = createSignIn(config, store.organization.tenantId, logger, options);
  const handleTurn = createTurnHandler({
    records,
    ...withRequesterRoles(roles, createCommandDispatch({ ...services, jobs: jobsForCommands(jobs), subscriptions, approvalRequests, pendingChoices: postgres?.choices ?? new InProcessPendingChoiceRepository() }), approvals.handleAction),
    references,
    welcome: welcomeReply,
    logger,
    ...(signIn === undefined ? {} : { signIn }),
  });

  let ready = false;
  const receiveActivity = createActivityEndpoint({ adapter, handleTurn, logger });
  const server = createHttpServer({ endpoint: receiveActivity, isReady: () => ready && (postgres?.healthy() ?? true), ...(dataverse === undefined ? {} : { backendStatus: dataverse.status }) });
  const { port, url } = await listen(server, config.port, config.host);
  outbox.start();
  await jobs.start();
  await approvals.start();
  events.start();
  const stopWatchingEvents = await postgres?.watchEvents(
    () => events.dispatchPending(),
    (error) => logger.error('lost the PostgreSQL connection that listens for events; listening again once PostgreSQL answers, and the periodic sweep still dispatches them', { error: String(error) }),
  );
  ready = true;
  logger.info(`Mailbox Sync Bot listening on ${url}/api/messages`, { organization: store.organization.name });

  const stopOnce = async (): Promise<void> => {
    ready = false;
    try {
      await close(server);
      await stopWatchingEvents?.();
      dataverse?.records.stopRefreshing();
      await events.stop();
      // Another instance takes the event consumers over at once instead of after their lease.
      await postgres?.eventOutbox.releaseLeases().catch(() => undefined);
      await approvals.stop();
      await jobs.stop();
      await outbox.stop();
      // Leaves the whole state in the data file itself, with an empty journal (see src/store/json-file.ts).
      await store.compact().catch((error: unknown) => {
        logger.warn('could not compact the data file on stop; its journal still holds the latest changes', { error: String(error) });
      });
    } finally {
      // Waits for any write still in flight (no temp file is left) and releases the data file's lock.
      await store.close();
      await postgres?.close();
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    receiveActivity,
    // Idempotent: Ctrl-C under `npm start` delivers SIGINT and then the launcher's SIGTERM.
    stop: () => (stopping ??= stopOnce()),
  };
}

async function runFromCommandLine(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  logger.info(describeConfig(config));
  let bot: RunningBot | undefined;
  let stopRequested = false;
  const stopBot = (running: RunningBot): void => {
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('the bot did not stop cleanly', { error: String(error) });
        process.exit(1);
      },
    );
  };
  // Installed before start-up, so that no signal finds Node's default handler (which exits at once,
  // possibly in the middle of a write), and kept, so that a second signal (Ctrl-C under `npm start` sends
  // SIGINT, then the launcher forwards SIGTERM) is absorbed while the first one's shutdown runs.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopRequested) return;
    stopRequested = true;
    logger.info('stopping', { signal });
    if (bot !== undefined) stopBot(bot);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  try {
    bot = await startBot(config, { logger });
  } catch (error) {
    if (error instanceof DataFileError || error instanceof OrganizationFileError || error instanceof PostgresConnectionError || error instanceof MigrationError || error instanceof DataverseStartError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(3);
    }
    throw error;
  }
  // A signal that came during start-up stops the bot as soon as it is up.
  if (stopRequested) stopBot(bot);
}

// ---------------------------------------------------------------------------------------------
// BACKEND=dataverse

export interface DataverseTuning {
  /** Between two refreshes of the records cache by modifiedon (default 60 s); also how often an unreachable start-up is retried. */
  readonly refreshIntervalMs?: number;
  /** Between two polls of Test & Enable outcomes (default 30 s). */
  readonly pollIntervalMs?: number;
}

/** Dynamics 365 refused the bot's credentials or answered as something else: start-up stops, naming the settings. */
export class DataverseStartError extends Error {
  override readonly name = 'DataverseStartError';
}

interface DataverseBackend {
  readonly records: DataverseOrganizationRecords;
  readonly connector: ExchangeConnector;
  readonly roles: RoleDirectory;
  readonly adminRoleEligibility: AdminRoleEligibility;
  readonly status: () => BackendStatus;
}

async function startDataverseBackend(
  settings: DataverseSettings,
  appliedBatches: AppliedBatches,
  logger: Logger,
  tuning: DataverseTuning = {},
  onApprovalChangedOutside?: (mailboxes: readonly Mailbox[]) => void,
): Promise<DataverseBackend> {
  const client = DataverseClient.fromSettings(settings, { onThrottle: (event) => logger.warn('Dynamics 365 asked the bot to wait (service protection)', { retryAfterMs: event.retryAfterMs, limit: event.limit }) });
  // Wrong credentials or a URL that is not Dataverse stop start-up; an unreachable Dataverse does not (see below).
  let lastProblem: string | undefined;
  try {
    // One quick try: start-up does not wait out the retries of an unreachable service (the refresh keeps trying).
    await DataverseClient.fromSettings(settings, { maxRetries: 0, timeoutMs: 10_000 }).whoAmI();
  } catch (error) {
    if (!(error instanceof DataverseError)) throw error;
    if (error.kind !== 'unreachable' && error.kind !== 'timeout' && error.kind !== 'server' && error.kind !== 'throttled') throw new DataverseStartError(error.message);
    lastProblem = error.message;
    logger.warn('Dynamics 365 is unreachable at start-up; the bot starts and keeps trying', { error: error.message });
  }
  const records = new DataverseOrganizationRecords({
    client,
    tenantId: settings.tenantId,
    // Dataverse has no transaction shared with the bot's own state: audit, events and idempotency keys follow the
    // writes, into the data file, or into PostgreSQL with several instances (any of them may settle a batch).
    appliedBatches,
    ...(onApprovalChangedOutside === undefined ? {} : { onApprovalChangedOutside }),
  });
  records.startRefreshing(tuning.refreshIntervalMs ?? 60_000, (error) => {
    lastProblem = error instanceof Error ? error.message : String(error);
    logger.warn('could not load or refresh the records from Dynamics 365', { error: lastProblem });
  });
  const connector = new DataverseExchangeConnector({
    client,
    ...(tuning.pollIntervalMs === undefined ? {} : { pollIntervalMs: tuning.pollIntervalMs }),
    current: async (mailboxIds) => new Map((await Promise.all(mailboxIds.map((id) => records.mailbox(id)))).flatMap((mailbox) => (mailbox === undefined ? [] : [[mailbox.id, mailbox] as const]))),
    onMailboxRead: (mailboxes) => records.observed(mailboxes),
    scheduledElsewhere: (mailboxId) => records.takeScheduledTest(mailboxId),
  });
  const graph = GraphDirectoryRoles.fromSettings(settings);
  const roles = new GraphRoleDirectory(graph);
  return {
    records,
    connector,
    roles,
    adminRoleEligibility: graph,
    status: () => (records.loaded ? { name: 'Dynamics 365', reachable: true } : { name: 'Dynamics 365', reachable: false, detail: lastProblem ?? 'loading the records' }),
  };
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) void runFromCommandLine();
