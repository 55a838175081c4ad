// The alert conditions Test & Enable can raise, as data (domain.md §7.4–§7.5), and the pure builder of
// Alerts-wall rows (`tracelog`) from them. Product conditions keep the gist of the real alert texts;
// the precondition conditions are ours: they are checked before Exchange is contacted.
import type { Alert, AlertRegarding, EmailSettings } from './model.js';
import { AlertLevel } from './options.js';

/** The three things Test & Enable tests: incoming email, outgoing email, appointments/contacts/tasks. */
export const MailboxParts = ['incoming', 'outgoing', 'act'] as const;
export type MailboxPart = (typeof MailboxParts)[number];

/** Failures Exchange (or the connector) reports that need an owner or admin to act: the mailbox is disabled at once. */
export type PermanentExchangeCondition =
  | 'NotApprovedByO365Admin'
  | 'Unauthorized'
  | 'SecureConnectionFailure'
  | 'MailboxNotFound'
  | 'ActConfiguredWithAnotherOrganization'
  | 'ActNotSupportedByProfile'
  /** A failure Dynamics 365 reported with a trace code the catalog does not know: shown verbatim. */
  | 'ReportedByPlatform';

/** Failures that may fix themselves: the test is retried later. */
export type TransientExchangeCondition = 'ServerUnreachable' | 'ConnectorError';

/** Our checks that run before Exchange is contacted. */
export type PreconditionCondition =
  | 'MailboxInactive'
  | 'NoServerSideSyncDeliveryMethod'
  | 'NoServerProfile'
  | 'ServerProfileInactive'
  | 'ExchangeOnlineSubscriptionMissing'
  | 'ActNotSupportedByProfile'
  | 'EmailAddressNotApproved';

export type OutcomeCondition = 'TestSucceeded' | 'TransientRetriesExhausted';

export type AlertConditionCode = PermanentExchangeCondition | TransientExchangeCondition | PreconditionCondition | OutcomeCondition;

/**
 * Values a template may use. `cannot`, `activity`, `retryWork` and `enabledWork` are phrases about the
 * parts concerned (see {@link partPhrases}); the rest are names from the records.
 */
export type AlertPlaceholder =
  | 'name'
  | 'email'
  | 'profile'
  | 'organization'
  | 'tenant'
  | 'serverType'
  | 'recordType'
  | 'approvalStatus'
  | 'approvalSetting'
  | 'attempts'
  | 'details'
  | 'cannot'
  | 'activity'
  | 'retryWork'
  | 'enabledWork';
export type AlertParams = Readonly<Partial<Record<AlertPlaceholder, string>>>;

export interface AlertCondition {
  readonly code: AlertConditionCode;
  readonly level: AlertLevel;
  /** Who must act: the mailbox owner, or the owner of the email server profile (domain.md §7.3). */
  readonly scope: 'mailbox' | 'profile';
  /** Permanent disables the mailbox at once; transient is retried; informational reports success. */
  readonly nature: 'permanent' | 'transient' | 'informational';
  /** `product` = a condition the real product raises (§7.5); `ours` = a precondition or policy of this bot. */
  readonly origin: 'product' | 'ours';
  /** Alert text with `{placeholder}`s. */
  readonly template: string;
  /** What the owner should do, in one or two sentences. */
  readonly advice: string;
}

const PROFILE_OWNER_NOTIFIED = 'The owner of the email server profile {profile} has been notified.';

