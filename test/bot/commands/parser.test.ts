import { describe, expect, expectTypeOf, it } from 'vitest';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, type PrivilegeDepth } from '../../../src/domain/options.js';
import { parseCommand, type ParsedCommand } from '../../../src/bot/commands/parser.js';
import { allCommands, commandIds, type CommandId, type MailboxRef } from '../../../src/bot/commands/registry.js';
import { MAX_COMMAND_LENGTH } from '../../../src/shared/limits.js';

const email = (address: string): MailboxRef => ({ kind: 'email', address });
const named = (name: string): MailboxRef => ({ kind: 'name', name });
const list = (...mailboxes: MailboxRef[]) => ({ kind: 'list', mailboxes });
const keyword = (word: 'all' | 'pending') => ({ kind: 'keyword', keyword: word });
const MEO = 'Microsoft Exchange Online';

function problemOf(input: string): string {
  const result = parseCommand(input);
  if (result.kind !== 'usage') throw new Error(`expected a usage problem for ${input}, got ${JSON.stringify(result)}`);
  return result.problem;
}

function suggestionsOf(input: string): readonly { id: CommandId; input: string }[] {
  const result = parseCommand(input);
  if (result.kind !== 'unknown') throw new Error(`expected an unknown command for ${input}, got ${JSON.stringify(result)}`);
  return result.suggestions;
}

describe('parseCommand on the registry examples', () => {
  const examples = allCommands().flatMap((command) => command.examples.map((example) => ({ id: command.id, ...example })));

  it.each(examples)('reads "$input" as $id with the documented arguments', ({ id, input, args }) => {
    expect(parseCommand(input)).toEqual({ kind: 'command', id, args });
  });

  it('has an example for every command id', () => {
    expect(new Set(examples.map((example) => example.id))).toEqual(new Set(commandIds));
  });
});

