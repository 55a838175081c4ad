// Install events and malformed activity fields over HTTP. Teams announces one install twice
// (installationUpdate and conversationUpdate membersAdded, in either order, sometimes at once): the welcome
// is sent once per install. Fields of the wrong type are ignored or refused, never thrown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID, CONTOSO_TENANT, startTestBot, textOf, type ActivityOptions, type TestBot } from '../support/bot-harness.js';
import { capturingLogger, organizationRecords, type CapturedLog } from './support/records.js';

const WELCOME = /^Hello! I manage server-side synchronization/;
const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';

describe('lifecycle activities', () => {
  let t: TestBot;
  let log: CapturedLog;
  let chats = 0;
  beforeAll(async () => {
    log = capturingLogger();
    t = await startTestBot({ logger: log });
  });
  afterAll(async () => {
    await t.stop();
  });

  const freshChat = (options: ActivityOptions = {}): ActivityOptions => {
    chats += 1;
    return { ...options, conversationId: `a:install-${chats}` };
  };
  const installation = (options: ActivityOptions, action = 'add') => t.activityFrom(t.user('otto'), { type: 'installationUpdate', action }, options);
  const botAdded = (options: ActivityOptions) => t.activityFrom(t.user('otto'), { type: 'conversationUpdate', membersAdded: [{ id: BOT_ID }, { id: '29:otto' }] }, options);
  const welcomesIn = (options: ActivityOptions) =>
    t.connector.activitiesSentTo(options.conversationId ?? '').filter((activity) => WELCOME.test(textOf(activity))).length;

  const postAll = async (...bodies: readonly Record<string, unknown>[]) => {
    for (const body of bodies) expect((await t.post(body)).status).toBe(200);
  };

  describe('the welcome', () => {
    it('is sent once for installationUpdate then conversationUpdate', async () => {
      const chat = freshChat();
      await postAll(installation(chat), botAdded(chat));
      expect(welcomesIn(chat)).toBe(1);
    });

    it('is sent once for conversationUpdate then installationUpdate', async () => {
      const chat = freshChat();
      await postAll(botAdded(chat), installation(chat));
      expect(welcomesIn(chat)).toBe(1);
    });

    it('is sent once when both arrive at the same time', async () => {
      const chat = freshChat();
      const answers = await Promise.all([t.post(installation(chat)), t.post(botAdded(chat))]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(welcomesIn(chat)).toBe(1);
    });

    it('is sent again after an uninstall and a new install, once', async () => {
      const chat = freshChat();
      await postAll(installation(chat), botAdded(chat), installation(chat, 'remove'), botAdded(chat), installation(chat));
      expect(welcomesIn(chat)).toBe(2);
    });

    it('is sent once in a group chat (installationUpdate, then the bot among membersAdded)', async () => {
      const chat = freshChat({ conversationType: 'groupChat' });
      await postAll(installation(chat), botAdded(chat));
      expect(welcomesIn(chat)).toBe(1);
    });

    it('is sent once to another tenant, where no conversation reference is kept', async () => {
      const chat = freshChat({ tenantId: OTHER_TENANT });
      await postAll(botAdded(chat), installation(chat));
      expect(welcomesIn(chat)).toBe(1);
    });

    it('is not sent for an upgrade', async () => {
      const chat = freshChat();
      await postAll(installation(chat), installation(chat, 'add-upgrade'));
      expect(welcomesIn(chat)).toBe(1);
    });
  });

  describe('malformed fields', () => {
    const cases: readonly (readonly [string, Record<string, unknown>])[] = [
      ['membersAdded that is not an array', { type: 'conversationUpdate', membersAdded: 'not an array' }],
      ['membersAdded that is an object with some', { type: 'conversationUpdate', membersAdded: { some: 1, length: 1 } }],
      ['membersAdded holding null, numbers and nested arrays', { type: 'conversationUpdate', membersAdded: [null, 5, [BOT_ID], { id: 7 }] }],
      ['membersRemoved that is not an array', { type: 'conversationUpdate', membersRemoved: 'bot' }],
      ['a recipient that is a string', { type: 'conversationUpdate', recipient: BOT_ID, membersAdded: [{ id: BOT_ID }] }],
      ['an installation action that is a number', { type: 'installationUpdate', action: 5 }],
      ['an installation action that is an object', { type: 'installationUpdate', action: { toString: 'add' } }],
      ['an invoke name that is an object', { type: 'invoke', name: { toString: 1 }, value: {} }],
      ['an invoke name that is an array', { type: 'invoke', name: ['adaptiveCard/action'], value: {} }],
      ['an invoke value that is a string', { type: 'invoke', name: 'adaptiveCard/action', value: 'approve everything' }],
      ['channelData that is a string', { type: 'message', text: 'whoami', channelData: 'x' }],
      ['a tenant id that is a number', { type: 'message', text: 'whoami', channelData: { tenant: { id: 7 } }, conversation: { id: 'a:number-tenant', tenantId: 7 } }],
      ['message text that is an object', { type: 'message', text: { toString: 'approve mailbox pending' } }],
      ['message text that is an array', { type: 'message', text: ['approve mailbox pending'] }],
      ['a card value that is a number', { type: 'message', value: 42 }],
      ['a card value that is an array', { type: 'message', value: [{ verb: 'command', command: 'approve mailbox pending' }] }],
      ['a card value whose verb is __proto__', { type: 'message', value: { verb: '__proto__', command: 'whoami' } }],
      ['a replyToId that is an object', { type: 'message', text: 'whoami', replyToId: { id: 'x' } }],
      // Ids end up in the Connector URL of the reply: a dot segment or a huge id must not get that far.
      ['an activity id that is a dot segment', { type: 'message', text: 'whoami', id: '..' }],
      ['an activity id of 20,000 commas', { type: 'message', text: 'whoami', id: ','.repeat(20_000) }],
      ['an activity id with a lone surrogate', { type: 'message', text: 'whoami', id: 'x\ud800' }],
      ['a replyToId that is a dot segment', { type: 'message', text: 'whoami', replyToId: '..' }],
      ['a conversation id that is not ASCII', { type: 'message', text: 'whoami', conversation: { id: 'ﷺ_7', conversationType: 'personal', tenantId: CONTOSO_TENANT } }],
      ['a conversation id that is a dot segment', { type: 'message', text: 'whoami', conversation: { id: '..', conversationType: 'personal', tenantId: CONTOSO_TENANT } }],
    ];

    it.each(cases)('ignores or refuses %s without an error', async (_name, fields) => {
      const before = organizationRecords(t.bot.services.store);
      const errorsBefore = log.errors().length;
      const answer = await t.post(t.activityFrom(t.user('ada'), fields, freshChat()));
      expect(answer.status).toBeLessThan(500);
      expect(log.errors().slice(errorsBefore)).toEqual([]);
      expect(JSON.stringify(answer.body ?? '')).not.toMatch(/is not a function|Cannot read|TypeError/);
      expect(organizationRecords(t.bot.services.store)).toBe(before);
    });

    it('sends no welcome when membersAdded cannot be read', async () => {
      const chat = freshChat();
      await postAll(t.activityFrom(t.user('otto'), { type: 'conversationUpdate', membersAdded: 'not an array' }, chat));
      expect(welcomesIn(chat)).toBe(0);
    });
  });
});