const conditions: { readonly [Code in AlertConditionCode]: AlertCondition & { readonly code: Code } } = {
  NotApprovedByO365Admin: {
    code: 'NotApprovedByO365Admin',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template: `{cannot} because the email address of the mailbox {name} requires an approval by an Office 365 administrator. The mailbox has been disabled for synchronization. ${PROFILE_OWNER_NOTIFIED}`,
    advice:
      'Ask a Microsoft 365 Global administrator or Exchange administrator who is also a System Administrator here to approve the email address, then run Test & Enable again.',
  },
  Unauthorized: {
    code: 'Unauthorized',
    level: AlertLevel.Error,
    scope: 'profile',
    nature: 'permanent',
    origin: 'product',
    template: `{cannot} for the mailbox {name} because the credentials specified in the associated email server profile are incorrect or have insufficient permissions. The mailbox has been disabled for synchronization. ${PROFILE_OWNER_NOTIFIED}`,
    advice:
      'The profile owner should fix the credentials of the email server profile (for Microsoft Exchange Online: server-to-server authentication in the same tenant), then run Test & Enable again.',
  },
  SecureConnectionFailure: {
    code: 'SecureConnectionFailure',
    level: AlertLevel.Error,
    scope: 'profile',
    nature: 'permanent',
    origin: 'product',
    template: `{cannot} for the mailbox {name} because an error occurred while establishing a secure connection to the email server. The mailbox has been disabled for synchronization. ${PROFILE_OWNER_NOTIFIED}`,
    advice:
      "The profile owner should check the email server's certificate and the profile's SSL settings and server location, then run Test & Enable again.",
  },
  MailboxNotFound: {
    code: 'MailboxNotFound',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template: '{cannot} for the mailbox {name} because the mailbox location could not be determined. The mailbox has been disabled for synchronization.',
    advice: 'Check that {email} exists in Exchange and is the primary address of that Exchange mailbox, then run Test & Enable again.',
  },
  ActConfiguredWithAnotherOrganization: {
    code: 'ActConfiguredWithAnotherOrganization',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template: "Appointments, contacts, and tasks can't be synchronized because the email address {email} is configured with another organization.",
    advice:
      'If this organization should synchronize the mailbox, run Test & Enable with "Sync items with Exchange from this org only, even if Exchange was set to sync with a different org"; otherwise set Appointments, Contacts, and Tasks to None in this organization.',
  },
  ActNotSupportedByProfile: {
    code: 'ActNotSupportedByProfile',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'ours',
    template:
      "Appointments, contacts, and tasks can't be synchronized for the mailbox {name} because its email server profile {profile} is a {serverType} profile, which synchronizes email only.",
    advice: 'Set Appointments, Contacts, and Tasks to None for this mailbox, or link it to an Exchange profile, then run Test & Enable again.',
  },
  ReportedByPlatform: {
    code: 'ReportedByPlatform',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template: 'Dynamics 365 reported a failure for the mailbox {name}: {details}',
    advice: 'The text is Dynamics 365\'s own (its trace code is shown with it): fix what it names, then run Test & Enable again.',
  },
  ServerUnreachable: {
    code: 'ServerUnreachable',
    level: AlertLevel.Warning,
    scope: 'profile',
    nature: 'transient',
    origin: 'product',
    template: 'An error occurred in {activity} for the mailbox {name} while connecting to the email server. Dynamics 365 will try to {retryWork} again later.',
    advice: 'No action is needed if this passes; if it keeps happening, the profile owner should check that the email server can be reached.',
  },
  ConnectorError: {
    code: 'ConnectorError',
    level: AlertLevel.Warning,
    scope: 'mailbox',
    nature: 'transient',
    origin: 'ours',
    template: 'An unexpected error occurred while testing the mailbox {name}: {details}. The test will be tried again later.',
    advice: 'No action is needed if this passes; if it keeps happening, report it to the bot administrators.',
  },
  TransientRetriesExhausted: {
    code: 'TransientRetriesExhausted',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template:
      'The mailbox {name} has been disabled for synchronization because the test failed {attempts} times in a row with errors expected to be temporary. Last error: {details}',
    advice: 'Find and fix the cause (usually the email server cannot be reached), then run Test & Enable again.',
  },
  TestSucceeded: {
    code: 'TestSucceeded',
    level: AlertLevel.Information,
    scope: 'mailbox',
    nature: 'informational',
    origin: 'product',
    template: 'The mailbox {name} was tested and enabled for {enabledWork}.',
    advice: 'No action is needed.',
  },
  MailboxInactive: {
    code: 'MailboxInactive',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'ours',
    template: 'The mailbox {name} was not tested because it is inactive.',
    advice: 'Activate the mailbox, then run Test & Enable again.',
  },
  NoServerSideSyncDeliveryMethod: {
    code: 'NoServerSideSyncDeliveryMethod',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'ours',
    template:
      'The mailbox {name} was not tested because none of its delivery methods for incoming email, outgoing email, or appointments, contacts, and tasks is server-side synchronization.',
    advice:
      'Set Incoming and Outgoing Email to "Server-Side Synchronization or Email Router" and Appointments, Contacts, and Tasks to "Server-Side Synchronization" (Apply Default Email Settings does this), then run Test & Enable again.',
  },
  NoServerProfile: {
    code: 'NoServerProfile',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'ours',
    template: 'The mailbox {name} was not tested because it has no email server profile.',
    advice: 'Set the Server Profile of the mailbox (Apply Default Email Settings uses the default profile), then run Test & Enable again.',
  },
  ServerProfileInactive: {
    code: 'ServerProfileInactive',
    level: AlertLevel.Error,
    scope: 'profile',
    nature: 'permanent',
    origin: 'ours',
    template: 'The mailbox {name} was not tested because its email server profile {profile} is inactive.',
    advice: 'Activate the email server profile or link the mailbox to an active one, then run Test & Enable again.',
  },
  ExchangeOnlineSubscriptionMissing: {
    code: 'ExchangeOnlineSubscriptionMissing',
    level: AlertLevel.Error,
    scope: 'profile',
    nature: 'permanent',
    origin: 'ours',
    template:
      'The mailbox {name} was not tested because the email server profile {profile} connects to Exchange Online, but the organization {organization} has no Exchange Online subscription in its tenant {tenant}.',
    advice:
      'The Microsoft Exchange Online profile needs an Exchange Online subscription in the same tenant as the organization: check the subscription and tenant, or use another profile.',
  },
  EmailAddressNotApproved: {
    code: 'EmailAddressNotApproved',
    level: AlertLevel.Error,
    scope: 'mailbox',
    nature: 'permanent',
    origin: 'product',
    template:
      'The email address {email} of the mailbox {name} is not approved ({approvalStatus}) and the mailbox has been disabled. This organization processes email only for approved {recordType} ("{approvalSetting}").',
    advice:
      'Someone allowed to approve email addresses must approve {email}, then run Test & Enable again. Turning off "{approvalSetting}" also works but is not recommended.',
  },
};

