// The fake's server-side synchronization: what happens, after a delay, to a mailbox whose
// testemailconfigurationscheduled was set. The outcome follows the same facts as the simulated
// Exchange (approval, profile, the organization file's exchange section) and is written the way the
// platform writes it: mailbox status columns, testmailboxaccesscompletedon, and tracelog rows
// regarding the mailbox. Trace codes are the fake's own numbers (FAKE_TRACE_CODES): the real ones
// are not documented, which is why the bot shows an unknown code verbatim.
import { AlertLevel, TestStatus } from '../../../src/domain/options.js';
import type { Organization } from '../../../src/domain/model.js';
import type { ExchangeSimulation } from '../../../src/app/exchange-simulation.js';
import type { Row } from './odata-query.js';
import type { Tables } from './tables.js';

export const FAKE_TRACE_CODES = {
  TestSucceeded: 1000,
  NotApprovedByO365Admin: 1001,
  EmailAddressNotApproved: 1002,
  NoServerProfile: 1003,
  MailboxInactive: 1004,
  Unauthorized: 1005,
  SecureConnectionFailure: 1006,
  MailboxNotFound: 1007,
  ServerUnreachable: 1008,
  ActConfiguredWithAnotherOrganization: 1009,
  ActNotSupportedByProfile: 1010,
} as const;
type TraceCondition = keyof typeof FAKE_TRACE_CODES;

const TEXT: Readonly<Record<TraceCondition, (address: string) => string>> = {
  TestSucceeded: (address) => `The mailbox ${address} was tested and enabled for email processing.`,
  NotApprovedByO365Admin: (address) => `Email cannot be received or sent for the mailbox ${address} because it requires an approval by an Office 365 administrator. The mailbox has been disabled.`,
  EmailAddressNotApproved: (address) => `The email address ${address} is not approved and the mailbox has been disabled.`,
  NoServerProfile: (address) => `The mailbox ${address} has no email server profile. The mailbox has been disabled.`,
  MailboxInactive: (address) => `The mailbox ${address} is inactive.`,
  Unauthorized: (address) => `Email cannot be received for the mailbox ${address} because the credentials specified in the associated email server profile are incorrect or have insufficient permissions. The mailbox has been disabled.`,
  SecureConnectionFailure: (address) => `An error occurred while establishing a secure connection to the email server for the mailbox ${address}. The mailbox has been disabled.`,
  MailboxNotFound: (address) => `The mailbox location for ${address} could not be determined. The mailbox has been disabled.`,
  ServerUnreachable: (address) => `An error occurred while connecting to the email server for the mailbox ${address}. The system will try again later. Web server returned ConnectFailure.`,
  ActConfiguredWithAnotherOrganization: (address) => `Appointments, contacts, and tasks can't be synchronized because the email address ${address} is configured with another organization.`,
  ActNotSupportedByProfile: (address) => `Appointments, contacts, and tasks can't be synchronized for the mailbox ${address}: the email server profile does not support them.`,
};

export interface MailboxTestInput {
  readonly tables: Tables;
  readonly organization: Organization;
  readonly exchange: ExchangeSimulation;
  readonly mailboxId: string;
  /** 0 for the first try; transient failures are retried. */
  readonly attempt: number;
  readonly update: (entitySet: string, id: string, changes: Row) => Row;
  readonly insertTrace: (row: Row) => Row;
}

