import { describe, expect, it } from 'vitest';
import {
  alertCondition,
  alertConditionCodes,
  buildAlert,
  isAlertConditionCode,
  isAlertLevelEnabled,
  partPhrases,
  renderAdvice,
  renderAlertText,
  type AlertIdSource,
  type AlertParams,
  type AlertSettings,
} from '../../src/domain/alert-catalog.js';
import { AlertLevel } from '../../src/domain/options.js';

const everyParam: AlertParams = {
  name: 'Ann Lee',
  email: 'ann@contoso.com',
  profile: 'Microsoft Exchange Online',
  organization: 'Contoso',
  tenant: 'tenant-contoso',
  serverType: 'Other (POP3/SMTP)',
  recordType: 'users',
  approvalStatus: 'Pending Approval',
  approvalSetting: 'Process emails only for approved users',
  attempts: '11',
  details: 'ConnectFailure: Web server returned ConnectFailure',
  ...partPhrases(['incoming']),
};

const allOn: AlertSettings = { generateAlertsForErrors: true, generateAlertsForWarnings: true, generateAlertsForInformation: true };
const NOW = new Date('2025-03-01T10:00:00.000Z');
const countingIds = (): AlertIdSource & { count: number } => {
  const source = { count: 0, next: (prefix: string) => `${prefix}-${++source.count}` };
  return source;
};

describe('the alert catalog', () => {
  it('renders every condition and its advice without leaving a placeholder behind', () => {
    expect(alertConditionCodes.length).toBeGreaterThanOrEqual(16);
    for (const code of alertConditionCodes) {
      expect(renderAlertText(code, everyParam), code).not.toMatch(/[{}]/);
      expect(renderAdvice(code, everyParam), code).not.toMatch(/[{}]/);
    }
  });

  it('keeps the real text of the other-organization ACT alert', () => {
    expect(renderAlertText('ActConfiguredWithAnotherOrganization', everyParam)).toBe(
      "Appointments, contacts, and tasks can't be synchronized because the email address ann@contoso.com is configured with another organization.",
    );
  });

  it('keeps the real gist of the Office 365 administrator approval alert', () => {
    expect(renderAlertText('NotApprovedByO365Admin', everyParam)).toMatch(
      /^Email cannot be received because the email address of the mailbox Ann Lee requires an approval by an Office 365 administrator\./,
    );
  });

  it('says the server-unreachable alert will try again later, as a Warning that is retried', () => {
    expect(renderAlertText('ServerUnreachable', everyParam)).toBe(
      'An error occurred in receiving email for the mailbox Ann Lee while connecting to the email server. Dynamics 365 will try to receive email again later.',
    );
    expect(alertCondition('ServerUnreachable')).toMatchObject({ level: AlertLevel.Warning, nature: 'transient', scope: 'profile' });
  });

  it('mentions credentials, secure connection and mailbox location in the matching alerts', () => {
    expect(renderAlertText('Unauthorized', everyParam)).toContain('credentials specified in the associated email server profile are incorrect or have insufficient permissions');
    expect(renderAlertText('SecureConnectionFailure', everyParam)).toContain('error occurred while establishing a secure connection');
    expect(renderAlertText('MailboxNotFound', everyParam)).toContain('mailbox location could not be determined');
  });

  it('reports success as Information to the mailbox owner', () => {
    expect(alertCondition('TestSucceeded')).toMatchObject({ level: AlertLevel.Information, scope: 'mailbox', nature: 'informational' });
    expect(renderAlertText('TestSucceeded', { ...everyParam, ...partPhrases(['incoming', 'outgoing']) })).toBe(
      'The mailbox Ann Lee was tested and enabled for incoming email and outgoing email.',
    );
  });

  it('marks our precondition conditions as ours, permanent errors', () => {
    for (const code of ['NoServerProfile', 'NoServerSideSyncDeliveryMethod', 'ExchangeOnlineSubscriptionMissing', 'ActNotSupportedByProfile'] as const) {
      expect(alertCondition(code), code).toMatchObject({ origin: 'ours', nature: 'permanent', level: AlertLevel.Error });
    }
    expect(alertCondition('ExchangeOnlineSubscriptionMissing').scope).toBe('profile');
  });

  it('names the missing value when a template is rendered without it', () => {
    expect(() => renderAlertText('ActConfiguredWithAnotherOrganization', { name: 'Ann Lee' })).toThrow(/needs a value for \{email\}/);
  });

  it('recognizes stored alert codes and rejects unknown ones', () => {
    expect(isAlertConditionCode('MailboxNotFound')).toBe(true);
    expect(isAlertConditionCode('toString')).toBe(false);
    expect(isAlertConditionCode('SomethingElse')).toBe(false);
  });
});

describe('part phrases', () => {
  it('describe email and ACT parts in one sentence', () => {
    expect(partPhrases(['outgoing'])).toEqual({
      cannot: 'Email cannot be sent',
      activity: 'sending email',
      retryWork: 'send email',
      enabledWork: 'outgoing email',
    });
    expect(partPhrases(['act']).cannot).toBe("Appointments, contacts, and tasks can't be synchronized");
    expect(partPhrases(['incoming', 'act']).cannot).toBe("Email cannot be received and appointments, contacts, and tasks can't be synchronized");
    expect(partPhrases(['incoming', 'outgoing', 'act']).enabledWork).toBe('incoming email, outgoing email, and appointments, contacts, and tasks');
  });
});

describe('building an alert', () => {
  it('fills the tracelog row with level, code, text, wall and time', () => {
    const alert = buildAlert(
      { condition: 'MailboxNotFound', params: everyParam, regarding: { type: 'mailbox', id: 'mailbox-ann' } },
      allOn,
      NOW,
      countingIds(),
    );
    expect(alert).toEqual({
      id: 'alert-1',
      level: 3,
      code: 'MailboxNotFound',
      text: 'Email cannot be received for the mailbox Ann Lee because the mailbox location could not be determined. The mailbox has been disabled for synchronization.',
      regarding: { type: 'mailbox', id: 'mailbox-ann' },
      createdOn: '2025-03-01T10:00:00.000Z',
    });
  });

  it('follows the Error, Warning and Information switches of the organization', () => {
    const cases = [
      { condition: 'Unauthorized', switchedOff: 'generateAlertsForErrors' },
      { condition: 'ServerUnreachable', switchedOff: 'generateAlertsForWarnings' },
      { condition: 'TestSucceeded', switchedOff: 'generateAlertsForInformation' },
    ] as const;
    for (const { condition, switchedOff } of cases) {
      const request = { condition, params: everyParam, regarding: { type: 'mailbox', id: 'mailbox-ann' } } as const;
      const ids = countingIds();
      expect(buildAlert(request, { ...allOn, [switchedOff]: false }, NOW, ids), condition).toBeNull();
      expect(ids.count).toBe(0);
      expect(buildAlert(request, allOn, NOW, ids), condition).not.toBeNull();
    }
  });

  it('maps each level to its own switch', () => {
    const onlyWarnings: AlertSettings = { generateAlertsForErrors: false, generateAlertsForWarnings: true, generateAlertsForInformation: false };
    expect(isAlertLevelEnabled(AlertLevel.Warning, onlyWarnings)).toBe(true);
    expect(isAlertLevelEnabled(AlertLevel.Error, onlyWarnings)).toBe(false);
    expect(isAlertLevelEnabled(AlertLevel.Information, onlyWarnings)).toBe(false);
  });
});