export const alertConditionCodes: readonly AlertConditionCode[] = Object.values(conditions).map((condition) => condition.code);

export const alertCondition = (code: AlertConditionCode): AlertCondition => conditions[code];

/** For alert codes read back from the store, which are plain strings. */
export const isAlertConditionCode = (code: string): code is AlertConditionCode => Object.hasOwn(conditions, code);

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

const fillTemplate = (template: string, params: AlertParams, code: AlertConditionCode): string =>
  template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = (params as Readonly<Record<string, string | undefined>>)[key];
    // A missing value is a programming error in the caller, not something a user can cause.
    if (value === undefined) throw new RangeError(`Alert ${code} needs a value for {${key}}`);
    return value;
  });

export const renderAlertText = (code: AlertConditionCode, params: AlertParams): string => fillTemplate(conditions[code].template, params, code);

export const renderAdvice = (code: AlertConditionCode, params: AlertParams): string => fillTemplate(conditions[code].advice, params, code);

const ACT_PHRASE = 'appointments, contacts, and tasks';
/** How a part reads in a sentence. */
export const partLabel: Readonly<Record<MailboxPart, string>> = {
  incoming: 'incoming email',
  outgoing: 'outgoing email',
  act: ACT_PHRASE,
};

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const joinList = (items: readonly string[]): string => {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0] ?? ''} and ${items[1] ?? ''}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1) ?? ''}`;
};

type PartPhrases = Pick<Record<AlertPlaceholder, string>, 'cannot' | 'activity' | 'retryWork' | 'enabledWork'>;

/** The phrases of each list of parts: a few lists in practice, and an alert per mailbox of a Test & Enable asks. */
const phrasesByParts = new Map<string, PartPhrases>();

/** The part-dependent phrases of the templates, e.g. "Email cannot be received or sent". */
export function partPhrases(parts: readonly MailboxPart[]): PartPhrases {
  const key = parts.join(',');
  let phrases = phrasesByParts.get(key);
  if (phrases === undefined) {
    phrases = Object.freeze(phrasesOf(parts));
    // Parts are three names, so the lists stay few; the bound only guards against odd callers.
    if (phrasesByParts.size >= 64) phrasesByParts.clear();
    phrasesByParts.set(key, phrases);
  }
  return phrases;
}

function phrasesOf(parts: readonly MailboxPart[]): PartPhrases {
  const incoming = parts.includes('incoming');
  const outgoing = parts.includes('outgoing');
  const act = parts.includes('act');
  const email = incoming || outgoing;
  const emailVerb = (receive: string, send: string, both: string): string => (incoming && outgoing ? both : incoming ? receive : send);

  const cannotParts: string[] = [];
  if (email) cannotParts.push(`email cannot be ${emailVerb('received', 'sent', 'received or sent')}`);
  if (act) cannotParts.push(`${ACT_PHRASE} can't be synchronized`);
  const activityParts: string[] = [];
  if (email) activityParts.push(`${emailVerb('receiving', 'sending', 'receiving and sending')} email`);
  if (act) activityParts.push(`synchronizing ${ACT_PHRASE}`);
  const retryParts: string[] = [];
  if (email) retryParts.push(`${emailVerb('receive', 'send', 'receive and send')} email`);
  if (act) retryParts.push(`synchronize ${ACT_PHRASE}`);
  const enabledParts = parts.map((part) => partLabel[part]);

  return {
    cannot: cannotParts.length > 0 ? capitalize(cannotParts.join(' and ')) : 'The mailbox cannot be synchronized',
    activity: activityParts.length > 0 ? activityParts.join(' and ') : 'synchronizing the mailbox',
    retryWork: retryParts.length > 0 ? retryParts.join(' and ') : 'synchronize the mailbox',
    enabledWork: enabledParts.length > 0 ? joinList(enabledParts) : 'nothing',
  };
}

