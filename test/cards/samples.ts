// The sample view models live in src/cards/samples.ts (a card-gallery script renders them too); tests
// import them from here, together with builders for the large and hostile cases only tests need.
import { AlertLevel } from '../../src/domain/options.js';
import type { AlertView, AuditEntryView, MailboxOutcomeView, SecurityRoleView } from '../../src/cards/view-models.js';

export * from '../../src/cards/samples.js';

/** `count` outcomes; every `failEvery`-th one fails, with one of three reasons. */
export function manyOutcomes(count: number, failEvery: number): MailboxOutcomeView[] {
  const reasons = ['Email address is not approved.', 'Autodiscover could not locate the mailbox.', 'Web server returned ConnectFailure.'];
  return Array.from({ length: count }, (_, index) => {
    const failed = index % failEvery === 0;
    return {
      mailboxName: `Mailbox ${index + 1}`,
      emailAddress: `mailbox${index + 1}@contoso.com`,
      outcome: failed ? 'failed' : 'succeeded',
      reason: failed ? (reasons[index % reasons.length] ?? 'Unknown') : 'Approved.',
    };
  });
}

export function manyAlerts(count: number): AlertView[] {
  return Array.from({ length: count }, (_, index) => ({
    level: AlertLevel.Warning,
    createdOn: new Date(Date.UTC(2025, 2, 1, 12, 0) - index * 60_000).toISOString(),
    text: `Transient failure ${count - index}: Web server returned ConnectFailure. ${'Retrying later. '.repeat(10)}`,
  }));
}

export function manyAuditEntries(count: number): AuditEntryView[] {
  return Array.from({ length: count }, (_, index) => ({
    at: new Date(Date.UTC(2025, 2, 1, 12, 0) - index * 60_000).toISOString(),
    actorName: 'Ada Admin',
    action: 'Approved email address',
    target: { type: 'mailbox', name: `Mailbox ${index + 1}` },
    rule: 'seed2019:ce-online/exchange-online:exchange-admin+system-admin',
    details: 'emailrouteraccessapproval: Pending Approval → Approved',
  }));
}

export function manyRoles(count: number): SecurityRoleView[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `Custom role ${index + 1}`,
    businessUnit: 'Contoso',
    holdsAllPrivileges: false,
    privileges: [
      { privilege: 'prvReadMailbox', depth: 'Organization' },
      { privilege: 'prvWriteMailbox', depth: 'BusinessUnit' },
      { privilege: 'prvApproveRejectEmailAddress', depth: 'User' },
    ],
  }));
}

/** Text a user could type to restyle a card or plant a link if it were not escaped. */
export const HOSTILE_TEXT = '**Urgent** [click here](https://evil.example) <at>Bot</at> _x_';
