import { describe, expect, it } from 'vitest';
import { ConversationReferenceRegistry, conversationReferenceRecordSchema } from '../../src/notify/conversation-references.js';
import type { NotifyChanges } from '../../src/app/notify-state.js';
import { InMemoryNotifyRepository } from '../../src/notify/repository.js';
import { BOT_ID, TENANT, channelMessage, installationUpdate, personalMessage, teamEvent, type ChannelConversation, type PersonalChat } from './activities.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const ada: PersonalChat = {
  conversationId: 'a:1personal-ada',
  userId: '29:1ada',
  aadObjectId: '00000000-0000-0000-0000-0000000000a1',
  serviceUrl: SERVICE_URL,
};
const alerts: ChannelConversation = { conversationId: '19:alerts@thread.tacv2', teamId: '19:team@thread.tacv2', serviceUrl: SERVICE_URL };
const general: ChannelConversation = { conversationId: '19:team@thread.tacv2', teamId: '19:team@thread.tacv2', serviceUrl: SERVICE_URL };

let clock = Date.parse('2026-03-01T09:00:00Z');
const now = () => new Date((clock += 1_000));

async function openRegistry(repository = new InMemoryNotifyRepository()) {
  return { repository, registry: await ConversationReferenceRegistry.open(repository, { now }) };
}

