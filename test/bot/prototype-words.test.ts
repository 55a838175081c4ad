// Words that name Object.prototype members (constructor, toString, __proto__, hasOwnProperty), typed in
// every argument position of every command: each is a usage problem or a not-found answer, never a
// crash, a 5xx, an ERROR log line, or a change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/commands/parser.js';
import { commandIds } from '../../src/bot/commands/registry.js';
import { startTestBot, textOf, type TestBot } from '../support/bot-harness.js';
import { prototypeWordCases } from './support/prototype-cases.js';
import { capturingLogger, organizationRecords, type CapturedLog } from './support/records.js';

const cases = prototypeWordCases();

/** A usage card, or a not-found answer; each names what was wrong. */
const ANSWER = /^Check the [a-z ]+ command$|^Not found: |^There is no /m;

describe('prototype words in the parser', () => {
  it('generates cases for every command in the registry', () => {
    expect(new Set(cases.map((generated) => generated.id))).toEqual(new Set(commandIds));
    expect(cases.length).toBeGreaterThan(commandIds.length * 8);
  });

  it('reads every case without throwing, as a command, a usage problem or an unknown command', () => {
    for (const generated of cases) {
      const parsed = parseCommand(generated.text, { scope: generated.scope });
      expect(['command', 'usage', 'unknown'], generated.text).toContain(parsed.kind);
    }
  });

  it.each([
    ['approval required users constructor', /constructor is not on or off/],
    ['approval required users __proto__', /__proto__ is not on or off/],
    ['approval required constructor users', /constructor is not on or off|not a kind of mailbox owner/],
    ['sync from this org only pia@contoso.com constructor', /End with on or off/],
    ['edit mailboxes pia@contoso.com constructor=sss', /constructor is not a setting/],
    ['edit mailboxes pia@contoso.com __proto__=sss', /__proto__ is not a setting/],
    ['edit mailboxes pia@contoso.com toString=sss', /tostring is not a setting/],
    ['mailboxes constructor', /constructor is not a mailbox filter/],
  ])('answers %s with a usage problem that names the word', (text, problem) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' ? parsed.problem : '').toMatch(problem);
  });

  it('does not decode &__proto__;, &toString; or &valueOf; as HTML entities', () => {
    for (const entity of ['&__proto__;', '&toString;', '&valueOf;']) {
      const parsed = parseCommand(`mailbox "a${entity}b"`);
      expect(parsed).toMatchObject({ kind: 'command', id: 'mailbox', args: { mailbox: { kind: 'name', name: `a${entity}b` } } });
    }
  });
});

describe('prototype words through the bot over HTTP', () => {
  let t: TestBot;
  let log: CapturedLog;
  beforeAll(async () => {
    log = capturingLogger();
    t = await startTestBot({ logger: log });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers every case with a specific reply, no 5xx, no ERROR line, and changes nothing', async () => {
    const admin = t.user('ada');
    const before = organizationRecords(t.bot.services.store);
    const unclear: string[] = [];
    for (const generated of cases) {
      const conversationType = generated.scope === 'personal' ? 'personal' : generated.scope === 'team' ? 'channel' : 'groupChat';
      const conversationId = generated.scope === 'personal' ? t.personalChatOf(admin) : `19:prototype-words-${generated.scope}`;
      // say() throws on any HTTP status of 300 or more.
      const replies = await t.say(admin, generated.text, { conversationType, conversationId });
      // Replies are Markdown: `__proto__` is shown as \_\_proto\_\_.
      const shown = replies.map((reply) => textOf(reply).replace(/\\(.)/g, '$1')).join('\n');
      if (replies.length === 0 || /something went wrong/i.test(shown) || !ANSWER.test(shown)) {
        unclear.push(`${generated.text} → ${shown.slice(0, 300) || '(no reply)'}`);
      }
    }
    expect(unclear).toEqual([]);
    expect(log.errors()).toEqual([]);
    expect(organizationRecords(t.bot.services.store)).toBe(before);
  });
});
