// The default Exchange connector: answers from the organization file's simulated Exchange side.
// Deterministic: the answer depends only on the simulation data, the request and the attempt number.
// Like the real platform, a scheduled test is answered later (after the simulated latency) on the outcome
// feed that `observe` reads, never as the reply to `schedule`.
import type { ExchangeConnector, ObservedOutcomes, ScheduledTest } from '../app/exchange-connector.js';
import type { MailboxPart } from '../domain/alert-catalog.js';
import type { ServerType } from '../domain/options.js';
import type { ConnectorTestResult, MailboxTestRequest, PartOutcome } from '../domain/test-and-enable.js';
import { OutcomeFeed } from './outcome-feed.js';
import type { ExchangeSimulation, SimulatedExchangeMailbox, SimulatedMailboxBehaviour } from '../app/exchange-simulation.js';

export type Sleep = (milliseconds: number) => Promise<void>;

const realSleep: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export interface SimulatedExchangeOptions {
  /** Injected so tests run with a fake timer or no waiting at all. */
  readonly sleep?: Sleep;
  /**
   * Keeps a changed primary sync organization (a test stamped or claimed the mailbox), as Exchange would
   * across a restart of the bot. Awaited before the answer: if it fails, the change is undone and the test
   * fails as unexpected (the caller retries it).
   */
  readonly recordPrimarySyncOrganization?: (emailAddress: string, organizationId: string | null) => Promise<void>;
}

type PermanentFailure = NonNullable<SimulatedMailboxBehaviour['permanentFailure']>;

const permanentFailureOutcome: Readonly<Record<PermanentFailure, (email: string) => PartOutcome>> = {
  Unauthorized: () => ({ status: 'permanent', condition: 'Unauthorized', code: 'Unauthorized', message: 'The remote server returned an error: (401) Unauthorized.' }),
  SecureConnectionFailure: () => ({
    status: 'permanent',
    condition: 'SecureConnectionFailure',
    code: 'SecureChannelFailure',
    message: 'Web server returned SecureChannelFailure: could not establish a trust relationship for the SSL/TLS secure channel.',
  }),
  MailboxNotFound: (email) => ({
    status: 'permanent',
    condition: 'MailboxNotFound',
    code: 'AutodiscoverMailboxNotFound',
    message: `Autodiscover could not find a mailbox for ${email}.`,
  }),
  NotApprovedByO365Admin: (email) => ({
    status: 'permanent',
    condition: 'NotApprovedByO365Admin',
    code: 'EmailAddressNotApprovedByO365Admin',
    message: `The email address ${email} has not been approved by an Office 365 administrator.`,
  }),
};

/** Server-to-server trust is per tenant only for Exchange Online profiles; on-premises Exchange and POP3/IMAP use their own credentials. */
const checksTenant = (serverType: ServerType): boolean => serverType === 'ExchangeOnline' || serverType === 'ExchangeOnlineHybrid';
const supportsAct = (serverType: ServerType): boolean => serverType !== 'Pop3Smtp' && serverType !== 'ImapSmtp';

const sameOutcomeForAll = (parts: readonly MailboxPart[], outcome: PartOutcome): ConnectorTestResult => ({
  parts: Object.fromEntries(parts.map((part) => [part, outcome])),
});

export class SimulatedExchangeConnector implements ExchangeConnector {
  private readonly mailboxes: ReadonlyMap<string, SimulatedExchangeMailbox>;
  /** Primary sync organization per address; starts from the file and changes as tests stamp or claim it. */
  private readonly primarySyncOrganization = new Map<string, string | null>();
  private readonly attempts = new Map<string, number>();
  private readonly sleep: Sleep;
  private readonly feed = new OutcomeFeed();
  private readonly recordPrimarySyncOrganization: SimulatedExchangeOptions['recordPrimarySyncOrganization'];

  constructor(
    private readonly simulation: ExchangeSimulation,
    options: SimulatedExchangeOptions = {},
  ) {
    this.mailboxes = new Map(simulation.mailboxes.map((mailbox) => [mailbox.emailAddress, mailbox]));
    for (const mailbox of simulation.mailboxes) this.primarySyncOrganization.set(mailbox.emailAddress, mailbox.primarySyncOrganizationId);
    this.sleep = options.sleep ?? realSleep;
    this.recordPrimarySyncOrganization = options.recordPrimarySyncOrganization;
  }

  /** The organization Exchange currently synchronizes this address with (`undefined` for unknown addresses). */
  primarySyncOrganizationOf(emailAddress: string): string | null | undefined {
    return this.primarySyncOrganization.get(normalize(emailAddress));
  }

  /** How many tests this connector instance has run for the address. */
  attemptsFor(emailAddress: string): number {
    return this.attempts.get(normalize(emailAddress)) ?? 0;
  }

