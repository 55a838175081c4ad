import { describe, expect, it } from 'vitest';
import type { BulkMailboxResult, ListedMailbox, MailboxListPage, MailboxView } from '../../../src/app/index.js';
import { renderOperationResultCard } from '../../../src/cards/index.js';
import { parseCommand, type RecognisedCommand } from '../../../src/bot/commands/parser.js';
import { commandLine } from '../../../src/bot/commands/command-lines.js';
import { allCommands } from '../../../src/bot/commands/registry.js';
import { failedCommand } from '../../../src/bot/handlers/command-environment.js';
import {
  correctionButtons,
  mailboxListView,
  operationResultView,
  problemCard,
  renderNoticeCard,
  wouldAllow,
} from '../../../src/bot/views/index.js';
import type { PermissionDecision } from '../../../src/domain/permissions.js';
import { EmailApprovalStatus } from '../../../src/domain/options.js';
import { renderAlertText } from '../../../src/domain/alert-catalog.js';
import { approveNotApprovedButton, reasonIsNotApproved, retestFailedButton } from '../../../src/bot/views/monitoring.js';
import { MAX_COMMAND_LENGTH } from '../../../src/shared/limits.js';
import { mailboxRecord } from '../../store/documents.js';
import { cardText, executeActions } from '../../cards/card-inspection.js';
import { buttonsOf, expectWellFormed } from './support.js';

const HOSTILE = '**Urgent** [click](https://evil.example) <at>Bot</at>';
const online = { customerEngagement: 'online', exchange: 'online' } as const;

function parsed(text: string): RecognisedCommand {
  const result = parseCommand(text);
  if (result.kind !== 'command') throw new Error(`"${text}" did not parse as a command: ${JSON.stringify(result)}`);
  return result;
}

const view = (index: number, overrides: Parameters<typeof mailboxRecord>[1] = {}): MailboxView => ({
  mailbox: mailboxRecord(index, overrides),
  ownerName: `Person ${index}`,
  profileName: 'Microsoft Exchange Online',
  regarding: { type: 'systemuser', id: `user-${index}`, name: `Person ${index}` },
});

describe('command lines written back for buttons', () => {
  it('parses every registry example, written back as a command line, to the same command', () => {
    for (const command of allCommands()) {
      for (const example of command.examples) {
        const original = parsed(example.input);
        const line = commandLine(original);
        expect(parsed(line), `${example.input} → ${line}`).toEqual(original);
      }
    }
  });

  it('keeps a name with spaces, commas and the words to and at as one argument', () => {
    const original = parsed('change email "Sales, to Inbox at HQ" to help@contoso.com');
    expect(commandLine(original)).toBe('change email "Sales, to Inbox at HQ" to help@contoso.com');
    expect(parsed(commandLine(original))).toEqual(original);
  });

  it('quotes a mailbox called like a keyword, so it stays a name', () => {
    const original = parsed('approve mailbox "pending", ada@contoso.com');
    expect(commandLine(original)).toBe('approve mailbox "pending", ada@contoso.com');
  });
});

