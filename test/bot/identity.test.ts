// Who is asking, from activities whose identity fields are malformed: a bad field counts as absent and never
// hides the good ones or throws.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActivityIdentity, identifyRequester } from '../../src/bot/identity.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { cardOf, startTestBot, textOf, type TestBot } from '../support/bot-harness.js';
import { exampleStore } from '../support/fixtures.js';

const ADA = '00000000-0000-4000-8000-000000000001';

describe('identifying the requester from a malformed activity', () => {
  let store: DocumentEmailConfigStore;
  beforeAll(async () => {
    store = await exampleStore();
  });

  const identify = (activity: unknown) => identifyRequester(ActivityIdentity.of(activity), store.organization, (id) => Promise.resolve(store.userByAadObjectId(id)));
  const tenant = () => store.organization.tenantId;

  it('finds the tenant in conversation.tenantId when channelData is not an object', async () => {
    const result = await identify({ from: { id: '29:ada', aadObjectId: ADA }, conversation: { id: 'a:1', tenantId: tenant() }, channelData: 'x' });
    expect(result).toMatchObject({ ok: true, user: { fullName: 'Ada Admin' } });
  });

  it('falls back to conversation.tenantId when channelData.tenant.id is a number', () => {
    expect(ActivityIdentity.of({ conversation: { tenantId: tenant() }, channelData: { tenant: { id: 7 } } }).tenantId).toBe(tenant());
  });

  it('ignores fields it does not use, whatever their type', async () => {
    const result = await identify({ from: { id: 5, name: ['Ada'], aadObjectId: ADA }, conversation: { id: {}, tenantId: tenant() }, channelData: { tenant: { id: tenant() } } });
    expect(result).toMatchObject({ ok: true, user: { fullName: 'Ada Admin' } });
  });

  it('treats an Entra id that is not a string as missing', async () => {
    const result = await identify({ from: { aadObjectId: 12345 }, channelData: { tenant: { id: tenant() } } });
    expect(result).toMatchObject({ ok: false, problem: 'noEntraId' });
  });

  it.each([null, 5, 'activity', [], { from: '__proto__', conversation: null, channelData: [] }])('refuses %j as from an unknown tenant', async (activity) => {
    expect(await identify(activity)).toMatchObject({ ok: false, problem: 'wrongTenant' });
  });
});

describe('the identity of a turn', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is read from the activity once, for the reference check and the requester alike', async () => {
    const ada = t.user('ada');
    await t.say(ada, 'hello');
    const reads = vi.spyOn(ActivityIdentity, 'of');
    try {
      const replies = await t.say(ada, 'whoami');
      expect(textOf(replies[0]) + JSON.stringify(cardOf(replies[0]) ?? {})).toContain('Ada Admin');
      expect(reads).toHaveBeenCalledTimes(1);
      reads.mockClear();
      const refused = await t.say(ada, 'whoami', { tenantId: '99999999-0000-4000-8000-000000000000' });
      expect(textOf(refused[0])).toContain('tenant 99999999-0000-4000-8000-000000000000');
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });
});
