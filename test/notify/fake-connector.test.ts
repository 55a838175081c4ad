// The fake Bot Connector itself, driven with plain fetch, so other HTTP-level tests can rely on it.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { faults, startFakeConnector, teamsRateLimits, type FakeConnector, type FakeConnectorOptions } from '../support/fake-connector.js';

const connectors: FakeConnector[] = [];
afterEach(async () => {
  for (const connector of connectors.splice(0)) await connector.close();
});

async function start(options?: FakeConnectorOptions): Promise<FakeConnector> {
  const connector = await startFakeConnector(options);
  connectors.push(connector);
  return connector;
}

const post = (connector: FakeConnector, path: string, body: unknown, method = 'POST') =>
  fetch(new URL(path, connector.url), { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const idBody = z.object({ id: z.string().min(1) });
const teamsErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const idOf = async (response: Response): Promise<string> => idBody.parse(await response.json()).id;

const activity = (text: string, tenantId = 'tenant-1') => ({ type: 'message', text, conversation: { id: 'ignored', tenantId } });

describe('fake Bot Connector', () => {
  it('listens on loopback with a trailing-slash service URL', async () => {
    const connector = await start();
    expect(connector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers sends, replies, updates and createConversation like the Connector, with generated ids', async () => {
    const connector = await start();
    const sent = await post(connector, 'v3/conversations/a%3Aconv-1/activities', activity('one'));
    const replied = await post(connector, 'v3/conversations/a%3Aconv-1/activities/some-reply-to-id', activity('two'));
    expect([sent.status, replied.status]).toEqual([201, 201]);
    const sentId = await idOf(sent);
    const repliedId = await idOf(replied);
    expect(sentId).not.toBe(repliedId);

    const updated = await post(connector, `v3/conversations/a%3Aconv-1/activities/${sentId}`, activity('one, edited'), 'PUT');
    expect(updated.status).toBe(200);
    expect(await updated.json()).toEqual({ id: sentId });
    const created = await post(connector, 'v3/conversations', { isGroup: false, members: [{ id: '29:u' }] });
    expect(created.status).toBe(201);
    expect(await idOf(created)).toMatch(/^a:fake-conversation-/);

    expect(connector.messagesSentTo('a:conv-1').map((accepted) => accepted.text)).toEqual(['one', 'two']);
    expect(connector.activitiesSentTo('a:conv-1').map((accepted) => accepted.operation)).toEqual(['send', 'reply', 'update']);
    expect(connector.currentActivity('a:conv-1', sentId)?.text).toBe('one, edited');
    expect(connector.requests.map((request) => [request.method, request.operation, request.conversationId])).toEqual([
      ['POST', 'send', 'a:conv-1'],
      ['POST', 'reply', 'a:conv-1'],
      ['PUT', 'update', 'a:conv-1'],
      ['POST', 'createConversation', null],
    ]);
    expect(connector.requests[1]?.activityId).toBe('some-reply-to-id');
  });

  it('records unknown routes and bodies that are not JSON, with Teams-shaped errors', async () => {
    const connector = await start();
    const unknown = await fetch(new URL('v3/teams/t1/conversations', connector.url));
    expect(unknown.status).toBe(404);
    const body = teamsErrorBody.parse(await unknown.json());
    expect(body.error.code).toBe('NotFound');
    expect(body.error.message).toContain('GET /v3/teams/t1/conversations');
    const garbled = await fetch(new URL('v3/conversations/c/activities', connector.url), { method: 'POST', body: '{not json' });
    expect(garbled.status).toBe(400);
    expect(connector.requests.map((request) => request.failedBecause)).toEqual(['no-route', 'bad-request']);
    expect(connector.requests[1]?.rawBody).toBe('{not json');
  });

  it('scripts the next N failures for one conversation only, with the Teams error body', async () => {
    const connector = await start();
    connector.failNext(2, faults.botNotInConversationRoster(), { conversationId: 'blocked' });
    const statuses: number[] = [];
    for (const conversation of ['open', 'blocked', 'blocked', 'blocked']) {
      const response = await post(connector, `v3/conversations/${conversation}/activities`, activity(conversation));
      statuses.push(response.status);
      if (response.status === 403) {
        expect(await response.json()).toEqual({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
      }
    }
    expect(statuses).toEqual([201, 403, 403, 201]);
  });

  it('answers 429 with a Retry-After header', async () => {
    const connector = await start();
    connector.failNext(1, faults.throttled(2));
    const response = await post(connector, 'v3/conversations/c/activities', activity('x'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(connector.requests[0]?.retryAfterSeconds).toBe(2);
  });

  it('fails the same seeded fraction of requests on every run', async () => {
    const outcomes = async (seed: number) => {
      const connector = await start({ seed });
      connector.failFraction(0.3, faults.serverError(503));
      const statuses: number[] = [];
      for (let index = 0; index < 40; index++) statuses.push((await post(connector, 'v3/conversations/c/activities', activity(`${index}`))).status);
      return statuses;
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(await outcomes(8)).not.toEqual(first);
    const failures = first.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(20);
  });

  it('fails every matching request until the faults are cleared, optionally only some operations', async () => {
    const connector = await start();
    connector.failAlways(faults.activityNotFound(), { operations: ['update'] });
    expect((await post(connector, 'v3/conversations/c/activities', activity('new'))).status).toBe(201);
    expect((await post(connector, 'v3/conversations/c/activities/1', activity('edit'), 'PUT')).status).toBe(404);
    expect((await post(connector, 'v3/conversations/c/activities/1', activity('edit'), 'PUT')).status).toBe(404);
    connector.clearFaults();
    expect((await post(connector, 'v3/conversations/c/activities/1', activity('edit'), 'PUT')).status).toBe(200);
  });

  it('enforces the per-conversation limit itself, answers 429 and reports the violation', async () => {
    const connector = await start({ rateLimits: teamsRateLimits() });
    const statuses: number[] = [];
    for (let index = 0; index < 8; index++) statuses.push((await post(connector, 'v3/conversations/hot/activities', activity(`${index}`))).status);
    expect((await post(connector, 'v3/conversations/cold/activities', activity('other'))).status).toBe(201);

    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429]);
    expect(connector.violations).toEqual([
      expect.objectContaining({ scope: 'conversation', key: 'hot', rule: { limit: 7, windowMs: 1_000 }, method: 'POST' }),
    ]);
    expect(connector.requests[7]?.retryAfterSeconds).toBe(1);
    expect(connector.maxRequestsInWindow('hot', 1_000)).toBe(8);
  });

  it('enforces a per-tenant limit across conversations, or only records it when asked not to answer 429', async () => {
    const connector = await start({ rateLimits: teamsRateLimits({ perTenant: [{ limit: 3, windowMs: 1_000 }], respondWith429: false }) });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await post(connector, `v3/conversations/c${index}/activities`, activity(`${index}`))).status);
    expect((await post(connector, 'v3/conversations/c9/activities', activity('other tenant', 'tenant-2'))).status).toBe(201);

    expect(statuses).toEqual([201, 201, 201, 201]);
    expect(connector.violations.map((violation) => [violation.scope, violation.key])).toEqual([['tenant', 'tenant-1']]);
  });

  it('waits for a condition and times out with a description when it never holds', async () => {
    const connector = await start();
    const waiting = connector.waitFor(() => connector.messagesSentTo('c').length === 1, 2_000);
    await post(connector, 'v3/conversations/c/activities', activity('x'));
    await waiting;
    await expect(connector.waitFor(() => false, 50, 'a message to nowhere')).rejects.toThrow(
      'Fake connector: a message to nowhere did not happen within 50 ms (1 requests so far).',
    );
  });

  it('refuses fault scripts that make no sense', async () => {
    const connector = await start();
    expect(() => connector.failNext(0, faults.serverError())).toThrow(/positive whole count/);
    expect(() => connector.failFraction(1.5, faults.serverError())).toThrow(/between 0 and 1/);
  });
});