describe('corrections for unknown names', () => {
  it('offers one button per suggestion, replacing only the unknown name in a comma list', () => {
    const command = parsed('approve mailbox pia@contso.com, "Sales Inbox"');
    const buttons = correctionButtons(failedCommand(command), [{ name: 'pia@contso.com', suggestions: ['pia@contoso.com', 'Pia Pending'] }]);
    expect(buttons.map((button) => button.command)).toEqual(['approve mailbox pia@contoso.com, "Sales Inbox"', 'approve mailbox "Pia Pending", "Sales Inbox"']);
  });

  it('offers one button taking the closest name for each of several unknown names', () => {
    const command = parsed('reject mailbox pia@contso.com, "Sales Inbx"');
    const unknown = [
      { name: 'pia@contso.com', suggestions: ['pia@contoso.com'] },
      { name: 'Sales Inbx', suggestions: ['Sales Inbox', 'sales@contoso.com'] },
    ];
    expect(correctionButtons(failedCommand(command), unknown).map((button) => button.command)).toEqual(['reject mailbox pia@contoso.com, "Sales Inbox"']);
  });

  it('offers no correction when one of several unknown names has no suggestion, since it would fail again', () => {
    const command = parsed('reject mailbox pia@contso.com, zzz@nowhere.example');
    const unknown = [
      { name: 'pia@contso.com', suggestions: ['pia@contoso.com'] },
      { name: 'zzz@nowhere.example', suggestions: [] },
    ];
    expect(correctionButtons(failedCommand(command), unknown)).toEqual([]);
  });

  it('offers a correction as long as a typed command may be, and leaves out a longer one', () => {
    const typo = { name: 'pia@contso.com', suggestions: ['pia@contoso.com'] };
    const commandOf = (addresses: readonly string[]) => `approve mailbox ${[...addresses, 'pia@contso.com'].join(', ')}`;
    const many = Array.from({ length: 40 }, (_, index) => `person${index}@contoso.com`);
    expect(correctionButtons(failedCommand(parsed(commandOf(many))), [typo]).map((button) => button.command)).toEqual([commandOf(many).replace('pia@contso.com', 'pia@contoso.com')]);
    // A typed command exactly as long as allowed (long shared-mailbox addresses, to stay within the mailboxes
    // a command may name), whose correction is one character longer.
    const long = (index: number) => `finance-and-operations-shared-mailbox-number-${index}@contoso.com`;
    const longest = [long(0)];
    while (commandOf([...longest, long(longest.length)]).length <= MAX_COMMAND_LENGTH) longest.push(long(longest.length));
    longest[0] = `${'x'.repeat(MAX_COMMAND_LENGTH - commandOf(longest).length)}${long(0)}`;
    expect(commandOf(longest)).toHaveLength(MAX_COMMAND_LENGTH);
    expect(correctionButtons(failedCommand(parsed(commandOf(longest))), [typo])).toEqual([]);
  });
});

describe('who the refusal card says would be allowed', () => {
  const decision = (rule: string, edition: PermissionDecision['edition'] = 'seed2019'): PermissionDecision => ({ allowed: false, edition, rule, reason: 'because' });

  it('lists the seed table’s Yes columns for a System Administrator refused at 9.1.0.5805', () => {
    expect(wouldAllow(decision('seed2019:ce-online/exchange-online:system-admin'), online)).toEqual([
      'Microsoft 365 Global administrator together with Dynamics 365 System Administrator',
      'Exchange administrator together with Dynamics 365 System Administrator',
    ]);
  });

  it('adds the Delegated Mailbox Approver combination under the 2025 table', () => {
    expect(wouldAllow(decision('current2025:ce-online/exchange-online:no-approver-column', 'current2025'), online)).toContain(
      'Delegated Mailbox Approver together with Dynamics 365 System Administrator',
    );
  });

  it('names the missing privilege for a privilege refusal and nobody for a disabled user', () => {
    expect(wouldAllow(decision('privilege:prvApproveRejectEmailAddress:depth'), online)).toEqual([
      'A security role granting Approve Email Addresses for Users or Queues at a depth that reaches the record',
    ]);
    expect(wouldAllow(decision('requester:inactive'), online)).toEqual([]);
    expect(wouldAllow(decision('app:read-audit:system-administrator'), online)).toEqual(['System Administrator']);
  });
});

const listed = (index: number, overrides: Partial<ListedMailbox> = {}, record: Parameters<typeof mailboxRecord>[1] = {}): ListedMailbox => ({
  ...view(index, record),
  mayApprove: true,
  mayTestAndEnable: true,
  failure: null,
  ...overrides,
});