  /** Accepts the tests at once; each is answered on the feed after its latency. Attempts count from the call. */
  schedule(tests: readonly ScheduledTest[]): Promise<void> {
    for (const test of tests) {
      const address = normalize(test.request.mailbox.emailAddress);
      const attemptsSoFar = (this.attempts.get(address) ?? 0) + 1;
      this.attempts.set(address, attemptsSoFar);
      // The stored attempt number wins so that a restarted bot gives the same answer as before.
      void this.test(test, address, test.request.attempt ?? attemptsSoFar);
    }
    return Promise.resolve();
  }

  observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    return this.feed.read(cursor, signal);
  }

  private async test(test: ScheduledTest, address: string, attempt: number): Promise<void> {
    const simulated = this.mailboxes.get(address);
    const latency = simulated?.behaviour.latencyMs ?? this.simulation.latencyMs;
    if (latency > 0) await this.sleep(latency);

    const primaryBefore = this.primarySyncOrganization.get(address);
    const result = this.answer(test.request, address, simulated, attempt);
    const primaryAfter = this.primarySyncOrganization.get(address);
    // Only a claim from another organization is kept: a first stamp (none before) is what the next test after a
    // restart would stamp again, so keeping it would cost a data-file write per mailbox and change nothing.
    const claimedFromAnother = primaryBefore !== undefined && primaryBefore !== null && primaryAfter !== undefined && primaryAfter !== primaryBefore;
    if (claimedFromAnother && this.recordPrimarySyncOrganization !== undefined) {
      try {
        await this.recordPrimarySyncOrganization(address, primaryAfter);
      } catch (error) {
        this.primarySyncOrganization.set(address, primaryBefore);
        // Not a test result: the caller turns it into a connector error, and the test is tried again.
        this.feed.report({ testId: test.testId, result: { notRecorded: error instanceof Error ? error.message : String(error) } });
        return;
      }
    }
    this.feed.report({ testId: test.testId, result });
  }

  private answer(request: MailboxTestRequest, address: string, simulated: SimulatedExchangeMailbox | undefined, attempt: number): ConnectorTestResult {
    const { parts, profile } = request;
    if (!this.simulation.credentialsValid) {
      return sameOutcomeForAll(parts, permanentFailureOutcome.Unauthorized(address));
    }
    if (checksTenant(profile.serverType) && request.tenantId !== this.simulation.tenantId) {
      return sameOutcomeForAll(parts, {
        status: 'permanent',
        condition: 'Unauthorized',
        code: 'Unauthorized',
        message: `The remote server returned an error: (401) Unauthorized. The token for tenant ${request.tenantId} is not valid for Exchange in tenant ${this.simulation.tenantId}.`,
      });
    }
    if (simulated === undefined) return sameOutcomeForAll(parts, permanentFailureOutcome.MailboxNotFound(address));
    const { permanentFailure, transientFailures } = simulated.behaviour;
    if (permanentFailure !== null) return sameOutcomeForAll(parts, permanentFailureOutcome[permanentFailure](address));
    if (attempt <= transientFailures) {
      return sameOutcomeForAll(parts, {
        status: 'transient',
        condition: 'ServerUnreachable',
        code: 'ConnectFailure',
        message: `Web server returned ConnectFailure (simulated failure ${attempt} of ${transientFailures}).`,
      });
    }

    const outcomes: Partial<Record<MailboxPart, PartOutcome>> = {};
    for (const part of parts) outcomes[part] = this.testPart(part, request, address);
    // Checking the box claims the mailbox for this organization whatever is tested (§8).
    if (request.makePrimarySyncOrganization) this.primarySyncOrganization.set(address, request.organization.id);
    return { parts: outcomes };
  }

  private testPart(part: MailboxPart, request: MailboxTestRequest, address: string): PartOutcome {
    switch (part) {
      case 'incoming':
        return { status: 'success', code: 'Success', message: `Email can be received for ${address}.` };
      case 'outgoing':
        return { status: 'success', code: 'Success', message: 'The test message "Your mailbox is now connected to Dynamics 365" was sent.' };
      case 'act':
        return this.testAct(request, address);
    }
  }

  private testAct(request: MailboxTestRequest, address: string): PartOutcome {
    if (!supportsAct(request.profile.serverType)) {
      return {
        status: 'permanent',
        condition: 'ActNotSupportedByProfile',
        code: 'ActNotSupported',
        message: `A ${request.profile.serverType} profile cannot synchronize appointments, contacts, and tasks.`,
      };
    }
    const primary = this.primarySyncOrganization.get(address) ?? null;
    if (primary !== null && primary !== request.organization.id && !request.makePrimarySyncOrganization) {
      return {
        status: 'permanent',
        condition: 'ActConfiguredWithAnotherOrganization',
        code: 'ActSyncOrganizationMismatch',
        message: `Exchange synchronizes ${address} with organization ${primary}.`,
      };
    }
    // A successful ACT test stamps this organization in Exchange.
    this.primarySyncOrganization.set(address, request.organization.id);
    return { status: 'success', code: 'Success', message: `Appointments, contacts, and tasks can be synchronized for ${address}.` };
  }
}

const normalize = (emailAddress: string): string => emailAddress.trim().toLowerCase();
