// Teams-shaped inbound activities for notify tests (the fields Teams sends; see teams.md §2.1, §2.6, §2.7).
export const TENANT = '00000000-0000-0000-0000-000000000001';
export const BOT_ID = '28:00000000-0000-0000-0000-000000000011';

export interface PersonalChat {
  readonly conversationId: string;
  readonly userId: string;
  readonly aadObjectId: string;
  readonly serviceUrl: string;
  readonly tenantId?: string;
}

export interface ChannelConversation {
  readonly conversationId: string;
  readonly teamId: string;
  readonly serviceUrl: string;
  readonly tenantId?: string;
}

export function personalMessage(chat: PersonalChat, text = 'help'): Record<string, unknown> {
  const tenantId = chat.tenantId ?? TENANT;
  return {
    type: 'message',
    id: `msg-${Math.random().toString(16).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: chat.serviceUrl,
    text,
    from: { id: chat.userId, name: 'A user', aadObjectId: chat.aadObjectId },
    recipient: { id: BOT_ID, name: 'Mailbox Sync Bot' },
    conversation: { id: chat.conversationId, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
  };
}

export function channelMessage(channel: ChannelConversation, text = 'help'): Record<string, unknown> {
  const tenantId = channel.tenantId ?? TENANT;
  return {
    type: 'message',
    channelId: 'msteams',
    serviceUrl: channel.serviceUrl,
    text: `<at>Mailbox Sync Bot</at> ${text}`,
    from: { id: '29:someone-in-the-team', name: 'Someone', aadObjectId: '00000000-0000-0000-0000-0000000000c3' },
    recipient: { id: BOT_ID, name: 'Mailbox Sync Bot' },
    conversation: { id: channel.conversationId, conversationType: 'channel', tenantId, isGroup: true },
    channelData: { tenant: { id: tenantId }, team: { id: channel.teamId }, channel: { id: channel.conversationId } },
  };
}

export function installationUpdate(chat: PersonalChat, action: 'add' | 'remove' | 'add-upgrade' | 'remove-upgrade'): Record<string, unknown> {
  return { ...personalMessage(chat), type: 'installationUpdate', action, text: undefined };
}

export function teamEvent(channel: ChannelConversation, eventType: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const message = channelMessage(channel);
  return {
    ...message,
    type: 'conversationUpdate',
    text: undefined,
    channelData: { tenant: { id: channel.tenantId ?? TENANT }, team: { id: channel.teamId }, channel: { id: channel.conversationId }, eventType },
    ...extra,
  };
}

/** A personal chat per index, all pointing at one service URL. */
export function personalChats(count: number, serviceUrl: string): PersonalChat[] {
  return Array.from({ length: count }, (_, index) => ({
    conversationId: `a:personal-chat-${index + 1}`,
    userId: `29:user-${index + 1}`,
    aadObjectId: `00000000-0000-0000-0000-0000000001${String(index + 1).padStart(2, '0')}`,
    serviceUrl,
  }));
}