/** Runs one test; returns 'retry' after a transient failure the platform would retry. */
export function runMailboxTest(input: MailboxTestInput): 'done' | 'retry' {
  const mailbox = input.tables.get('mailboxes')?.get(input.mailboxId);
  if (mailbox === undefined) return 'done';
  const address = typeof mailbox.emailaddress === 'string' ? mailbox.emailaddress : '';
  const organizationRow = [...(input.tables.get('organizations')?.values() ?? [])][0] ?? {};
  const trace = (condition: TraceCondition, level: number): void => {
    const enabled = level === AlertLevel.Error ? organizationRow.generatealertsforerrors : level === AlertLevel.Warning ? organizationRow.generatealertsforwarnings : organizationRow.generatealertsforinformation;
    if (enabled === false) return;
    input.insertTrace({
      level,
      tracecode: FAKE_TRACE_CODES[condition],
      text: TEXT[condition](address),
      tracestatus: condition === 'TestSucceeded',
      _regardingobjectid_value: input.mailboxId,
      __regardingtype: 'mailbox',
    });
  };
  const completedOn = new Date().toISOString();
  const fail = (condition: TraceCondition): 'done' => {
    input.update('mailboxes', input.mailboxId, {
      testemailconfigurationscheduled: false,
      testemailconfigurationretrycount: Number(mailbox.testemailconfigurationretrycount ?? 0) + 1,
      incomingemailstatus: TestStatus.Failure,
      outgoingemailstatus: TestStatus.Failure,
      actstatus: mailbox.actdeliverymethod === 1 ? TestStatus.Failure : TestStatus.NotRun,
      mailboxstatus: TestStatus.Failure,
      enabledforincomingemail: false,
      enabledforoutgoingemail: false,
      enabledforact: false,
      testmailboxaccesscompletedon: completedOn,
    });
    trace(condition, AlertLevel.Error);
    return 'done';
  };

  const regardingType = mailbox.__regardingtype === 'queue' ? 'queue' : 'systemuser';
  const owner = input.tables.get(regardingType === 'queue' ? 'queues' : 'systemusers')?.get(String(mailbox._regardingobjectid_value));
  const profileId = mailbox._emailserverprofile_value;
  const profile = typeof profileId === 'string' ? input.tables.get('emailserverprofiles')?.get(profileId) : undefined;
  const requireApproval = regardingType === 'queue' ? organizationRow.requireapprovalforqueueemail === true : organizationRow.requireapprovalforuseremail === true;
  const simulated = input.exchange.mailboxes.find((candidate) => candidate.emailAddress === address.toLowerCase());

  if (mailbox.statecode !== 0) return fail('MailboxInactive');
  if (profile === undefined) return fail('NoServerProfile');
  if (requireApproval && owner?.emailrouteraccessapproval !== 1) return fail('EmailAddressNotApproved');
  const exchangeOnline = profile.servertype === 0 && input.organization.exchangeOnline.subscribed;
  if (exchangeOnline && owner?.isemailaddressapprovedbyo365admin !== true) return fail('NotApprovedByO365Admin');
  if (!input.exchange.credentialsValid) return fail('Unauthorized');
  const permanent = simulated?.behaviour.permanentFailure ?? null;
  if (permanent !== null) return fail(permanent);
  if ((simulated?.behaviour.transientFailures ?? 0) > input.attempt) {
    input.update('mailboxes', input.mailboxId, { testemailconfigurationretrycount: Number(mailbox.testemailconfigurationretrycount ?? 0) + 1 });
    trace('ServerUnreachable', AlertLevel.Warning);
    return 'retry';
  }

  const incoming = mailbox.incomingemaildeliverymethod === 2 ? TestStatus.Success : TestStatus.NotRun;
  const outgoing = mailbox.outgoingemaildeliverymethod === 2 ? TestStatus.Success : TestStatus.NotRun;
  let act: number = TestStatus.NotRun;
  if (mailbox.actdeliverymethod === 1) {
    const otherOrganization = simulated?.primarySyncOrganizationId !== null && simulated?.primarySyncOrganizationId !== undefined && simulated.primarySyncOrganizationId !== input.organization.id;
    if (profile.servertype === 1 || profile.servertype === 4) act = TestStatus.Failure;
    else if (otherOrganization && mailbox.orgmarkedasprimaryforexchangesync !== true) act = TestStatus.Failure;
    else act = TestStatus.Success;
    if (act === TestStatus.Failure) trace(profile.servertype === 1 || profile.servertype === 4 ? 'ActNotSupportedByProfile' : 'ActConfiguredWithAnotherOrganization', AlertLevel.Error);
  }
  input.update('mailboxes', input.mailboxId, {
    testemailconfigurationscheduled: false,
    testemailconfigurationretrycount: Number(mailbox.testemailconfigurationretrycount ?? 0) + 1,
    incomingemailstatus: incoming,
    outgoingemailstatus: outgoing,
    actstatus: act,
    mailboxstatus: act === TestStatus.Failure ? TestStatus.Failure : TestStatus.Success,
    enabledforincomingemail: incoming === TestStatus.Success,
    enabledforoutgoingemail: outgoing === TestStatus.Success,
    enabledforact: act === TestStatus.Success,
    testmailboxaccesscompletedon: completedOn,
  });
  if (act !== TestStatus.Failure) trace('TestSucceeded', AlertLevel.Information);
  return 'done';
}