describe('parseCommand on realistic messages', () => {
  const cases: readonly { input: string; id: CommandId; args: unknown }[] = [
    { input: '<at>Mailbox Bot</at> approve mailbox alice@contoso.com', id: 'approveMailbox', args: { mailboxes: list(email('alice@contoso.com')) } },
    {
      input: '<p><at>Mailbox Bot</at>&nbsp;Approve Mailbox “Sales Inbox”, BOB@Contoso.com.</p>',
      id: 'approveMailbox',
      args: { mailboxes: list(named('Sales Inbox'), email('bob@contoso.com')) },
    },
    {
      input: 'approve mailboxes alice@contoso.com bob@contoso.com',
      id: 'approveMailbox',
      args: { mailboxes: list(email('alice@contoso.com'), email('bob@contoso.com')) },
    },
    { input: 'APPROVE EMAIL pending', id: 'approveMailbox', args: { mailboxes: keyword('pending') } },
    { input: 'approve mailbox "pending"', id: 'approveMailbox', args: { mailboxes: list(named('pending')) } },
    {
      input: 'approve mailbox alice@contoso.com, alice@contoso.com, ALICE@contoso.com,',
      id: 'approveMailbox',
      args: { mailboxes: list(email('alice@contoso.com')) },
    },
    { input: 'reject mailbox Old Sales Inbox', id: 'rejectMailbox', args: { mailboxes: list(named('Old Sales Inbox')) } },
    { input: 'set default incoming Server-Side Sync', id: 'setDefaultIncoming', args: { method: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter } },
    { input: 'set default incoming to SSS', id: 'setDefaultIncoming', args: { method: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter } },
    { input: 'set default incoming email forward mailbox', id: 'setDefaultIncoming', args: { method: IncomingEmailDeliveryMethod.ForwardMailbox } },
    { input: 'Set Default Outgoing Outlook', id: 'setDefaultOutgoing', args: { method: OutgoingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook } },
    { input: 'set default outgoing = none', id: 'setDefaultOutgoing', args: { method: OutgoingEmailDeliveryMethod.None } },
    { input: 'set default act outlook', id: 'setDefaultAct', args: { method: ActDeliveryMethod.MicrosoftDynamics365ForOutlook } },
    { input: 'set default appointments none', id: 'setDefaultAct', args: { method: ActDeliveryMethod.None } },
    { input: 'set default act Server-Side Synchronization or Email Router', id: 'setDefaultAct', args: { method: ActDeliveryMethod.ServerSideSynchronization } },
    { input: 'set default profile Contoso POP3', id: 'setDefaultProfile', args: { profile: 'Contoso POP3' } },
    { input: 'check profile “Contoso Hybrid”', id: 'verifyProfile', args: { profile: 'Contoso Hybrid' } },
    { input: 'mailboxes pending', id: 'mailboxes', args: { filter: 'pending', profile: undefined, page: 1 } },
    { input: 'mailboxes failed profile Microsoft Exchange Online page 3', id: 'mailboxes', args: { filter: 'failed', profile: MEO, page: 3 } },
    { input: 'list mailboxes page 2', id: 'mailboxes', args: { filter: 'all', profile: undefined, page: 2 } },
    { input: 'mailboxes pending approval for profile "Contoso Hybrid"', id: 'mailboxes', args: { filter: 'pending', profile: 'Contoso Hybrid', page: 1 } },
    { input: 'mailbox “Sales Inbox”', id: 'mailbox', args: { mailbox: named('Sales Inbox') } },
    { input: 'show mailbox Bob@Contoso.com', id: 'mailbox', args: { mailbox: email('bob@contoso.com') } },
    { input: 'apply default settings to all', id: 'applyDefaultSettings', args: { mailboxes: keyword('all'), test: true } },
    {
      input: 'apply default settings to alice@contoso.com, bob@contoso.com without test',
      id: 'applyDefaultSettings',
      args: { mailboxes: list(email('alice@contoso.com'), email('bob@contoso.com')), test: false },
    },
    { input: 'apply default email settings "Sales Inbox"', id: 'applyDefaultSettings', args: { mailboxes: list(named('Sales Inbox')), test: true } },
    {
      input: 'edit mailboxes alice@contoso.com profile = "Microsoft Exchange Online"',
      id: 'editMailboxes',
      args: { mailboxes: list(email('alice@contoso.com')), changes: { profile: MEO } },
    },
    {
      input: 'edit mailbox "Sales Inbox", carol@contoso.com incoming=server-side sync outgoing=None',
      id: 'editMailboxes',
      args: {
        mailboxes: list(named('Sales Inbox'), email('carol@contoso.com')),
        changes: { incoming: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter, outgoing: OutgoingEmailDeliveryMethod.None },
      },
    },
    { input: 'edit mailboxes all ACT=Outlook', id: 'editMailboxes', args: { mailboxes: keyword('all'), changes: { act: ActDeliveryMethod.MicrosoftDynamics365ForOutlook } } },
    { input: 'request approval carol@contoso.com', id: 'requestApproval', args: { mailbox: email('carol@contoso.com') } },
    { input: 'approval required users on', id: 'approvalRequired', args: { change: { appliesTo: 'users', required: true } } },
    { input: 'approval required off for queues', id: 'approvalRequired', args: { change: { appliesTo: 'queues', required: false } } },
    { input: 'test & enable mailboxes all', id: 'testMailbox', args: { mailboxes: keyword('all') } },
    { input: 'test mailboxes for profile Microsoft Exchange Online', id: 'testProfileMailboxes', args: { profile: MEO } },
    { input: 'test and enable mailboxes for profile "Contoso Hybrid"', id: 'testProfileMailboxes', args: { profile: 'Contoso Hybrid' } },
    { input: 'job #J-7', id: 'job', args: { jobId: 'J-7' } },
    { input: 'alerts mailbox "Sales Inbox"', id: 'alerts', args: { target: { kind: 'mailbox', mailbox: named('Sales Inbox') } } },
    { input: 'alerts for profile Contoso Hybrid', id: 'alerts', args: { target: { kind: 'profile', profile: 'Contoso Hybrid' } } },
    { input: 'audit log 50', id: 'audit', args: { count: 50 } },
    { input: 'change email "Support Queue" to support@contoso.com', id: 'changeEmail', args: { target: named('Support Queue'), newAddress: 'support@contoso.com' } },
    {
      input: 'change email alice@contoso.com Alice.Smith@contoso.com',
      id: 'changeEmail',
      args: { target: email('alice@contoso.com'), newAddress: 'alice.smith@contoso.com' },
    },
    { input: 'change email <at>Alice Smith</at> to alice.smith@contoso.com', id: 'changeEmail', args: { target: named('Alice Smith'), newAddress: 'alice.smith@contoso.com' } },
    { input: 'sync from this org only "Sales Inbox" off', id: 'syncFromThisOrgOnly', args: { mailbox: named('Sales Inbox'), enabled: false } },
    {
      input: 'grant approve privilege to role "Delegated Mailbox Approver" at Business Unit level',
      id: 'grantApprovePrivilege',
      args: { role: 'Delegated Mailbox Approver', depth: 'BusinessUnit' },
    },
    { input: 'grant approve privilege to Sales Manager at org', id: 'grantApprovePrivilege', args: { role: 'Sales Manager', depth: 'Organization' } },
    { input: 'revoke approve privilege from role Sales Manager', id: 'revokeApprovePrivilege', args: { role: 'Sales Manager' } },
    { input: 'subscribe alerts for profile "Microsoft Exchange Online"!', id: 'subscribeAlerts', args: { profile: MEO } },
    { input: 'unsubscribe alerts for profile Contoso Hybrid', id: 'unsubscribeAlerts', args: { profile: 'Contoso Hybrid' } },
    { input: 'help test mailboxes for profile', id: 'help', args: { command: 'testProfileMailboxes' } },
    { input: 'Who am I?', id: 'whoami', args: {} },
    { input: '/ＨＥＬＰ', id: 'help', args: { command: undefined } },
    { input: '\u200b  roles \u0000 ', id: 'roles', args: {} },
  ];

  it('covers at least forty realistic messages', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('reads "$input" as $id', ({ input, id, args }) => {
    expect(parseCommand(input)).toEqual({ kind: 'command', id, args });
  });
});

describe('parseCommand typing', () => {
  it('narrows args by command id', () => {
    const result = parseCommand('set default act sss');
    if (result.kind === 'command' && result.id === 'setDefaultAct') {
      expectTypeOf(result.args.method).toEqualTypeOf<ActDeliveryMethod>();
    }
    if (result.kind === 'command' && result.id === 'grantApprovePrivilege') {
      expectTypeOf(result.args.depth).toEqualTypeOf<PrivilegeDepth>();
    }
    expect(result).toEqual({ kind: 'command', id: 'setDefaultAct', args: { method: ActDeliveryMethod.ServerSideSynchronization } });
  });
});

describe('parseCommand usage problems', () => {
  const cases: readonly { input: string; problem: string }[] = [
    { input: 'set default incoming banana', problem: 'banana is not a delivery method; use one of server-side sync (sss), outlook, none, forward.' },
    { input: 'set default outgoing forward', problem: 'forward is not a delivery method for outgoing email; use one of server-side sync (sss), outlook, none.' },
    { input: 'set default act outlok', problem: 'outlok is not a delivery method; use one of server-side sync (sss), outlook, none. Did you mean outlook?' },
    { input: 'set default act 1', problem: 'Write the delivery method as words, not the number 1' },
    { input: 'set default incoming', problem: 'Say which incoming email delivery method to use' },
    { input: 'approve mailbox', problem: 'Name the mailboxes: an email address, a name in quotes, or a comma list, or pending.' },
    { input: 'approve mailbox all', problem: "all can't be used here; name the mailboxes" },
    { input: 'test mailbox pending', problem: "pending can't be used here; name the mailboxes (an email address, a name in quotes, or a comma list), or use all." },
    { input: 'approve mailbox pending, alice@contoso.com', problem: 'pending already stands for every mailbox whose email address is Pending Approval' },
    { input: 'approve mailbox alice@', problem: 'alice@ is not a valid email address.' },
    { input: 'approve mailbox alice@contoso.com Sales Inbox', problem: 'Separate mailboxes with commas and put names with spaces in quotes: alice@contoso.com Sales Inbox.' },
    { input: 'approve mailbox ""', problem: "The quotes are empty; put the mailbox's name between them." },
    { input: 'approve mailbox "Sales Inbox', problem: 'The quote before Sales Inbox is never closed' },
    { input: 'mailbox alice@contoso.com, bob@contoso.com', problem: 'mailbox works on one mailbox at a time; remove the commas.' },
    { input: 'mailboxes banana', problem: 'banana is not a mailbox filter; use one of pending, approved, rejected, failed, disabled, all.' },
    { input: 'mailboxes pendng', problem: 'Did you mean pending?' },
    { input: 'mailboxes page 0', problem: '0 is not a valid page number; give a whole number from 1 to 10000.' },
    { input: 'mailboxes page', problem: 'Say which page after page, for example page 2.' },
    { input: 'edit mailboxes alice@contoso.com', problem: 'Say what to change as setting=value pairs: profile=<profile>, incoming=<method>, outgoing=<method>, act=<method>.' },
    { input: 'edit mailboxes alice@contoso.com colour=blue', problem: 'colour is not a setting edit mailboxes can change; use profile, incoming, outgoing or act.' },
    { input: 'edit mailboxes alice@contoso.com incomng=sss', problem: 'Did you mean incoming?' },
    { input: 'edit mailboxes alice@contoso.com incoming=sss incoming=none', problem: 'incoming is given twice; give each setting once.' },
    { input: 'edit mailboxes alice@contoso.com profile=', problem: 'profile= needs a value' },
    { input: 'edit mailboxes alice@contoso.com outgoing=forward', problem: 'forward is not a delivery method for outgoing email' },
    { input: 'edit mailboxes = sss', problem: 'Put a setting name before each = sign' },
    { input: 'approval required users maybe', problem: 'maybe is not on or off.' },
    { input: 'approval required admins on', problem: 'admins is not a kind of mailbox owner; use one of users, queues.' },
    { input: 'approval required off', problem: 'Say whether users or queues: approval required users off or approval required queues off.' },
    { input: 'audit 1000', problem: '1000 is not a valid number of entries; give a whole number from 1 to 100.' },
    { input: 'job two words', problem: 'two words is not a job id' },
    { input: 'change email alice@contoso.com', problem: 'Say the new address after to: change email <user or queue> to <new address>.' },
    { input: 'change email alice@contoso.com to not-an-address', problem: 'not-an-address is not a valid email address.' },
    { input: 'change email alice@contoso.com to ALICE@contoso.com', problem: 'alice@contoso.com is already that address' },
    { input: 'sync from this org only alice@contoso.com', problem: 'End with on or off: sync from this org only <mailbox> on.' },
    { input: 'grant approve privilege to role Sales Manager', problem: 'Say the depth after at' },
    { input: 'grant approve privilege to role Sales Manager at galaxy', problem: 'galaxy is not a privilege depth; use one of user, business unit, parent child, organization.' },
    { input: 'grant approve privilege to role at user', problem: 'Name the security role' },
    { input: 'whoami now', problem: 'whoami takes nothing after it; remove now.' },
    { input: 'help banana', problem: 'banana is not a command. Type help to see them all.' },
    { input: 'help aprove', problem: 'aprove is not a command. Did you mean approve mailbox?' },
    { input: 'alerts', problem: 'Say whose alerts to show' },
    { input: 'verify profile ""', problem: 'Name the email server profile' },
    { input: `approve mailbox ${Array.from({ length: 101 }, (_, i) => `user${i}@contoso.com`).join(', ')}`, problem: 'That is 101 mailboxes; one command handles at most 100.' },
  ];

  it.each(cases)('explains what is wrong with "$input"', ({ input, problem }) => {
    expect(problemOf(input)).toContain(problem);
  });

  it('names the recognised command and its usage line', () => {
    expect(parseCommand('set default incoming banana')).toMatchObject({ kind: 'usage', id: 'setDefaultIncoming', usage: 'set default incoming <method>' });
  });

  it('refuses a command in a conversation where it makes no sense', () => {
    expect(parseCommand('subscribe alerts for profile Contoso', { scope: 'personal' })).toEqual({
      kind: 'usage',
      id: 'subscribeAlerts',
      usage: 'subscribe alerts for profile <profile>',
      problem: 'subscribe alerts for profile works only in a team channel or a group chat, not in personal chat.',
    });
    expect(parseCommand('subscribe alerts for profile Contoso', { scope: 'team' })).toMatchObject({ kind: 'command', id: 'subscribeAlerts' });
  });
});

describe('parseCommand did-you-mean', () => {
  it('corrects a misspelt command word and keeps the arguments', () => {
    expect(suggestionsOf('aprove mailbox x')[0]).toEqual({ id: 'approveMailbox', name: 'approve mailbox', input: 'approve mailbox x' });
  });

  it('suggests help for halp', () => {
    expect(suggestionsOf('halp')[0]).toMatchObject({ id: 'help', input: 'help' });
  });

  it('answers a lone filter word after mailbox with mailboxes and the filter, and the quoted alternative', () => {
    expect(suggestionsOf('mailbox pendng')).toEqual([
      { id: 'mailboxes', name: 'mailboxes', input: 'mailboxes pending' },
      { id: 'mailbox', name: 'mailbox', input: 'mailbox "pendng"' },
    ]);
    expect(suggestionsOf('mailbox Failed')[0]).toMatchObject({ input: 'mailboxes failed' });
  });

  it('does not take a short mailbox name for a filter', () => {
    expect(parseCommand('mailbox Ali')).toEqual({ kind: 'command', id: 'mailbox', args: { mailbox: named('Ali') } });
  });

  it('prefers the longer command a typo nearly spells over the shorter one that matched', () => {
    expect(suggestionsOf('test mailboxes for profle "Contoso Hybrid"')[0]).toMatchObject({
      id: 'testProfileMailboxes',
      input: 'test mailboxes for profile "Contoso Hybrid"',
    });
  });

  it('does not mistake arguments for a typo of a longer alias', () => {
    expect(parseCommand('audit 10')).toEqual({ kind: 'command', id: 'audit', args: { count: 10 } });
    expect(parseCommand('job 42')).toEqual({ kind: 'command', id: 'job', args: { jobId: '42' } });
  });

  it('fills in a missing command word', () => {
    expect(suggestionsOf('approve alice@contoso.com')[0]).toMatchObject({ id: 'approveMailbox', input: 'approve mailbox alice@contoso.com' });
  });

  it('skips a leading filler word', () => {
    expect(suggestionsOf('please approve mailbox bob@contoso.com')[0]).toMatchObject({ id: 'approveMailbox', input: 'approve mailbox bob@contoso.com' });
  });

  it('handles transpositions and joined words', () => {
    expect(suggestionsOf('whomai')[0]).toMatchObject({ id: 'whoami' });
    expect(suggestionsOf('approvemailbox x')[0]).toMatchObject({ id: 'approveMailbox', input: 'approve mailbox x' });
    expect(suggestionsOf('rols')[0]).toMatchObject({ id: 'roles' });
  });

  it('offers at most three suggestions and none for gibberish', () => {
    expect(suggestionsOf('set default').length).toBeLessThanOrEqual(3);
    expect(suggestionsOf('set default').map((suggestion) => suggestion.id)).toContain('setDefaultProfile');
    expect(suggestionsOf('xyzzy plugh')).toEqual([]);
  });

  it('offers suggestions that parse as the suggested command', () => {
    for (const typo of ['aprove mailbox alice@contoso.com', 'halp', 'mailbox pendng', 'test mailboxes for profle X', 'sett default incoming sss']) {
      const [first] = suggestionsOf(typo);
      expect(first, typo).toBeDefined();
      expect(parseCommand(first?.input ?? '')).toMatchObject({ kind: 'command', id: first?.id });
    }
  });
});

describe('parseCommand on empty, huge and hostile input', () => {
  it.each(['', '   ', '<at>Mailbox Bot</at>', '&nbsp;<p></p>', '\u200b\u200b', '...', '\u0000\u0001\u0002'])('reads %j as empty', (input) => {
    expect(parseCommand(input)).toEqual({ kind: 'empty' });
  });

  it('reads a non-string from a broken client as empty', () => {
    expect(parseCommand(undefined)).toEqual({ kind: 'empty' });
    expect(parseCommand(42)).toEqual({ kind: 'empty' });
    expect(parseCommand({ text: 'help' })).toEqual({ kind: 'empty' });
  });

  it('refuses 10 KB of text quickly and says how long it was', () => {
    const input = `approve mailbox ${'alice@contoso.com, '.repeat(540)}`;
    const started = performance.now();
    const result = parseCommand(input);
    expect(performance.now() - started).toBeLessThan(500);
    expect(result).toMatchObject({ kind: 'tooLong', limit: MAX_COMMAND_LENGTH });
    expect(result.kind === 'tooLong' && result.problem).toMatch(/characters long; a command may be at most 4000/);
  });

  it('stays fast on pathological markup, entities, quotes and word runs', () => {
    const shapes = ['<'.repeat(10_240), '&'.repeat(10_240), '<a'.repeat(5_120), '"'.repeat(10_240), 'a '.repeat(5_120), '<at>'.repeat(2_560), `edit mailboxes ${'a=b '.repeat(900)}`];
    const started = performance.now();
    const kinds = shapes.map((input) => parseCommand(input).kind);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(kinds).toEqual(['tooLong', 'tooLong', 'tooLong', 'tooLong', 'tooLong', 'empty', 'usage']);
  });

  it('reads binary noise as a typed result', () => {
    const noise = String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 7919) % 65_536));
    expect(['unknown', 'empty', 'usage', 'command', 'tooLong']).toContain(parseCommand(noise).kind);
  });
});