describe('conversation reference registry', () => {
  it('stores a personal chat from a message with everything a proactive send needs, found by tenant and Entra object id', async () => {
    const { registry, repository } = await openRegistry();
    const result = await registry.recordInbound(personalMessage(ada));

    expect(result.ok && result.value.change).toBe('created');
    expect(registry.forUser(TENANT, ada.aadObjectId)).toEqual(
      expect.objectContaining({
        conversationId: ada.conversationId,
        conversationType: 'personal',
        channelId: 'msteams',
        serviceUrl: SERVICE_URL,
        tenantId: TENANT,
        botId: BOT_ID,
        userId: ada.userId,
        aadObjectId: ada.aadObjectId,
        teamId: null,
        active: true,
      }),
    );
    expect(registry.forUser(TENANT, ada.aadObjectId.toUpperCase())?.conversationId).toBe(ada.conversationId);
    expect(registry.forUser('another-tenant', ada.aadObjectId)).toBeUndefined();
    // Persisted as a plain JSON record that validates against the exported schema.
    const [saved] = repository.snapshot().references;
    expect(conversationReferenceRecordSchema.safeParse(saved).success).toBe(true);
  });

  it('stores channels by conversation id without a user, with their team', async () => {
    const { registry } = await openRegistry();
    await registry.recordInbound(channelMessage(alerts));
    const record = registry.forConversation(alerts.conversationId);
    expect(record).toEqual(expect.objectContaining({ conversationType: 'channel', userId: null, aadObjectId: null, teamId: alerts.teamId }));
  });

  it('writes nothing when an activity changes nothing, and refreshes a changed serviceUrl', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(personalMessage(ada));
    const savesAfterCreate = repository.saveCount;

    const same = await registry.recordInbound(personalMessage(ada, 'status'));
    expect(same.ok && same.value.change).toBe('unchanged');
    expect(repository.saveCount).toBe(savesAfterCreate);

    const moved = await registry.recordInbound(personalMessage({ ...ada, serviceUrl: 'https://smba.trafficmanager.net/amer/' }));
    expect(moved.ok && moved.value.change).toBe('refreshed');
    expect(registry.forUser(TENANT, ada.aadObjectId)?.serviceUrl).toBe('https://smba.trafficmanager.net/amer/');
    expect(repository.snapshot().references[0]?.serviceUrl).toBe('https://smba.trafficmanager.net/amer/');
    expect(repository.saveCount).toBe(savesAfterCreate + 1);
  });

  it('marks a personal chat inactive on uninstall and active again on install', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(personalMessage(ada));

    const removed = await registry.recordInbound(installationUpdate(ada, 'remove'));
    expect(removed.ok && removed.value.change).toBe('deactivated');
    expect(registry.forUser(TENANT, ada.aadObjectId)).toEqual(
      expect.objectContaining({ active: false, inactiveReason: 'the app was uninstalled from this conversation' }),
    );
    expect(repository.snapshot().references[0]?.active).toBe(false);

    const added = await registry.recordInbound(installationUpdate(ada, 'add'));
    expect(added.ok && added.value.change).toBe('reactivated');
    expect(registry.forUser(TENANT, ada.aadObjectId)).toEqual(expect.objectContaining({ active: true, inactiveReason: null }));
  });

  it('records an uninstall of a conversation it never saw as an inactive reference', async () => {
    const { registry } = await openRegistry();
    const result = await registry.recordInbound(installationUpdate(ada, 'remove-upgrade'));
    expect(result.ok && result.value.change).toBe('deactivated');
    expect(registry.forConversation(ada.conversationId)?.active).toBe(false);
  });

  it('marks a channel inactive when the bot is among the members removed, and active when it is added back', async () => {
    const { registry } = await openRegistry();
    await registry.recordInbound(channelMessage(alerts));
    // Someone else leaving changes nothing.
    const otherLeft = await registry.recordInbound({ ...teamEvent(alerts, ''), membersRemoved: [{ id: '29:someone' }] });
    expect(otherLeft.ok && otherLeft.value.change).toBe('unchanged');

    const removed = await registry.recordInbound({ ...teamEvent(alerts, ''), membersRemoved: [{ id: BOT_ID }] });
    expect(removed.ok && removed.value.change).toBe('deactivated');
    expect(registry.forConversation(alerts.conversationId)?.inactiveReason).toBe('the bot was removed from this conversation');
    const back = await registry.recordInbound({ ...teamEvent(alerts, ''), membersAdded: [{ id: BOT_ID }] });
    expect(back.ok && back.value.change).toBe('reactivated');
  });

  it('deactivates every channel of a deleted team in one write, and reactivates them when the team is restored', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(channelMessage(alerts));
    await registry.recordInbound(channelMessage(general));
    await registry.recordInbound(personalMessage(ada));
    const savesBefore = repository.saveCount;

    const deleted = await registry.recordInbound(teamEvent(general, 'teamDeleted'));
    expect(deleted.ok && deleted.value.alsoChanged.map((record) => record.conversationId)).toEqual([alerts.conversationId]);
    expect(repository.saveCount).toBe(savesBefore + 1);
    expect(registry.forConversation(alerts.conversationId)?.inactiveReason).toBe('the team was deleted');
    expect(registry.forConversation(general.conversationId)?.active).toBe(false);
    expect(registry.forUser(TENANT, ada.aadObjectId)?.active).toBe(true);

    await registry.recordInbound(teamEvent(general, 'teamRestored'));
    expect(registry.forConversation(alerts.conversationId)?.active).toBe(true);
  });

  it('deactivates a deleted channel named in the event that arrives in the General channel', async () => {
    const { registry } = await openRegistry();
    await registry.recordInbound(channelMessage(alerts));
    await registry.recordInbound(
      teamEvent(general, 'channelDeleted', { channelData: { tenant: { id: TENANT }, team: { id: general.teamId }, channel: { id: alerts.conversationId }, eventType: 'channelDeleted' } }),
    );
    expect(registry.forConversation(alerts.conversationId)?.inactiveReason).toBe('the channel was deleted');
    expect(registry.forConversation(general.conversationId)?.active).toBe(true);
  });

  it('reactivates a reference the outbox deactivated once the user talks to the bot again', async () => {
    const { registry } = await openRegistry();
    await registry.recordInbound(personalMessage(ada));
    await registry.deactivate(ada.conversationId, 'Teams answered 403 ConversationBlockedByUser');
    expect(registry.forUser(TENANT, ada.aadObjectId)?.active).toBe(false);

    const back = await registry.recordInbound(personalMessage(ada, 'hello again'));
    expect(back.ok && back.value.change).toBe('reactivated');
  });

  it('saves a deactivation together with the outbox changes handed to it', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(personalMessage(ada));
    const before = repository.saveCount;
    await registry.deactivate(ada.conversationId, 'Teams answered 404 ConversationNotFound', {
      outbox: [
        {
          idempotencyKey: 'k1',
          target: { kind: 'conversation', conversationId: ada.conversationId },
          activity: { type: 'message', text: 'hello' },
          update: null,
          requestedBy: null,
          enqueuedAt: '2026-03-01T09:00:00.000Z',
          conversationId: ada.conversationId,
          state: 'dead',
          attempts: 1,
          sentActivityId: null,
          sentAt: null,
          deadLetter: { reason: 'ConversationNotFound', detail: '404', at: '2026-03-01T09:00:01.000Z' },
        },
      ],
    });
    expect(repository.saveCount).toBe(before + 1);
    const saved = repository.snapshot();
    expect(saved.references[0]?.active).toBe(false);
    expect(saved.outbox.map((entry) => entry.state)).toEqual(['dead']);
  });

  it('rebuilds both indexes from the repository, preferring the active personal chat of a user', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(personalMessage({ ...ada, conversationId: 'a:old-chat' }));
    await registry.recordInbound(installationUpdate({ ...ada, conversationId: 'a:old-chat' }, 'remove'));
    await registry.recordInbound(personalMessage(ada));
    await registry.recordInbound(channelMessage(alerts));

    const reopened = await ConversationReferenceRegistry.open(repository, { now });
    expect(reopened.forUser(TENANT, ada.aadObjectId)?.conversationId).toBe(ada.conversationId);
    expect(reopened.forConversation('a:old-chat')?.active).toBe(false);
    expect(reopened.forConversation(alerts.conversationId)?.conversationType).toBe('channel');
    expect(reopened.all()).toHaveLength(3);
  });

  it('refuses an activity without the fields a reference needs, saying which', async () => {
    const { registry, repository } = await openRegistry();
    const noServiceUrl = { ...personalMessage(ada), serviceUrl: undefined };
    const result = await registry.recordInbound(noServiceUrl);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/serviceUrl/);

    const badType = await registry.recordInbound({ ...personalMessage(ada), conversation: { id: 'x', conversationType: 'meeting' } });
    expect(!badType.ok && badType.error).toMatch(/conversationType "meeting"/);
    const garbage = await registry.recordInbound('not an activity');
    expect(!garbage.ok && garbage.error).toContain('Cannot record the conversation reference');
    expect(repository.saveCount).toBe(0);
  });

  it('treats an activity without a conversation type as a personal chat, or a group chat when isGroup is set', async () => {
    const { registry } = await openRegistry();
    const plain = personalMessage(ada);
    await registry.recordInbound({ ...plain, conversation: { id: 'emulator-1' } });
    await registry.recordInbound({ ...plain, conversation: { id: 'group-1', isGroup: true } });
    expect(registry.forConversation('emulator-1')?.conversationType).toBe('personal');
    expect(registry.forConversation('group-1')?.conversationType).toBe('groupChat');
    expect(registry.forConversation('group-1')?.userId).toBeNull();
  });
  it('answers an everyday message in a known conversation with the stored reference, without a write or a timestamp', async () => {
    const repository = new InMemoryNotifyRepository();
    let clockReads = 0;
    const registry = await ConversationReferenceRegistry.open(repository, {
      now: () => {
        clockReads += 1;
        return now();
      },
    });
    await registry.recordInbound(personalMessage(ada));
    const stored = registry.forConversation(ada.conversationId);
    const [savesBefore, readsBefore] = [repository.saveCount, clockReads];

    const again = await registry.recordInbound(personalMessage(ada, 'whoami'));
    expect(again).toEqual({ ok: true, value: { change: 'unchanged', reference: stored, alsoChanged: [] } });
    expect(again.ok && again.value.reference).toBe(stored);
    expect(repository.saveCount).toBe(savesBefore);
    expect(clockReads).toBe(readsBefore);
  });

  it('still validates a serviceUrl that differs from the stored one', async () => {
    const { registry, repository } = await openRegistry();
    await registry.recordInbound(personalMessage(ada));
    const savesAfterCreate = repository.saveCount;
    for (const serviceUrl of ['not a url', 'ftp://smba.trafficmanager.net/emea/']) {
      const result = await registry.recordInbound(personalMessage({ ...ada, serviceUrl }));
      expect(!result.ok && result.error).toMatch(/serviceUrl must be an http\(s\) URL/);
    }
    expect(registry.forUser(TENANT, ada.aadObjectId)?.serviceUrl).toBe(SERVICE_URL);
    expect(repository.saveCount).toBe(savesAfterCreate);
  });

  it('reactivates a conversation when a message arrives while its deactivation is being saved', async () => {
    let releaseSave = (): void => undefined;
    let saveStarted = (): void => undefined;
    const deactivationSaving = new Promise<void>((resolve) => (saveStarted = resolve));
    class SlowRepository extends InMemoryNotifyRepository {
      holdSaves = false;
      override async save(changes: NotifyChanges): Promise<void> {
        if (this.holdSaves) {
          this.holdSaves = false;
          const released = new Promise<void>((resolve) => (releaseSave = resolve));
          saveStarted();
          await released;
        }
        return super.save(changes);
      }
    }
    const repository = new SlowRepository();
    const { registry } = await openRegistry(repository);
    await registry.recordInbound(personalMessage(ada));

    repository.holdSaves = true;
    const deactivation = registry.deactivate(ada.conversationId, 'Teams answered 403 ConversationBlockedByUser');
    await deactivationSaving;
    // The reference still reads active here, but the message must not be answered from that state.
    const message = registry.recordInbound(personalMessage(ada, 'hello again'));
    releaseSave();
    await deactivation;
    const back = await message;
    expect(back.ok && back.value.change).toBe('reactivated');
    expect(registry.forUser(TENANT, ada.aadObjectId)?.active).toBe(true);
    expect(repository.snapshot().references[0]?.active).toBe(true);
  });
});