describe('mailbox list pages', () => {
  const page = (overrides: Partial<MailboxListPage>): MailboxListPage => ({
    filter: 'pending',
    profile: null,
    items: [listed(21), listed(22)],
    page: 2,
    pageSize: 20,
    pageCount: 3,
    total: 45,
    firstItemNumber: 21,
    readDepth: 'Organization',
    nextCursor: null,
    ...overrides,
  });

  it('carries the previous and next page as commands on a middle page', () => {
    const list = mailboxListView(page({}), (number) => `mailboxes pending page ${number}`);
    expect(list).toMatchObject({ offset: 20, total: 45, previousPageCommand: 'mailboxes pending page 1', nextPageCommand: 'mailboxes pending page 3' });
    expect(list.filterDescription).toBe('Email address status: Pending Approval · active mailboxes only');
  });

  it('has no previous page on the first page and no next page on the last', () => {
    expect(mailboxListView(page({ page: 1, firstItemNumber: 1 }), String).previousPageCommand).toBeNull();
    expect(mailboxListView(page({ page: 3, firstItemNumber: 41 }), String).nextPageCommand).toBeNull();
  });

  it('gives each pending row Approve and Reject, and the list "Approve all" over every page, for an approver', () => {
    const pending = { emailRouterAccessApproval: EmailApprovalStatus.PendingApproval };
    const list = mailboxListView(page({ items: [listed(21, {}, pending), listed(22, { mayApprove: false }, pending)] }), String);
    expect(list.rows[0]?.actions?.map((action) => action.command)).toEqual(['approve mailbox person0021@contoso.com', 'reject mailbox person0021@contoso.com']);
    expect(list.rows[1]?.actions).toBeUndefined();
    expect(list.listActions).toEqual([{ title: 'Approve all 45', command: 'approve mailbox pending' }]);
    expect(mailboxListView(page({ items: [listed(21, { mayApprove: false }, pending)] }), String).listActions).toEqual([]);
  });

  it('gives each failed row its reason, its fix and Test again, and the list a retest of the page', () => {
    const cause = (code: 'anotherPrimaryOrganization' | 'serverUnreachable', summary: string) => ({ code, summary, advice: '' });
    const items = [
      listed(21, { failure: { cause: cause('anotherPrimaryOrganization', 'Synced with another org.'), fix: { kind: 'syncFromThisOrgOnly', label: 'Sync from this org only' }, health: 'failing' } }),
      listed(22, { failure: { cause: cause('serverUnreachable', 'Exchange could not be reached.'), fix: undefined, health: 'retrying' } }),
    ];
    const list = mailboxListView(page({ filter: 'failed', items }), String);
    expect(list.rows[0]?.reason).toBe('Synced with another org.');
    expect(list.rows[0]?.actions?.map((action) => action.title)).toEqual(['Sync from this org only', 'Test again']);
    expect(list.rows[1]?.reason).toBe('Will try again: Exchange could not be reached.');
    expect(list.listActions).toEqual([{ title: 'Test these 2 again', command: 'test mailbox person0021@contoso.com, person0022@contoso.com' }]);
  });

  it('says when the Read Mailbox depth limits the list', () => {
    expect(mailboxListView(page({ readDepth: 'BusinessUnit' }), String).filterDescription).toContain('only the mailboxes your Read Mailbox depth (Business Unit) reaches');
  });
});

describe('bulk outcomes', () => {
  it('shows refusals and invalid combinations as failures with their reason, and unchanged mailboxes as skipped', () => {
    const refusal: PermissionDecision = { allowed: false, edition: 'seed2019', rule: 'delivery-methods:admin-role', reason: 'Needs an admin role.' };
    const result: BulkMailboxResult = {
      outcomes: [
        { mailbox: view(1), status: 'changed', reason: 'Server Profile: (none) → Microsoft Exchange Online' },
        { mailbox: view(2), status: 'unchanged', reason: 'It already has these settings.' },
        { mailbox: view(3), status: 'refused', reason: 'Needs an admin role.', decision: refusal },
        { mailbox: view(4), status: 'invalid', reason: 'POP3 cannot sync appointments.' },
      ],
      counts: { changed: 1, unchanged: 1, refused: 1, invalid: 1 },
    };
    const rows = operationResultView('Edit mailboxes', result).rows;
    expect(rows.map((row) => row.outcome)).toEqual(['succeeded', 'skipped', 'failed', 'failed']);
    expect(rows[2]?.reason).toBe('Not allowed: Needs an admin role. (rule delivery-methods:admin-role)');
    expect(cardText(renderOperationResultCard(operationResultView('Edit mailboxes', result)))).toContain('1 succeeded · 2 failed · 1 skipped');
  });
});