/** mulberry32: a tiny seeded generator, so a failure reproduces from the seed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('parseCommand on random input', () => {
  const pieces = [
    'approve', 'mailbox', 'mailboxes', 'test', 'for', 'profile', 'set', 'default', 'incoming', 'act', 'edit', 'help', 'all', 'pending',
    'sss', 'outlook', 'none', 'to', 'at', 'on', 'off', 'page', 'alice@contoso.com', 'a@', '@', '"', '“', '”', ',', ';', '=', ' ', '  ',
    '<at>', '</at>', '<p>', '&nbsp;', '&#0;', '&', '<', '>', '\u0000', '\u200b', '\ud800', '😀', 'é', '\n', '.', '!', '?', 'x'.repeat(250),
  ];
  const kinds = new Set<ParsedCommand['kind']>(['command', 'usage', 'unknown', 'tooLong', 'empty']);

  it('always returns a well-formed result and never throws', () => {
    const random = seededRandom(20_240_601);
    for (let run = 0; run < 1_000; run++) {
      const length = Math.floor(random() * 14);
      const input = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)] ?? '').join(random() < 0.7 ? ' ' : '');
      const result = parseCommand(input);
      expect(kinds.has(result.kind), input).toBe(true);
      if (result.kind === 'usage') expect(result.problem, input).toMatch(/[.?]$/);
      if (result.kind === 'unknown') {
        expect(result.suggestions.length, input).toBeLessThanOrEqual(3);
        for (const suggestion of result.suggestions) expect(commandIds, input).toContain(suggestion.id);
      }
    }
  });

  it('never throws on random code units', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 300; run++) {
      const input = String.fromCharCode(...Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 65_536)));
      expect(kinds.has(parseCommand(input).kind)).toBe(true);
    }
  });
});