export type AlertSettings = Pick<EmailSettings, 'generateAlertsForErrors' | 'generateAlertsForWarnings' | 'generateAlertsForInformation'>;

/** System Settings › Email › "Configure alerts" (domain.md §3, §7.4). */
export function isAlertLevelEnabled(level: AlertLevel, settings: AlertSettings): boolean {
  switch (level) {
    case AlertLevel.Error:
      return settings.generateAlertsForErrors;
    case AlertLevel.Warning:
      return settings.generateAlertsForWarnings;
    case AlertLevel.Information:
      return settings.generateAlertsForInformation;
  }
}

export interface AlertIdSource {
  next(prefix: string): string;
}

export interface AlertRequest {
  readonly condition: AlertConditionCode;
  readonly params: AlertParams;
  readonly regarding: AlertRegarding;
}

/**
 * The Alerts-wall row for a condition, or `null` when the organization does not generate alerts of
 * that level. An id is drawn only for alerts that are kept.
 */
export function buildAlert(request: AlertRequest, settings: AlertSettings, now: Date, ids: AlertIdSource): Alert | null {
  const condition = conditions[request.condition];
  if (!isAlertLevelEnabled(condition.level, settings)) return null;
  return {
    id: ids.next('alert'),
    level: condition.level,
    code: condition.code,
    text: renderAlertText(condition.code, request.params),
    regarding: request.regarding,
    createdOn: now.toISOString(),
  };
}
