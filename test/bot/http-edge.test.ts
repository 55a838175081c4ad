import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, textOf, type TestBot } from '../support/bot-harness.js';

describe('the HTTP edge and identity, over the real Bot Framework protocol', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers /healthz once ready', async () => {
    const response = await fetch(`${t.bot.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('listens on loopback only in local mode', () => {
    expect(t.bot.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects bodies that are not activities with 400 and keeps serving', async () => {
    const notJson = await t.post(undefined, '{"type": "message", ');
    expect(notJson.status).toBe(400);
    const noType = await t.post({ text: 'hello' });
    expect(noType.status).toBe(400);
    expect(JSON.stringify(noType.body)).toMatch(/type/);
    const wrongShape = await t.post([1, 2, 3]);
    expect(wrongShape.status).toBe(400);
    const binary = await t.post(undefined, '\u0000\u0001\u0002\uFFFD');
    expect(binary.status).toBe(400);
    const health = await fetch(`${t.bot.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses a request from another tenant with a clear reply, changing nothing', async () => {
    const before = JSON.stringify(t.bot.services.store.document());
    const replies = await t.say(t.user('ada'), 'approve mailbox pia@contoso.com', { tenantId: '99999999-0000-4000-8000-000000000000' });
    expect(replies).toHaveLength(1);
    expect(textOf(replies[0])).toMatch(/tenant 99999999-0000-4000-8000-000000000000/);
    expect(JSON.stringify(t.bot.services.store.document())).toBe(before);
  });

  it('tells a person the organization does not know that they are not one of its users', async () => {
    const stranger = { ...t.user('ada'), aadObjectId: '12345678-0000-4000-8000-000000000000', fullName: 'Stranger' };
    const replies = await t.say(stranger, 'whoami');
    expect(textOf(replies[0])).toMatch(/not a user of the Dynamics 365 organization Contoso/);
  });

  it('asks for a work account when the activity has no Entra object id', async () => {
    const replies = await t.say(t.user('ada'), 'whoami', { withoutEntraId: true });
    expect(textOf(replies[0])).toMatch(/Entra identity/);
  });

  it('answers an unknown command with Did you mean, never silence', async () => {
    const replies = await t.say(t.user('ada'), 'aprove mailbox pia@contoso.com');
    expect(textOf(replies[0])).toMatch(/approve mailbox pia@contoso\.com/);
  });

  it('answers empty text and 10 KB of text', async () => {
    expect(textOf((await t.say(t.user('ada'), ''))[0])).toMatch(/help/);
    expect(textOf((await t.say(t.user('ada'), 'x'.repeat(10_240)))[0])).toMatch(/at most/);
  });

  it('answers a malformed card action with a 400 invoke error and changes nothing', async () => {
    const before = JSON.stringify(t.bot.services.store.document());
    const answer = await t.invoke(t.user('ada'), { verb: 'approval.approve', data: { requestId: 7 } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest' } });
    const unknownVerb = await t.invoke(t.user('ada'), { verb: 'launch.missiles', data: {} });
    expect(unknownVerb.body).toMatchObject({ statusCode: 400 });
    expect(JSON.stringify(t.bot.services.store.document())).toBe(before);
  });

  it('answers a command button with a new card and leaves the clicked one as it was (navigation never replaces a card)', async () => {
    const chat = t.personalChatOf(t.user('ada'));
    const before = t.connector.activitiesSentTo(chat).length;
    const answer = await t.invoke(t.user('ada'), { verb: 'command', data: { command: 'aprove' } }, { replyToId: 'card-1' });
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const posted = t.connector.activitiesSentTo(chat).slice(before);
    expect(posted.map((activity) => activity.operation)).toEqual(['reply']);
    expect(posted[0]?.attachments).toHaveLength(1);
  });
});
