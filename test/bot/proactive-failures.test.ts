import { afterEach, describe, expect, it } from 'vitest';
import { faults } from '../support/fake-connector.js';
import { startTestBot, type TestBot } from '../support/bot-harness.js';

describe('proactive messages through the composed bot', () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('records a blocked conversation as a dead letter and marks its reference inactive, never as sent', async () => {
    t = await startTestBot();
    const otto = t.user('otto');
    await t.say(otto, 'whoami');
    const conversationId = t.personalChatOf(otto);
    t.connector.failAlways(faults.conversationBlockedByUser(), { conversationId });

    const { outbox, references, store } = t.bot.services;
    await outbox.enqueue({
      idempotencyKey: 'test:blocked',
      target: { kind: 'user', tenantId: store.organization.tenantId, aadObjectId: otto.aadObjectId },
      activity: { type: 'message', text: 'Your mailbox was tested.' },
    });
    const report = await outbox.whenSettled(['test:blocked'], 10_000);

    expect(report.sent).toEqual([]);
    expect(report.failed).toEqual([expect.objectContaining({ idempotencyKey: 'test:blocked' })]);
    expect(references.forConversation(conversationId)?.active).toBe(false);
  });

  it('delivers to a reachable owner and keeps the message id for later updates', async () => {
    t = await startTestBot();
    const pia = t.user('pia');
    await t.say(pia, 'whoami');
    const { outbox, store } = t.bot.services;
    await outbox.enqueue({
      idempotencyKey: 'test:reachable',
      target: { kind: 'user', tenantId: store.organization.tenantId, aadObjectId: pia.aadObjectId },
      activity: { type: 'message', text: 'Hello Pia' },
    });
    const report = await outbox.whenSettled(['test:reachable'], 10_000);
    expect(report.sent).toEqual([expect.objectContaining({ idempotencyKey: 'test:reachable', conversationId: t.personalChatOf(pia) })]);
    expect(report.sent[0]?.activityId).toEqual(expect.any(String));
    expect(t.connector.messagesSentTo(t.personalChatOf(pia)).map((activity) => activity.text)).toContain('Hello Pia');
  });
});