describe('the notice card', () => {
  it('shows hostile text literally, passes the Adaptive Cards SDK and carries command buttons with a Submit fallback', () => {
    const card = renderNoticeCard({ title: HOSTILE, tone: 'attention', lines: [HOSTILE], facts: [{ title: HOSTILE, value: HOSTILE }], actions: [{ title: 'Show profiles', command: 'profiles' }] });
    expectWellFormed(card);
    expect(cardText(card)).toContain('\\*\\*Urgent\\*\\* \\[click\\](https://evil.example) \\<at\\>Bot\\</at\\>');
    expect(executeActions(card)).toEqual([
      { title: 'Show profiles', verb: 'command', data: { command: 'profiles' }, fallback: { type: 'Action.Submit', title: 'Show profiles', data: { verb: 'command', command: 'profiles' } } },
    ]);
  });

  it('cuts very long lines visibly and stays within the card budget', () => {
    const card = renderNoticeCard({ title: 'Long', tone: 'neutral', lines: Array.from({ length: 20 }, () => 'x'.repeat(10_000)) });
    expectWellFormed(card);
    expect(cardText(card)).toContain('…');
  });
});

describe('problem cards', () => {
  const context = { command: failedCommand(parsed('set default profile Legacy POP')), attempted: 'Make “Legacy POP” the default email server profile', organization: { version: '9.1.0.5805', deployment: online }, writes: true };

  it('turns a refusal into the refusal card with the rule, the reason and the edition', () => {
    const decision: PermissionDecision = { allowed: false, edition: 'seed2019', rule: 'organization-email:admin-role', reason: 'Otto Owner cannot change the organization email settings.' };
    const card = problemCard({ code: 'PermissionDenied', message: 'refused', decision }, context);
    expectWellFormed(card);
    const text = cardText(card);
    expect(text).toContain('organization-email:admin-role');
    expect(text).toContain('Otto Owner cannot change the organization email settings.');
    expect(text).toContain('9.1.0.5805 or later');
  });

  it('turns an unknown profile into a not-found card whose buttons rerun the command with the closest names', () => {
    const card = problemCard({ code: 'UnknownProfile', message: 'No email server profile is called "Legacy POP".', unknownNames: [{ name: 'Legacy POP', suggestions: ['Legacy POP3'] }] }, context);
    expectWellFormed(card);
    expect(cardText(card)).toContain('Not found: “Legacy POP”');
    expect(cardText(card)).toContain('Nothing was changed.');
    expect(buttonsOf(card)).toEqual([{ title: 'set default profile "Legacy POP3"', command: 'set default profile "Legacy POP3"' }]);
  });

  it('gives an inactive profile its own title and a way to see the profiles', () => {
    const card = problemCard({ code: 'InactiveProfile', message: 'The email server profile "Old" is inactive.' }, context);
    expect(cardText(card)).toContain('The email server profile is inactive');
    expect(buttonsOf(card)).toEqual([{ title: 'Show profiles', command: 'profiles' }]);
  });
});

describe('the next steps of a finished job', () => {
  const notApprovedReason = renderAlertText('EmailAddressNotApproved', {
    email: 'pia@contoso.com',
    name: 'Pia Pending',
    approvalStatus: 'Pending Approval',
    recordType: 'users',
    approvalSetting: 'Process emails only for approved users',
  });

  it('recognises the catalog’s "not approved" reason, and nothing else', () => {
    expect(reasonIsNotApproved(`Not tested: ${notApprovedReason}`)).toBe(true);
    expect(reasonIsNotApproved('The mailbox location could not be determined.')).toBe(false);
  });

  it('approves the not approved, tests again only the others, and leaves retries alone', () => {
    const failures = [
      { mailboxName: 'Pia', emailAddress: 'pia@contoso.com', reason: notApprovedReason, notApproved: true },
      { mailboxName: 'Support', emailAddress: 'support@contoso.com', reason: 'Not found.' },
      { mailboxName: 'Evan', emailAddress: 'evan@contoso.com', reason: 'Exchange unreachable.', willRetry: true },
      { mailboxName: 'Otto', emailAddress: 'otto@contoso.com', reason: 'Another org.' },
    ];
    expect(approveNotApprovedButton(failures)).toEqual({ title: 'Approve it', command: 'approve mailbox pia@contoso.com' });
    expect(retestFailedButton(failures)).toEqual({ title: 'Test the 2 failed again', command: 'test mailbox support@contoso.com, otto@contoso.com' });
    expect(retestFailedButton(failures.slice(2, 3))).toBeUndefined();
  });
});
